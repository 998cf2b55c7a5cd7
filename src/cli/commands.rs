//! Each command, run: its settings in, library calls, what it comes to out.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use scrutin::audit::{LogLine, Outcome, Report};
use scrutin::preflight::{Question, QuestionError, Verdict};
use scrutin::publication::{LineError, Publication};
use scrutin::report::{self, ColorChoice, HumanReport, LineBuffered};
use scrutin::rulebook::{self, Expect, Rulebook, RulebookError};
use scrutin::run::{self, Status};
use scrutin::source::escape_unsafe;

use super::args::{Args, CalendarFormat, ConvertArgs, PreflightArgs, ShowFormat};
use super::error::{CliError, say};
use super::settings::CheckSettings;

/// How the command line names a rulebook.
#[derive(Clone, Copy)]
enum Named {
    /// By its option, `--rules FILE`.
    ByOption,
    /// By an argument of a command on rulebooks (`rules validate FILE`).
    ByArgument,
}

fn load(path: &Path, expect: Expect, named: Named) -> Result<Rulebook, RulebookError> {
    rulebook::load_as(path, expect).map_err(|error| match named {
        Named::ByOption => error.named_by_option(),
        Named::ByArgument => error,
    })
}

/// A path given on the command line, as an error message quotes it.
fn shown(path: &Path) -> String {
    escape_unsafe(&path.display().to_string())
}

pub(crate) fn check(settings: &CheckSettings) -> Result<Status, CliError> {
    let rulebook = load(&settings.rules, Expect::Election, Named::ByOption)?;
    // A log that is a stream is checked as it comes, and what it breaks is
    // written at once.
    let stdout = io::stdout();
    let out = LineBuffered::new(io::BufWriter::new(stdout.lock()), settings.run.streams());
    let mut report = settings.report.report(out, &rulebook);
    let mut diff = io::BufWriter::new(io::stdout().lock());
    let output = run::Output {
        report: report.as_mut(),
        diff: &mut diff,
        note: &mut |note| say(note),
    };
    Ok(run::run(&rulebook, &settings.run, output)?)
}

/// Every record as a log line on standard output; the counts on standard
/// error. Invalid records are comments in the output, and make the run
/// incomplete (exit 2), as `check` would.
pub(crate) fn convert(args: &ConvertArgs) -> Result<Status, CliError> {
    let rulebook = load(&args.rules, Expect::Election, Named::ByOption)?;
    let mut check = run::Check::new(
        args.logs
            .iter()
            .map(|p| super::settings::log(p.clone()))
            .collect(),
    );
    check.input = args.source.input.map(|i| i.format());
    check.profile = args.source.profile.clone();
    check.every_publication = true;
    check.fail_on = None;
    let mut report = report::ConvertReport::new(io::BufWriter::new(io::stdout().lock()), &rulebook);
    let output = run::Output {
        report: &mut report,
        diff: &mut io::sink(),
        note: &mut |note| say(note),
    };
    let status = run::run(&rulebook, &check, output)?;
    let summary = report.summary();
    say(format!(
        "{} records read: {} written as log lines, {} skipped, {} invalid (as comments)",
        summary.lines, summary.publications, summary.skipped, summary.invalid
    ));
    Ok(status)
}

/// Each file's verdict on standard output, or its problems on standard error.
pub(crate) fn validate(files: &[PathBuf]) -> Status {
    let mut status = Status::Clean;
    for file in files {
        match load(file, Expect::LawOrElection, Named::ByArgument) {
            Ok(rulebook) if rulebook.rounds.is_empty() => println!(
                "{}: valid law ({}, {}; its election files give the rounds)",
                file.display(),
                count(rulebook.rules.len(), "rule"),
                count(rulebook.regions.len(), "region"),
            ),
            Ok(rulebook) => println!(
                "{}: valid ({}, {}, {})",
                file.display(),
                count(rulebook.rules.len(), "rule"),
                count(rulebook.regions.len(), "region"),
                count(rulebook.rounds.len(), "round"),
            ),
            Err(error) => {
                CliError::from(error).show();
                status = Status::Incomplete;
            }
        }
    }
    status
}

/// `1 rule`, `7 rules`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn show(file: &Path, format: ShowFormat) -> Result<Status, CliError> {
    let rulebook = load(file, Expect::Election, Named::ByArgument)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        ShowFormat::Human => report::rules::show_text(&rulebook, &mut out)?,
        ShowFormat::Json => report::rules::show_json(&rulebook, &mut out)?,
    }
    out.flush()?;
    Ok(Status::Clean)
}

