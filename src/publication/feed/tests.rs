use std::io::{BufReader, Read};

use super::*;
use crate::publication::Value;
use crate::publication::mapped::{Mapper, Record};
use crate::publication::profile::{From, Instant, Kind, Mapping, Profile};
use crate::time::TimeForm;

fn records(feed: impl AsRef<[u8]>, format: Format) -> Vec<FeedRecord> {
    let mut reader = FeedReader::new(feed.as_ref(), format);
    std::iter::from_fn(|| reader.next()).collect()
}

fn items(feed: &str, format: Format) -> Vec<Item> {
    records(feed, format)
        .into_iter()
        .map(|record| match record {
            FeedRecord::Item(item) => item,
            FeedRecord::Invalid { error, .. } => panic!("invalid: {error:?}"),
            FeedRecord::Unreadable { reason } => panic!("unreadable: {reason}"),
        })
        .collect()
}

/// Every value of `field` in `item`, each with its text as written,
/// checking that values are source text only when they are.
fn values(item: &Item, field: &str) -> Vec<(String, String)> {
    let (mut side, mut found) = (String::new(), Vec::new());
    item.values(field, &mut side, &mut found).unwrap();
    found
        .iter()
        .map(|f| {
            if let Value::Text(range) = &f.value {
                assert_eq!(
                    range, &f.written,
                    "{field}: a value in the text is as written"
                );
            }
            let value = f.value.get(&item.text, &side).to_string();
            (value, item.text[f.written.clone()].to_string())
        })
        .collect()
}

/// Checks `(field, [(value, as written)])` rows against `item`.
fn check(item: &Item, table: &[(&str, &[(&str, &str)])]) {
    for (field, expected) in table {
        let expected: Vec<_> = expected
            .iter()
            .map(|(v, w)| (v.to_string(), w.to_string()))
            .collect();
        assert_eq!(values(item, field), expected, "field `{field}`");
    }
}

