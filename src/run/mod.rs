//! A `check` run: several logs, one rulebook, one report, and what the run
//! comes to (clean, findings, or not checked completely).
//!
//! Around `audit`, which checks one log, a run does what belongs to the
//! whole: it opens each log (a file, or standard input), chooses how many
//! threads check them, loads the waiver file once for every log and reports
//! at the end the waivers that accepted nothing or have expired, narrows the
//! findings to the scope asked for, and first moves what a window blocks when
//! asked to (`fix`). It writes nothing itself but the report, a diff and
//! notes handed to the caller; what goes wrong is a `RunError`.
//!
//! ```
//! use scrutin::{report, rulebook, run};
//!
//! let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
//! let check = run::Check::new(vec![run::Log::File("samples/schedule-clean.log".into())]);
//! let mut out = Vec::new();
//! let mut report = report::JsonReport::new(&mut out, &rulebook);
//! let output = run::Output {
//!     report: &mut report,
//!     diff: &mut std::io::sink(),
//!     note: &mut |_| {},
//! };
//! assert_eq!(run::run(&rulebook, &check, output).unwrap(), run::Status::Clean);
//! ```

mod fix;
mod input;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use miette::Diagnostic;
use thiserror::Error;

use crate::audit::pipeline::Pipeline;
use crate::audit::{Limits, Report, Summary};
use crate::check::{Scope, ScopeError};
use crate::publication::{Format, HowToOpen, InputError, Profile};
use crate::rulebook::{Rulebook, RulebookError, Severity};
use crate::source::escape_unsafe;
use crate::waiver::Waivers;
pub use fix::{Fix, FixError, Note, UnreadableLog};

/// A log to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Log {
    /// Standard input, shown as `<stdin>`.
    StandardInput,
    File(PathBuf),
}

impl Log {
    /// Is this log a stream: standard input, a pipe, a FIFO, a terminal? Not
    /// a regular file, in short.
    pub fn is_stream(&self) -> bool {
        match self {
            Log::StandardInput => true,
            Log::File(path) => std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()),
        }
    }
}

/// The findings asked for, by id, before the rulebook says whether it has
/// them (`--rule`, `--region`, `--since`, `--until`); empty asks for all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeRequest {
    pub rules: Vec<String>,
    pub regions: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl ScopeRequest {
    fn resolve(&self, rulebook: &Rulebook) -> Result<Scope, ScopeError> {
        Scope::resolve(rulebook, &self.rules, &self.regions, self.since, self.until)
    }
}

/// What to run: the logs and how to check them, as the command line gives
/// them (the files it names are named by its options in errors).
#[derive(Debug, Clone)]
pub struct Check {
    /// Checked in this order, into one report.
    pub logs: Vec<Log>,
    /// A waiver file, besides the waivers written in the logs.
    pub waivers: Option<PathBuf>,
    /// The day waiver expiry is judged on.
    pub today: NaiveDate,
    pub scope: ScopeRequest,
    pub limits: Limits,
    /// Threads checking large logs; by default one per core, or one when a
    /// log is a stream (checked as it comes, on this thread, so that
    /// `limits` stop it at once).
    pub jobs: Option<usize>,
    /// The least severity of a finding that makes the run `Findings`;
    /// `None`: no finding does.
    pub fail_on: Option<Severity>,
    /// Move what a window blocks before checking, or show how.
    pub fix: Option<Fix>,
    /// The format of every log (`--input`); by default each one's name and
    /// first bytes tell it.
    pub input: Option<Format>,
    /// How the records of structured sources become publications (`--profile`).
    pub profile: Option<PathBuf>,
    /// Hand every publication to the report, not only those with findings
    /// (`scrutin convert`).
    pub every_publication: bool,
}

impl Check {
    /// `logs` checked as `check` does by default: every finding, failing on
    /// errors, waivers judged today (UTC).
    pub fn new(logs: Vec<Log>) -> Self {
        Check {
            logs,
            waivers: None,
            today: Utc::now().date_naive(),
            scope: ScopeRequest::default(),
            limits: Limits::default(),
            jobs: None,
            fail_on: Some(Severity::Error),
            fix: None,
            input: None,
            profile: None,
            every_publication: false,
        }
    }

    /// Is any log a stream? Its report is then written as lines come.
    pub fn streams(&self) -> bool {
        self.logs.iter().any(Log::is_stream)
    }
}

/// Where a run writes.
pub struct Output<'a> {
    /// The findings of the logs checked.
    pub report: &'a mut dyn Report,
    /// The unified diff of `Fix::Diff`.
    pub diff: &'a mut dyn io::Write,
    /// What `Fix` did, as it does it.
    pub note: &'a mut dyn FnMut(&Note),
}

/// What a run comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything was checked; no finding at or above `fail_on`.
    Clean,
    /// Findings at or above `fail_on` (with `Fix::Diff`: a change to make,
    /// or a finding time cannot fix).
    Findings,
    /// The job could not be done completely: an unreadable file, an invalid
    /// line, a stop at `limits`.
    Incomplete,
}

