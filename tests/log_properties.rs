//! Properties of reading logs: no input crashes or goes unaccounted, the log
//! format round-trips, and the order of lines does not change the findings.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use scrutin::audit::{LogLine, Outcome, Summary, audit};
use scrutin::publication::{self, Publication, write};
use scrutin::report::Report;
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::Span;

fn rulebook() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap())
}

/// A report that keeps each finding as (line text, rule id, regions).
#[derive(Default)]
struct Findings(BTreeMap<(String, String, String), usize>);

impl Report for Findings {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> std::io::Result<()> {
        if let Outcome::Checked(_, findings) = outcome {
            for finding in findings {
                let rule = rulebook().rules[finding.rule].id.clone();
                let key = (
                    line.text.to_string(),
                    rule,
                    format!("{:?}", finding.violation),
                );
                *self.0.entry(key).or_default() += 1;
            }
        }
        Ok(())
    }
    fn aggregate(&mut self, finding: &scrutin::check::AggregateFinding) -> std::io::Result<()> {
        let rule = rulebook().rules[finding.rule].id.clone();
        let key = (finding.group.clone(), rule, format!("{:?}", finding.what));
        *self.0.entry(key).or_default() += 1;
        Ok(())
    }
    fn unreadable(&mut self, _: &str, _: &str) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

fn run(log: &[u8]) -> (Summary, Findings) {
    let mut summary = Summary::default();
    let mut findings = Findings::default();
    audit(rulebook(), "prop.log", log, &mut findings, &mut summary).expect("no write error");
    (summary, findings)
}

/// Bytes that look a little like a log: pieces of real lines, separators,
/// and arbitrary bytes.
fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"2017-05-06T09:30:00+02:00 outlet=a kind=campaign".to_vec()),
        Just(b"2017-05-06T09:30:00[Europe/Paris] ".to_vec()),
        Just(b"kind=poll region=guadeloupe,metropole ".to_vec()),
        Just(b"title=\"a \\\" b\" ".to_vec()),
        Just(b"# comment".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.:/-]{1,12}"
}

/// Any printable text, quotes, backslashes and spaces included.
fn text() -> impl Strategy<Value = String> {
    "[ -~éà«»\u{1F5F3}]{0,20}"
}

/// What a publication says, apart from where: the values a line carries.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Values {
    instant: DateTime<Utc>,
    zone: Option<chrono_tz::Tz>,
    outlet: String,
    kind: String,
    channel: Option<String>,
    regions: Vec<usize>,
    id: Option<String>,
    title: Option<String>,
    url: Option<String>,
    tags: Vec<String>,
    first_published: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    attributes: Vec<(String, String)>,
}