fn invalid(record: &FeedRecord) -> (&str, usize, &LineError) {
    match record {
        FeedRecord::Invalid {
            text, line, error, ..
        } => (text.as_str(), *line, error),
        FeedRecord::Item(item) => panic!("an item, not an invalid record: {}", item.text),
        FeedRecord::Unreadable { reason } => panic!("unreadable, not an invalid record: {reason}"),
    }
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Le Monde.fr - Politique</title>
    <link>https://www.lemonde.fr/politique/</link>
    <item>
      <title><![CDATA[Sondage : Macron & Le Pen au second tour]]></title>
      <link>https://www.lemonde.fr/a/1.html</link>
      <guid isPermaLink="false">lemonde-1</guid>
      <pubDate>Sat, 06 May 2017 10:00:00 +0000</pubDate>
      <dc:creator>Jean Dupont</dc:creator>
      <category>Politique</category>
      <category>Sondages</category>
      <category domain="rubrique">Présidentielle &amp; législatives</category>
      <enclosure url="https://img.lemonde.fr/1.jpg?w=1&amp;h=2" type="image/jpeg"/>
      <description>Un &lt;b&gt;sondage&lt;/b&gt; <![CDATA[<i>Ifop</i>]]> &#233;t&#xE9; &quot;x&quot; &apos;y&apos;</description>
    </item>
    <item><title>Deuxième</title><pubDate>Sat, 06 May 2017 11:00:00 +0000</pubDate><category/></item>
  </channel>
</rss>
"#;

#[test]
fn rss_items_their_fields_and_lines() {
    let items = items(RSS, Format::Rss);
    assert_eq!(items.len(), 2);
    let [first, second] = [&items[0], &items[1]];
    assert_eq!((first.line, second.line), (6, 18));
    assert!(first.text.starts_with("<item>") && first.text.ends_with("</item>"));
    assert_eq!(
        second.text,
        &RSS[RSS.find("<item><title>Deux").unwrap()..][..second.text.len()]
    );
    check(
        first,
        &[
            (
                "title",
                &[(
                    "Sondage : Macron & Le Pen au second tour",
                    "Sondage : Macron & Le Pen au second tour",
                )],
            ),
            (
                "link",
                &[(
                    "https://www.lemonde.fr/a/1.html",
                    "https://www.lemonde.fr/a/1.html",
                )],
            ),
            ("guid", &[("lemonde-1", "lemonde-1")]),
            ("guid@isPermaLink", &[("false", "false")]),
            (
                "pubDate",
                &[(
                    "Sat, 06 May 2017 10:00:00 +0000",
                    "Sat, 06 May 2017 10:00:00 +0000",
                )],
            ),
            ("dc:creator", &[("Jean Dupont", "Jean Dupont")]),
            (
                "category",
                &[
                    ("Politique", "Politique"),
                    ("Sondages", "Sondages"),
                    (
                        "Présidentielle & législatives",
                        "Présidentielle &amp; législatives",
                    ),
                ],
            ),
            ("category@domain", &[("rubrique", "rubrique")]),
            (
                "enclosure@url",
                &[(
                    "https://img.lemonde.fr/1.jpg?w=1&h=2",
                    "https://img.lemonde.fr/1.jpg?w=1&amp;h=2",
                )],
            ),
            (
                "description",
                &[(
                    r#"Un <b>sondage</b> <i>Ifop</i> été "x" 'y'"#,
                    r#"Un &lt;b&gt;sondage&lt;/b&gt; <![CDATA[<i>Ifop</i>]]> &#233;t&#xE9; &quot;x&quot; &apos;y&apos;"#,
                )],
            ),
            // The channel's own fields are no item's.
            ("rss@version", &[]),
            ("creator", &[]),
            ("missing", &[]),
            ("enclosure", &[]),
        ],
    );
    check(
        second,
        &[("title", &[("Deuxième", "Deuxième")]), ("category", &[])],
    );
}

#[test]
fn atom_entries() {
    let feed = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le blog</title>
  <link href="https://blog.example.org/"/>
  <entry>
    <title type="html">R&#233;sultats &amp; estimations</title>
    <link rel="alternate" href="https://blog.example.org/1"/>
    <link rel="enclosure" href="https://blog.example.org/1.mp3"/>
    <id>urn:uuid:1</id>
    <published>2017-05-07T20:00:00+02:00</published>
    <updated>2017-05-07T20:05:00+02:00</updated>
    <category term="resultats" label="Résultats"/>
    <category term="politique"/>
    <author>
      <name>Marie Curie</name>
      <email>marie@example.org</email>
    </author>
  </entry>
</feed>"#;
    let items = items(feed, Format::Atom);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].line, 5);
    check(
        &items[0],
        &[
            (
                "title",
                &[(
                    "Résultats & estimations",
                    "R&#233;sultats &amp; estimations",
                )],
            ),
            ("title@type", &[("html", "html")]),
            (
                "link@href",
                &[
                    ("https://blog.example.org/1", "https://blog.example.org/1"),
                    (
                        "https://blog.example.org/1.mp3",
                        "https://blog.example.org/1.mp3",
                    ),
                ],
            ),
            ("link", &[]),
            ("id", &[("urn:uuid:1", "urn:uuid:1")]),
            (
                "published",
                &[("2017-05-07T20:00:00+02:00", "2017-05-07T20:00:00+02:00")],
            ),
            (
                "updated",
                &[("2017-05-07T20:05:00+02:00", "2017-05-07T20:05:00+02:00")],
            ),
            (
                "category@term",
                &[("resultats", "resultats"), ("politique", "politique")],
            ),
            ("category@label", &[("Résultats", "Résultats")]),
            ("name", &[("Marie Curie", "Marie Curie")]),
            // An element's text includes its descendants'.
            (
                "author",
                &[(
                    "Marie Curie\n      marie@example.org",
                    "Marie Curie</name>\n      <email>marie@example.org",
                )],
            ),
        ],
    );
}

