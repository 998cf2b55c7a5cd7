//! Why a rulebook could not be loaded, pointing into its YAML.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::source::{SourceFile, Span};

#[derive(Debug, Error, Diagnostic)]
pub enum RulebookError {
    #[error("cannot read rulebook {path}: {reason}")]
    #[diagnostic(code(scrutin::rulebook::unreadable))]
    Unreadable { path: String, reason: String },

    #[error("rulebook {file} is invalid ({count} problem{plural})", count = problems.len(), plural = if problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(code(scrutin::rulebook::invalid))]
    Invalid {
        file: String,
        #[related]
        problems: Vec<Problem>,
    },
}

impl RulebookError {
    /// The problems found, empty when the file could not be read at all.
    pub fn problems(&self) -> &[Problem] {
        match self {
            RulebookError::Invalid { problems, .. } => problems,
            RulebookError::Unreadable { .. } => &[],
        }
    }
}

/// One thing wrong in a rulebook, with the place it is written.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
pub struct Problem {
    pub message: String,
    #[source_code]
    pub rulebook: SourceFile,
    #[label("{label}")]
    pub at: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl Problem {
    /// 1-based line and column of the problem in the rulebook.
    pub fn line_column(&self) -> (usize, usize) {
        self.rulebook.line_column(self.at.offset())
    }
}

/// Collects every problem of a rulebook, so that all are reported at once.
pub struct Problems {
    source: SourceFile,
    found: Vec<Problem>,
}

impl Problems {
    pub fn new(source: SourceFile) -> Self {
        Problems {
            source,
            found: Vec::new(),
        }
    }

    pub fn source(&self) -> &SourceFile {
        &self.source
    }

    pub fn add(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.add_with_help(span, message, label, None::<String>);
    }

    pub fn add_with_help(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<impl Into<String>>,
    ) {
        self.found.push(Problem {
            message: message.into(),
            rulebook: self.source.clone(),
            at: span.into(),
            label: label.into(),
            help: help.map(Into::into),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    pub fn into_error(self) -> RulebookError {
        RulebookError::Invalid {
            file: self.source.name().to_string(),
            problems: self.found,
        }
    }
}
