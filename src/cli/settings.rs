//! What the options of `check` and `serve` come to: the library's settings,
//! defaults filled in and numbers in range, and the report asked for.
//! Nothing here reads a file or writes a line.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use scrutin::audit::{Limits, Report};
use scrutin::report::{
    self, ColorChoice, GithubReport, HtmlReport, HumanReport, JsonReport, JunitReport, SarifReport,
    ShortReport,
};
use scrutin::rulebook::Rulebook;
use scrutin::run::{self, Fix, Log, ScopeRequest};

use super::args::{CheckArgs, Format};
use scrutin::report::chart::Lang;

/// `scrutin check`, resolved.
pub(crate) struct CheckSettings {
    /// The rulebook, as `--rules` names it.
    pub(crate) rules: PathBuf,
    pub(crate) run: run::Check,
    pub(crate) report: ReportSettings,
}

/// How the findings are written.
pub(crate) struct ReportSettings {
    format: Format,
    color: ColorChoice,
    quiet: bool,
    verbose: bool,
    width: Option<u16>,
    lang: Lang,
}

impl From<CheckArgs> for CheckSettings {
    fn from(args: CheckArgs) -> Self {
        let fix = if args.fix {
            Some(Fix::InPlace)
        } else if args.diff {
            Some(Fix::Diff)
        } else {
            None
        };
        let run = run::Check {
            logs: args.logs.into_iter().map(log).collect(),
            waivers: args.waivers,
            today: args
                .today
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
            scope: ScopeRequest {
                rules: args.rules_shown,
                regions: args.regions_shown,
                since: args.since,
                until: args.until,
            },
            limits: Limits {
                max_invalid: args.max_invalid.map(saturating_usize),
            },
            jobs: args.jobs.map(saturating_usize),
            fail_on: args.fail_on.severity(),
            fix,
            input: args.source.input.map(|i| i.format()),
            profile: args.source.profile,
            every_publication: false,
        };
        CheckSettings {
            rules: args.rules,
            run,
            report: ReportSettings {
                format: args.format,
                color: args.color,
                quiet: args.quiet,
                verbose: args.verbose,
                width: args.width,
                lang: args.lang.into(),
            },
        }
    }
}

/// A log argument: `-` reads standard input.
pub(crate) fn log(path: PathBuf) -> Log {
    if path == std::path::Path::new("-") {
        Log::StandardInput
    } else {
        Log::File(path)
    }
}

fn saturating_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl ReportSettings {
    /// The report of `rulebook`'s findings, written to `out` (standard output).
    pub(crate) fn report<'r>(
        &self,
        out: impl io::Write + 'r,
        rulebook: &'r Rulebook,
    ) -> Box<dyn Report + 'r> {
        match self.format {
            Format::Human => {
                let terminal = io::stdout().is_terminal();
                let color = self.color.enabled(terminal);
                let width = self
                    .width
                    .map_or_else(|| terminal_width(terminal), usize::from);
                Box::new(
                    HumanReport::new(out, rulebook, color)
                        .quiet(self.quiet)
                        .verbose(self.verbose)
                        .width(width),
                )
            }
            Format::Short => Box::new(ShortReport::new(out, rulebook)),
            Format::Json => Box::new(JsonReport::new(out, rulebook)),
            Format::Sarif => Box::new(SarifReport::new(out, rulebook)),
            Format::Github => Box::new(GithubReport::new(out, rulebook)),
            Format::Junit => Box::new(JunitReport::new(out, rulebook)),
            Format::Html => Box::new(HtmlReport::new(out, rulebook, self.lang)),
        }
    }
}

/// The width of standard output when it is a terminal, else 80: output kept
/// in files and CI logs stays the same whatever the terminal it was made on.
fn terminal_width(terminal: bool) -> usize {
    terminal
        .then(terminal_size::terminal_size)
        .flatten()
        .map_or(report::DEFAULT_WIDTH, |(terminal_size::Width(w), _)| {
            usize::from(w)
        })
}

/// `scrutin serve`'s limits: at least one connection and one check.
pub(crate) fn serve_config(
    access_log: bool,
    max_connections: usize,
    max_checks: Option<usize>,
) -> scrutin::serve::Config {
    let mut config = scrutin::serve::Config {
        access_log,
        max_connections: max_connections.max(1),
        ..Default::default()
    };
    if let Some(max_checks) = max_checks {
        config.max_checks = max_checks.max(1);
    }
    config
}