#[test]
fn atom_under_a_prefix_of_its_own() {
    let feed = "<a:feed xmlns:a='http://www.w3.org/2005/Atom'><a:title>Blog</a:title>\
<a:entry><a:title>T</a:title><a:link href='https://x/1'/></a:entry></a:feed>";
    let items = items(feed, Format::Atom);
    assert_eq!(items.len(), 1);
    check(
        &items[0],
        &[
            ("title", &[("T", "T")]),
            ("link@href", &[("https://x/1", "https://x/1")]),
            ("a:title", &[]),
        ],
    );
}

#[test]
fn an_element_with_children_has_their_text_in_side() {
    let feed = "<feed xmlns='http://www.w3.org/2005/Atom'><entry><author> <name>A</name> <email>b</email> </author></entry></feed>";
    let items = items(feed, Format::Atom);
    check(&items[0], &[("author", &[("A b", "A</name> <email>b")])]);
}

#[test]
fn google_news_sitemap_with_its_own_prefix() {
    let feed = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:gn="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:img="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://www.lefigaro.fr/1</loc>
    <gn:news>
      <gn:publication>
        <gn:name>Le Figaro</gn:name>
        <gn:language>fr</gn:language>
      </gn:publication>
      <gn:publication_date>2017-05-06T10:00:00+02:00</gn:publication_date>
      <gn:title>Sondage Ifop : les intentions de vote</gn:title>
      <gn:keywords>sondage, présidentielle</gn:keywords>
    </gn:news>
    <img:image><img:loc>https://i.lefigaro.fr/1.jpg</img:loc></img:image>
  </url>
  <url>
    <loc>https://www.lefigaro.fr/2</loc>
    <news xmlns="http://www.google.com/schemas/sitemap-news/0.9"><title>Par défaut</title></news>
  </url>
</urlset>"#;
    let items = items(feed, Format::Sitemap);
    assert_eq!(items.iter().map(|i| i.line).collect::<Vec<_>>(), [5, 18]);
    check(
        &items[0],
        &[
            (
                "loc",
                &[("https://www.lefigaro.fr/1", "https://www.lefigaro.fr/1")],
            ),
            ("news:name", &[("Le Figaro", "Le Figaro")]),
            (
                "news:publication_date",
                &[("2017-05-06T10:00:00+02:00", "2017-05-06T10:00:00+02:00")],
            ),
            (
                "news:title",
                &[(
                    "Sondage Ifop : les intentions de vote",
                    "Sondage Ifop : les intentions de vote",
                )],
            ),
            (
                "news:keywords",
                &[("sondage, présidentielle", "sondage, présidentielle")],
            ),
            (
                "image:loc",
                &[("https://i.lefigaro.fr/1.jpg", "https://i.lefigaro.fr/1.jpg")],
            ),
            // The document's prefix names nothing.
            ("gn:title", &[]),
            ("title", &[]),
        ],
    );
    check(
        &items[1],
        &[
            ("news:title", &[("Par défaut", "Par défaut")]),
            ("title", &[]),
        ],
    );
}

#[test]
fn names_of_other_namespaces_are_as_written() {
    let feed = r#"<rss xmlns:atom="http://www.w3.org/2005/Atom" xmlns:it="http://www.itunes.com/dtds/podcast-1.0.dtd"
    xmlns:m="http://search.yahoo.com/mrss/"><channel><item>
<it:author>Radio</it:author><dc:creator>Unbound</dc:creator><atom:link href="https://a/1"/>
<m:content url="https://v/1.mp4" m:medium="video"><m:title>Clip</m:title></m:content>
<p xml:lang="fr" lang="x">Texte</p>
</item></channel></rss>"#;
    let items = items(feed, Format::Rss);
    check(
        &items[0],
        &[
            ("it:author", &[("Radio", "Radio")]),
            ("dc:creator", &[("Unbound", "Unbound")]),
            ("link@href", &[("https://a/1", "https://a/1")]),
            (
                "media:content@url",
                &[("https://v/1.mp4", "https://v/1.mp4")],
            ),
            ("media:content@media:medium", &[("video", "video")]),
            ("media:title", &[("Clip", "Clip")]),
            ("p@xml:lang", &[("fr", "fr")]),
            ("p@lang", &[("x", "x")]),
        ],
    );
}

