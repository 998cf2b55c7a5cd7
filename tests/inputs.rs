//! Structured sources read through a profile give the same publications,
//! and so the same findings, as the same records written as a log.

use std::collections::BTreeSet;
use std::io;

use scrutin::audit::pipeline::Pipeline;
use scrutin::audit::{Limits, LogLine, Outcome, Report, Summary};
use scrutin::publication::profile::{From, Instant, Kind, Mapping};
use scrutin::publication::{self, Format, Profile};
use scrutin::rulebook::{self, Rulebook};
use scrutin::time::TimeForm;
use scrutin::waiver::Waivers;

/// Each finding as (line number, rule id, violation), and each invalid line.
#[derive(Default)]
struct Findings<'r> {
    rulebook: Option<&'r Rulebook>,
    found: BTreeSet<(usize, String, String)>,
    invalid: BTreeSet<(usize, &'static str)>,
}

impl Report for Findings<'_> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Checked(_, findings) => {
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
    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        panic!("{file}: {reason}")
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

fn audit<'r>(
    rulebook: &'r Rulebook,
    format: Format,
    profile: Option<&'r Profile>,
    input: &[u8],
    jobs: usize,
) -> (Summary, Findings<'r>) {
    let mut report = Findings {
        rulebook: Some(rulebook),
        ..Findings::default()
    };
    let mut summary = Summary::default();
    Pipeline::new(rulebook)
        .input(format, profile)
        .jobs(jobs)
        .chunk_bytes(512)
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
    for (key, value) in p.attributes() {
        put(key, value.into());
    }
    let timestamp = line.split_whitespace().next().unwrap();
    serde_json::json!({ "time": timestamp, "record": record }).to_string()
}

#[test]
fn every_sample_as_json_lines_gives_the_log_s_findings() {
    let samples = [
        (
            "rules/fr/presidential-2017.yaml",
            "samples/presidential-2017-round2-weekend.log",
        ),
        (
            "rules/fr/presidential-2022.yaml",
            "samples/presidential-2022-round1-weekend.log",
        ),
        (
            "rules/fr/legislative-2024.yaml",
            "samples/legislative-2024-round2-weekend.log",
        ),
        ("rules/ca/federal-2021.yaml", "samples/ca-federal-2021.log"),
        ("rules/it/general-2022.yaml", "samples/it-general-2022.log"),
        ("rules/es/general-2023.yaml", "samples/es-general-2023.log"),
        (
            "rules/pl/parliamentary-2023.yaml",
            "samples/pl-parliamentary-2023.log",
        ),
        ("rules/uk/general-2024.yaml", "samples/uk-general-2024.log"),
    ];
    for (rules, sample) in samples {
        let rulebook = rulebook::load(rules.as_ref()).unwrap();
        let log = std::fs::read_to_string(sample).unwrap();
        let json: String = log.lines().map(|l| to_json(l, &rulebook) + "\n").collect();
        let mut attributes = BTreeSet::new();
        for line in log.lines() {
            if let Ok(p) = publication::read(line, &rulebook) {
                attributes.extend(p.attributes().map(|(k, _)| k.to_string()));
            }
        }
        let attributes: Vec<&str> = attributes.iter().map(String::as_str).collect();
        let profile = json_profile(&attributes);
        let (log_summary, log_findings) = audit(&rulebook, Format::Log, None, log.as_bytes(), 1);
        assert!(!log_findings.found.is_empty(), "{sample} has findings");
        for jobs in [1, 2] {
            let (summary, findings) = audit(
                &rulebook,
                Format::Jsonl,
                Some(&profile),
                json.as_bytes(),
                jobs,
            );
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
