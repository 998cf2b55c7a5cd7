//! The input formats scrutin reads, and how a file's format is told from
//! its name or its first bytes when no option says it; and the profile
//! a structured source needs.

use miette::Diagnostic;
use thiserror::Error;

use super::Profile;

/// The input formats scrutin reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// scrutin's log syntax: `timestamp key=value…`, one per line.
    Log,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// An RSS 2.0 feed: one publication per `<item>`.
    Rss,
    /// An Atom feed: one publication per `<entry>`.
    Atom,
    /// A sitemap (news sitemaps): one publication per `<url>`.
    Sitemap,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Log,
        Format::Jsonl,
        Format::Csv,
        Format::Rss,
        Format::Atom,
        Format::Sitemap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Log => "log",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Sitemap => "sitemap",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Does it need a profile to be read?
    pub fn needs_profile(self) -> bool {
        self != Format::Log
    }

    /// Is it read line by line (and so on every core)?
    pub fn is_line_based(self) -> bool {
        matches!(self, Format::Log | Format::Jsonl | Format::Csv)
    }
}

/// The format of a file named `name` (its extension, `.gz` aside) whose
/// content starts with `start` (decompressed): what the extension says,
/// else the `hint` (the format the profile given is written for), else
/// what the content looks like: JSON Lines, or which XML document (a
/// `.xml` feed or sitemap, whatever its name); else the log syntax.
pub fn detect(name: &str, start: &[u8], hint: Option<Format>) -> Format {
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "jsonl" | "ndjson" => return Format::Jsonl,
        "csv" => return Format::Csv,
        "rss" => return Format::Rss,
        "atom" => return Format::Atom,
        "log" | "txt" => return Format::Log,
        _ => {}
    }
    hint.unwrap_or_else(|| sniff(start))
}

/// The format `start` (the first bytes of a file) looks like.
fn sniff(start: &[u8]) -> Format {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    let text = String::from_utf8_lossy(start);
    let mut rest = text.trim_start();
    if rest.starts_with('{') {
        return Format::Jsonl;
    }
    // The root element, past the declaration, comments and a doctype.
    loop {
        let skipped = if let Some(comment) = rest.strip_prefix("<!--") {
            comment.split_once("-->").map(|(_, after)| after)
        } else if rest.starts_with("<!DOCTYPE") && doctype_has_subset(rest) {
            // An internal subset holds declarations, and their `>`.
            rest.split_once("]>").map(|(_, after)| after)
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest.split_once('>').map(|(_, after)| after)
        } else {
            break;
        };
        let Some(after) = skipped else {
            return Format::Log;
        };
        rest = after.trim_start();
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return Format::Log;
    };
    let name: String = tag
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    match name.rsplit(':').next().unwrap_or_default() {
        "rss" | "RDF" => Format::Rss,
        "feed" => Format::Atom,
        "urlset" => Format::Sitemap,
        _ => Format::Log,
    }
}

/// Does this doctype (`<!DOCTYPE rss [ … ]>`) hold an internal subset?
fn doctype_has_subset(doctype: &str) -> bool {
    let bracket = doctype.find('[');
    let close = doctype.find('>');
    matches!((bracket, close), (Some(b), Some(c)) if b < c)
}

/// Why a source cannot be read as asked.
#[derive(Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum InputError {
    #[error(
        "{file} is read as {format}, which needs a profile: how its records become publications"
    )]
    #[diagnostic(
        code("scrutin::input::needs-profile"),
        help(
            "give one with --profile FILE (samples/profiles/ has examples), or --input log if it is scrutin's log syntax"
        )
    )]
    NeedsProfile { file: String, format: &'static str },

    #[error("profile `{profile}` is written for {written_for}, but {file} is read as {format}")]
    #[diagnostic(
        code("scrutin::input::profile-mismatch"),
        help("say the format with --input {written_for}, or use a profile written for {format}")
    )]
    ProfileMismatch {
        profile: String,
        written_for: &'static str,
        file: String,
        format: &'static str,
    },
}

impl InputError {
    pub const CODES: [&'static str; 2] = [
        "scrutin::input::needs-profile",
        "scrutin::input::profile-mismatch",
    ];
}

/// The profile to read `file` (in `format`) through: none for a log; the
/// one given, if it is written for this format.
pub fn profile_for<'p>(
    file: &str,
    format: Format,
    profile: Option<&'p Profile>,
) -> Result<Option<&'p Profile>, InputError> {
    if !format.needs_profile() {
        return Ok(None);
    }
    let Some(profile) = profile else {
        return Err(InputError::NeedsProfile {
            file: file.to_string(),
            format: format.name(),
        });
    };
    match profile.input {
        Some(written_for) if written_for != format => Err(InputError::ProfileMismatch {
            profile: profile.name.clone(),
            written_for: written_for.name(),
            file: file.to_string(),
            format: format.name(),
        }),
        _ => Ok(Some(profile)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_the_extension_then_the_content() {
        let cases: [(&str, &str, Format); 13] = [
            ("a.jsonl", "", Format::Jsonl),
            ("A.NDJSON.gz", "", Format::Jsonl),
            ("ads.csv", "", Format::Csv),
            ("feed.rss", "", Format::Rss),
            ("x.log", "{", Format::Log),
            ("export", "\u{feff}  {\"a\":1}", Format::Jsonl),
            (
                "feed.xml",
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\">",
                Format::Rss,
            ),
            (
                "feed.xml",
                "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                Format::Atom,
            ),
            (
                "sitemap.xml.gz",
                "<?xml version=\"1.0\"?><urlset>",
                Format::Sitemap,
            ),
            ("other.xml", "<html>", Format::Log),
            ("-", "2017-05-06T09:30:00Z outlet=a kind=news", Format::Log),
            ("x.xml", "<?xml", Format::Log),
            (
                "c.xml",
                "<?xml version=\"1.0\"?>\n<!-- a > b, c -> d\n-->\n<rss>",
                Format::Rss,
            ),
        ];
        for (name, start, expected) in cases {
            assert_eq!(
                detect(name, start.as_bytes(), None),
                expected,
                "{name} {start:?}"
            );
        }
        // A profile's format decides where the name does not.
        assert_eq!(detect("export", b"a,b\n", Some(Format::Csv)), Format::Csv);
        assert_eq!(detect("x.log", b"a,b\n", Some(Format::Csv)), Format::Log);
        // A doctype's internal subset holds `>` of its own.
        let doctype = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY nbsp \"&#160;\">]>\n<rss>";
        assert_eq!(detect("feed.xml", doctype.as_bytes(), None), Format::Rss);
        {}
    }
}
