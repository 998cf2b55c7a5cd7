//! The `scrutin` command: arguments in, library calls, exit code out.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use scrutin::audit::pipeline::Pipeline;
use scrutin::audit::{Limits, Summary};
use scrutin::check::Scope;
use scrutin::report::{
    self, ColorChoice, GithubReport, HumanReport, JsonReport, JunitReport, LineBuffered, Report,
    SarifReport, ShortReport,
};
use scrutin::reschedule;
use scrutin::rulebook::{self, Rulebook, Severity};
use scrutin::source::escape_unsafe;
use scrutin::waiver::Waivers;

/// Exit codes, as CI systems read them.
mod exit {
    /// Everything was checked; no finding at or above --fail-on.
    pub const CLEAN: u8 = 0;
    /// Findings at or above --fail-on.
    pub const FINDINGS: u8 = 1;
    /// The job could not be done completely: bad rulebook, unreadable file, invalid line.
    pub const INCOMPLETE: u8 = 2;
}

#[derive(Parser)]
#[command(
    name = "scrutin",
    version,
    about = "Checks media publications against election law"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check publication logs against a rulebook.
    Check(CheckArgs),
    /// Validate or show rulebooks.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// May this be published now, and if not, from when?
    Preflight(PreflightArgs),
    /// Every restricted window of the election, for people or calendar apps.
    Calendar {
        /// The rulebook: a YAML file, or a built-in name (`scrutin rules list`).
        #[arg(long, short = 'r', value_name = "FILE")]
        rules: PathBuf,
        /// Only these regions (repeat for several).
        #[arg(long = "region", value_name = "REGION")]
        regions: Vec<String>,
        #[arg(long, value_enum, default_value_t = CalendarFormat::Table)]
        format: CalendarFormat,
    },
    /// Serve preflight, check, rules and calendar over HTTP (see docs/openapi.yaml).
    Serve {
        /// Rulebooks to serve (files or built-in names; repeat for several); the first is the default.
        #[arg(long, short = 'r', value_name = "FILE", required = true)]
        rules: Vec<PathBuf>,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Log one line a request on stderr: time, method, path, status, duration.
        #[arg(long)]
        access_log: bool,
        /// Connections open at once; more wait (keep it below `ulimit -n`).
        #[arg(long, value_name = "N", default_value_t = scrutin::serve::MAX_CONNECTIONS)]
        max_connections: usize,
        /// Checks run at once; one more is a 503 with Retry-After [default: the number of cores].
        #[arg(long, value_name = "N")]
        max_checks: Option<usize>,
    },
    /// Explain one rule: its law, help, filter and every window.
    Explain {
        /// The rule's id.
        rule: String,
        /// The rulebook: a YAML file, or a built-in name (`scrutin rules list`).
        #[arg(long, short = 'r', value_name = "FILE")]
        rules: PathBuf,
        /// How to print the explanation: for people, or JSON for tools.
        #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
        format: ShowFormat,
    },
    /// Print a completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write every command's page to a directory.
    Man {
        /// Write scrutin.1, scrutin-check.1, scrutin-rules-validate.1, … here.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `-j`'s largest value: more threads are refused by the command line, not
/// silently fewer (the library would clamp them).
const MAX_JOBS: u64 = Pipeline::MAX_JOBS as u64;

#[derive(clap::Args)]
struct CheckArgs {
    /// The rulebook: a YAML file, or a built-in name (`scrutin rules list`).
    #[arg(long, short = 'r', value_name = "FILE")]
    rules: PathBuf,
    /// Publication logs; `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    logs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print the summary only, not a diagnostic per finding (human format).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    quiet: bool,
    /// Repeat each rule's law and help under every finding, and show lines
    /// whole (human format; by default they come once, after the findings).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Fit the human output to this many columns (default: the terminal's
    /// width, or 80 when not writing to a terminal).
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(40..))]
    width: Option<u16>,
    /// A waiver file (YAML): findings accepted on purpose, with reasons.
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// The day waiver expiry is judged on (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    today: Option<chrono::NaiveDate>,
    /// Stop after this many invalid lines instead of reporting them all.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_invalid: Option<u64>,
    /// Report only the findings of this rule (repeat for several).
    #[arg(long = "rule", value_name = "ID")]
    rules_shown: Vec<String>,
    /// Report only findings in this region (repeat for several).
    #[arg(long = "region", value_name = "REGION")]
    regions_shown: Vec<String>,
    /// Report only publications at or after this instant
    /// (2017-05-06T00:00:00+02:00, or …[Europe/Paris]).
    #[arg(long, value_name = "INSTANT", value_parser = instant)]
    since: Option<chrono::DateTime<chrono::Utc>>,
    /// Report only publications before this instant.
    #[arg(long, value_name = "INSTANT", value_parser = instant)]
    until: Option<chrono::DateTime<chrono::Utc>>,
    /// Move each publication that a window blocks to its earliest allowed
    /// instant, in its line's own timestamp form, rewriting the log files in
    /// place; then check them again. What time cannot fix is reported.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Show what --fix would change, as a unified diff, without writing.
    #[arg(long)]
    diff: bool,
    /// Threads checking large logs, 1 to 256 (default: one per core, or one
    /// when a log is standard input); the output is the same whatever the number.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    jobs: Option<u64>,
}