fn values(p: &Publication) -> Values {
    let owned = |s: Option<&str>| s.map(str::to_string);
    Values {
        instant: p.instant(),
        zone: p.zone(),
        outlet: p.outlet().to_string(),
        kind: p.kind().to_string(),
        channel: owned(p.channel()),
        regions: p.regions().to_vec(),
        id: owned(p.id()),
        title: owned(p.title()),
        url: owned(p.url()),
        tags: p.tags().map(str::to_string).collect(),
        first_published: p.first_published(),
        end: p.end(),
        attributes: p
            .attributes()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// A log line that says `values`, written field by field.
fn line_of(values: &Values) -> String {
    let mut line = values
        .instant
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    if let Some(zone) = values.zone {
        line.push_str(&format!("[{}]", zone.name()));
    }
    write::field(&mut line, "kind", &values.kind);
    write::field(&mut line, "outlet", &values.outlet);
    let regions: Vec<&str> = values
        .regions
        .iter()
        .map(|&r| rulebook().regions[r].id.as_str())
        .collect();
    write::field(&mut line, "region", &regions.join(","));
    let optional = [
        ("url", &values.url),
        ("title", &values.title),
        ("id", &values.id),
        ("channel", &values.channel),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            write::field(&mut line, key, value);
        }
    }
    if !values.tags.is_empty() {
        write::field(&mut line, "tags", &values.tags.join(","));
    }
    if let Some(first) = values.first_published {
        let first = first.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        write::field(&mut line, "first_published", &first);
    }
    if let Some(end) = values.end {
        let end = end.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        write::field(&mut line, "end", &end);
    }
    for (key, value) in &values.attributes {
        write::field(&mut line, key, value);
    }
    line
}

fn values_strategy() -> impl Strategy<Value = Values> {
    const KINDS: [&str; 5] = ["news", "campaign", "poll", "result", "paid_ad"];
    const CHANNELS: [&str; 5] = ["web", "print", "tv", "radio", "social"];
    let zones = vec![
        None,
        Some(chrono_tz::Europe::Paris),
        Some(chrono_tz::Pacific::Tahiti),
    ];
    (
        (
            0i64..2_000_000_000,
            0u32..1_000_000_000,
            prop::sample::select(zones),
        ),
        (
            text().prop_filter("outlet is not blank", |t| !t.trim().is_empty()),
            prop::sample::select(&KINDS[..]),
        ),
        (
            prop::option::of(prop::sample::select(&CHANNELS[..])),
            prop::collection::btree_set(0usize..12, 1..4),
        ),
        (
            prop::option::of(word()),
            prop::option::of(text()),
            prop::option::of(word()),
        ),
        (
            prop::collection::vec("[a-z]{1,8}", 0..3),
            prop::option::of(0i64..1_000_000),
            prop::option::of(1i64..1_000_000_000_000),
        ),
        prop::collection::btree_map("x_[a-z]{1,6}", text(), 0..4),
    )
        .prop_map(
            |(
                time,
                main,
                (channel, regions),
                (id, title, url),
                (tags, earlier, lasting),
                attributes,
            )| {
                let instant = DateTime::<Utc>::from_timestamp(time.0, time.1).unwrap();
                Values {
                    instant,
                    zone: time.2,
                    outlet: main.0,
                    kind: main.1.to_string(),
                    channel: channel.map(|c| c.to_string()),
                    regions: regions.into_iter().collect(),
                    id,
                    title,
                    url,
                    tags,
                    first_published: earlier.map(|s| instant - Duration::seconds(s)),
                    end: lasting.map(|n| instant + Duration::nanoseconds(n)),
                    attributes: attributes.into_iter().collect(),
                }
            },
        )
}

proptest! {
    /// Whatever the bytes, nothing panics and every line is counted once.
    #[test]
    fn every_line_is_checked_skipped_or_invalid(log in log_bytes()) {
        let (summary, _) = run(&log);
        prop_assert_eq!(summary.lines, summary.publications + summary.skipped + summary.invalid);
        let newlines = log.iter().filter(|&&b| b == b'\n').count();
        let unterminated = usize::from(!log.is_empty() && !log.ends_with(b"\n"));
        prop_assert_eq!(summary.lines, newlines + unterminated);
    }

    /// A line reads as the values it writes, in any order of its fields;
    /// and a publication written back as a log line reads back as itself.
    #[test]
    fn a_written_publication_reads_back_the_same(written in values_strategy()) {
        let line = line_of(&written);
        let read = publication::read(&line, rulebook())
            .map_err(|e| TestCaseError::fail(format!("{line}\n{e:?}")))?;
        prop_assert_eq!(values(&read), written.clone(), "{}", line);
        let again = write::to_line(&read, rulebook());
        let read_again = publication::read(&again, rulebook())
            .map_err(|e| TestCaseError::fail(format!("{again}\n{e:?}")))?;
        prop_assert_eq!(values(&read_again), written, "{}", again);
    }

    /// Shuffling a log's lines changes no finding.
    #[test]
    fn the_order_of_lines_does_not_change_the_findings(
        publications in prop::collection::vec(values_strategy(), 1..30),
        seed in any::<u64>(),
    ) {
        let lines: Vec<String> = publications.iter().map(line_of).collect();
        let mut shuffled = lines.clone();
        // A deterministic shuffle from the seed (Fisher-Yates with an LCG).
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let (_, in_order) = run(lines.join("\n").as_bytes());
        let (_, reordered) = run(shuffled.join("\n").as_bytes());
        prop_assert_eq!(in_order.0, reordered.0);
    }
}

/// Pieces of log lines that make spans hard to measure: quotes, escapes,
/// lists and characters of several bytes, after a valid timestamp.
fn tricky_line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(" outlet=a kind=news".to_string()),
        Just(" ".to_string()),
        Just(" region=".to_string()),
        Just(" first_published=".to_string()),
        Just(" end=".to_string()),
        Just(" title=".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just(",".to_string()),
        Just("metropole".to_string()),
        Just("2017-05-06T09:30:00Z".to_string()),
        "[a-z0-9:TZ+é\u{220}\u{1F5F3}-]{1,4}",
    ];
    prop::collection::vec(piece, 0..16)
        .prop_map(|pieces| format!("2017-05-07T20:00+02:15{}", pieces.concat()))
}

/// The value a quoted text as written stands for.
fn unescape(written: &str) -> String {
    let Some(body) = written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) else {
        return written.to_string();
    };
    let mut value = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        value.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    value
}

/// The text of `line` under `span`, if the span lies inside it on characters.
fn under(line: &str, span: Span) -> Option<&str> {
    line.get(span.offset..span.end())
}

proptest! {
    /// Every span a line's syntax gives covers exactly the text as written,
    /// and every error's span lies on characters of the line.
    #[test]
    fn spans_cover_the_text_as_written(line in tricky_line()) {
        match publication::read(&line, rulebook()) {
            Ok(p) => {
                let spans = p.spans();
                prop_assert!(under(&line, spans.timestamp).is_some());
                prop_assert_eq!(under(&line, spans.kind), Some(p.kind()));
            }
            Err(e) => prop_assert!(under(&line, e.span).is_some(), "{:?} in {:?}", e.span, line),
        }
    }

    /// An undeclared region in a quoted list is underlined whole, escapes
    /// included: its span is measured in the text as written, not in the value.
    #[test]
    fn an_unknown_region_is_underlined_as_written(
        ids in prop::collection::vec("[a-z\"\\\\é\u{220}]{1,6}", 1..4),
    ) {
        prop_assume!(rulebook().region_index(&ids[0]).is_none());
        let mut line = "2017-05-06T09:30:00Z outlet=a kind=news".to_string();
        write::field(&mut line, "region", &format!("metropole, {}", ids.join(", ")));
        let e = publication::read(&line, rulebook()).expect_err("the region is undeclared");
        let Some(written) = under(&line, e.span) else {
            return Err(TestCaseError::fail(format!("{:?} in {line:?}", e.span)));
        };
        prop_assert_eq!(unescape(&format!("\"{written}\"")), ids[0].clone());
    }
}