impl Status {
    /// The status of a run that ended with `summary`.
    pub fn of(summary: &Summary, fail_on: Option<Severity>) -> Status {
        if !summary.complete() {
            Status::Incomplete
        } else if fail_on.is_some_and(|s| summary.findings_at_least(s) > 0) {
            Status::Findings
        } else {
            Status::Clean
        }
    }
}

/// Why a run stopped before its report's end.
#[derive(Debug, Error, Diagnostic)]
pub enum RunError {
    /// The waiver file is not read, or is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Waivers(RulebookError),

    /// The profile is not read, or is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Profile(RulebookError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(#[from] InputError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Scope(#[from] ScopeError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Fix(#[from] FixError),

    /// The report or the diff cannot be written (its reader may have left).
    #[error(transparent)]
    #[diagnostic(code(scrutin::run::output))]
    Output(#[from] io::Error),
}

/// Checks `check.logs` against `rulebook` into `output.report`, having
/// first fixed them if asked; with `Fix::Diff`, only the diff is written.
/// The waiver file and the scope are checked before any log is read.
pub fn run(rulebook: &Rulebook, check: &Check, output: Output) -> Result<Status, RunError> {
    let mut waivers = load_waivers(check, rulebook)?;
    let profile = load_profile(check, rulebook)?;
    // Every file's format is told before any is checked: a source without
    // its profile stops the run before the report starts.
    for log in &check.logs {
        // A stream (a FIFO) is read once: its format is told as it is checked.
        if let Log::File(path) = log
            && !log.is_stream()
            && let Ok(format) = input::format_of(path, how_to_open(check, profile.as_ref()))
        {
            crate::publication::profile_for(&shown(path), format, profile.as_ref())?;
        }
    }
    let scope = check.scope.resolve(rulebook)?;
    let mut summary = Summary {
        provisional: rulebook.provisional.clone(),
        ..Summary::default()
    };
    if !scope.is_everything() {
        summary.scope = Some(scope.describe(rulebook));
    }
    if let Some(fix) = check.fix
        && let Some(status) = fix::fix(
            rulebook,
            check,
            &scope,
            fix,
            how_to_open(check, profile.as_ref()),
            output.diff,
            output.note,
        )?
    {
        return Ok(status);
    }
    let mut pipeline = pipeline(rulebook, check, scope);
    let report = output.report;
    for log in &check.logs {
        pipeline = audit_log(
            pipeline,
            log,
            how_to_open(check, profile.as_ref()),
            profile.as_ref(),
            check.limits,
            &mut waivers,
            report,
            &mut summary,
        )?;
        if summary.stopped_early {
            break;
        }
    }
    // Rules over many publications, judged on every log read.
    pipeline.judge_aggregates(report, &mut summary, &mut waivers)?;
    for warning in waivers.warnings(rulebook) {
        summary.waiver_warnings += 1;
        report.waiver_warning(&warning)?;
    }
    report.finish(&summary)?;
    Ok(Status::of(&summary, check.fail_on))
}

/// The waiver file `check` names, if any; `today` decides which expired.
fn load_waivers(check: &Check, rulebook: &Rulebook) -> Result<Waivers, RunError> {
    let Some(path) = &check.waivers else {
        return Ok(Waivers::none());
    };
    Waivers::load(path, rulebook, check.today)
        .map_err(|error| RunError::Waivers(error.named_by_option()))
}

fn pipeline<'r>(rulebook: &'r Rulebook, check: &Check, scope: Scope) -> Pipeline<'r> {
    let mut pipeline = Pipeline::new(rulebook).scope(scope);
    if check.every_publication {
        pipeline = pipeline.every_publication();
    }
    match check.jobs {
        Some(jobs) => pipeline.jobs(jobs),
        None if check.streams() => pipeline.jobs(1),
        None => pipeline,
    }
}

/// The profile `check` names, if any, checked against the rulebook's vocabulary.
fn load_profile(check: &Check, rulebook: &Rulebook) -> Result<Option<Profile>, RunError> {
    let Some(path) = &check.profile else {
        return Ok(None);
    };
    crate::publication::profile::load(path, Some(rulebook))
        .map(Some)
        .map_err(|error| RunError::Profile(error.named_by_option()))
}

/// How `check` opens a log: in the format `--input` asks for, or else the
/// one its name says, or else the profile's, or else its first bytes'.
fn how_to_open(check: &Check, profile: Option<&Profile>) -> HowToOpen {
    HowToOpen {
        asked: check.input,
        hint: profile.and_then(|p| p.input),
        max_decompressed: None,
    }
}

