//! What tests of HTML pages share: a page as its snapshot shows it, and a
//! check that its markup is whole.

/// The page with its style sheet left out (it is src/report/html/scrutin.css)
/// and each element on a line of its own, so that a snapshot's diff shows
/// what changed.
pub(crate) fn readable(page: &str) -> String {
    let page = match (page.find("<style>"), page.find("</style>")) {
        (Some(start), Some(end)) => {
            format!("{}<style>[scrutin.css]{}", &page[..start], &page[end..])
        }
        _ => page.to_string(),
    };
    let mut text = String::with_capacity(page.len() * 11 / 10);
    for (n, piece) in page.split('<').enumerate() {
        if n > 0 {
            if !piece.starts_with('/') {
                text.push('\n');
            }
            text.push('<');
        }
        text.push_str(piece);
    }
    text
}

/// Elements that have no end tag.
const VOID: [&str; 4] = ["meta", "link", "br", "input"];

/// Panics unless every element opened is closed, in order (void elements
/// aside), every attribute's quotes are paired, no text holds a raw `<` or
/// `>`, and nothing is a script.
pub(crate) fn assert_well_formed(page: &str) {
    assert!(
        !page.to_ascii_lowercase().contains("<script"),
        "a script in the page"
    );
    let mut open: Vec<&str> = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find('<') {
        assert!(
            !rest[..at].contains('>'),
            "a raw '>' in text: {}",
            &rest[..at]
        );
        rest = &rest[at + 1..];
        let end = rest.find('>').expect("every tag ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        assert!(
            tag.matches('"').count().is_multiple_of(2),
            "unpaired quotes in <{tag}>"
        );
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "</{name}> closes another element");
            continue;
        }
        let name = tag.split(char::is_whitespace).next().unwrap_or("");
        if VOID.contains(&name) || tag.ends_with('/') {
            continue;
        }
        if name == "style" {
            // CSS may say `>` (a child selector); it holds no `<`.
            rest = &rest[rest.find("</style>").expect("the style ends")..];
        }
        open.push(name);
    }
    assert!(!rest.contains('>'), "a raw '>' after the last tag");
    assert!(open.is_empty(), "never closed: {open:?}");
}