/// A law file has a vocabulary too; its regions have no polling day yet.
pub(crate) fn vocabulary(file: &Path, format: ShowFormat) -> Result<Status, CliError> {
    let rulebook = load(file, Expect::LawOrElection, Named::ByArgument)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        ShowFormat::Human => report::vocabulary::vocabulary_text(&rulebook, &mut out)?,
        ShowFormat::Json => report::vocabulary::vocabulary_json(&rulebook, &mut out)?,
    }
    out.flush()?;
    Ok(Status::Clean)
}

pub(crate) fn list() -> Result<Status, CliError> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    report::shipped::list_text(&mut out)?;
    out.flush()?;
    Ok(Status::Clean)
}

pub(crate) fn schema() -> Status {
    print!("{}", rulebook::schema::json_schema());
    Status::Clean
}

pub(crate) fn explain(rule: &str, file: &Path, format: ShowFormat) -> Result<Status, CliError> {
    let rulebook = load(file, Expect::Election, Named::ByOption)?;
    let Some(index) = rulebook.rules.iter().position(|r| r.id == rule) else {
        return Err(CliError::NoRule {
            id: escape_unsafe(rule),
            file: shown(file),
            hint: rulebook.rule_hint(rule),
        });
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        ShowFormat::Human => report::rules::explain_text(&rulebook, index, &mut out)?,
        ShowFormat::Json => report::rules::explain_json(&rulebook, index, &mut out)?,
    }
    out.flush()?;
    Ok(Status::Clean)
}

