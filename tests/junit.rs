//! JUnit output: well-formed XML with one test case per rule and file.

use assert_cmd::Command;
use quick_xml::Reader;
use quick_xml::events::Event;

const RULES: &str = "rules/fr/presidential-2017.yaml";

fn junit(args: &[&str], stdin: &[u8]) -> String {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["check", "--rules", RULES, "--format", "junit"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// Parses the whole document; returns (test cases, failures, errors).
fn parse(xml: &str) -> (usize, usize, usize) {
    let mut reader = Reader::from_str(xml);
    let (mut cases, mut failures, mut errors) = (0, 0, 0);
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"))
        {
            Event::Eof => return (cases, failures, errors),
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => failures += 1,
                b"error" => errors += 1,
                _ => {}
            },
            _ => {}
        }
    }
}

#[test]
fn one_case_per_rule_and_file() {
    let xml = junit(
        &[
            "samples/presidential-2017-round2-weekend.log",
            "samples/schedule-clean.log",
        ],
        b"",
    );
    // 11 rules and invalid-line, for 2 files; the weekend breaks every rule
    // but those over many publications (leak-burst, speaking time) and
    // political advertising on radio and TV (the broadcasts sample does).
    assert_eq!(parse(&xml), (24, 7, 0));
    assert!(xml.contains(
        r#"<testcase name="poll-ban" classname="samples/presidential-2017-round2-weekend.log">"#
    ));
    assert!(xml.contains(r#"<failure message="11 findings">"#));
}

#[test]
fn invalid_lines_and_unreadable_files_are_errors() {
    let xml = junit(&["no/such.log", "samples/malformed.log"], b"");
    let (cases, failures, errors) = parse(&xml);
    // no/such.log: unreadable, 11 rules and a passing invalid-line; the
    // sample: 11 rules and a case per code of its invalid lines (6 codes).
    assert_eq!((cases, failures, errors), (30, 2, 7));
    assert!(xml.contains(r#"<testcase name="invalid-line" classname="no/such.log"/>"#));
    assert!(
        xml.contains(r#"<error message="7 invalid lines" type="scrutin::log::bad-timestamp">"#)
    );
}

#[test]
fn hostile_strings_keep_the_xml_well_formed() {
    let log = "2017-05-06T10:00:00+02:00 outlet=\"<a> & ]]> \\\"q\\\"\" kind=campaign title=\"\u{202e}🗳\"\n\
               2017-05-06T10:00:00+02:00 outlet=x kind=]]><!--\n";
    let xml = junit(&["-"], log.as_bytes());
    let (cases, failures, errors) = parse(&xml);
    assert_eq!((cases, failures, errors), (12, 1, 1));
}

#[test]
fn a_case_lists_a_bounded_number_of_findings_and_counts_them_all() {
    let log = "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n".repeat(1500);
    let xml = junit(&["-"], log.as_bytes());
    assert_eq!(parse(&xml).1, 1, "one failing case: campaign-silence");
    assert!(
        xml.contains("message=\"1500 findings\""),
        "the count is whole"
    );
    let listed = xml.matches("line 1").count(); // lines 1, 10–19, 100–199, 1000–1499
    assert!(listed < 1500, "{listed}");
    assert!(
        xml.contains("… and 500 more (a JUnit case lists 1000;"),
        "the cap is said"
    );
}

#[test]
fn a_listed_finding_is_cut_to_a_bounded_length() {
    let long = "x".repeat(200_000);
    let log = format!("2017-05-06T09:30:00+02:00 outlet=a kind={long}\n").repeat(20);
    let xml = junit(&["-"], log.as_bytes());
    assert!(xml.len() < 100_000, "{} bytes", xml.len());
    assert!(
        xml.contains("message=\"20 invalid lines\""),
        "the count is whole"
    );
}
