//! Reading the YAML of scrutin's files (a rulebook, a waiver file) with
//! limits of its own, and its errors as problems pointing into the file.

use super::ProblemKind;
use crate::side_file;
use crate::source::{LineIndex, Span};

/// Why a YAML document of scrutin's could not be read: where, what, and in words.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub(crate) span: Span,
    pub(crate) kind: ProblemKind,
    pub(crate) message: String,
}

/// Reads a YAML document of scrutin's (a rulebook, a waiver file).
pub(crate) fn read_yaml_file<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    read_yaml(text).map_err(|e| YamlError {
        span: e
            .location()
            .map_or_else(Span::default, |l| yaml_span(text, l)),
        kind: yaml_kind(&e),
        message: yaml_message(&e),
    })
}

/// What kind of YAML problem serde-saphyr reports, by its variant: its
/// messages are for people and may change.
fn yaml_kind(error: &serde_saphyr::Error) -> ProblemKind {
    use serde_saphyr::Error;
    match error {
        Error::SerdeUnknownField { .. } => ProblemKind::UnknownField,
        Error::SerdeMissingField { .. } => ProblemKind::MissingField,
        Error::DuplicateMappingKey { .. } => ProblemKind::DuplicateKey,
        Error::Unexpected { .. }
        | Error::SerdeInvalidType { .. }
        | Error::SerdeInvalidValue { .. }
        | Error::SerdeInvalidLength { .. }
        | Error::SerdeUnknownVariant { .. }
        | Error::InvalidScalar { .. }
        | Error::InvalidBooleanStrict { .. }
        | Error::NullIntoString { .. } => ProblemKind::WrongType,
        Error::Budget { .. }
        | Error::AliasReplayCounterOverflow { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => ProblemKind::TooComplex,
        _ => ProblemKind::YamlSyntax,
    }
}

fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    // Explicit limits against alias bombs and runaway nesting; a real rulebook
    // is far below each of them.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 32;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_nodes = 2_000_000;
    budget.max_events = 4_000_000;
    budget.max_total_scalar_bytes =
        usize::try_from(side_file::MAX_SIDE_FILE_BYTES).unwrap_or(usize::MAX);
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: alias_limits,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options)
}

/// Where a YAML error is. Scanner errors know their line and column but not
/// their byte offset; the offset is then found from the line and column.
fn yaml_span(text: &str, location: serde_saphyr::Location) -> Span {
    let span = location.span();
    if let (Some(offset), Some(len)) = (span.byte_offset(), span.byte_len())
        && (offset, len) != (0, 0)
    {
        return Span::new(offset as usize, len as usize);
    }
    let line = usize::try_from(location.line()).unwrap_or(usize::MAX);
    let column = usize::try_from(location.column()).unwrap_or(usize::MAX);
    let offset = LineIndex::new(text).offset(text, line, column.saturating_sub(1));
    Span::new(offset, 0)
}

/// serde-saphyr's message without its own "at line…" suffix: the diagnostic shows the place.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.to_string();
    let text = text
        .rfind(" at line ")
        .map_or(text.as_str(), |cut| &text[..cut]);
    // Speak of the rulebook, not of the YAML library's options.
    if let Some(rest) = text.strip_prefix("duplicate mapping key: ") {
        return format!("duplicate key `{}`", rest.split(',').next().unwrap_or(rest));
    }
    if text.contains("from_str_multiple") {
        return "a rulebook is one YAML document: remove the `---` separator".to_string();
    }
    text.to_string()
}