#[test]
fn a_record_element_anywhere_not_nested_in_a_record() {
    let feed =
        "<a><item><t>1</t><item><t>2</t></item></item><b><item><t>3</t></item></b><entry/></a>";
    let items = items(feed, Format::Rss);
    assert_eq!(items.len(), 2);
    check(&items[0], &[("t", &[("1", "1"), ("2", "2")])]);
    check(&items[1], &[("t", &[("3", "3")])]);
    let empty = self::items("<feed><entry/></feed>", Format::Atom);
    assert_eq!(empty[0].text, "<entry/>");
    assert_eq!(records("<log/>", Format::Log), []);
}

#[test]
fn not_well_formed_xml_ends_the_feed() {
    // Feed, where the error is (line, column), and what is said.
    let cases = [
        (
            "<rss><channel><item><title>1</title></item>\n<item><title>x</titl></item></channel></rss>",
            (2, 15),
            "expected `</title>`, but `</titl>` was found",
        ),
        (
            "<rss><channel><item><title>1</title></item>\n",
            (2, 1),
            "the feed ends before `<channel>` (line 1) is closed",
        ),
        (
            "<rss><channel></channel></rss>\n  junk\n",
            (2, 3),
            "text after the root element",
        ),
        ("<rss/>\n<rss/>", (2, 1), "a second root element, `<rss>`"),
        ("x<rss/>", (1, 1), "text before the root element"),
        ("", (1, 1), "the feed has no root element"),
        (
            "<rss><channel><item><title>a & b</title></item></channel></rss>",
            (1, 30),
            "not closed",
        ),
        (
            "<rss><channel><item><link href='a&b'/></item></channel></rss>",
            (1, 34),
            "`&` starts no reference",
        ),
        (
            "<rss><channel><item><link a='1' a='2'/></item></channel></rss>",
            (1, 33),
            "an attribute written twice",
        ),
        (
            "<rss><channel><item><link a/></item></channel></rss>",
            (1, 28),
            "an attribute name without `=`",
        ),
        // Columns count characters, not bytes.
        (
            "<rss><title>é</title></ti></rss>",
            (1, 22),
            "expected `</rss>`, but `</ti>` was found",
        ),
        ("<rss><channel><item><title", (1, 21), "not closed"),
        (
            "<rss></rss>&amp;",
            (1, 12),
            "a reference outside the root element",
        ),
    ];
    for (feed, (line, column), said) in cases {
        let all = records(feed, Format::Rss);
        let last = all.last().unwrap_or_else(|| panic!("{feed:?}: no record"));
        let (text, at, error) = invalid(last);
        assert_eq!(error.kind, LineErrorKind::BadXml, "{feed:?}: {error:?}");
        assert_eq!(at, line, "{feed:?}: {error:?}");
        let place = format!("at line {line}, column {column}: the rest of the feed is not read");
        assert!(
            error.message.ends_with(&place),
            "{feed:?}: {}",
            error.message
        );
        assert!(error.message.contains(said), "{feed:?}: {}", error.message);
        assert!(
            error.span.end() <= text.len(),
            "{feed:?}: {error:?} in {text:?}"
        );
        for record in &all[..all.len() - 1] {
            assert!(
                matches!(record, FeedRecord::Item(_)),
                "{feed:?}: {record:?}"
            );
        }
    }
    let mut reader = FeedReader::new("<a><item></a>".as_bytes(), Format::Rss);
    assert!(matches!(reader.next(), Some(FeedRecord::Invalid { .. })));
    assert_eq!(reader.next(), None);
    assert_eq!(reader.next(), None);
}

