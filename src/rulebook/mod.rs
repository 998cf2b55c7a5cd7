//! YAML → validated, resolved rulebook.
//!
//! `schema` mirrors the YAML and keeps spans; `expr` reads window anchors;
//! `resolve` validates everything and, with `calendar`, turns anchors into UTC
//! windows; `model` is what the rest of the program uses.

mod calendar;
mod error;
pub mod expr;
pub mod model;
mod resolve;
pub mod schema;

use std::path::Path;

pub use calendar::wall_clock;
pub use error::{Problem, RulebookError};
pub use model::*;

use crate::source::{SourceFile, Span};
use error::Problems;
use schema::RawRulebook;

/// Rulebooks are written by people; anything larger is a mistake or an attack.
pub const MAX_RULEBOOK_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and resolves the rulebook at `path`.
pub fn load(path: &Path) -> Result<Rulebook, RulebookError> {
    let unreadable = |reason: String| RulebookError::Unreadable {
        path: path.display().to_string(),
        reason,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_RULEBOOK_BYTES {
        return Err(unreadable(format!(
            "it has {size} bytes, more than the {MAX_RULEBOOK_BYTES} a rulebook may have"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let text =
        String::from_utf8(bytes).map_err(|e| unreadable(format!("it is not UTF-8 ({e})")))?;
    parse(SourceFile::new(path.display().to_string(), text))
}

/// Resolves a rulebook held in memory.
pub fn parse(source: SourceFile) -> Result<Rulebook, RulebookError> {
    let mut problems = Problems::new(source.clone());
    let raw = match read_yaml(source.text()) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e
                .location()
                .map_or_else(Span::default, |l| yaml_span(source.text(), l));
            problems.add(span, yaml_message(&e), "here");
            return Err(problems.into_error());
        }
    };
    resolve::resolve(raw, &mut problems).ok_or_else(|| problems.into_error())
}

fn read_yaml(text: &str) -> Result<RawRulebook, serde_saphyr::Error> {
    // Explicit limits against alias bombs and runaway nesting; a real rulebook
    // is far below each of them.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 32;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_nodes = 2_000_000;
    budget.max_events = 4_000_000;
    budget.max_total_scalar_bytes = MAX_RULEBOOK_BYTES as usize;
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
    let line_start: usize = text
        .split_inclusive('\n')
        .take((location.line() as usize).saturating_sub(1))
        .map(str::len)
        .sum();
    let column = (location.column() as usize).saturating_sub(1);
    let offset = text[line_start.min(text.len())..]
        .char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| line_start + i);
    Span::new(offset, 0)
}

/// serde-saphyr's message without its own "at line…" suffix: the diagnostic shows the place.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.to_string();
    let text = text
        .rfind(" at line ")
        .map_or(text.as_str(), |cut| &text[..cut]);
    // Speak of the rulebook, not of the YAML library's options.
    match text.strip_prefix("duplicate mapping key: ") {
        Some(rest) => format!("duplicate key `{}`", rest.split(',').next().unwrap_or(rest)),
        None => text.to_string(),
    }
}