#[derive(clap::Args)]
// The publication is described by its parts (`--kind` and the others) or as
// a whole `--line`: one of the two is needed, and the error says so.
#[command(group(clap::ArgGroup::new("publication").args(["kind", "line"]).required(true)))]
struct PreflightArgs {
    /// The rulebook: a YAML file, or a built-in name (`scrutin rules list`).
    #[arg(long, short = 'r', value_name = "FILE")]
    rules: PathBuf,
    /// The publication's kind, one of the rulebook's (poll, campaign, …).
    #[arg(long)]
    kind: Option<String>,
    /// Where it goes out, one of the rulebook's channels (web, tv, …); default: any.
    #[arg(long)]
    channel: Option<String>,
    /// Where it is received (repeat for several); default: the rulebook's default region.
    #[arg(long = "region", value_name = "REGION")]
    regions: Vec<String>,
    /// When: an instant (2017-05-06T09:30:00+02:00, …[Europe/Paris]) or `now`.
    #[arg(long, default_value = "now")]
    at: String,
    /// Who publishes it (rules may depend on it).
    #[arg(long, default_value = "preflight")]
    outlet: String,
    /// An attribute, key=value (repeat for several): the poll notice, tags=…
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    attributes: Vec<String>,
    /// The whole publication as a log line, instead of the options above.
    #[arg(long, conflicts_with_all = ["kind", "channel", "regions", "at", "outlet", "attributes"])]
    line: Option<String>,
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    format: ShowFormat,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Check that a rulebook is valid.
    Validate {
        /// Rulebook files, or built-in names (`scrutin rules list`).
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Show a rulebook's rounds, rules and resolved windows.
    Show {
        /// An election rulebook: a file, or a built-in name (`scrutin rules list`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
        format: ShowFormat,
    },
    /// What a log of this election may say: its kinds, channels, regions
    /// and fields, and the attributes its rules ask for.
    Vocabulary {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
        format: ShowFormat,
    },
    /// Print the JSON Schema of rulebook files (for editors: see README).
    Schema,
    /// List the rulebooks built into scrutin, usable by name with --rules.
    List,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    /// One line per finding, `file:line:col: severity[rule]: message`, for
    /// grep and editors' quickfix lists.
    Short,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (check only).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the changed lines.
    Github,
    /// JUnit XML: a test case per rule and file, for CI test reports.
    Junit,
}

/// How `calendar` prints the windows.
#[derive(Clone, Copy, ValueEnum)]
enum CalendarFormat {
    Table,
    Json,
    /// iCalendar (RFC 5545), for calendar apps.
    Ics,
}

/// How `rules show` prints a rulebook.
#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules(RulesCommand::Validate { files }) => Ok(validate(&files)),
        Command::Rules(RulesCommand::Show { file, format }) => show(&file, format),
        Command::Rules(RulesCommand::List) => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            report::shipped::list_text(&mut out)
                .and_then(|()| out.flush())
                .map(|()| exit::CLEAN)
        }
        Command::Rules(RulesCommand::Vocabulary { file, format }) => vocabulary(&file, format),
        Command::Rules(RulesCommand::Schema) => {
            print!("{}", rulebook::schema::json_schema());
            Ok(exit::CLEAN)
        }
        Command::Explain {
            rule,
            rules,
            format,
        } => explain(&rule, &rules, format),
        Command::Preflight(args) => preflight(&args),
        Command::Serve {
            rules,
            addr,
            access_log,
            max_connections,
            max_checks,
        } => {
            let mut config = scrutin::serve::Config {
                access_log,
                max_connections: max_connections.max(1),
                ..Default::default()
            };
            if let Some(max_checks) = max_checks {
                config.max_checks = max_checks.max(1);
            }
            serve(&rules, addr, &config)
        }
        Command::Calendar {
            rules,
            regions,
            format,
        } => calendar(&rules, &regions, format),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "scrutin", &mut io::stdout());
            Ok(exit::CLEAN)
        }
        Command::Man { dir } => man(dir.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `scrutin check … | head`: the reader left. Stop quietly, but not with
        // 0: the lines after it were never checked.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(exit::INCOMPLETE),
        Err(e) => {
            eprintln!("scrutin: {e}");
            ExitCode::from(exit::INCOMPLETE)
        }
    }
}

