//! Why a command could not be done, and the one place that shows it on
//! standard error.

use std::fmt::Display;
use std::io::{self, IsTerminal};

use miette::Diagnostic;
use thiserror::Error;

use scrutin::preflight::PartError;
use scrutin::report::{self, ColorChoice};
use scrutin::rulebook::RulebookError;
use scrutin::run::RunError;
use scrutin::serve::SameId;
use scrutin::source::escape_unsafe;

#[derive(Debug, Error, Diagnostic)]
pub(crate) enum CliError {
    /// A rulebook not loaded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rulebook(#[from] RulebookError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Run(#[from] RunError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Serve(#[from] SameId),

    /// `--attr` without its `=` (escaped, as every text the user gave).
    #[error("--attr {0}: expected KEY=VALUE")]
    #[diagnostic(code("scrutin::cli::bad-attribute"))]
    Attribute(String),

    /// A part of a preflight question that is wrong on its own, named by
    /// its option; its code is the part's (`scrutin::option::…`).
    #[error("--{} {}: {} [{}]", .0.part.name(), escape_unsafe(&.0.value), .0.message(), .0.part.code())]
    #[diagnostic(transparent)]
    Question(PartError),

    /// `explain RULE`, a rule the rulebook at `file` does not have (both
    /// escaped).
    #[error("no rule `{id}` in {file}; {hint}")]
    #[diagnostic(code("scrutin::cli::no-rule"))]
    NoRule {
        id: String,
        file: String,
        hint: String,
    },

    /// `calendar --region REGION`, a region the rulebook at `file` does not have.
    #[error("no region `{id}` in {file}; {hint}")]
    #[diagnostic(code("scrutin::cli::no-region"))]
    NoRegion {
        id: String,
        file: String,
        hint: String,
    },

    /// Output not written, a server not started, man pages not written.
    #[error(transparent)]
    #[diagnostic(code(scrutin::cli::io))]
    Io(#[from] io::Error),
}

impl CliError {
    /// The reader of standard output left (`scrutin check … | head`).
    pub(crate) fn is_broken_pipe(&self) -> bool {
        let io = match self {
            CliError::Io(error) | CliError::Run(RunError::Output(error)) => error,
            _ => return false,
        };
        io.kind() == io::ErrorKind::BrokenPipe
    }

    /// The error of a YAML file, drawn with its problems in place.
    fn in_a_file(&self) -> Option<&RulebookError> {
        match self {
            CliError::Rulebook(error)
            | CliError::Run(RunError::Waivers(error) | RunError::Profile(error)) => Some(error),
            _ => None,
        }
    }

    /// Shows the error on standard error: a rulebook's or a waiver file's
    /// drawn in its YAML; any other in a line (one for each of several).
    pub(crate) fn show(&self) {
        if let Some(error) = self.in_a_file() {
            draw(error);
        } else if let Some(each) = self.related() {
            each.for_each(say);
        } else {
            say(self);
        }
    }
}

/// A rulebook or waiver file error, drawn on standard error.
fn draw(error: &RulebookError) {
    let color = ColorChoice::Auto.enabled(io::stderr().is_terminal());
    let mut text = String::new();
    match report::graphical_handler(color).render_report(&mut text, error) {
        Ok(()) => eprint!("{text}"),
        Err(_) => say(error),
    }
}

/// A line on standard error, headed with the command's name.
pub(crate) fn say(message: impl Display) {
    eprintln!("scrutin: {message}");
}

#[cfg(test)]
mod tests {
    use scrutin::preflight::Part;

    use super::*;

    /// A preflight option's mistake has its part's code, the one its line
    /// prints, not one of the command line's.
    #[test]
    fn a_question_has_the_code_of_its_part() {
        let error = CliError::Question(PartError {
            part: Part::Kind,
            value: "pol".to_string(),
            problem: "not a kind".to_string(),
            expected: "valid: poll".to_string(),
        });
        let code = error.code().map(|code| code.to_string());
        assert_eq!(code.as_deref(), Some("scrutin::option::unknown-kind"));
        assert_eq!(
            error.to_string(),
            "--kind pol: not a kind (valid: poll) [scrutin::option::unknown-kind]"
        );
    }
}
