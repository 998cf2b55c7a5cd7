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

/// What is wrong with a line. Each kind has a stable code, which machine
/// outputs carry and `docs/diagnostics.md` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineErrorKind {
    /// Bytes that are not UTF-8.
    NotUtf8,
    /// Longer than a line may be.
    TooLong,
    /// A control character: binary data or a broken export.
    ControlCharacter,
    /// Not a timestamp followed by `key=value` fields.
    Syntax,
    /// A timestamp that names no instant, or not one scrutin accepts.
    Timestamp,
    /// `outlet` or `kind` is missing.
    MissingField,
    /// A key given twice.
    DuplicateKey,
    /// A field that may not be empty is.
    EmptyValue,
    /// A kind, channel or region the rulebook does not declare.
    UnknownTerm,
    /// `first_published` is not a timestamp, or is later than the line's own.
    FirstPublished,
    /// A waiver directive (`# scrutin: allow …`) that cannot be read.
    Waiver,
}

impl LineErrorKind {
    /// What every kind is, a line that was not checked: the rule under which
    /// reports group them, and the name of their list.
    pub const CATEGORY: &'static str = "invalid-line";

    /// Every kind, in the order `docs/diagnostics.md` lists them.
    pub const ALL: [LineErrorKind; 11] = [
        LineErrorKind::NotUtf8,
        LineErrorKind::TooLong,
        LineErrorKind::ControlCharacter,
        LineErrorKind::Syntax,
        LineErrorKind::Timestamp,
        LineErrorKind::MissingField,
        LineErrorKind::DuplicateKey,
        LineErrorKind::EmptyValue,
        LineErrorKind::UnknownTerm,
        LineErrorKind::FirstPublished,
        LineErrorKind::Waiver,
    ];

    /// The stable code: `scrutin::log::…`.
    pub fn code(self) -> &'static str {
        match self {
            LineErrorKind::NotUtf8 => "scrutin::log::not-utf8",
            LineErrorKind::TooLong => "scrutin::log::too-long",
            LineErrorKind::ControlCharacter => "scrutin::log::control-character",
            LineErrorKind::Syntax => "scrutin::log::syntax",
            LineErrorKind::Timestamp => "scrutin::log::bad-timestamp",
            LineErrorKind::MissingField => "scrutin::log::missing-field",
            LineErrorKind::DuplicateKey => "scrutin::log::duplicate-key",
            LineErrorKind::EmptyValue => "scrutin::log::empty-value",
            LineErrorKind::UnknownTerm => "scrutin::log::unknown-term",
            LineErrorKind::FirstPublished => "scrutin::log::bad-first-published",
            LineErrorKind::Waiver => "scrutin::log::bad-waiver",
        }
    }

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
            LineErrorKind::Waiver => "An inline waiver directive that cannot be read",
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
