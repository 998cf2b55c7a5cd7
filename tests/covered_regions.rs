//! A place a region covers (`quebec`, covered by Canada's `eastern`), written
//! where a region id belongs, is pointed to that region wherever it is
//! written: a log line, `check --region`, `preflight --region`, `calendar
//! --region`.

use assert_cmd::Command;
use serde_json::Value;

const CANADA: &str = "rules/ca/federal-2021.yaml";

fn scrutin() -> Command {
    let mut command = Command::cargo_bin("scrutin").unwrap();
    command.env("NO_COLOR", "1");
    command
}

#[test]
fn a_log_line_naming_a_province_is_pointed_to_its_region() {
    let rulebook = scrutin::rulebook::load(CANADA.as_ref()).unwrap();
    let line = "2021-09-20T10:00:00-04:00 outlet=cbc kind=news region=atlantic,quebec";
    let error = scrutin::publication::read(line, &rulebook).unwrap_err();
    assert_eq!(&line[error.span.offset..error.span.end()], "quebec");
    assert_eq!(
        error.message,
        "unknown region `quebec`; it is covered by region `eastern`"
    );
    assert!(
        error.help.unwrap().ends_with("write region=eastern"),
        "the help says what to write"
    );
    // The region it names is read as usual.
    let fixed = line.replace("quebec", "eastern");
    assert!(scrutin::publication::read(&fixed, &rulebook).is_ok());

    // The same through `check`, in its JSON report.
    let output = scrutin()
        .args(["check", "--rules", CANADA, "--format", "json", "-"])
        .write_stdin(format!("{line}\n"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["invalid"][0]["message"],
        "unknown region `quebec`; it is covered by region `eastern`"
    );
    assert_eq!(json["invalid"][0]["column"], 64);
}

#[test]
fn an_uncovered_unknown_region_still_gets_the_nearest_one() {
    let rulebook = scrutin::rulebook::load(CANADA.as_ref()).unwrap();
    // Ontario spans two regions: no region covers it.
    let error = scrutin::publication::read(
        "2021-09-20T10:00:00-04:00 outlet=cbc kind=news region=ontario",
        &rulebook,
    )
    .unwrap_err();
    assert_eq!(error.message, "unknown region `ontario`");
    let error = scrutin::publication::read(
        "2021-09-20T10:00:00-04:00 outlet=cbc kind=news region=pacfic",
        &rulebook,
    )
    .unwrap_err();
    assert!(error.help.unwrap().starts_with("did you mean `pacific`?"));
}

/// Each command given a covered place as `--region`: exit 2 and the hint.
#[test]
fn region_options_point_a_covered_place_to_its_region() {
    let log = "samples/ca-federal-2021.log";
    let cases: [(&[&str], &str); 4] = [
        (
            &["check", "--rules", CANADA, "--region", "quebec", log],
            "--region quebec: no region `quebec` in this rulebook; it is covered by region `eastern`",
        ),
        (
            &[
                "preflight",
                "--rules",
                CANADA,
                "--kind",
                "news",
                "--region",
                "yukon",
            ],
            "--region yukon: not a region of ca-federal-2021 (it is covered by region `pacific`)",
        ),
        (
            &["calendar", "--rules", CANADA, "--region", "manitoba"],
            "no region `manitoba` in rules/ca/federal-2021.yaml; it is covered by region `central`",
        ),
        (
            &[
                "check",
                "--rules",
                "rules/uk/general-2024.yaml",
                "--region",
                "scotland",
                "samples/uk-general-2024.log",
            ],
            "no region `scotland` in this rulebook; it is covered by region `uk`",
        ),
    ];
    for (args, expected) in cases {
        let output = scrutin().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn covered_places_in_the_shipped_rulebooks() {
    let rulebook = scrutin::rulebook::load(CANADA.as_ref()).unwrap();
    let covering = |place: &str| rulebook.covering_region(place).map(|r| r.id.as_str());
    assert_eq!(covering("quebec"), Some("eastern"));
    assert_eq!(covering("prince_edward_island"), Some("atlantic"));
    assert_eq!(covering("northwest_territories"), Some("mountain"));
    // Split between time-zone groups: a log names the district's group.
    assert_eq!(covering("ontario"), None);
    assert_eq!(covering("nunavut"), None);
    // A region id is not a covered place.
    assert_eq!(covering("eastern"), None);

    let france = scrutin::rulebook::load("rules/fr/presidential-2022.yaml".as_ref()).unwrap();
    assert_eq!(
        france.covering_region("corse").map(|r| r.id.as_str()),
        Some("metropole")
    );
}

/// The example of rules/README.md's "Places a region covers" loads, in an
/// election around it, and means what the text says.
#[test]
fn the_documented_example_validates() {
    let readme = std::fs::read_to_string("rules/README.md").unwrap();
    let section = &readme[readme.find("### Places a region covers").unwrap()..];
    let block = section.split("```yaml\n").nth(1).unwrap();
    let regions = &block[..block.find("```").unwrap()];
    let text = format!(
        "id: example\ntitle: Example\njurisdiction: Testland\n\
         kinds: {{ news: News }}\nchannels: {{ web: Web }}\n{regions}\
         default_region: eastern\npolls: {{ open: \"08:30\", close: \"20:30\" }}\n\
         rounds: [{{ id: general, name: general election, vote: 2021-09-20 }}]\n"
    );
    let rulebook = scrutin::rulebook::parse(scrutin::source::SourceFile::new("example.yaml", text))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let covering = |place: &str| rulebook.covering_region(place).map(|r| r.id.as_str());
    assert_eq!(covering("quebec"), Some("eastern"));
    assert_eq!(covering("manitoba"), Some("central"));
    assert_eq!(covering("ontario"), None);
}
