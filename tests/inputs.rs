//! Structured sources read through a profile give the same publications,
//! and so the same findings, as the same records written as a log.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use scrutin::audit::pipeline::Pipeline;
use scrutin::audit::{Limits, LogLine, Outcome, Report, Summary};
use scrutin::publication::profile::{From, Instant, Kind, Mapping};
use scrutin::publication::{self, Format, Profile};
use scrutin::rulebook::{self, Rulebook};
use scrutin::time::TimeForm;
use scrutin::waiver::Waivers;

/// Each finding as (line number, rule id, violation), each invalid line,
/// the title of each publication with findings, and unreadable files.
#[derive(Default)]
struct Findings<'r> {
    rulebook: Option<&'r Rulebook>,
    found: BTreeSet<(usize, String, String)>,
    invalid: BTreeSet<(usize, &'static str)>,
    titles: BTreeMap<usize, String>,
    unreadable: Vec<String>,
}

impl Report for Findings<'_> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Checked(publication, findings) => {
                if let Some(title) = publication.title() {
                    self.titles.insert(line.number, title.to_string());
                }
                for finding in findings {
                    let rule = self.rulebook.unwrap().rules[finding.rule].id.clone();
                    let violation = format!("{:?}", finding.violation);
                    self.found.insert((line.number, rule, violation));
                }
            }
            Outcome::Invalid(error) => {
                self.invalid.insert((line.number, error.code()));
            }
        }
        Ok(())
    }
    fn aggregate(&mut self, finding: &scrutin::check::AggregateFinding) -> io::Result<()> {
        let rule = self.rulebook.unwrap().rules[finding.rule].id.clone();
        let what = format!("{:?} to line {}", finding.what, finding.last.line);
        self.found.insert((finding.first.line, rule, what));
        Ok(())
    }
    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.unreadable.push(format!("{file}: {reason}"));
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

fn audit<'r>(
    rulebook: &'r Rulebook,
    format: Format,
    profile: Option<&Profile>,
    input: &[u8],
    jobs: usize,
    chunk_bytes: usize,
) -> (Summary, Findings<'r>) {
    let mut report = Findings {
        rulebook: Some(rulebook),
        ..Findings::default()
    };
    let mut summary = Summary::default();
    Pipeline::new(rulebook)
        .input(format, profile)
        .jobs(jobs)
        .chunk_bytes(chunk_bytes)
        .audit(
            "input",
            input,
            &mut report,
            &mut summary,
            Limits::default(),
            &mut Waivers::none(),
        )
        .unwrap();
    (summary, report)
}

fn field(name: &str) -> From {
    From::Field {
        field: name.to_string(),
        map: Vec::new(),
        default: None,
        optional: true,
    }
}

/// A profile for the JSON objects `to_json` writes.
fn json_profile(attributes: &[&str]) -> Profile {
    let mut fields: Vec<Mapping> = ["outlet", "channel", "region", "id", "title", "url", "tags"]
        .iter()
        .chain(attributes)
        .map(|name| Mapping {
            target: name.to_string(),
            from: field(&format!("record.{name}")),
        })
        .collect();
    if let From::Field { optional, .. } = &mut fields[0].from {
        *optional = false;
    }
    Profile {
        name: "test".to_string(),
        input: Some(Format::Jsonl),
        timestamp: Instant {
            field: "time".to_string(),
            form: TimeForm::Rfc3339,
        },
        first_published: Some(Instant {
            field: "record.first_published".to_string(),
            form: TimeForm::Rfc3339,
        }),
        end: Some(Instant {
            field: "record.end".to_string(),
            form: TimeForm::Rfc3339,
        }),
        fields,
        kind: Kind {
            from: Some(field("record.kind")),
            classify: None,
        },
    }
}

