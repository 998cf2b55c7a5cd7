//! Why a rulebook could not be loaded, pointing into its YAML.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::schema::Place;
use crate::source::{SourceFile, escape_unsafe};

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

    #[error("waiver file {file} is invalid ({count} problem{plural})", count = problems.len(), plural = if problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(code(scrutin::waivers::invalid))]
    InvalidWaivers {
        file: String,
        #[related]
        problems: Vec<Problem>,
    },
}

impl RulebookError {
    /// The problems found, empty when the file could not be read at all.
    pub fn problems(&self) -> &[Problem] {
        match self {
            RulebookError::Invalid { problems, .. }
            | RulebookError::InvalidWaivers { problems, .. } => problems,
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

/// Collects every problem of a rulebook and of the files it extends, so that
/// all are reported at once, each in its own file.
pub struct Problems {
    files: Vec<SourceFile>,
    found: Vec<Problem>,
}

impl Default for Problems {
    fn default() -> Self {
        Problems::new()
    }
}

impl Problems {
    pub fn new() -> Self {
        Problems {
            files: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Registers a file; its index is what `Place::file` refers to.
    pub fn add_file(&mut self, file: SourceFile) -> usize {
        self.files.push(file);
        self.files.len() - 1
    }

    pub fn file(&self, index: usize) -> &SourceFile {
        &self.files[index]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// `file:line` of a place, for messages that refer to another place.
    pub fn describe(&self, place: Place) -> String {
        let file = &self.files[place.file];
        let (line, _) = file.line_column(place.span.offset);
        format!("{}:{line}", file.name())
    }

    pub fn add(&mut self, at: Place, message: impl Into<String>, label: impl Into<String>) {
        self.add_with_help(at, message, label, None::<String>);
    }

    pub fn add_with_help(
        &mut self,
        at: Place,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<impl Into<String>>,
    ) {
        // Messages quote the rulebook, which may hold anything.
        self.found.push(Problem {
            message: escape_unsafe(&message.into()),
            rulebook: self.files[at.file].clone(),
            at: at.span.into(),
            label: escape_unsafe(&label.into()),
            help: help.map(|h| escape_unsafe(&h.into())),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The error for a waiver file (the first file).
    pub fn into_waiver_error(self) -> RulebookError {
        RulebookError::InvalidWaivers {
            file: self
                .files
                .first()
                .map_or(String::new(), |f| f.name().to_string()),
            problems: self.found,
        }
    }

    /// The error for the rulebook the user named (the first file).
    pub fn into_error(self) -> RulebookError {
        RulebookError::Invalid {
            file: self
                .files
                .first()
                .map_or(String::new(), |f| f.name().to_string()),
            problems: self.found,
        }
    }
}
