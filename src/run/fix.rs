//! `--fix` and `--diff`: each log's publications moved out of the windows
//! that block them (`reschedule`), written back or shown as a diff. Every
//! log is planned before any is written, so that a mistake found late
//! changes nothing.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use super::{Check, Log, RunError, Status, count, load_waivers, shown};
use crate::check::Scope;
use crate::publication::Format;
use crate::reschedule;
use crate::rulebook::Rulebook;

/// What to do with the moves found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Rewrite the logs in place, then check them again.
    InPlace,
    /// Show the moves as a unified diff, and stop there.
    Diff,
}

/// What fixing did, told as it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A log was rewritten.
    Moved { file: String, publications: usize },
    /// Findings no move fixes: attributes to add, and publications a rule
    /// in force at all times forbids.
    Unfixable {
        findings: usize,
        never_allowed: usize,
    },
    /// The moves follow an election's provisional dates: said before them.
    Provisional { reason: String },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Provisional { reason } => {
                write!(f, "PROVISIONAL dates, the moves follow them: {reason}")
            }
            Note::Moved { file, publications } => write!(
                f,
                "{file}: moved {} to the earliest instant allowed",
                count(*publications, "publication")
            ),
            Note::Unfixable {
                findings,
                never_allowed: 0,
            } => write!(
                f,
                "{} that time cannot fix (attributes to add)",
                count(*findings, "finding")
            ),
            Note::Unfixable {
                findings,
                never_allowed,
            } => {
                let to_add = findings - never_allowed;
                let why = match to_add {
                    0 => "forbidden at all times".to_string(),
                    _ => format!(
                        "{never_allowed} forbidden at all times, {to_add} with attributes to add"
                    ),
                };
                write!(
                    f,
                    "{} that time cannot fix ({why})",
                    count(*findings, "finding")
                )
            }
        }
    }
}

/// Why the logs were not fixed.
#[derive(Debug, Error, Diagnostic)]
pub enum FixError {
    #[error("--fix and --diff work on files, not on standard input")]
    #[diagnostic(code("scrutin::fix::standard-input"))]
    StandardInput,

    /// Logs that cannot be read: none is fixed.
    #[error("{} cannot be read", count(logs.len(), "log"))]
    #[diagnostic(code(scrutin::fix::unreadable))]
    Unreadable {
        #[related]
        logs: Vec<UnreadableLog>,
    },

    /// A file that is not a log in scrutin's syntax (a source read through a
    /// profile, or a compressed log): it cannot be rewritten in place.
    #[error("--fix and --diff rewrite logs in scrutin's syntax; {file} is {what}")]
    #[diagnostic(
        code("scrutin::fix::not-a-log"),
        help("write it as a log first with `scrutin convert`, then fix the log")
    )]
    NotALog { file: String, what: String },

    /// A log that cannot be written; those before it were.
    #[error("cannot fix {file}: {error}")]
    #[diagnostic(code(scrutin::fix::unwritable))]
    Unwritable { file: String, error: io::Error },
}

/// A log that cannot be read to be fixed.
#[derive(Debug, Error, Diagnostic)]
#[error("cannot read {file}: {error}")]
#[diagnostic(code("scrutin::fix::unreadable-log"))]
pub struct UnreadableLog {
    /// The log's path, escaped.
    pub file: String,
    pub error: io::Error,
}

/// A log to rewrite: its bytes before and after.
struct Rewrite<'a> {
    path: &'a Path,
    /// As `plan` and the diff name it.
    name: String,
    moved: usize,
    old: Vec<u8>,
    new: Vec<u8>,
}

