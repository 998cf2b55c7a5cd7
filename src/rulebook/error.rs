//! Why a rulebook, a waiver file or a source profile could not be loaded,
//! pointing into its YAML.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::codes::ProblemKind;
use super::schema::Place;
use crate::side_file::SideFile;
use crate::source::{SourceFile, escape_unsafe};

#[derive(Debug, Error, Diagnostic)]
pub enum RulebookError {
    /// A rulebook that is not read: missing, a device, too large, not UTF-8.
    #[error("{}", unreadable(SideFile::Rulebook, *option, path, reason))]
    #[diagnostic(code(scrutin::rulebook::unreadable))]
    Unreadable {
        /// The command-line option that named the file, when one did.
        option: Option<&'static str>,
        path: String,
        reason: String,
        #[help]
        help: Option<String>,
    },

    /// A waiver file that is not read, for the same reasons.
    #[error("{}", unreadable(SideFile::Waivers, *option, path, reason))]
    #[diagnostic(code(scrutin::waivers::unreadable))]
    UnreadableWaivers {
        option: Option<&'static str>,
        path: String,
        reason: String,
    },

    /// A law file named where an election is needed: the rounds are in the
    /// election files that extend it.
    #[error("{file} is a law file (no rounds); {}", elections_of(elections))]
    #[diagnostic(
        code("scrutin::rulebook::law-file"),
        help(
            "a law gives the rules; each election file extends it with the rounds and their dates"
        )
    )]
    LawFile {
        file: String,
        elections: Vec<String>,
    },

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

    /// A source profile that is not read, for the same reasons.
    #[error("{}", unreadable(SideFile::Profile, *option, path, reason))]
    #[diagnostic(code(scrutin::profile::unreadable))]
    UnreadableProfile {
        option: Option<&'static str>,
        path: String,
        reason: String,
    },

    #[error("profile {file} is invalid ({count} problem{plural})", count = problems.len(), plural = if problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(code(scrutin::profile::invalid))]
    InvalidProfile {
        file: String,
        #[related]
        problems: Vec<Problem>,
    },
}

impl RulebookError {
    /// The codes of the errors themselves (their problems have their own,
    /// `ProblemKind::code`), in the order `docs/diagnostics.md` lists them.
    pub const CODES: [&'static str; 7] = [
        "scrutin::rulebook::unreadable",
        "scrutin::rulebook::law-file",
        "scrutin::rulebook::invalid",
        "scrutin::waivers::unreadable",
        "scrutin::waivers::invalid",
        "scrutin::profile::unreadable",
        "scrutin::profile::invalid",
    ];

    /// The side file at `path` is not read, for `reason`.
    pub fn unreadable(side: SideFile, path: &std::path::Path, reason: String) -> Self {
        let path = escape_unsafe(&path.display().to_string());
        match side {
            SideFile::Rulebook => RulebookError::Unreadable {
                option: None,
                path,
                reason,
                help: None,
            },
            SideFile::Waivers => RulebookError::UnreadableWaivers {
                option: None,
                path,
                reason,
            },
            SideFile::Profile => RulebookError::UnreadableProfile {
                option: None,
                path,
                reason,
            },
        }
    }

    pub(crate) fn with_help(mut self, more: Option<String>) -> Self {
        if let RulebookError::Unreadable { help, .. } = &mut self {
            *help = more;
        }
        self
    }

    /// The error as the command line reports it: a file the user named with
    /// an option is named by that option (`--waivers FILE: …`), so that the
    /// user knows which of the files given is meant.
    pub fn named_by_option(mut self) -> Self {
        match &mut self {
            RulebookError::Unreadable { option, .. } => {
                *option = Some(SideFile::Rulebook.option());
            }
            RulebookError::UnreadableWaivers { option, .. } => {
                *option = Some(SideFile::Waivers.option());
            }
            RulebookError::UnreadableProfile { option, .. } => {
                *option = Some(SideFile::Profile.option());
            }
            _ => {}
        }
        self
    }

    /// The problems found, empty when the file could not be read at all.
    pub fn problems(&self) -> &[Problem] {
        match self {
            RulebookError::Invalid { problems, .. }
            | RulebookError::InvalidWaivers { problems, .. }
            | RulebookError::InvalidProfile { problems, .. } => problems,
            RulebookError::Unreadable { .. }
            | RulebookError::UnreadableWaivers { .. }
            | RulebookError::UnreadableProfile { .. }
            | RulebookError::LawFile { .. } => &[],
        }
    }
}

/// `--waivers w.yaml: it is a FIFO, not a regular file`, or
/// `cannot read rulebook r.yaml: …` when no option named it.
fn unreadable(side: SideFile, option: Option<&str>, path: &str, reason: &str) -> String {
    match option {
        Some(option) => format!("{option} {path}: {reason}"),
        None => format!("cannot read {side} {path}: {reason}"),
    }
}