#[test]
fn the_error_points_at_the_tag_in_its_line() {
    let feed = "<rss><channel>\n  <item><title>x</titl></item>\n</channel></rss>";
    let all = records(feed, Format::Rss);
    let (text, line, error) = invalid(&all[0]);
    assert_eq!(line, 2);
    assert_eq!(&text[error.span.offset..], "</titl>", "{error:?}");
}

#[test]
fn entities_other_than_the_predefined_make_an_item_invalid() {
    let feed = "<rss><channel>\
<item><title>a&nbsp;b</title></item>\
<item><title>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;</title></item>\
<item><enclosure url='x&foo;y'/></item>\
<item><title>&#0;</title></item>\
</channel></rss>";
    let all = records(feed, Format::Rss);
    assert_eq!(all.len(), 4);
    let (text, _, error) = invalid(&all[0]);
    assert_eq!(error.kind, LineErrorKind::XmlEntity);
    assert_eq!(&text[error.span.offset..error.span.end()], "&nbsp;");
    assert!(
        error
            .message
            .contains("`&nbsp;` is an entity scrutin does not expand"),
        "{}",
        error.message
    );
    let FeedRecord::Item(item) = &all[1] else {
        panic!("{:?}", all[1]);
    };
    check(
        item,
        &[(
            "title",
            &[("<>&\"'AB", "&lt;&gt;&amp;&quot;&apos;&#65;&#x42;")],
        )],
    );
    let (text, _, error) = invalid(&all[2]);
    assert_eq!(
        (error.kind, &text[error.span.offset..error.span.end()]),
        (LineErrorKind::XmlEntity, "&foo;")
    );
    let (text, _, error) = invalid(&all[3]);
    assert_eq!(
        (error.kind, &text[error.span.offset..error.span.end()]),
        (LineErrorKind::XmlEntity, "&#0;")
    );
}

#[test]
fn a_billion_laughs_is_never_expanded() {
    let mut feed =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n  <!ENTITY lol \"lol\">\n");
    for n in 1..=9 {
        let previous = if n == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", n - 1)
        };
        let entity = format!("&{previous};").repeat(10);
        feed.push_str(&format!("  <!ENTITY lol{n} \"{entity}\">\n"));
    }
    feed.push_str("]>\n<rss><channel><title>&lol9;</title>\n<item><title>&lol9;</title></item>\n<item><title>ok</title></item>\n</channel></rss>\n");
    let all = records(&feed, Format::Rss);
    assert_eq!(all.len(), 2);
    let (text, line, error) = invalid(&all[0]);
    assert_eq!(
        (text, line, error.kind),
        (
            "<item><title>&lol9;</title></item>",
            15,
            LineErrorKind::XmlEntity
        )
    );
    let FeedRecord::Item(item) = &all[1] else {
        panic!("{:?}", all[1]);
    };
    check(item, &[("title", &[("ok", "ok")])]);
}