/// Fixes `check.logs`, or writes to `diff` how. `Some` status when the run
/// ends here (a diff); `None` to go on and check the fixed logs.
pub(super) fn fix(
    rulebook: &Rulebook,
    check: &Check,
    scope: &Scope,
    fix: Fix,
    how: crate::publication::HowToOpen,
    diff: &mut dyn Write,
    note: &mut dyn FnMut(&Note),
) -> Result<Option<Status>, RunError> {
    let paths = files(&check.logs)?;
    for path in &paths {
        refuse_other_formats(path, how)?;
    }
    let (rewrites, (unfixable, never_allowed)) = plan(rulebook, check, scope, &paths)?;
    if let (Some(reason), false) = (&rulebook.provisional, rewrites.is_empty()) {
        note(&Note::Provisional {
            reason: reason.clone(),
        });
    }
    match fix {
        Fix::Diff => {
            for rewrite in &rewrites {
                write!(
                    diff,
                    "{}",
                    reschedule::unified_diff(&rewrite.name, &rewrite.old, &rewrite.new)
                )?;
            }
            diff.flush()?;
        }
        Fix::InPlace => {
            for rewrite in &rewrites {
                let file = shown(rewrite.path);
                replace_file(rewrite.path, &rewrite.new)
                    .map_err(|error| FixError::Unwritable { file, error })?;
                note(&Note::Moved {
                    file: shown(rewrite.path),
                    publications: rewrite.moved,
                });
            }
        }
    }
    if unfixable > 0 {
        note(&Note::Unfixable {
            findings: unfixable,
            never_allowed,
        });
    }
    Ok(match fix {
        Fix::Diff if rewrites.is_empty() && unfixable == 0 => Some(Status::Clean),
        Fix::Diff => Some(Status::Findings),
        Fix::InPlace => None,
    })
}

/// Only a log in scrutin's syntax, uncompressed, can be rewritten in
/// place; an unreadable file is left to `plan`, which reports it.
fn refuse_other_formats(path: &Path, how: crate::publication::HowToOpen) -> Result<(), FixError> {
    let not_a_log = |what: String| FixError::NotALog {
        file: shown(path),
        what,
    };
    let mut start = [0u8; 2];
    let read = std::fs::File::open(path).and_then(|mut file| {
        use std::io::Read;
        file.read(&mut start)
    });
    if read.is_ok_and(|n| n == 2) && start == [0x1f, 0x8b] {
        return Err(not_a_log("compressed with gzip".to_string()));
    }
    match super::input::format_of(path, how) {
        Ok(format) if format != Format::Log => Err(not_a_log(format!("read as {}", format.name()))),
        _ => Ok(()),
    }
}

/// The logs' paths: standard input cannot be rewritten.
fn files(logs: &[Log]) -> Result<Vec<&PathBuf>, FixError> {
    logs.iter()
        .map(|log| match log {
            Log::File(path) => Ok(path),
            Log::StandardInput => Err(FixError::StandardInput),
        })
        .collect()
}

/// The rewrites of the logs at `paths` that have moves, and the findings no
/// move fixes; an error if any log cannot be read.
fn plan<'a>(
    rulebook: &Rulebook,
    check: &Check,
    scope: &Scope,
    paths: &[&'a PathBuf],
) -> Result<(Vec<Rewrite<'a>>, (usize, usize)), RunError> {
    // Waivers are loaded apart: planning must not count as their use.
    let mut waivers = load_waivers(check, rulebook)?;
    let mut rewrites = Vec::new();
    let mut unreadable = Vec::new();
    // Findings no move fixes, and of them publications forbidden at all times.
    let mut unfixable = (0, 0);
    for path in paths {
        let name = path.display().to_string();
        let old = match std::fs::read(path) {
            Ok(old) => old,
            Err(error) => {
                let file = shown(path);
                unreadable.push(UnreadableLog { file, error });
                continue;
            }
        };
        let plan = reschedule::plan_with(rulebook, &name, &old, scope.clone(), &mut waivers)?;
        unfixable.0 += plan.unfixable + plan.never_allowed;
        unfixable.1 += plan.never_allowed;
        if !plan.moves.is_empty() {
            rewrites.push(Rewrite {
                path,
                name,
                moved: plan.moves.len(),
                new: plan.apply(&old),
                old,
            });
        }
    }
    if !unreadable.is_empty() {
        return Err(FixError::Unreadable { logs: unreadable }.into());
    }
    Ok((rewrites, unfixable))
}

/// Writes `bytes` over the log at `path` at once: to a new file beside it,
/// then renamed over it, so that an interrupted fix never leaves half a log.
/// A read-only log is refused (even to root, who could rename over it); a
/// log with other hard links becomes a file of its own, as with `sed -i`.
fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let path = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&path)?.permissions();
    if permissions.readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let mut temporary = path.clone().into_os_string();
    temporary.push(format!(".scrutin-fix-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()?;
            file.set_permissions(permissions)
        })
        .and_then(|()| std::fs::rename(&temporary, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
