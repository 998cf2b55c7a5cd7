//! Why a record is not a valid publication: a kind with a stable code, and
//! the words and place for people.

use crate::source::Span;

/// Why a line is not a valid publication, and where in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub kind: LineErrorKind,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// Declares the kinds with their codes, and `ALL`: one list, so that no
/// kind goes without a code or missing from `ALL` (as `ProblemKind` is).
macro_rules! line_error_kinds {
    ($($(#[$doc:meta])* $kind:ident => $code:literal,)*) => {
        /// What is wrong with a line. Each kind has a stable code, which
        /// machine outputs carry and `docs/diagnostics.md` lists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum LineErrorKind {
            $($(#[$doc])* $kind,)*
        }

        impl LineErrorKind {
            /// Every kind, in the order `docs/diagnostics.md` lists them.
            pub const ALL: [LineErrorKind; [$(LineErrorKind::$kind),*].len()] =
                [$(LineErrorKind::$kind),*];

            /// The stable code: `scrutin::log::…` or `scrutin::record::…`.
            pub fn code(self) -> &'static str {
                match self {
                    $(LineErrorKind::$kind => $code,)*
                }
            }
        }
    };
}

line_error_kinds! {
    /// Bytes that are not UTF-8.
    NotUtf8 => "scrutin::log::not-utf8",
    /// Longer than a line may be.
    TooLong => "scrutin::log::too-long",
    /// A control character: binary data or a broken export.
    ControlCharacter => "scrutin::log::control-character",
    /// Not a timestamp followed by `key=value` fields.
    Syntax => "scrutin::log::syntax",
    /// A timestamp that names no instant, or not one scrutin accepts.
    Timestamp => "scrutin::log::bad-timestamp",
    /// `outlet` or `kind` is missing.
    MissingField => "scrutin::log::missing-field",
    /// A key given twice.
    DuplicateKey => "scrutin::log::duplicate-key",
    /// A field that may not be empty is.
    EmptyValue => "scrutin::log::empty-value",
    /// A kind, channel or region the rulebook does not declare.
    UnknownTerm => "scrutin::log::unknown-term",
    /// `first_published` is not a timestamp, or is later than the line's own.
    FirstPublished => "scrutin::log::bad-first-published",
    /// `end` is not a timestamp, or is not after the line's own.
    End => "scrutin::log::bad-end",
    /// A waiver directive (`# scrutin: allow …`) that cannot be read.
    Waiver => "scrutin::log::bad-waiver",

    // Records of structured sources, read through a profile.
    /// A JSON Lines line that is not JSON.
    NotJson => "scrutin::record::not-json",
    /// A JSON Lines line that is JSON but not an object.
    NotAnObject => "scrutin::record::not-an-object",
    /// A field the profile maps is not in the record.
    MissingMapped => "scrutin::record::missing-field",
    /// A field that holds an object or a list where a value is needed.
    NotAValue => "scrutin::record::not-a-value",
    /// Neither a field nor classification gives the record a kind.
    NoKind => "scrutin::record::no-kind",
    /// A CSV row with more or fewer fields than the header.
    RaggedRow => "scrutin::record::ragged-row",
    /// A quote in the middle of an unquoted CSV field, or a quoted field
    /// never closed.
    BadQuote => "scrutin::record::bad-quote",
    /// XML that is not well-formed: the rest of the feed cannot be read.
    BadXml => "scrutin::record::bad-xml",
    /// An XML entity other than the five XML predefines (a DTD's own
    /// entities are never expanded).
    XmlEntity => "scrutin::record::xml-entity",
}

impl LineErrorKind {
    /// What every kind is, a line that was not checked: the rule under which
    /// reports group them, and the name of their list.
    pub const CATEGORY: &'static str = "invalid-line";

    /// What is wrong, in a few words, for the reports that describe each
    /// code (SARIF's rules).
    pub fn summary(self) -> &'static str {
        match self {
            LineErrorKind::NotUtf8 => "A line that is not UTF-8",
            LineErrorKind::TooLong => "A line longer than a line may be",
            LineErrorKind::ControlCharacter => "A line with a control character",
            LineErrorKind::Syntax => "A line that is not a timestamp followed by key=value fields",
            LineErrorKind::Timestamp => "A timestamp that names no instant scrutin accepts",
            LineErrorKind::MissingField => "A publication without its outlet or kind",
            LineErrorKind::DuplicateKey => "A key given twice on one line",
            LineErrorKind::EmptyValue => "An empty value where one is needed",
            LineErrorKind::UnknownTerm => "A kind, channel or region the rulebook does not declare",
            LineErrorKind::FirstPublished => {
                "A first_published that is not a timestamp or is later than the line's"
            }
            LineErrorKind::End => "An end that is not a timestamp or is not after the line's",
            LineErrorKind::Waiver => "An inline waiver directive that cannot be read",
            LineErrorKind::NotJson => "A JSON Lines line that is not JSON",
            LineErrorKind::NotAnObject => "A JSON Lines line that is not an object",
            LineErrorKind::MissingMapped => "A record without a field its profile maps",
            LineErrorKind::NotAValue => {
                "A field holding an object or a list where a value is needed"
            }
            LineErrorKind::NoKind => {
                "A record that neither a field nor classification gives a kind"
            }
            LineErrorKind::RaggedRow => "A CSV row with more or fewer fields than the header",
            LineErrorKind::BadQuote => "A CSV field with a stray or unclosed quote",
            LineErrorKind::BadXml => "XML that is not well-formed",
            LineErrorKind::XmlEntity => "An XML entity that scrutin does not expand",
        }
    }
}

impl LineError {
    pub fn new(kind: LineErrorKind, span: Span, message: impl Into<String>) -> Self {
        LineError {
            kind,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The stable code of its kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}