/// Checks one log, in its format; gives back the pipeline for the next.
#[allow(clippy::too_many_arguments)]
fn audit_log<'r>(
    pipeline: Pipeline<'r>,
    log: &Log,
    how: HowToOpen,
    profile: Option<&'r Profile>,
    limits: Limits,
    waivers: &mut Waivers,
    report: &mut dyn Report,
    summary: &mut Summary,
) -> Result<Pipeline<'r>, RunError> {
    // The name is shown in every format: a name holding an escape sequence
    // or a line break must not rewrite a terminal or forge an annotation.
    let (name, file) = match log {
        Log::StandardInput => ("<stdin>".to_string(), Ok(None)),
        Log::File(path) => (shown(path), File::open(path).map(Some)),
    };
    let unreadable = |summary: &mut Summary, report: &mut dyn Report, reason: String| {
        summary.files += 1;
        summary.unreadable_files += 1;
        report.unreadable(&name, &reason)
    };
    // Its first bytes are read to tell gzip and the format.
    let opened = match file {
        Ok(Some(file)) => crate::publication::open(&name, file, how),
        Ok(None) => crate::publication::open("-", io::stdin(), how),
        Err(e) => {
            unreadable(summary, report, e.to_string())?;
            return Ok(pipeline);
        }
    };
    let opened = match opened {
        Ok(opened) => opened,
        Err(e) => {
            unreadable(summary, report, format!("read error after line 0: {e}"))?;
            return Ok(pipeline);
        }
    };
    let profile = crate::publication::profile_for(&name, opened.format, profile)?;
    let pipeline = pipeline.input(opened.format, profile);
    pipeline.audit(&name, opened.input, report, summary, limits, waivers)?;
    Ok(pipeline)
}

/// A log's path as messages and reports show it.
fn shown(path: &Path) -> String {
    escape_unsafe(&path.display().to_string())
}

/// `1 publication`, `7 publications`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::JsonReport;
    use crate::rulebook;

    const WEEKEND: &str = "samples/presidential-2017-round2-weekend.log";

    fn presidential() -> Rulebook {
        rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap()
    }

    /// The run of `check`, its JSON report, its diff and its notes.
    fn run_json(check: &Check) -> (Result<Status, RunError>, String, String, Vec<String>) {
        let rulebook = presidential();
        let (mut out, mut diff, mut notes) = (Vec::new(), Vec::new(), Vec::new());
        let mut report = JsonReport::new(&mut out, &rulebook);
        let output = Output {
            report: &mut report,
            diff: &mut diff,
            note: &mut |note| notes.push(note.to_string()),
        };
        let status = run(&rulebook, check, output);
        let text = |bytes| String::from_utf8(bytes).unwrap();
        (status, text(out), text(diff), notes)
    }

    #[test]
    fn the_status_is_incomplete_first_then_findings_at_the_threshold() {
        let findings = Summary {
            warnings: 1,
            ..Summary::default()
        };
        assert_eq!(Status::of(&findings, Some(Severity::Error)), Status::Clean);
        assert_eq!(
            Status::of(&findings, Some(Severity::Warning)),
            Status::Findings
        );
        assert_eq!(Status::of(&findings, None), Status::Clean);
        let stopped = Summary {
            stopped_early: true,
            ..findings
        };
        assert_eq!(Status::of(&stopped, None), Status::Incomplete);
    }

    #[test]
    fn an_unreadable_log_is_reported_and_the_others_checked() {
        let check = Check::new(vec![
            Log::File("no/such.log".into()),
            Log::File(WEEKEND.into()),
        ]);
        let (status, json, _, _) = run_json(&check);
        assert_eq!(status.unwrap(), Status::Incomplete);
        assert!(json.contains("no/such.log"), "{json}");
        assert!(json.contains("campaign-silence"), "{json}");
    }

    #[test]
    fn a_waiver_file_or_a_scope_that_fails_stops_the_run_before_any_log() {
        let mut check = Check::new(vec![Log::File(WEEKEND.into())]);
        check.waivers = Some("no/such.yaml".into());
        let (status, json, _, _) = run_json(&check);
        let error = status.unwrap_err();
        assert!(matches!(error, RunError::Waivers(_)), "{error:?}");
        assert!(error.to_string().starts_with("--waivers no/such.yaml: "));
        assert_eq!(json, "");

        let mut check = Check::new(vec![Log::File(WEEKEND.into())]);
        check.scope.rules = vec!["poll-bam".into()];
        let (status, _, _, _) = run_json(&check);
        assert!(matches!(
            status,
            Err(RunError::Scope(ScopeError::UnknownRule { .. }))
        ));
    }

    #[test]
    fn a_diff_is_written_instead_of_the_report_and_the_log_is_left() {
        let before = std::fs::read(WEEKEND).unwrap();
        let mut check = Check::new(vec![Log::File(WEEKEND.into())]);
        check.fix = Some(Fix::Diff);
        let (status, json, diff, notes) = run_json(&check);
        assert_eq!(status.unwrap(), Status::Findings);
        assert_eq!(json, "");
        assert!(diff.starts_with(&format!("--- {WEEKEND}\n+++ {WEEKEND}\n@@ ")));
        assert_eq!(
            notes,
            ["5 findings that time cannot fix (attributes to add)"]
        );
        assert_eq!(std::fs::read(WEEKEND).unwrap(), before);
    }

    #[test]
    fn standard_input_cannot_be_fixed() {
        let mut check = Check::new(vec![Log::StandardInput]);
        check.fix = Some(Fix::InPlace);
        let (status, _, _, _) = run_json(&check);
        assert!(matches!(
            status,
            Err(RunError::Fix(FixError::StandardInput))
        ));
    }
}