pub(crate) fn calendar(
    file: &Path,
    region_ids: &[String],
    format: CalendarFormat,
    lang: report::chart::Lang,
) -> Result<Status, CliError> {
    let rulebook = load(file, Expect::Election, Named::ByOption)?;
    let regions = region_ids
        .iter()
        .map(|id| {
            rulebook.region_index(id).ok_or_else(|| CliError::NoRegion {
                id: escape_unsafe(id),
                file: shown(file),
                hint: rulebook.region_hint(id),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let restrictions = report::calendar::restrictions(&rulebook, &regions);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        CalendarFormat::Table => report::calendar::table(&rulebook, &restrictions, &mut out)?,
        CalendarFormat::Json => report::calendar::json(&rulebook, &restrictions, &mut out)?,
        CalendarFormat::Ics => {
            report::calendar::ics(&rulebook, &restrictions, chrono::Utc::now(), &mut out)?
        }
        CalendarFormat::Svg | CalendarFormat::Html => {
            // The axis is in the local time of the first region asked for.
            let region = regions.first().copied().unwrap_or(rulebook.default_region);
            let markup = match format {
                CalendarFormat::Svg => report::chart::svg(&report::chart::Chart {
                    rulebook: &rulebook,
                    restrictions: &restrictions,
                    region,
                    now: None,
                    marks: &[],
                    lang,
                }),
                _ => report::html::calendar_page(&rulebook, &restrictions, region, lang),
            };
            writeln!(out, "{}", markup.into_string())?;
        }
    }
    out.flush()?;
    Ok(Status::Clean)
}

/// Answers for each rulebook asked (an election's provisional scenarios
/// are several): one answer, or, for several, each under its rulebook's id
/// (a JSON array); not allowed by one is not allowed.
pub(crate) fn preflight(args: &PreflightArgs) -> Result<Status, CliError> {
    let mut rulebooks = Vec::new();
    for file in &args.rules {
        rulebooks.push(load(file, Expect::Election, Named::ByOption)?);
    }
    let several = rulebooks.len() > 1;
    // One "now" for every rulebook asked.
    let now = chrono::Utc::now();
    let mut answers = Vec::new();
    for rulebook in &rulebooks {
        let Some(publication) = publication(args, rulebook, now)? else {
            return Ok(Status::Incomplete);
        };
        let answer = scrutin::preflight::preflight(rulebook, &publication);
        answers.push((rulebook, publication, answer));
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    if several && matches!(args.format, ShowFormat::Json) {
        write!(out, "[")?;
    }
    for (n, (rulebook, publication, answer)) in answers.iter().enumerate() {
        match args.format {
            ShowFormat::Human => {
                if several {
                    let gap = if n > 0 { "\n" } else { "" };
                    writeln!(out, "{gap}== {} ({}) ==", rulebook.id, rulebook.title)?;
                }
                report::preflight::answer_text(rulebook, publication, answer, &mut out)?
            }
            ShowFormat::Json => {
                if n > 0 {
                    write!(out, ",")?;
                }
                report::preflight::answer_json(rulebook, publication, answer, &mut out)?
            }
        }
    }
    if several && matches!(args.format, ShowFormat::Json) {
        writeln!(out, "]")?;
    }
    out.flush()?;
    let allowed = answers
        .iter()
        .all(|(_, _, answer)| answer.verdict() == Verdict::Allowed);
    Ok(if allowed {
        Status::Clean
    } else {
        Status::Findings
    })
}

/// The publication asked about, or `None` when its line's mistake was shown.
fn publication(
    args: &PreflightArgs,
    rulebook: &Rulebook,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Publication<'static>>, CliError> {
    if let Some(line) = &args.line {
        return match scrutin::publication::read(line, rulebook) {
            Ok(publication) => Ok(Some(publication.into_owned())),
            Err(error) => show_line_error(rulebook, line, &error).map(|()| None),
        };
    }
    match question(args)?.read(rulebook, now) {
        Ok(publication) => Ok(Some(publication)),
        Err(QuestionError::Line { line, error }) => {
            show_line_error(rulebook, &line, &error).map(|()| None)
        }
        Err(QuestionError::Part(error)) => Err(CliError::Question(error)),
    }
}

/// The question's parts, or why `--attr` is not KEY=VALUE.
fn question(args: &PreflightArgs) -> Result<Question, CliError> {
    let attributes = args
        .attributes
        .iter()
        .map(|attribute| {
            attribute
                .split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| CliError::Attribute(escape_unsafe(attribute)))
        })
        .collect::<Result<_, _>>()?;
    Ok(Question {
        at: Some(args.at.clone()),
        until: args.until.clone(),
        kind: args.kind.clone().unwrap_or_default(),
        channel: args.channel.clone(),
        regions: args.regions.clone(),
        outlet: Some(args.outlet.clone()),
        attributes,
    })
}

/// A line's mistake, shown on the line as `check` would show it.
fn show_line_error(rulebook: &Rulebook, line: &str, error: &LineError) -> Result<(), CliError> {
    let mut report = HumanReport::new(
        io::stderr(),
        rulebook,
        ColorChoice::Auto.enabled(io::stderr().is_terminal()),
    );
    let question = LogLine {
        file: "question",
        number: 1,
        first_column: 0,
        text: line,
    };
    Ok(report.line(&question, Outcome::Invalid(error))?)
}

pub(crate) fn serve(
    files: &[PathBuf],
    profiles: &[PathBuf],
    addr: std::net::SocketAddr,
    config: &scrutin::serve::Config,
) -> Result<Status, CliError> {
    let rulebooks = files
        .iter()
        .map(|file| load(file, Expect::Election, Named::ByOption))
        .collect::<Result<Vec<_>, _>>()?;
    // Profiles are checked against the default rulebook's vocabulary.
    let profiles = profiles
        .iter()
        .map(|path| {
            scrutin::publication::profile::load(path, rulebooks.first())
                .map_err(RulebookError::named_by_option)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rulebooks = scrutin::serve::Rulebooks::new(rulebooks)?.with_profiles(profiles)?;
    let router = scrutin::serve::router(rulebooks, config);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        say(format_args!("serving on http://{}", listener.local_addr()?));
        scrutin::serve::serve(listener, router, config).await
    })?;
    // A check whose client left stops at its next write; none outlives this.
    runtime.shutdown_timeout(config.shutdown_grace);
    Ok(Status::Clean)
}

pub(crate) fn completions(shell: clap_complete::Shell) -> Status {
    clap_complete::generate(shell, &mut Args::command(), "scrutin", &mut io::stdout());
    Status::Clean
}

/// The main man page on standard output, or every page written to `dir`.
pub(crate) fn man(dir: Option<&Path>) -> Result<Status, CliError> {
    let Some(dir) = dir else {
        let page = report::man::main_page(Args::command());
        io::stdout().write_all(page.roff.as_bytes())?;
        return Ok(Status::Clean);
    };
    std::fs::create_dir_all(dir)?;
    for page in report::man::pages(Args::command()) {
        std::fs::write(dir.join(&page.file_name), page.roff)?;
        println!("{}", dir.join(&page.file_name).display());
    }
    Ok(Status::Clean)
}
