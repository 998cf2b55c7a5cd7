//! Markup as fields see it: names with their namespaces' conventional
//! prefixes, attributes with the place of their values, and references,
//! of which only the predefined entities and character references are
//! expanded.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::name::{Namespace, NamespaceResolver, QName, ResolveResult};

use super::Fatal;
use crate::publication::{LineError, LineErrorKind};
use crate::source::Span;

/// The prefix by which fields name a well-known namespace's elements.
const PREFIXES: [(&str, &str); 8] = [
    ("http://www.google.com/schemas/sitemap-news/0.9", "news"),
    ("http://www.google.com/schemas/sitemap-image/1.1", "image"),
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("http://search.yahoo.com/mrss/", "media"),
    ("http://purl.org/rss/1.0/modules/content/", "content"),
    ("http://www.w3.org/XML/1998/namespace", "xml"),
    ("http://www.w3.org/2005/Atom", ""),
    ("http://www.sitemaps.org/schemas/sitemap/0.9", ""),
];

/// An attribute of an element: its name as fields name it, and where its
/// value is written in the feed.
pub(super) struct Attribute {
    pub(super) name: String,
    pub(super) value: Range<u64>,
    /// The first reference in it that scrutin does not expand, if any:
    /// where it is written in the feed, and its name.
    pub(super) unexpanded: Option<(Range<u64>, String)>,
}

/// The attributes of `start` (at `at` in the feed), declarations of
/// namespaces aside; an `&` that starts no reference is not XML.
pub(super) fn attributes(
    resolver: &NamespaceResolver,
    start: &BytesStart<'_>,
    at: u64,
) -> Result<Vec<Attribute>, Fatal> {
    use quick_xml::events::attributes::AttrError;
    // The tag's bytes start after its `<`.
    let tag = at + 1;
    let mut found = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| {
            let (at, what) = match e {
                AttrError::ExpectedEq(n) => {
                    (n, "an attribute name without `=` and a value".to_string())
                }
                AttrError::ExpectedValue(n) => (n, "`=` without an attribute value".to_string()),
                AttrError::UnquotedValue(n) => (n, "an attribute value without quotes".to_string()),
                AttrError::ExpectedQuote(n, quote) => (
                    n,
                    format!(
                        "an attribute value whose `{}` is never closed",
                        quote as char
                    ),
                ),
                AttrError::Duplicated(n, _) => {
                    (n, "an attribute written twice in one tag".to_string())
                }
            };
            Fatal::bad_xml(tag + at as u64, format!("not well-formed XML: {what}"))
        })?;
        let key = attribute.key;
        if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let value: &[u8] = &attribute.value;
        // The value is a piece of the tag's bytes.
        let offset = (value.as_ptr() as usize).wrapping_sub(start.as_ptr() as usize);
        if start.get(offset..offset + value.len()) != Some(value) {
            continue;
        }
        let value_at = tag + offset as u64;
        let mut unexpanded = None;
        for reference in references(value) {
            match reference {
                Err(amp) => {
                    return Err(Fatal::bad_xml(
                        value_at + amp as u64,
                        "not well-formed XML: this `&` starts no reference (`&amp;` is written for `&`)",
                    ));
                }
                Ok((written, name)) if resolve(name).is_none() => {
                    let written = value_at + written.start as u64..value_at + written.end as u64;
                    unexpanded.get_or_insert((written, String::from_utf8_lossy(name).into_owned()));
                }
                Ok(_) => {}
            }
        }
        let (namespace, _) = resolver.resolve_attribute(key);
        found.push(Attribute {
            name: qualified(&namespace, key),
            value: value_at..value_at + value.len() as u64,
            unexpanded,
        });
    }
    Ok(found)
}

/// The references in an attribute's value: where each is written (`&` to
/// `;`) and its name, or where an `&` that starts none is.
fn references(value: &[u8]) -> impl Iterator<Item = Result<(Range<usize>, &[u8]), usize>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let amp = from + memchr::memchr(b'&', value.get(from..)?)?;
        match memchr::memchr2(b';', b'&', &value[amp + 1..]) {
            Some(n) if value[amp + 1 + n] == b';' => {
                from = amp + n + 2;
                Some(Ok((amp..from, &value[amp + 1..amp + 1 + n])))
            }
            _ => {
                from = value.len();
                Some(Err(amp))
            }
        }
    })
}

/// The character a reference stands for: a predefined entity's, or a
/// character reference's; `None` for any other.
pub(super) fn resolve(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    if name.starts_with('#') {
        return BytesRef::new(name).resolve_char_ref().ok().flatten();
    }
    quick_xml::escape::resolve_predefined_entity(name).and_then(|s| s.chars().next())
}

/// A reference scrutin does not expand, written at `written` in the record.
pub(super) fn unexpanded(name: &[u8], written: Range<usize>) -> LineError {
    let span = Span::new(written.start, written.len());
    let name = String::from_utf8_lossy(name);
    if name.starts_with('#') {
        return LineError::new(
            LineErrorKind::XmlEntity,
            span,
            format!("`&{name};` refers to no character XML allows"),
        )
        .with_help("write the character itself, or its code point: `&#233;` or `&#xE9;`");
    }
    LineError::new(
        LineErrorKind::XmlEntity,
        span,
        format!(
            "`&{name};` is an entity scrutin does not expand: only `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and character references are read"
        ),
    )
    .with_help("write the character itself, or a character reference such as `&#160;` (for `&nbsp;`)")
}

/// An element's or attribute's name as fields name it: the conventional
/// prefix of a well-known namespace, else the prefix as written.
pub(super) fn qualified(namespace: &ResolveResult<'_>, name: QName<'_>) -> String {
    let local = String::from_utf8_lossy(name.local_name().into_inner());
    let conventional = match namespace {
        ResolveResult::Bound(Namespace(uri)) => PREFIXES
            .iter()
            .find(|(known, _)| known.as_bytes() == *uri)
            .map(|(_, prefix)| Cow::Borrowed(*prefix)),
        _ => None,
    };
    let prefix = conventional.or_else(|| {
        name.prefix()
            .map(|p| String::from_utf8_lossy(p.into_inner()))
    });
    match prefix {
        Some(prefix) if !prefix.is_empty() => format!("{prefix}:{local}"),
        _ => local.into_owned(),
    }
}
