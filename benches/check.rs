//! Benchmarks of the hot path, with divan: `cargo bench --bench check`.
//!
//! - `line_read`: one line read by a `LogReader` (which keeps its buffers);
//! - `lookup`: a `Checker` (its index nominates the rules to try) against
//!   `check`, which tries every rule;
//! - `file`: a generated log of 100,000 lines through the whole pipeline
//!   (reading, checking and merging; the report counts and discards), on one
//!   thread and on all cores;
//! - `waivers_100k`: a waiver file of 100,000 entries loaded (issue 13: it
//!   took 114 s while each entry's line was found by rescanning the file).
//!
//! Whole-program figures, against `wc -l` and `awk`, are `benches/compare.sh`'s.

use std::io;
use std::sync::LazyLock;

use divan::{Bencher, black_box, counter::BytesCount};
use scrutin::audit::pipeline::Pipeline;
use scrutin::audit::{Limits, LogLine, Outcome, Summary};
use scrutin::check::{Checker, check};
use scrutin::publication::{self, LogReader};
use scrutin::report::Report;
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::SourceFile;
use scrutin::waiver::Waivers;

#[path = "generate.rs"]
mod generate;

fn main() {
    divan::main();
}

static RULEBOOK: LazyLock<Rulebook> = LazyLock::new(|| {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/fr/presidential-2017.yaml"
    );
    rulebook::load(path.as_ref()).expect("the shipped rulebook loads")
});

/// A generated log of 100,000 lines for the French rulebook.
static LOG: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut log = Vec::new();
    generate::log(&RULEBOOK, 100_000, 1, generate::Syntax::Log, &mut log)
        .expect("writing to memory");
    log
});

fn lines() -> impl Iterator<Item = &'static [u8]> {
    LOG.split(|&b| b == b'\n').filter(|line| !line.is_empty())
}

/// A clean news item and a poll inside the poll ban.
const LINES: [&str; 2] = ["news", "poll"];

fn line(name: &str) -> &'static str {
    match name {
        "news" => TEXTS[0],
        _ => TEXTS[1],
    }
}

const TEXTS: [&str; 2] = [
    "2017-04-20T10:15:00+02:00 outlet=lemonde.fr kind=news channel=web region=metropole id=item-1 title=\"Publication 1\"",
    "2017-05-06T10:15:00+02:00 outlet=lemonde.fr kind=poll channel=web region=metropole id=item-2 title=\"Sondage\" pollster=Ipsos sponsor=\"Le Monde\" sample_size=1000 fieldwork=2017-05-01 margin_of_error=3",
];

#[divan::bench(args = LINES)]
fn line_read(bencher: Bencher, name: &str) {
    let line = line(name);
    let mut reader = LogReader::new(&RULEBOOK);
    bencher
        .counter(BytesCount::of_str(line))
        .bench_local(|| reader.read(black_box(line)).is_ok());
}

#[divan::bench(args = LINES)]
fn lookup_checker(bencher: Bencher, name: &str) {
    let line = line(name);
    let checker = Checker::new(&RULEBOOK);
    let publication = publication::read(line, &RULEBOOK).expect("a valid line");
    let (mut candidates, mut findings) = (Vec::new(), Vec::new());
    bencher.bench_local(|| {
        checker.check_into(black_box(&publication), &mut candidates, &mut findings);
        findings.is_empty()
    });
}

#[divan::bench(args = LINES)]
fn lookup_all_rules(bencher: Bencher, name: &str) {
    let line = line(name);
    let publication = publication::read(line, &RULEBOOK).expect("a valid line");
    bencher.bench(|| check(&RULEBOOK, black_box(&publication)).is_empty());
}

/// Every line of the generated log read, without checking.
#[divan::bench]
fn file_read_only(bencher: Bencher) {
    let mut reader = LogReader::new(&RULEBOOK);
    bencher
        .counter(BytesCount::of_slice(LOG.as_slice()))
        .bench_local(|| {
            lines()
                .filter_map(|l| std::str::from_utf8(l).ok())
                .filter(|l| reader.read(l).is_ok())
                .count()
        });
}

/// Counts what it is told, as the cheapest report would.
#[derive(Default)]
struct Discard(usize);

impl Report for Discard {
    fn line(&mut self, _: &LogLine, _: Outcome) -> io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn aggregate(&mut self, _: &scrutin::check::AggregateFinding) -> io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn unreadable(&mut self, _: &str, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

#[divan::bench(args = [1, 2])]
fn file_pipeline(bencher: Bencher, jobs: usize) {
    let pipeline = Pipeline::new(&RULEBOOK).jobs(jobs);
    bencher
        .counter(BytesCount::of_slice(LOG.as_slice()))
        .bench(|| {
            let (mut report, mut summary) = (Discard::default(), Summary::default());
            let mut waivers = Waivers::none();
            pipeline
                .audit(
                    "bench.log",
                    &LOG[..],
                    &mut report,
                    &mut summary,
                    Limits::default(),
                    &mut waivers,
                )
                .expect("no write error");
            summary.violations
        });
}

/// A waiver file of `count` entries, each matching its own id.
fn many_waivers(count: usize) -> String {
    let mut text = String::from("waivers:\n");
    for i in 0..count {
        text.push_str(&format!(
            "  - rule: poll-ban\n    id: item-{i}\n    reason: Commission decision {i}\n"
        ));
    }
    text
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn waivers_100k(bencher: Bencher) {
    let text = many_waivers(100_000);
    let today = chrono::NaiveDate::from_ymd_opt(2017, 5, 7).expect("a date");
    bencher.counter(BytesCount::of_str(&text)).bench(|| {
        let source = SourceFile::new("waivers.yaml", text.as_str());
        Waivers::parse(source, &RULEBOOK, today).is_ok()
    });
}