#[test]
fn byte_order_marks_and_encodings() {
    let items = items(
        "\u{FEFF}<rss><channel>\n<item><title>é</title></item></channel></rss>",
        Format::Rss,
    );
    assert_eq!(
        (items[0].line, items[0].text.as_str()),
        (2, "<item><title>é</title></item>")
    );
    let all = records(b"\xEF\xBB\xBF\n<rss/>\n  junk", Format::Rss);
    let (_, line, error) = invalid(&all[0]);
    assert!(
        error
            .message
            .ends_with("at line 3, column 3: the rest of the feed is not read"),
        "{line}: {error:?}"
    );

    let utf16 = records(b"\xFF\xFE<\0r\0s\0s\0/\0>\0", Format::Rss);
    let (_, _, error) = invalid(&utf16[0]);
    assert_eq!(error.kind, LineErrorKind::NotUtf8);
    assert_eq!(utf16.len(), 1);

    let latin1 = records(
        b"<?xml version='1.0' encoding='ISO-8859-1'?><rss><channel><item/></channel></rss>",
        Format::Rss,
    );
    let (_, _, error) = invalid(&latin1[0]);
    assert_eq!(error.kind, LineErrorKind::NotUtf8);
    assert!(error.message.contains("`ISO-8859-1`"), "{}", error.message);
    assert_eq!(latin1.len(), 1);

    let bad = records(b"<rss><channel><item><title>caf\xE9</title></item>\n<item><title>ok</title></item></channel></rss>", Format::Rss);
    assert_eq!(bad.len(), 2);
    let (text, line, error) = invalid(&bad[0]);
    assert_eq!(
        (text, line, error.kind, error.span.offset),
        ("<item><title>caf", 1, LineErrorKind::NotUtf8, 16)
    );
    assert!(matches!(&bad[1], FeedRecord::Item(item) if item.line == 2));
}

#[test]
fn an_item_over_the_cap_is_skipped_without_being_held() {
    let long = "x".repeat(MAX_LINE_BYTES);
    let feed = format!(
        "<rss><channel>\n<item><title>1</title>\n<description>{long}</description>\n</item>\n<item><title>2</title></item></channel></rss>"
    );
    let all = records(&feed, Format::Rss);
    assert_eq!(all.len(), 2);
    let (text, line, error) = invalid(&all[0]);
    assert_eq!((line, error.kind), (2, LineErrorKind::TooLong));
    assert!(
        text.starts_with("<item><title>1</title>") && text.len() <= 200,
        "{}",
        text.len()
    );
    let FeedRecord::Item(item) = &all[1] else {
        panic!("{:?}", all[1]);
    };
    assert_eq!(item.line, 5);
    check(item, &[("title", &[("2", "2")])]);

    // An item of exactly the cap is read.
    let title = "y".repeat(MAX_LINE_BYTES - "<item><title></title></item>".len());
    let feed = format!("<rss><item><title>{title}</title></item></rss>");
    let items = items(&feed, Format::Rss);
    assert_eq!(items[0].text.len(), MAX_LINE_BYTES);

    // In an item, a CDATA section over the cap makes the item too long.
    let feed = format!("<rss><item><title><![CDATA[{long}]]></title></item><item/></rss>");
    let all = records(&feed, Format::Rss);
    assert_eq!(invalid(&all[0]).2.kind, LineErrorKind::TooLong);
    assert!(matches!(&all[1], FeedRecord::Item(item) if item.text == "<item/>"));

    // Elsewhere it is one token longer than may be held: it ends the feed.
    let feed = format!(
        "<rss><channel><description><![CDATA[{long}{long}]]></description><item/></channel></rss>"
    );
    let all = records(&feed, Format::Rss);
    let (text, line, error) = invalid(&all[0]);
    assert_eq!((line, error.kind), (1, LineErrorKind::TooLong));
    assert!(
        error.message.contains("at line 1, column 28"),
        "{}",
        error.message
    );
    // The context of the error is a little of its line, not the token.
    assert_eq!(&text[error.span.offset..][..12], "<![CDATA[xxx");
    assert!(
        text.starts_with("<rss><channel><description>") && text.len() <= 2 * 256,
        "{}",
        text.len()
    );
    assert_eq!(all.len(), 1);
}

#[test]
fn elements_nested_too_deep_end_the_feed() {
    let feed = format!("<rss>{}", "<a>".repeat(document::MAX_DEPTH + 10));
    let all = records(&feed, Format::Rss);
    assert_eq!(all.len(), 1);
    let (_, _, error) = invalid(&all[0]);
    assert_eq!(error.kind, LineErrorKind::TooLong);
}