/// A log line as a JSON object (lists as arrays, under `record`); a line
/// that is not a publication stays as it is (blank, a comment, invalid:
/// not JSON either).
fn to_json(line: &str, rulebook: &Rulebook) -> String {
    let Ok(p) = publication::read(line, rulebook) else {
        return if publication::log::is_skipped(line) {
            String::new()
        } else {
            line.to_string()
        };
    };
    let mut record = serde_json::Map::new();
    let mut put = |key: &str, value: serde_json::Value| {
        record.insert(key.to_string(), value);
    };
    put("outlet", p.outlet().into());
    put("kind", p.kind().into());
    for (key, value) in [
        ("channel", p.channel()),
        ("id", p.id()),
        ("title", p.title()),
        ("url", p.url()),
    ] {
        if let Some(value) = value {
            put(key, value.into());
        }
    }
    if line.contains(" region=") {
        let regions: Vec<&str> = p
            .regions()
            .iter()
            .map(|&r| rulebook.regions[r].id.as_str())
            .collect();
        put("region", regions.into());
    }
    if line.contains(" tags=") {
        put("tags", p.tags().collect::<Vec<_>>().into());
    }
    if let Some(first) = p.first_published() {
        put("first_published", first.to_rfc3339().into());
    }
    if let Some(end) = p.end() {
        put("end", end.to_rfc3339().into());
    }
    for (key, value) in p.attributes() {
        put(key, value.into());
    }
    let timestamp = line.split_whitespace().next().unwrap();
    serde_json::json!({ "time": timestamp, "record": record }).to_string()
}

/// Every sample log with findings, with its rulebook.
const SAMPLES: [(&str, &str); 14] = [
    (
        "rules/fr/presidential-2017.yaml",
        "samples/presidential-2017-round2-weekend.log",
    ),
    (
        "rules/fr/presidential-2017.yaml",
        "samples/presidential-2017-broadcasts.log",
    ),
    (
        "rules/fr/presidential-2022.yaml",
        "samples/presidential-2022-round1-weekend.log",
    ),
    (
        "rules/fr/legislative-2024.yaml",
        "samples/legislative-2024-round2-weekend.log",
    ),
    ("rules/au/federal-2025.yaml", "samples/au-federal-2025.log"),
    ("rules/ca/federal-2021.yaml", "samples/ca-federal-2021.log"),
    ("rules/it/general-2022.yaml", "samples/it-general-2022.log"),
    ("rules/es/general-2023.yaml", "samples/es-general-2023.log"),
    (
        "rules/pl/parliamentary-2023.yaml",
        "samples/pl-parliamentary-2023.log",
    ),
    ("rules/uk/general-2024.yaml", "samples/uk-general-2024.log"),
    (
        "rules/de/bundestag-2025.yaml",
        "samples/de-bundestag-2025.log",
    ),
    ("rules/br/general-2022.yaml", "samples/br-general-2022.log"),
    ("rules/br/general-2026.yaml", "samples/br-general-2026.log"),
    (
        "rules/in/lok-sabha-2024.yaml",
        "samples/in-lok-sabha-2024.log",
    ),
];

/// The names of the attributes the publications of `log` have.
fn attributes(log: &str, rulebook: &Rulebook) -> BTreeSet<String> {
    let mut attributes = BTreeSet::new();
    for line in log.lines() {
        if let Ok(p) = publication::read(line, rulebook) {
            attributes.extend(p.attributes().map(|(k, _)| k.to_string()));
        }
    }
    attributes
}