/// The main man page on standard output, or every page written to `dir`.
fn man(dir: Option<&Path>) -> io::Result<u8> {
    let Some(dir) = dir else {
        let page = report::man::main_page(Cli::command());
        io::stdout().write_all(page.roff.as_bytes())?;
        return Ok(exit::CLEAN);
    };
    std::fs::create_dir_all(dir)?;
    for page in report::man::pages(Cli::command()) {
        std::fs::write(dir.join(&page.file_name), page.roff)?;
        println!("{}", dir.join(&page.file_name).display());
    }
    Ok(exit::CLEAN)
}

/// How the command line names a side file.
#[derive(Clone, Copy)]
enum Named {
    /// By its option, `--rules FILE` or `--waivers FILE`.
    ByOption,
    /// By an argument of a command on rulebooks (`rules validate FILE`).
    ByArgument,
}

/// Loads a rulebook, or prints why it cannot be loaded.
fn load_rulebook(path: &Path, expect: rulebook::Expect, named: Named) -> Option<Rulebook> {
    match rulebook::load_as(path, expect) {
        Ok(rulebook) => Some(rulebook),
        Err(error) => {
            print_error(&named_as(error, named));
            None
        }
    }
}

fn named_as(error: rulebook::RulebookError, named: Named) -> rulebook::RulebookError {
    match named {
        Named::ByOption => error.named_by_option(),
        Named::ByArgument => error,
    }
}

/// Loads the waiver file `--waivers` names, if any, or prints why it cannot be loaded.
fn load_waivers(
    path: Option<&Path>,
    rulebook: &Rulebook,
    today: chrono::NaiveDate,
) -> Option<Waivers> {
    let Some(path) = path else {
        return Some(Waivers::none());
    };
    match Waivers::load(path, rulebook, today) {
        Ok(waivers) => Some(waivers),
        Err(error) => {
            print_error(&named_as(error, Named::ByOption));
            None
        }
    }
}

/// A rulebook or waiver file error, drawn on standard error.
fn print_error(error: &rulebook::RulebookError) {
    let color = ColorChoice::Auto.enabled(io::stderr().is_terminal());
    let mut text = String::new();
    match report::graphical_handler(color).render_report(&mut text, error) {
        Ok(()) => eprint!("{text}"),
        Err(_) => eprintln!("scrutin: {error}"),
    }
}