/// Gives its bytes one at a time: every piece of text and every tag is
/// cut everywhere it can be.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let Some((first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        if let Some(slot) = out.first_mut() {
            *slot = *first;
            self.0 = rest;
            return Ok(1);
        }
        Ok(0)
    }
}

#[test]
fn reading_in_pieces_reads_the_same() {
    let feeds = [
        RSS,
        "<rss><channel>\n  <item><title>x</titl></item>\n</channel></rss>",
        "<rss><channel>\n<item>&nbsp;</item>\n</channel></rss>\n\n junk",
        "\u{FEFF}<rss><item><title>x</title></item></rss>",
    ];
    for feed in feeds {
        let whole = records(feed, Format::Rss);
        let mut reader = FeedReader::new(
            BufReader::with_capacity(1, Trickle(feed.as_bytes())),
            Format::Rss,
        );
        let trickled: Vec<_> = std::iter::from_fn(|| reader.next()).collect();
        assert_eq!(trickled, whole, "{feed}");
    }
}

#[test]
fn an_item_through_the_mapper() {
    let rulebook = crate::rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
    let field = |field: &str, map: &[(&str, &str)]| From::Field {
        field: field.to_string(),
        map: map
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        default: None,
        optional: false,
    };
    let profile = Profile {
        name: "lemonde-rss".to_string(),
        input: Some(Format::Rss),
        timestamp: Instant {
            field: "pubDate".to_string(),
            form: TimeForm::Rfc2822,
        },
        first_published: None,
        end: None,
        fields: vec![
            Mapping {
                target: "outlet".to_string(),
                from: From::Value("Le Monde".to_string()),
            },
            Mapping {
                target: "title".to_string(),
                from: field("title", &[]),
            },
        ],
        kind: Kind {
            from: Some(field("category", &[("Sondages", "poll")])),
            classify: None,
        },
    };
    let items = items(RSS, Format::Rss);
    let mut mapper = Mapper::new(&rulebook, &profile);
    let publication = mapper.read(&items[0].text, &items[0]).unwrap();
    assert_eq!(publication.kind(), "poll");
    assert_eq!(publication.outlet(), "Le Monde");
    assert_eq!(
        publication.title(),
        Some("Sondage : Macron & Le Pen au second tour")
    );
    assert_eq!(
        publication.instant().to_rfc3339(),
        "2017-05-06T10:00:00+00:00"
    );
    let span = publication.spans().timestamp;
    assert_eq!(
        &items[0].text[span.offset..span.end()],
        "Sat, 06 May 2017 10:00:00 +0000"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Feeds made of the pieces that matter, in any order: most are not
    /// well-formed, some are.
    fn feed() -> impl Strategy<Value = Vec<u8>> {
        let pieces: Vec<&[u8]> = vec![
            b"<rss>",
            b"</rss>",
            b"<channel>",
            b"</channel>",
            b"<item>",
            b"</item>",
            b"<item/>",
            b"<title>",
            b"</title>",
            b"<n:t xmlns:n='http://purl.org/dc/elements/1.1/'>",
            b"</n:t>",
            b"<a href='x&amp;y' b=\"&#233;\"/>",
            b"<a c='&nbsp;'/>",
            b"<a d='&'/>",
            b"&amp;",
            b"&nbsp;",
            b"&#233;",
            b"&#0;",
            b"&",
            b"<![CDATA[x&amp;]]>",
            b"<!-- c -->",
            b"<?pi x?>",
            b"<!DOCTYPE rss [<!ENTITY e 'x'>]>",
            b"<?xml version='1.0'?>",
            b"text",
            b" ",
            b"\n",
            b"\r\n",
            "é".as_bytes(),
            b"\xE9",
            b"\xEF\xBB\xBF",
            b"<",
            b">",
            b"</",
        ];
        prop::collection::vec(prop::sample::select(pieces), 0..40)
            .prop_map(|pieces| pieces.concat())
    }

    /// Well-formed feeds of items whose content is any mix of the pieces
    /// that matter, with how many items there are.
    fn well_formed_feed() -> impl Strategy<Value = (String, usize)> {
        let content = prop::sample::select(vec![
            "text",
            " ",
            "\n",
            "é",
            "&amp;",
            "&lt;",
            "&#233;",
            "&#x1F600;",
            "&nbsp;",
            "<![CDATA[ x&amp; ]]>",
            "<!-- c -->",
            "<title>t</title>",
            "<title> &amp; </title>",
            "<title/>",
            "<link href=' u&amp;v '/>",
            "<link href='&bad;'/>",
            "<dc:c xmlns:dc='http://purl.org/dc/elements/1.1/'>c<b>d</b></dc:c>",
        ]);
        let item = prop::collection::vec(content, 0..8)
            .prop_map(|c| format!("<item>{}</item>", c.concat()));
        prop::collection::vec(item, 0..6).prop_map(|items| {
            (
                format!(
                    "<rss>\n<channel><title>&nbsp;</title>{}</channel></rss>\n",
                    items.join("\n")
                ),
                items.len(),
            )
        })
    }

    proptest! {
        /// A well-formed feed: one record per item, none that ends the
        /// feed, and every value that is source text as written.
        #[test]
        fn every_item_of_a_well_formed_feed_is_read((feed, count) in well_formed_feed()) {
            let all = records(&feed, Format::Rss);
            prop_assert_eq!(all.len(), count);
            for record in &all {
                match record {
                    FeedRecord::Item(item) => {
                        for field in ["title", "link@href", "dc:c", "b", "item"] {
                            let (mut side, mut found) = (String::new(), Vec::new());
                            item.values(field, &mut side, &mut found).unwrap();
                            for f in &found {
                                let value = f.value.get(&item.text, &side);
                                prop_assert_eq!(value.trim_matches(|c| " \t\r\n".contains(c)), value);
                                if let Value::Text(range) = &f.value {
                                    prop_assert_eq!(range, &f.written);
                                }
                            }
                        }
                    }
                    FeedRecord::Invalid { error, .. } => prop_assert_eq!(error.kind, LineErrorKind::XmlEntity),
                    FeedRecord::Unreadable { reason } => prop_assert!(false, "unreadable: {}", reason),
                }
            }
        }

        /// Any input: no panic; every span within its text; every value
        /// where it says; nothing after a record that ends the feed; and
        /// the same records read whole or a byte at a time.
        #[test]
        fn any_feed_reads_to_sound_records(feed in feed()) {
            let whole = records(&feed, Format::Rss);
            for (n, record) in whole.iter().enumerate() {
                match record {
                    FeedRecord::Item(item) => {
                        for field in ["title", "n:t", "dc:t", "a@href", "a@b", "a@c", "item", "rss"] {
                            let (mut side, mut found) = (String::new(), Vec::new());
                            item.values(field, &mut side, &mut found).unwrap();
                            for f in &found {
                                prop_assert!(item.text.get(f.written.clone()).is_some(), "{:?} in {:?}", f, item.text);
                                let value = f.value.get(&item.text, &side);
                                prop_assert!(!value.is_empty());
                            }
                        }
                    }
                    FeedRecord::Invalid { text, error, .. } => {
                        prop_assert!(text.get(error.span.offset..error.span.end()).is_some(), "{:?} in {:?}", error, text);
                        if error.message.ends_with("the rest of the feed is not read") {
                            prop_assert_eq!(n, whole.len() - 1);
                        }
                    }
                    FeedRecord::Unreadable { .. } => prop_assert_eq!(n, whole.len() - 1),
                }
            }
            let mut reader = FeedReader::new(BufReader::with_capacity(1, Trickle(&feed)), Format::Rss);
            let trickled: Vec<_> = std::iter::from_fn(|| reader.next()).collect();
            prop_assert_eq!(trickled, whole);
        }
    }
}