#[test]
fn every_sample_as_json_lines_gives_the_log_s_findings() {
    for (rules, sample) in SAMPLES {
        let rulebook = rulebook::load(rules.as_ref()).unwrap();
        let log = std::fs::read_to_string(sample).unwrap();
        let json: String = log.lines().map(|l| to_json(l, &rulebook) + "\n").collect();
        let attributes = attributes(&log, &rulebook);
        let attributes: Vec<&str> = attributes.iter().map(String::as_str).collect();
        let profile = json_profile(&attributes);
        let (log_summary, log_findings) =
            audit(&rulebook, Format::Log, None, log.as_bytes(), 1, 512);
        assert!(!log_findings.found.is_empty(), "{sample} has findings");
        for jobs in [1, 2] {
            let (summary, findings) = audit(
                &rulebook,
                Format::Jsonl,
                Some(&profile),
                json.as_bytes(),
                jobs,
                512,
            );
            assert!(findings.unreadable.is_empty(), "{:?}", findings.unreadable);
            assert_eq!(findings.found, log_findings.found, "{sample}, -j{jobs}");
            assert_eq!(summary.publications, log_summary.publications, "{sample}");
            assert_eq!(summary.violations, log_summary.violations, "{sample}");
            assert_eq!(
                summary.lines,
                summary.publications + summary.skipped + summary.invalid
            );
            // Invalid log lines are invalid JSON too, on the same lines.
            let lines = |f: &Findings| f.invalid.iter().map(|(n, _)| *n).collect::<Vec<_>>();
            assert_eq!(lines(&findings), lines(&log_findings), "{sample}");
        }
    }
}

/// The columns of the CSV files `to_csv` writes, before the attributes.
const CSV_COLUMNS: [&str; 11] = [
    "time",
    "outlet",
    "kind",
    "channel",
    "region",
    "id",
    "title",
    "url",
    "tags",
    "first_published",
    "end",
];

/// A profile for CSV files with `columns`: each is the field of its name.
fn csv_profile(columns: &[String]) -> Profile {
    let fields = columns
        .iter()
        .filter(|c| !matches!(c.as_str(), "time" | "kind" | "first_published" | "end"))
        .map(|name| Mapping {
            target: name.clone(),
            from: From::Field {
                field: name.clone(),
                map: Vec::new(),
                default: None,
                optional: name != "outlet",
            },
        })
        .collect();
    Profile {
        name: "test".to_string(),
        input: Some(Format::Csv),
        timestamp: Instant {
            field: "time".to_string(),
            form: TimeForm::Rfc3339,
        },
        first_published: Some(Instant {
            field: "first_published".to_string(),
            form: TimeForm::Rfc3339,
        }),
        end: Some(Instant {
            field: "end".to_string(),
            form: TimeForm::Rfc3339,
        }),
        fields,
        kind: Kind {
            from: Some(field("kind")),
            classify: None,
        },
    }
}

/// `value` between quotes, its quotes doubled.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

/// The title the CSV record of the `n`th titled publication gives it:
/// some hold a newline (their record spans two lines), some quotes.
fn csv_title(title: &str, n: usize) -> String {
    match n % 3 {
        0 => title.replacen(' ', "\n", 1),
        1 => format!("\"{title}\", they said"),
        _ => title.to_string(),
    }
}

/// A log line as a CSV record with `columns` (an empty field where the line
/// has no such field; titles quoted), and the title it gives. A blank line
/// or a comment is an empty line; an invalid line is one quoted field: a
/// ragged row, invalid too.
fn to_csv(
    line: &str,
    rulebook: &Rulebook,
    columns: &[String],
    titled: &mut usize,
) -> (String, Option<String>) {
    let Ok(p) = publication::read(line, rulebook) else {
        return if publication::log::is_skipped(line) {
            (String::new(), None)
        } else {
            (quoted(line), None)
        };
    };
    let title = p.title().map(|title| {
        *titled += 1;
        csv_title(title, *titled)
    });
    let regions: Vec<&str> = p
        .regions()
        .iter()
        .map(|&r| rulebook.regions[r].id.as_str())
        .collect();
    let fields: Vec<String> = columns
        .iter()
        .map(|column| {
            let value = match column.as_str() {
                "time" => line.split_whitespace().next().map(str::to_string),
                "outlet" => Some(p.outlet().to_string()),
                "kind" => Some(p.kind().to_string()),
                "channel" => p.channel().map(str::to_string),
                "region" => line.contains(" region=").then(|| regions.join(",")),
                "id" => p.id().map(str::to_string),
                "title" => title.clone(),
                "url" => p.url().map(str::to_string),
                "tags" => line
                    .contains(" tags=")
                    .then(|| p.tags().collect::<Vec<_>>().join(",")),
                "first_published" => p.first_published().map(|f| f.to_rfc3339()),
                "end" => p.end().map(|f| f.to_rfc3339()),
                attribute => p
                    .attributes()
                    .find(|(key, _)| *key == attribute)
                    .map(|(_, value)| value.to_string()),
            }
            .unwrap_or_default();
            if column == "title" && !value.is_empty() || value.contains([',', '"', '\n']) {
                quoted(&value)
            } else {
                value
            }
        })
        .collect();
    (fields.join(","), title)
}