/// `its elections: a, b; use one of those`, or that none was found.
fn elections_of(elections: &[String]) -> String {
    if elections.is_empty() {
        "no election file beside it extends it".to_string()
    } else {
        format!("its elections: {}; use one of those", elections.join(", "))
    }
}

/// One thing wrong in a rulebook, with the place it is written.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct Problem {
    /// What is wrong, which gives the problem its code.
    pub kind: ProblemKind,
    pub message: String,
    pub rulebook: SourceFile,
    pub at: SourceSpan,
    pub label: String,
    pub help: Option<String>,
    /// `scrutin::rulebook::unknown-zone (problem 2 of 3, rules/x.yaml:7:35)`:
    /// miette heads each related diagnostic with `Error:` and its code, the
    /// one place to say which problem of how many, and where.
    heading: String,
}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.heading))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.rulebook)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let label = miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.at);
        Some(Box::new(std::iter::once(label)))
    }
}

impl Problem {
    /// The stable code of its kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// 1-based line and column of the problem in the rulebook.
    pub fn line_column(&self) -> (usize, usize) {
        self.rulebook.line_column(self.at.offset())
    }
}

/// Collects every problem of a rulebook and of the files it extends, so that
/// all are reported at once, each in its own file.
pub(crate) struct Problems {
    files: Vec<SourceFile>,
    found: Vec<Problem>,
}

impl Default for Problems {
    fn default() -> Self {
        Problems::new()
    }
}

impl Problems {
    pub(crate) fn new() -> Self {
        Problems {
            files: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Registers a file; its index is what `Place::file` refers to.
    pub(crate) fn add_file(&mut self, file: SourceFile) -> usize {
        self.files.push(file);
        self.files.len() - 1
    }

    pub(crate) fn file(&self, index: usize) -> &SourceFile {
        &self.files[index]
    }

    pub(crate) fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// `file:line` of a place, for messages that refer to another place.
    pub(crate) fn describe(&self, place: Place) -> String {
        let file = &self.files[place.file];
        let (line, _) = file.line_column(place.span.offset);
        format!("{}:{line}", file.name())
    }

    pub(crate) fn add(
        &mut self,
        kind: ProblemKind,
        at: Place,
        message: impl Into<String>,
        label: impl Into<String>,
    ) {
        self.add_with_help(kind, at, message, label, None::<String>);
    }

    pub(crate) fn add_with_help(
        &mut self,
        kind: ProblemKind,
        at: Place,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<impl Into<String>>,
    ) {
        // Messages quote the rulebook, which may hold anything.
        self.found.push(Problem {
            kind,
            message: escape_unsafe(&message.into()),
            rulebook: self.files[at.file].clone(),
            at: at.span.into(),
            label: escape_unsafe(&label.into()),
            help: help.map(|h| escape_unsafe(&h.into())),
            heading: String::new(),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// How many problems were found so far.
    pub(crate) fn len(&self) -> usize {
        self.found.len()
    }

    /// The error for a waiver file (the first file).
    pub(crate) fn into_waiver_error(self) -> RulebookError {
        let (file, problems) = self.into_parts();
        RulebookError::InvalidWaivers { file, problems }
    }

    /// The error for a source profile (the first file).
    pub(crate) fn into_profile_error(self) -> RulebookError {
        let (file, problems) = self.into_parts();
        RulebookError::InvalidProfile { file, problems }
    }

    /// The error for the rulebook the user named (the first file).
    pub(crate) fn into_error(self) -> RulebookError {
        let (file, problems) = self.into_parts();
        RulebookError::Invalid { file, problems }
    }

    /// The first file's name, and the problems, each headed with its code,
    /// number and place.
    fn into_parts(self) -> (String, Vec<Problem>) {
        let total = self.found.len();
        let mut problems = self.found;
        for (index, problem) in problems.iter_mut().enumerate() {
            let (line, column) = problem.line_column();
            problem.heading = format!(
                "{} (problem {} of {total}, {}:{line}:{column})",
                problem.code(),
                index + 1,
                problem.rulebook.name()
            );
        }
        let file = self
            .files
            .first()
            .map_or(String::new(), |f| f.name().to_string());
        (file, problems)
    }
}

#[cfg(test)]
mod tests {
    use miette::Diagnostic;

    use super::*;

    /// `CODES` lists the code of every variant, as miette's derive gives it.
    #[test]
    fn every_error_has_its_code_listed() {
        let errors = [
            RulebookError::unreadable(SideFile::Rulebook, "r.yaml".as_ref(), String::new()),
            RulebookError::LawFile {
                file: String::new(),
                elections: Vec::new(),
            },
            Problems::new().into_error(),
            RulebookError::unreadable(SideFile::Waivers, "w.yaml".as_ref(), String::new()),
            Problems::new().into_waiver_error(),
            RulebookError::unreadable(SideFile::Profile, "p.yaml".as_ref(), String::new()),
            Problems::new().into_profile_error(),
        ];
        let codes: Vec<String> = errors
            .iter()
            .map(|e| e.code().map(|c| c.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(codes, RulebookError::CODES);
    }
}
