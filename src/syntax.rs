//! The nom error type of scrutin's parsers (log lines, window anchors).
//!
//! nom's default error says only which combinator failed. This one remembers
//! how far parsing got, what was expected there (from `context`), and any
//! message a validation step gave, so a diagnostic can say "expected `)`" and
//! point at the right byte.

use nom::error::{ContextError, ErrorKind, FromExternalError, ParseError};

#[derive(Debug)]
pub(crate) struct Expected<'a> {
    /// The input left where parsing failed.
    pub at: &'a str,
    pub what: Option<&'static str>,
    pub detail: Option<String>,
}

/// Why some text could not be read, and where: bytes into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

impl<'a> Expected<'a> {
    /// A failure with a message of its own, at `at`.
    pub(crate) fn failure(at: &'a str, detail: impl Into<String>) -> nom::Err<Self> {
        nom::Err::Failure(Expected {
            at,
            what: None,
            detail: Some(detail.into()),
        })
    }

    /// Locates the error in `full`, the text that was being parsed, spanning
    /// the word it stopped at.
    pub(crate) fn locate(self, full: &str) -> SyntaxError {
        // Point at the next word, not at the blank before it.
        let at = self.at.trim_start();
        let offset = full.len() - at.len();
        let word = at.find(char::is_whitespace).unwrap_or(at.len());
        let len = if word == 0 {
            at.chars().next().map_or(0, char::len_utf8)
        } else {
            word
        };
        let message = match (self.detail, self.what, at.is_empty()) {
            (Some(detail), _, _) => detail,
            (None, Some(what), true) => format!("expected {what}, found the end"),
            (None, Some(what), false) => format!("expected {what}"),
            (None, None, true) => "unexpected end".to_string(),
            (None, None, false) => format!("unexpected `{}`", &at[..len]),
        };
        SyntaxError {
            offset,
            len,
            message,
        }
    }
}

/// Turns the outcome of a whole-input parse into a located error.
pub(crate) fn locate_err(full: &str, error: nom::Err<Expected<'_>>) -> SyntaxError {
    match error {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.locate(full),
        nom::Err::Incomplete(_) => SyntaxError {
            offset: full.len(),
            len: 0,
            message: "unexpected end".into(),
        },
    }
}

impl<'a> ParseError<&'a str> for Expected<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        Expected {
            at: input,
            what: None,
            detail: None,
        }
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Between two failed alternatives, report the one that read further.
    fn or(self, other: Self) -> Self {
        if other.at.len() <= self.at.len() {
            other
        } else {
            self
        }
    }
}

impl<'a> ContextError<&'a str> for Expected<'a> {
    fn add_context(_input: &'a str, what: &'static str, mut other: Self) -> Self {
        other.what.get_or_insert(what);
        other
    }
}

impl<'a, E: std::fmt::Display> FromExternalError<&'a str, E> for Expected<'a> {
    fn from_external_error(input: &'a str, _kind: ErrorKind, e: E) -> Self {
        Expected {
            at: input,
            what: None,
            detail: Some(e.to_string()),
        }
    }
}

pub(crate) type Parsed<'a, T> = nom::IResult<&'a str, T, Expected<'a>>;