/// A sample as CSV, and where its records start.
struct CsvSample {
    text: String,
    /// The line of the CSV file where a record starts → its line in the log.
    log_line: BTreeMap<usize, usize>,
    /// The title each record gives, by its line in the log.
    titles: BTreeMap<usize, String>,
    /// Lines of the log whose record follows one that spans lines.
    after_multiline: BTreeSet<usize>,
}

fn csv_sample(log: &str, rulebook: &Rulebook, columns: &[String]) -> CsvSample {
    let mut sample = CsvSample {
        text: columns.join(",") + "\n",
        log_line: BTreeMap::new(),
        titles: BTreeMap::new(),
        after_multiline: BTreeSet::new(),
    };
    // The header is line 1.
    let (mut line, mut titled, mut spanned) = (2, 0, false);
    for (index, log_line) in log.lines().enumerate() {
        let (record, title) = to_csv(log_line, rulebook, columns, &mut titled);
        sample.log_line.insert(line, index + 1);
        if let Some(title) = title {
            sample.titles.insert(index + 1, title);
        }
        if spanned {
            sample.after_multiline.insert(index + 1);
        }
        let newlines = record.matches('\n').count();
        spanned |= newlines > 0;
        line += 1 + newlines;
        sample.text.push_str(&record);
        sample.text.push('\n');
    }
    sample
}

#[test]
fn every_sample_as_csv_gives_the_log_s_findings() {
    let mut after_multiline = 0;
    for (rules, sample) in SAMPLES {
        let rulebook = rulebook::load(rules.as_ref()).unwrap();
        let log = std::fs::read_to_string(sample).unwrap();
        let mut columns: Vec<String> = CSV_COLUMNS.map(String::from).to_vec();
        columns.extend(attributes(&log, &rulebook));
        let csv = csv_sample(&log, &rulebook, &columns);
        assert!(csv.text.contains("\"\""), "{sample}: doubled quotes");
        let profile = csv_profile(&columns);
        let (log_summary, log_findings) =
            audit(&rulebook, Format::Log, None, log.as_bytes(), 1, 512);
        // Findings on records after one that spans lines: their lines
        // in the CSV file are not the log's.
        let after: Vec<_> = log_findings
            .found
            .iter()
            .filter(|(n, ..)| csv.after_multiline.contains(n))
            .collect();
        after_multiline += after.len();
        for (jobs, chunk_bytes) in [(1, 64), (1, 512), (2, 64), (2, 512)] {
            let at = format!("{sample}, -j{jobs}, chunks of {chunk_bytes} bytes");
            let (summary, findings) = audit(
                &rulebook,
                Format::Csv,
                Some(&profile),
                csv.text.as_bytes(),
                jobs,
                chunk_bytes,
            );
            assert!(
                findings.unreadable.is_empty(),
                "{at}: {:?}",
                findings.unreadable
            );
            // Every line reported is the line where a record starts.
            let log_line = |n: &usize| match csv.log_line.get(n) {
                Some(line) => *line,
                None => panic!("{at}: line {n} is no record's first line"),
            };
            let found: BTreeSet<_> = findings
                .found
                .iter()
                .map(|(n, rule, violation)| (log_line(n), rule.clone(), violation.clone()))
                .collect();
            assert_eq!(found, log_findings.found, "{at}");
            if let Some((n, rule, violation)) = after.first() {
                let (csv_line, _) = csv.log_line.iter().find(|(_, l)| *l == n).unwrap();
                let finding = (*csv_line, rule.clone(), violation.clone());
                assert!(csv_line > n, "{at}");
                assert!(findings.found.contains(&finding), "{at}: {finding:?}");
            }
            for (n, title) in &findings.titles {
                assert_eq!(Some(title), csv.titles.get(&log_line(n)), "{at}");
            }
            let invalid: Vec<usize> = findings.invalid.iter().map(|(n, _)| log_line(n)).collect();
            let log_invalid: Vec<usize> = log_findings.invalid.iter().map(|(n, _)| *n).collect();
            assert_eq!(invalid, log_invalid, "{at}");
            assert_eq!(summary.publications, log_summary.publications, "{at}");
            assert_eq!(summary.violations, log_summary.violations, "{at}");
            assert_eq!(summary.skipped, log_summary.skipped + 1, "{at}: the header");
            assert_eq!(
                summary.lines,
                summary.publications + summary.skipped + summary.invalid,
                "{at}"
            );
        }
    }
    assert!(
        after_multiline > 0,
        "no finding follows a record that spans lines"
    );
}