fn check(args: &CheckArgs) -> io::Result<u8> {
    let Some(rulebook) = load_rulebook(&args.rules, rulebook::Expect::Election, Named::ByOption)
    else {
        return Ok(exit::INCOMPLETE);
    };
    // A log that is a stream is checked as it comes (on this thread, so
    // that --max-invalid stops it at once), and what it breaks is written
    // at once.
    let streams = args.logs.iter().any(|log| is_stream(log));
    let stdout = io::stdout();
    let out = LineBuffered::new(io::BufWriter::new(stdout.lock()), streams);
    let mut report: Box<dyn Report> = match args.format {
        Format::Human => {
            let terminal = io::stdout().is_terminal();
            let color = args.color.enabled(terminal);
            let width = args
                .width
                .map_or_else(|| terminal_width(terminal), usize::from);
            Box::new(
                HumanReport::new(out, &rulebook, color)
                    .quiet(args.quiet)
                    .verbose(args.verbose)
                    .width(width),
            )
        }
        Format::Short => Box::new(ShortReport::new(out, &rulebook)),
        Format::Json => Box::new(JsonReport::new(out, &rulebook)),
        Format::Sarif => Box::new(SarifReport::new(out, &rulebook)),
        Format::Github => Box::new(GithubReport::new(out, &rulebook)),
        Format::Junit => Box::new(JunitReport::new(out, &rulebook)),
    };
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let Some(mut waivers) = load_waivers(args.waivers.as_deref(), &rulebook, today) else {
        return Ok(exit::INCOMPLETE);
    };
    let mut summary = Summary::default();
    let limits = Limits {
        max_invalid: args
            .max_invalid
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let scope = Scope::resolve(
        &rulebook,
        &args.rules_shown,
        &args.regions_shown,
        args.since,
        args.until,
    );
    let scope = match scope {
        Ok(scope) => scope,
        Err(message) => {
            eprintln!("scrutin: {message}");
            return Ok(exit::INCOMPLETE);
        }
    };
    if !scope.is_everything() {
        summary.scope = Some(scope.describe(&rulebook));
    }
    if (args.fix || args.diff)
        && let Some(code) = reschedule_logs(args, &rulebook, &scope, today)?
    {
        return Ok(code);
    }
    let mut pipeline = Pipeline::new(&rulebook).scope(scope);
    if let Some(jobs) = args.jobs {
        pipeline = pipeline.jobs(usize::try_from(jobs).unwrap_or(usize::MAX));
    } else if streams {
        pipeline = pipeline.jobs(1);
    }
    for log in &args.logs {
        check_log(
            &pipeline,
            log,
            limits,
            &mut waivers,
            report.as_mut(),
            &mut summary,
        )?;
        if summary.stopped_early {
            break;
        }
    }
    for warning in waivers.warnings(&rulebook) {
        summary.waiver_warnings += 1;
        report.waiver_warning(&warning)?;
    }
    report.finish(&summary)?;
    Ok(exit_code(&summary, args.fail_on))
}

/// `--fix` and `--diff`: each log's publications moved out of the windows
/// that block them, written back or shown as a diff. Every log is planned
/// before any is written, so that a mistake found late changes nothing.
/// `Some` exit code when the job ends here (a diff, or a mistake); `None` to
/// go on and check the fixed logs.
fn reschedule_logs(
    args: &CheckArgs,
    rulebook: &Rulebook,
    scope: &Scope,
    today: chrono::NaiveDate,
) -> io::Result<Option<u8>> {
    if args.logs.iter().any(|log| log == Path::new("-")) {
        eprintln!("scrutin: --fix and --diff work on files, not on standard input");
        return Ok(Some(exit::INCOMPLETE));
    }
    // Waivers are loaded apart: planning must not count as their use.
    let Some(mut waivers) = load_waivers(args.waivers.as_deref(), rulebook, today) else {
        return Ok(Some(exit::INCOMPLETE));
    };
    let mut fixes = Vec::new();
    let (mut unreadable, mut unfixable) = (false, 0);
    for log in &args.logs {
        let name = log.display().to_string();
        let old = match std::fs::read(log) {
            Ok(old) => old,
            Err(e) => {
                eprintln!("scrutin: cannot read {}: {e}", escape_unsafe(&name));
                unreadable = true;
                continue;
            }
        };
        let plan = reschedule::plan_with(rulebook, &name, &old, scope.clone(), &mut waivers)?;
        unfixable += plan.unfixable;
        if !plan.moves.is_empty() {
            let new = plan.apply(&old);
            fixes.push((log, name, plan.moves.len(), old, new));
        }
    }
    if unreadable {
        return Ok(Some(exit::INCOMPLETE));
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (log, name, moved, old, new) in &fixes {
        if args.diff {
            write!(out, "{}", reschedule::unified_diff(name, old, new))?;
            continue;
        }
        if let Err(e) = replace_file(log, new) {
            eprintln!("scrutin: cannot fix {}: {e}", escape_unsafe(name));
            return Ok(Some(exit::INCOMPLETE));
        }
        eprintln!(
            "scrutin: {}: moved {} to the earliest instant allowed",
            escape_unsafe(name),
            count(*moved, "publication")
        );
    }
    out.flush()?;
    if unfixable > 0 {
        eprintln!(
            "scrutin: {} that time cannot fix (attributes to add)",
            count(unfixable, "finding")
        );
    }
    if args.diff {
        let clean = fixes.is_empty() && unfixable == 0;
        return Ok(Some(if clean { exit::CLEAN } else { exit::FINDINGS }));
    }
    Ok(None)
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

/// A date given as an option, read as rulebooks and waiver files read theirs.
fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    scrutin::time::parse_date(text).ok_or_else(|| "expected YYYY-MM-DD".to_string())
}

/// An instant given as an option: a log timestamp, read by the same parser.
fn instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    scrutin::time::parse_timestamp(text)
        .map(|timestamp| timestamp.instant)
        .map_err(|error| error.message)
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

/// Is this log a stream: standard input, a pipe, a FIFO, a terminal? Not a
/// regular file, in short.
fn is_stream(log: &Path) -> bool {
    log == Path::new("-") || std::fs::metadata(log).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

fn check_log(
    pipeline: &Pipeline,
    log: &Path,
    limits: Limits,
    waivers: &mut Waivers,
    report: &mut dyn Report,
    summary: &mut Summary,
) -> io::Result<()> {
    if log == Path::new("-") {
        let input = io::stdin();
        return pipeline.audit("<stdin>", input, report, summary, limits, waivers);
    }
    // The name is shown in every format: a name holding an escape sequence
    // or a line break must not rewrite a terminal or forge an annotation.
    let name = escape_unsafe(&log.display().to_string());
    match File::open(log) {
        Ok(file) => pipeline.audit(&name, file, report, summary, limits, waivers),
        Err(e) => {
            summary.files += 1;
            summary.unreadable_files += 1;
            report.unreadable(&name, &e.to_string())
        }
    }
}

fn exit_code(summary: &Summary, fail_on: FailOn) -> u8 {
    if !summary.complete() {
        exit::INCOMPLETE
    } else if fail_on
        .severity()
        .is_some_and(|s| summary.findings_at_least(s) > 0)
    {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

fn validate(files: &[PathBuf]) -> u8 {
    let mut code = exit::CLEAN;
    for file in files {
        match load_rulebook(file, rulebook::Expect::LawOrElection, Named::ByArgument) {
            Some(rulebook) if rulebook.rounds.is_empty() => println!(
                "{}: valid law ({}, {}; its election files give the rounds)",
                file.display(),
                count(rulebook.rules.len(), "rule"),
                count(rulebook.regions.len(), "region"),
            ),
            Some(rulebook) => println!(
                "{}: valid ({}, {}, {})",
                file.display(),
                count(rulebook.rules.len(), "rule"),
                count(rulebook.regions.len(), "region"),
                count(rulebook.rounds.len(), "round"),
            ),
            None => code = exit::INCOMPLETE,
        }
    }
    code
}

/// `1 rule`, `7 rules`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The question's parts, or why `--attr` is not KEY=VALUE.
fn question(args: &PreflightArgs) -> Result<scrutin::preflight::Question, String> {
    let attributes = args
        .attributes
        .iter()
        .map(|attribute| {
            attribute
                .split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--attr {attribute}: expected KEY=VALUE"))
        })
        .collect::<Result<std::collections::BTreeMap<_, _>, String>>()?;
    Ok(scrutin::preflight::Question {
        at: Some(args.at.clone()),
        kind: args.kind.clone().unwrap_or_default(),
        channel: args.channel.clone(),
        regions: args.regions.clone(),
        outlet: Some(args.outlet.clone()),
        attributes,
    })
}

/// A line's mistake, shown on the line as `check` would show it.
fn print_line_error(
    rulebook: &Rulebook,
    line: &str,
    error: &scrutin::publication::LineError,
) -> io::Result<()> {
    let mut report = HumanReport::new(
        io::stderr(),
        rulebook,
        ColorChoice::Auto.enabled(io::stderr().is_terminal()),
    );
    let question = scrutin::audit::LogLine {
        file: "question",
        number: 1,
        text: line,
    };
    report.line(&question, scrutin::audit::Outcome::Invalid(error))
}

/// The publication asked about, or its mistake printed (`None`).
fn preflight_publication(
    args: &PreflightArgs,
    rulebook: &Rulebook,
) -> io::Result<Option<scrutin::publication::Publication<'static>>> {
    use scrutin::preflight::QuestionError;
    if let Some(line) = &args.line {
        return match scrutin::publication::read(line, rulebook) {
            Ok(publication) => Ok(Some(publication.into_owned())),
            Err(error) => print_line_error(rulebook, line, &error).map(|()| None),
        };
    }
    let question = match question(args) {
        Ok(question) => question,
        Err(message) => {
            eprintln!("scrutin: {message}");
            return Ok(None);
        }
    };
    match question.read(rulebook, chrono::Utc::now()) {
        Ok(publication) => Ok(Some(publication)),
        Err(QuestionError::Line { line, error }) => {
            print_line_error(rulebook, &line, &error).map(|()| None)
        }
        Err(QuestionError::Part(error)) => {
            let option = error.part.name();
            eprintln!(
                "scrutin: --{option} {}: {} [{}]",
                error.value,
                error.message(),
                error.code()
            );
            Ok(None)
        }
    }
}

fn preflight(args: &PreflightArgs) -> io::Result<u8> {
    let Some(rulebook) = load_rulebook(&args.rules, rulebook::Expect::Election, Named::ByOption)
    else {
        return Ok(exit::INCOMPLETE);
    };
    let Some(publication) = preflight_publication(args, &rulebook)? else {
        return Ok(exit::INCOMPLETE);
    };
    let answer = scrutin::preflight::preflight(&rulebook, &publication);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format {
        ShowFormat::Human => {
            report::preflight::answer_text(&rulebook, &publication, &answer, &mut out)?
        }
        ShowFormat::Json => {
            report::preflight::answer_json(&rulebook, &publication, &answer, &mut out)?
        }
    }
    out.flush()?;
    Ok(match answer.verdict() {
        scrutin::preflight::Verdict::Allowed => exit::CLEAN,
        scrutin::preflight::Verdict::Blocked | scrutin::preflight::Verdict::MissingNotice => {
            exit::FINDINGS
        }
    })
}

fn calendar(file: &Path, region_ids: &[String], format: CalendarFormat) -> io::Result<u8> {
    let Some(rulebook) = load_rulebook(file, rulebook::Expect::Election, Named::ByOption) else {
        return Ok(exit::INCOMPLETE);
    };
    let mut regions = Vec::new();
    for id in region_ids {
        match rulebook.region_index(id) {
            Some(region) => regions.push(region),
            None => {
                let hint = rulebook.region_hint(id);
                eprintln!("scrutin: no region `{id}` in {}; {hint}", file.display());
                return Ok(exit::INCOMPLETE);
            }
        }
    }
    let restrictions = report::calendar::restrictions(&rulebook, &regions);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        CalendarFormat::Table => report::calendar::table(&rulebook, &restrictions, &mut out)?,
        CalendarFormat::Json => report::calendar::json(&rulebook, &restrictions, &mut out)?,
        CalendarFormat::Ics => {
            report::calendar::ics(&rulebook, &restrictions, chrono::Utc::now(), &mut out)?
        }
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

fn serve(
    files: &[PathBuf],
    addr: std::net::SocketAddr,
    config: &scrutin::serve::Config,
) -> io::Result<u8> {
    let mut rulebooks = Vec::new();
    for file in files {
        let Some(rulebook) = load_rulebook(file, rulebook::Expect::Election, Named::ByOption)
        else {
            return Ok(exit::INCOMPLETE);
        };
        rulebooks.push(rulebook);
    }
    let rulebooks = match scrutin::serve::Rulebooks::new(rulebooks) {
        Ok(rulebooks) => rulebooks,
        Err(message) => {
            eprintln!("scrutin: {message}");
            return Ok(exit::INCOMPLETE);
        }
    };
    let router = scrutin::serve::router(rulebooks, config);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        eprintln!("scrutin: serving on http://{}", listener.local_addr()?);
        scrutin::serve::serve(listener, router, config).await
    })?;
    // A check whose client left stops at its next write; none outlives this.
    runtime.shutdown_timeout(config.shutdown_grace);
    Ok(exit::CLEAN)
}

fn explain(rule: &str, file: &Path, format: ShowFormat) -> io::Result<u8> {
    let Some(rulebook) = load_rulebook(file, rulebook::Expect::Election, Named::ByOption) else {
        return Ok(exit::INCOMPLETE);
    };
    let Some(index) = rulebook.rules.iter().position(|r| r.id == rule) else {
        eprintln!(
            "scrutin: no rule `{}` in {}; {}",
            escape_unsafe(rule),
            file.display(),
            rulebook.rule_hint(rule)
        );
        return Ok(exit::INCOMPLETE);
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        ShowFormat::Human => report::rules::explain_text(&rulebook, index, &mut out)?,
        ShowFormat::Json => report::rules::explain_json(&rulebook, index, &mut out)?,
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

fn show(file: &Path, format: ShowFormat) -> io::Result<u8> {
    let Some(rulebook) = load_rulebook(file, rulebook::Expect::Election, Named::ByArgument) else {
        return Ok(exit::INCOMPLETE);
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        ShowFormat::Human => report::rules::show_text(&rulebook, &mut out)?,
        ShowFormat::Json => report::rules::show_json(&rulebook, &mut out)?,
    }
    out.flush()?;
    Ok(exit::CLEAN)
}

/// A law file has a vocabulary too; its regions have no polling day yet.
fn vocabulary(file: &Path, format: ShowFormat) -> io::Result<u8> {
    let Some(rulebook) = load_rulebook(file, rulebook::Expect::LawOrElection, Named::ByArgument)
    else {
        return Ok(exit::INCOMPLETE);
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        ShowFormat::Human => report::vocabulary::vocabulary_text(&rulebook, &mut out)?,
        ShowFormat::Json => report::vocabulary::vocabulary_json(&rulebook, &mut out)?,
    }
    out.flush()?;
    Ok(exit::CLEAN)
}
