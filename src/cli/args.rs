//! The command line as clap parses it: every command, option and default,
//! and the help texts `--help`, the man pages and the completions are made
//! of. Nothing here is checked against a rulebook or acted on (`settings`
//! resolves what needs it; `commands` runs it).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use scrutin::audit::pipeline::Pipeline;
use scrutin::report::ColorChoice;
use scrutin::rulebook::Severity;

#[derive(Parser)]
#[command(
    name = "scrutin",
    version,
    about = "Checks media publications against election law"
)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Check publication logs against a rulebook.
    Check(CheckArgs),
    /// Validate or show rulebooks.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// May this be published now, and if not, from when?
    Preflight(PreflightArgs),
    /// Any input written as scrutin's log syntax (through a profile): how
    /// each record was read, and a normalised log to keep.
    Convert(ConvertArgs),
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
        /// The language of the words of `svg` and `html` (rule titles and
        /// region names are the rulebook's).
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
    },
    /// Serve preflight, check, rules and calendar over HTTP (see docs/openapi.yaml).
    Serve {
        /// Rulebooks to serve (files or built-in names; repeat for several); the first is the default.
        #[arg(long, short = 'r', value_name = "FILE", required = true)]
        rules: Vec<PathBuf>,
        /// Source profiles `/v1/check` may read a body through, by their
        /// `name` (`?profile=NAME`; repeat for several).
        #[arg(long = "profile", value_name = "FILE")]
        profiles: Vec<PathBuf>,
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
pub(crate) struct CheckArgs {
    /// The rulebook: a YAML file, or a built-in name (`scrutin rules list`).
    #[arg(long, short = 'r', value_name = "FILE")]
    pub(crate) rules: PathBuf,
    /// Publication logs or sources (`.gz` too); `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    pub(crate) logs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) source: SourceArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// The language of the words of `html` (messages, rule titles and laws
    /// are in the rulebook's and scrutin's words).
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub(crate) lang: LangArg,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub(crate) fail_on: FailOn,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Print the summary only, not a diagnostic per finding (human format).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Repeat each rule's law and help under every finding, and show lines
    /// whole (human format; by default they come once, after the findings).
    #[arg(long, short = 'v')]
    pub(crate) verbose: bool,
    /// Fit the human output to this many columns (default: the terminal's
    /// width, or 80 when not writing to a terminal).
    #[arg(long, value_name = "COLUMNS", value_parser = clap::value_parser!(u16).range(40..))]
    pub(crate) width: Option<u16>,
    /// A waiver file (YAML): findings accepted on purpose, with reasons.
    #[arg(long, value_name = "FILE")]
    pub(crate) waivers: Option<PathBuf>,
    /// The day waiver expiry is judged on (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub(crate) today: Option<chrono::NaiveDate>,
    /// Stop after this many invalid lines instead of reporting them all.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_invalid: Option<u64>,
    /// Report only the findings of this rule (repeat for several).
    #[arg(long = "rule", value_name = "ID")]
    pub(crate) rules_shown: Vec<String>,
    /// Report only findings in this region (repeat for several).
    #[arg(long = "region", value_name = "REGION")]
    pub(crate) regions_shown: Vec<String>,
    /// Report only publications at or after this instant
    /// (2017-05-06T00:00:00+02:00, or …[Europe/Paris]).
    #[arg(long, value_name = "INSTANT", value_parser = instant)]
    pub(crate) since: Option<chrono::DateTime<chrono::Utc>>,
    /// Report only publications before this instant.
    #[arg(long, value_name = "INSTANT", value_parser = instant)]
    pub(crate) until: Option<chrono::DateTime<chrono::Utc>>,
    /// Move each publication that a window blocks to its earliest allowed
    /// instant, in its line's own timestamp form, rewriting the log files in
    /// place; then check them again. What time cannot fix is reported.
    #[arg(long, conflicts_with = "diff")]
    pub(crate) fix: bool,
    /// Show what --fix would change, as a unified diff, without writing.
    #[arg(long)]
    pub(crate) diff: bool,
    /// Threads checking large logs, 1 to 256 (default: one per core, or one
    /// when a log is standard input); the output is the same whatever the number.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_JOBS))]
    pub(crate) jobs: Option<u64>,
}

#[derive(clap::Args)]
pub(crate) struct ConvertArgs {
    /// The rulebook whose kinds, channels and regions the records name.
    #[arg(long, short = 'r', value_name = "FILE")]
    pub(crate) rules: PathBuf,
    /// Logs or sources (`.gz` too); `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    pub(crate) logs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) source: SourceArgs,
}

/// How logs and sources are read (`check` and `convert`).
#[derive(clap::Args)]
pub(crate) struct SourceArgs {
    /// The format of the logs (default: each one's extension, else the
    /// profile's format, else its first bytes, else the log syntax).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) input: Option<InputFormat>,
    /// How the records of a JSON Lines, CSV, RSS, Atom or sitemap source
    /// become publications (YAML; samples/profiles/ has examples).
    #[arg(long, value_name = "FILE")]
    pub(crate) profile: Option<PathBuf>,
}

#[derive(clap::Args)]
// The publication is described by its parts (`--kind` and the others) or as
// a whole `--line`: one of the two is needed, and the error says so.
#[command(group(clap::ArgGroup::new("publication").args(["kind", "line"]).required(true)))]
pub(crate) struct PreflightArgs {
    /// The rulebook: a YAML file, or a built-in name (`scrutin rules list`);
    /// several (an election's provisional scenarios) are each answered.
    #[arg(long, short = 'r', value_name = "FILE", num_args = 1.., required = true)]
    pub(crate) rules: Vec<PathBuf>,
    /// The publication's kind, one of the rulebook's (poll, campaign, …).
    #[arg(long)]
    pub(crate) kind: Option<String>,
    /// Where it goes out, one of the rulebook's channels (web, tv, …); default: any.
    #[arg(long)]
    pub(crate) channel: Option<String>,
    /// Where it is received (repeat for several); default: the rulebook's default region.
    #[arg(long = "region", value_name = "REGION")]
    pub(crate) regions: Vec<String>,
    /// When: an instant (2017-05-06T09:30:00+02:00, …[Europe/Paris]) or `now`.
    #[arg(long, default_value = "now")]
    pub(crate) at: String,
    /// For an item that lasts (an ad flight, a broadcast segment): when it
    /// stops going out, an instant after --at. The answer gives the parts of
    /// the run that may not go out, and the earliest start from which all of
    /// it may.
    #[arg(long, value_name = "INSTANT")]
    pub(crate) until: Option<String>,
    /// Who publishes it (rules may depend on it).
    #[arg(long, default_value = "preflight")]
    pub(crate) outlet: String,
    /// An attribute, key=value (repeat for several): the poll notice, tags=…
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub(crate) attributes: Vec<String>,
    /// The whole publication as a log line, instead of the options above.
    #[arg(long, conflicts_with_all = ["kind", "channel", "regions", "at", "until", "outlet", "attributes"])]
    pub(crate) line: Option<String>,
    /// How to print the answer.
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub(crate) format: ShowFormat,
}

#[derive(Subcommand)]
pub(crate) enum RulesCommand {
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
pub(crate) enum Format {
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
    /// One page that stands alone, for people and printing: the counts, a
    /// timeline of the findings over the windows they broke, a section per
    /// rule broken.
    Html,
}

/// The input formats (`--input`).
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum InputFormat {
    /// scrutin's log syntax: `timestamp key=value…`, one per line.
    Log,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// RSS 2.0: one publication per `<item>`.
    Rss,
    /// Atom: one publication per `<entry>`.
    Atom,
    /// A (news) sitemap: one publication per `<url>`.
    Sitemap,
}

impl InputFormat {
    pub(crate) fn format(self) -> scrutin::publication::Format {
        use scrutin::publication::Format;
        match self {
            InputFormat::Log => Format::Log,
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Csv => Format::Csv,
            InputFormat::Rss => Format::Rss,
            InputFormat::Atom => Format::Atom,
            InputFormat::Sitemap => Format::Sitemap,
        }
    }
}

/// How `calendar` prints the windows.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum CalendarFormat {
    Table,
    Json,
    /// iCalendar (RFC 5545), for calendar apps.
    Ics,
    /// A picture of the windows, one row per rule and region, in the local
    /// time of the first `--region` (or the default region).
    Svg,
    /// A page that stands alone: the picture and the table.
    Html,
}

/// The language of a page or picture for people.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    En,
    Fr,
}

impl From<LangArg> for scrutin::report::chart::Lang {
    fn from(lang: LangArg) -> Self {
        match lang {
            LangArg::En => scrutin::report::chart::Lang::En,
            LangArg::Fr => scrutin::report::chart::Lang::Fr,
        }
    }
}

/// How `rules show` prints a rulebook.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ShowFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub(crate) fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
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