fn presidential_2017() -> Rulebook {
    rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap()
}

/// A CSV file with `columns`, read on one core and on two, in chunks of
/// 64 and 512 bytes.
fn audit_csv<'r>(
    rulebook: &'r Rulebook,
    csv: &[u8],
    columns: &[&str],
) -> Vec<(Summary, Findings<'r>)> {
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let profile = csv_profile(&columns);
    [(1, 64), (1, 512), (2, 64), (2, 512)]
        .into_iter()
        .map(|(jobs, chunk_bytes)| {
            audit(
                rulebook,
                Format::Csv,
                Some(&profile),
                csv,
                jobs,
                chunk_bytes,
            )
        })
        .collect()
}

#[test]
fn a_csv_file_with_a_byte_order_mark_crlf_and_ragged_rows() {
    let csv = "\u{feff}time,outlet,kind,title\r\n\
        2017-05-06T10:00:00Z,le-monde,news,\"Paris, \"\"la\"\" ville\"\r\n\
        2017-05-06T10:00:00Z,le-monde,poll\r\n\
        2017-05-06T10:00:00Z,le-monde,poll,\"multi\r\nline\"\r\n\
        \r\n\
        2017-05-06T10:00:00Z,le-monde,news,x,y\r\n\
        2017-05-06T10:00:00Z,le-monde,poll,after\r\n";
    let rulebook = presidential_2017();
    let columns = ["time", "outlet", "kind", "title"];
    for (summary, findings) in audit_csv(&rulebook, csv.as_bytes(), &columns) {
        let ragged = "scrutin::record::ragged-row";
        assert_eq!(
            findings.invalid,
            BTreeSet::from([(3, ragged), (7, ragged)]),
            "the short row on line 3, the long one on line 7"
        );
        let lines: BTreeSet<usize> = findings.found.iter().map(|(n, ..)| *n).collect();
        assert_eq!(lines, BTreeSet::from([4, 8]));
        assert_eq!(
            findings.titles,
            BTreeMap::from([(4, "multi\r\nline".to_string()), (8, "after".to_string())])
        );
        assert!(findings.unreadable.is_empty());
        assert_eq!(
            (
                summary.lines,
                summary.publications,
                summary.skipped,
                summary.invalid
            ),
            (7, 3, 2, 2)
        );
    }
}

#[test]
fn csv_headers() {
    let rulebook = presidential_2017();
    let columns = ["time", "outlet", "kind", "title"];
    // A name given twice: the header is invalid, and the first column of
    // that name is read.
    let csv = "time,outlet,kind,title,title\n2017-05-06T10:00:00Z,le-monde,poll,first,second\n";
    for (summary, findings) in audit_csv(&rulebook, csv.as_bytes(), &columns) {
        assert_eq!(
            findings.invalid,
            BTreeSet::from([(1, "scrutin::log::duplicate-key")])
        );
        assert_eq!(findings.titles, BTreeMap::from([(2, "first".to_string())]));
        assert_eq!(
            (summary.lines, summary.invalid, summary.publications),
            (2, 1, 1)
        );
    }
    // A header that gives no columns: invalid, and the file is unreadable.
    let stray = &b"time,out\"let,kind\n2017-05-06T10:00:00Z,le-monde,poll\n"[..];
    let not_utf8 = &b"time,\xFF\n2017-05-06T10:00:00Z\n"[..];
    for (csv, code) in [
        (stray, "scrutin::record::bad-quote"),
        (not_utf8, "scrutin::log::not-utf8"),
        (
            b"\n2017-05-06T10:00:00Z,le-monde,poll,x\n",
            "scrutin::log::empty-value",
        ),
    ] {
        for (summary, findings) in audit_csv(&rulebook, csv, &columns) {
            assert_eq!(findings.invalid, BTreeSet::from([(1, code)]));
            assert_eq!(findings.unreadable.len(), 1, "{:?}", findings.unreadable);
            assert!(findings.found.is_empty());
            assert_eq!((summary.lines, summary.invalid), (1, 1));
        }
    }
    // No header, no records; a header alone is a skipped record.
    for (csv, lines) in [
        (&b""[..], 0),
        (b"\xEF\xBB\xBFtime,outlet,kind,title\r\n", 1),
    ] {
        for (summary, findings) in audit_csv(&rulebook, csv, &columns) {
            assert!(findings.unreadable.is_empty() && findings.invalid.is_empty());
            assert_eq!((summary.lines, summary.skipped), (lines, lines));
        }
    }
}

/// Pieces of JSON Lines and CSV, whole and broken, for the property below.
fn source_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just(b"{\"published\":\"2017-05-06T09:30:00+02:00\",\"outlet\":\"a\",\"kind\":\"campaign\"}".to_vec()),
        Just(b"{\"published\":\"2017-05-06T09:30:00+02:00\",\"outlet\":\"a\",\"kind\":\"poll\",\"title\":\"x\\u00e9\\\"\"}".to_vec()),
        Just(b"2017-05-06T09:30:00+02:00,a,campaign,web,metropole,1,\"t, \"\"q\"\"\n2\",,,,,".to_vec()),
        Just(b"2017-05-06T09:30:00+02:00,a,news".to_vec()),
        Just(b"published,outlet,kind,channel,region,id,title,pollster,sponsor,sample_size,fieldwork,margin_of_error".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"{".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(64))]

    /// Any bytes as JSON Lines or CSV: nothing panics, every record is
    /// counted once, and the findings, invalid records and counts are the
    /// same on one thread and on two, whatever the chunks' size.
    #[test]
    fn any_bytes_as_json_lines_or_csv_are_accounted_for_alike_on_any_threads(bytes in source_bytes()) {
        let rulebook = presidential_2017();
        let json = json_profile(&[]);
        let columns: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
        let csv = csv_profile(&columns);
        for (format, profile) in [(Format::Jsonl, &json), (Format::Csv, &csv)] {
            let (summary, findings) = audit(&rulebook, format, Some(profile), &bytes, 1, 512);
            proptest::prop_assert_eq!(summary.lines, summary.publications + summary.skipped + summary.invalid);
            for (jobs, chunk_bytes) in [(2, 16), (2, 64), (1, 7)] {
                let (other, other_findings) = audit(&rulebook, format, Some(profile), &bytes, jobs, chunk_bytes);
                proptest::prop_assert_eq!(&other, &summary, "{:?} -j{} chunks of {}", format, jobs, chunk_bytes);
                proptest::prop_assert_eq!(&other_findings.found, &findings.found);
                proptest::prop_assert_eq!(&other_findings.invalid, &findings.invalid);
            }
        }
    }
}
