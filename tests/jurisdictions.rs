//! Every election's expectations, as data: each file under
//! tests/jurisdictions/ names a rulebook, then log lines and the rules each
//! must break (format: tests/jurisdictions/README.md). One harness runs them
//! all, reports every failing case at the file and line where it is written,
//! then fails. Adding an election is adding a file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use scrutin::check::{Violation, check};
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook};

const DATA: &str = "tests/jurisdictions";

// ---------------------------------------------------------------------------
// The library, in two functions: the rest of the harness sees a rulebook as
// its rules and regions, and a log line's findings as plain data.

/// A rulebook, and what the data files may say of it.
struct Election {
    rulebook: Rulebook,
    rules: Vec<RuleFacts>,
    regions: Vec<String>,
}

struct RuleFacts {
    id: String,
    severity: String,
    url: String,
    law: String,
    article: String,
    help: String,
}

/// A finding as a data file writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    rule: String,
    /// The regions a window finding names, in the library's order.
    regions: Option<Vec<String>>,
    /// The attributes a requirement finding says are missing.
    missing: Option<Vec<String>>,
    /// For a publication that lasts, the part of each region's window it
    /// went out in, in the order of `regions`.
    overlaps: Option<Vec<Interval>>,
}

/// `[start, end)`, as a data file writes it: `START/END`.
type Interval = (DateTime<Utc>, DateTime<Utc>);

fn load(path: &str) -> Result<Election, String> {
    let rulebook = rulebook::load(path.as_ref()).map_err(|e| format!("{e:?}"))?;
    let rules = rulebook
        .rules
        .iter()
        .map(|rule| RuleFacts {
            id: rule.id.clone(),
            severity: rule.severity.name().to_string(),
            url: rule.citation.url.clone(),
            law: rule.citation.law.clone(),
            article: rule.citation.article.clone(),
            help: rule.help.clone(),
        })
        .collect();
    let regions = rulebook.regions.iter().map(|r| r.id.clone()).collect();
    Ok(Election {
        rulebook,
        rules,
        regions,
    })
}

/// What the library finds in one log line, sorted by rule id.
fn findings(election: &Election, line: &str) -> Result<Vec<Found>, String> {
    let rulebook = &election.rulebook;
    let publication =
        publication::read(line, rulebook).map_err(|e| format!("invalid log line: {e:?}"))?;
    let findings = check(rulebook, &publication);
    // The fast path gives the same findings on every case.
    let indexed = scrutin::check::Checker::new(rulebook).check(&publication);
    if indexed != findings {
        return Err(format!(
            "the checker's index disagrees with check: {indexed:?} against {findings:?}"
        ));
    }
    let mut found: Vec<Found> = findings
        .into_iter()
        .map(|finding| {
            let rule = rulebook.rules[finding.rule].id.clone();
            match finding.violation {
                Violation::InsideWindow { windows, .. } => Found {
                    rule,
                    regions: Some(
                        windows
                            .iter()
                            .map(|w| rulebook.regions[w.region].id.clone())
                            .collect(),
                    ),
                    missing: None,
                    overlaps: windows
                        .iter()
                        .map(|w| w.overlap.map(|o| (o.start, o.end)))
                        .collect(),
                },
                Violation::MissingAttributes(missing) => Found {
                    rule,
                    regions: None,
                    missing: Some(missing),
                    overlaps: None,
                },
            }
        })
        .collect();
    found.sort_by(|a, b| a.rule.cmp(&b.rule));
    Ok(found)
}

// ---------------------------------------------------------------------------
// One data file: parsed and run line by line.

/// What running one data file gave: its cases, and every problem found (a
/// failing case, or a malformed line), each as `file:line: what`.
#[derive(Debug, Default)]
struct Outcome {
    cases: usize,
    problems: Vec<String>,
}

/// The state of a data file as it is read.
struct Run<'f> {
    file: &'f str,
    election: Option<Election>,
    lets: BTreeMap<String, String>,
    /// The `cites` prefixes per citation field.
    cites: BTreeMap<String, Vec<String>>,
    outcome: Outcome,
}

/// Runs the data file `file` whose text is `text`.
fn run(file: &str, text: &str) -> Outcome {
    let mut run = Run {
        file,
        election: None,
        lets: BTreeMap::new(),
        cites: BTreeMap::new(),
        outcome: Outcome::default(),
    };
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Err(problem) = run.line(line) {
            run.outcome
                .problems
                .push(format!("{file}:{number}: {problem}"));
            if run.election.is_none() && line.starts_with("rulebook") {
                // Nothing else in the file can be checked.
                return run.outcome;
            }
        }
        if line.contains("=>") {
            run.outcome.cases += 1;
        }
    }
    run.finish();
    run.outcome
}

impl Run<'_> {
    /// One line that is not blank nor a comment: a case or a directive.
    fn line(&mut self, line: &str) -> Result<(), String> {
        if let Some((log, expectation)) = line.rsplit_once("=>") {
            return self.case(log.trim(), expectation.trim());
        }
        let (directive, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        match directive {
            "rulebook" => self.rulebook(rest),
            "let" => self.define(rest),
            "severity" => self.severity(rest),
            "cites" => self.cite(rest),
            _ => Err(format!(
                "unknown directive `{directive}` (a case is `log line  =>  rule ids`; \
                 directives: rulebook, let, severity, cites)"
            )),
        }
    }

    fn election(&self) -> Result<&Election, String> {
        self.election
            .as_ref()
            .ok_or_else(|| "before the `rulebook` line".to_string())
    }

    fn rulebook(&mut self, path: &str) -> Result<(), String> {
        if self.election.is_some() {
            return Err("a second `rulebook` line: one rulebook per file".into());
        }
        let election = load(path).map_err(|e| format!("rulebook {path}: {e}"))?;
        self.election = Some(election);
        Ok(())
    }

    /// `let NAME = text`: `{NAME}` in a later log line stands for `text`.
    fn define(&mut self, rest: &str) -> Result<(), String> {
        let (name, text) = rest
            .split_once('=')
            .ok_or("`let` needs `let NAME = text`")?;
        let name = name.trim();
        if !is_let_name(name) {
            return Err(format!("`{name}`: a let name is in capitals (A-Z, 0-9, _)"));
        }
        let text = self.expand(text.trim())?;
        if self.lets.insert(name.to_string(), text).is_some() {
            return Err(format!("`{name}` is defined twice"));
        }
        Ok(())
    }

    /// `text` with every `{NAME}` replaced by its `let`.
    fn expand(&self, text: &str) -> Result<String, String> {
        let mut expanded = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c);
            let name = close.map(|close| &rest[open + 1..close]);
            match (close, name) {
                (Some(close), Some(name)) if is_let_name(name) => {
                    let value = self
                        .lets
                        .get(name)
                        .ok_or_else(|| format!("`{{{name}}}` has no `let`"))?;
                    expanded.push_str(&rest[..open]);
                    expanded.push_str(value);
                    rest = &rest[close + 1..];
                }
                _ => {
                    expanded.push_str(&rest[..=open]);
                    rest = &rest[open + 1..];
                }
            }
        }
        expanded.push_str(rest);
        Ok(expanded)
    }

    /// `severity RULE error|warning|info`.
    fn severity(&self, rest: &str) -> Result<(), String> {
        let election = self.election()?;
        let (id, expected) = rest
            .split_once(' ')
            .ok_or("`severity` needs `severity RULE error|warning|info`")?;
        let expected = expected.trim();
        if !["error", "warning", "info"].contains(&expected) {
            return Err(format!("`{expected}` is not a severity"));
        }
        let rule = rule(election, id)?;
        if rule.severity != expected {
            return Err(format!(
                "{id} is of severity {}, not {expected}",
                rule.severity
            ));
        }
        Ok(())
    }

    /// `cites url|law|article PREFIX`: every rule's citation field starts
    /// with one of the prefixes given for it (checked at the end of the file).
    fn cite(&mut self, rest: &str) -> Result<(), String> {
        self.election()?;
        let (field, prefix) = rest
            .split_once(' ')
            .ok_or("`cites` needs `cites url|law|article PREFIX`")?;
        if !["url", "law", "article"].contains(&field) {
            return Err(format!("`cites {field}`: the field is url, law or article"));
        }
        self.cites
            .entry(field.to_string())
            .or_default()
            .push(prefix.trim().to_string());
        Ok(())
    }

    /// `LOG LINE  =>  EXPECTATION`.
    fn case(&self, log: &str, expectation: &str) -> Result<(), String> {
        let election = self.election()?;
        if log.is_empty() {
            return Err("a case without a log line before `=>`".into());
        }
        let expected = parse_expectation(election, expectation)?;
        let log = self.expand(log)?;
        let found = findings(election, &log)?;
        compare(&expected, &found).map_err(|e| format!("{e}\n    {log}"))
    }

    /// Checks what only the whole file tells: a rulebook was named, and every
    /// rule cites its law as the `cites` lines say, and helps.
    fn finish(&mut self) {
        let file = self.file;
        let Some(election) = &self.election else {
            self.outcome
                .problems
                .push(format!("{file}: no `rulebook` line"));
            return;
        };
        if self.outcome.cases == 0 {
            self.outcome.problems.push(format!("{file}: no case"));
        }
        for rule in &election.rules {
            for problem in citation_problems(rule, &self.cites) {
                self.outcome
                    .problems
                    .push(format!("{file}: rule {}: {problem}", rule.id));
            }
        }
    }
}

fn is_let_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn rule<'e>(election: &'e Election, id: &str) -> Result<&'e RuleFacts, String> {
    election
        .rules
        .iter()
        .find(|rule| rule.id == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = election.rules.iter().map(|r| r.id.as_str()).collect();
            format!(
                "no rule `{id}` in the rulebook (its rules: {})",
                ids.join(", ")
            )
        })
}

/// Every shipped rule cites an article of a law and says in a real help text
/// what it forbids; `cites` narrows where its citation points.
fn citation_problems(rule: &RuleFacts, cites: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut problems = Vec::new();
    if rule.article.is_empty() || rule.law.is_empty() {
        problems.push("its citation needs an article and a law".to_string());
    }
    if rule.help.len() <= 80 {
        problems.push("needs a real help text (more than 80 bytes)".to_string());
    }
    for (field, prefixes) in cites {
        let value = match field.as_str() {
            "url" => &rule.url,
            "law" => &rule.law,
            _ => &rule.article,
        };
        if !prefixes.iter().any(|prefix| value.starts_with(prefix)) {
            problems.push(format!(
                "its citation's {field} `{value}` starts with none of: {}",
                prefixes.join(" | ")
            ));
        }
    }
    problems
}

/// A finding a case expects: a rule id, and optionally the regions of its
/// window or the attributes it says are missing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    rule: String,
    regions: Option<Vec<String>>,
    missing: Option<Vec<String>>,
    overlaps: Option<Vec<Interval>>,
}

/// `START/END` as two instants, as a log line writes them.
fn interval(text: &str) -> Result<Interval, String> {
    let instant = |t: &str| {
        scrutin::time::parse_timestamp(t)
            .map(|stamp| stamp.instant)
            .map_err(|e| format!("`{t}` in `overlap`: {}", e.message))
    };
    let (start, end) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}`: an overlap is START/END"))?;
    Ok((instant(start)?, instant(end)?))
}

/// `(none)`, or rule ids separated by blanks, each optionally followed by
/// `in REGION,REGION`, `missing ATTRIBUTE,ATTRIBUTE` and/or `overlap
/// START/END,START/END`.
fn parse_expectation(election: &Election, text: &str) -> Result<Vec<Expected>, String> {
    if text == "(none)" {
        return Ok(Vec::new());
    }
    if text.is_empty() {
        return Err("nothing after `=>`: write `(none)` or rule ids".into());
    }
    let mut expected: Vec<Expected> = Vec::new();
    let mut words = text.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "overlap" => {
                let list = words
                    .next()
                    .ok_or("`overlap` needs a comma-separated list of START/END")?
                    .split(',')
                    .map(interval)
                    .collect::<Result<Vec<_>, _>>()?;
                let last = expected.last_mut().ok_or("`overlap` before any rule id")?;
                if last.overlaps.replace(list).is_some() {
                    return Err(format!("`overlap` twice for {}", last.rule));
                }
            }
            "in" | "missing" => {
                let list: Vec<String> = words
                    .next()
                    .ok_or_else(|| format!("`{word}` needs a comma-separated list"))?
                    .split(',')
                    .map(String::from)
                    .collect();
                let last = expected
                    .last_mut()
                    .ok_or_else(|| format!("`{word}` before any rule id"))?;
                let slot = if word == "in" {
                    for region in &list {
                        if !election.regions.contains(region) {
                            return Err(format!(
                                "no region `{region}` in the rulebook (its regions: {})",
                                election.regions.join(", ")
                            ));
                        }
                    }
                    &mut last.regions
                } else {
                    &mut last.missing
                };
                if slot.replace(list).is_some() {
                    return Err(format!("`{word}` twice for {}", last.rule));
                }
            }
            "(none)" => return Err("`(none)` stands alone".into()),
            id => {
                rule(election, id)?;
                expected.push(Expected {
                    rule: id.to_string(),
                    regions: None,
                    missing: None,
                    overlaps: None,
                });
            }
        }
    }
    expected.sort_by(|a, b| a.rule.cmp(&b.rule));
    Ok(expected)
}

/// Whether the findings are those expected: the same rule ids, and for each
/// expected `in` or `missing`, the same list.
fn compare(expected: &[Expected], found: &[Found]) -> Result<(), String> {
    let same_rules =
        expected.len() == found.len() && expected.iter().zip(found).all(|(e, f)| e.rule == f.rule);
    let same_details = same_rules
        && expected.iter().zip(found).all(|(e, f)| {
            (e.regions.is_none() || e.regions == f.regions)
                && (e.missing.is_none() || e.missing == f.missing)
                && (e.overlaps.is_none() || e.overlaps == f.overlaps)
        });
    if same_details {
        return Ok(());
    }
    Err(format!(
        "expected {}, found {}",
        show_expected(expected),
        show_found(found)
    ))
}

fn show_expected(expected: &[Expected]) -> String {
    let found: Vec<Found> = expected
        .iter()
        .map(|e| Found {
            rule: e.rule.clone(),
            regions: e.regions.clone(),
            missing: e.missing.clone(),
            overlaps: e.overlaps.clone(),
        })
        .collect();
    show_found(&found)
}

fn show_found(found: &[Found]) -> String {
    if found.is_empty() {
        return "`(none)`".to_string();
    }
    let mut text = String::new();
    for (i, finding) in found.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&finding.rule);
        if let Some(regions) = &finding.regions {
            let _ = write!(text, " in {}", regions.join(","));
        }
        if let Some(missing) = &finding.missing {
            let _ = write!(text, " missing {}", missing.join(","));
        }
        if let Some(overlaps) = &finding.overlaps {
            let utc = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
            let overlaps: Vec<String> = overlaps
                .iter()
                .map(|(start, end)| format!("{}/{}", utc(start), utc(end)))
                .collect();
            let _ = write!(text, " overlap {}", overlaps.join(","));
        }
    }
    format!("`{text}`")
}

/// The data files, sorted: tests/jurisdictions/<country>/<election>.txt.
fn data_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![PathBuf::from(DATA)];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{folder:?}: {e}"));
        for entry in entries {
            let path = entry.expect("a readable folder").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_jurisdiction_breaks_the_rules_its_data_says() {
    let mut problems = Vec::new();
    let mut summary = String::new();
    let files = data_files();
    assert!(!files.is_empty(), "no data file under {DATA}");
    for path in &files {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let outcome = run(&file, &text);
        let _ = writeln!(summary, "{file}: {} cases", outcome.cases);
        problems.extend(outcome.problems);
    }
    println!("{summary}");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The harness's own checks: a wrong or malformed data file must fail.

/// Runs inline data under rules/fr/presidential-2017.yaml.
fn run_inline(cases: &str) -> Outcome {
    let text = format!(
        "# header\nrulebook rules/fr/presidential-2017.yaml\ncites url https://www.legifrance.gouv.fr/\ncites url https://lalettre.pro/\n{cases}"
    );
    run("inline.txt", &text)
}

fn assert_one_problem(outcome: &Outcome, at: &str, saying: &str) {
    assert_eq!(outcome.problems.len(), 1, "{:#?}", outcome.problems);
    let problem = &outcome.problems[0];
    assert!(problem.starts_with(at), "{problem}");
    assert!(problem.contains(saying), "{problem}");
}

#[test]
fn a_right_file_has_no_problem() {
    let outcome = run_inline(
        "let NOTICE = pollster=Ipsos sponsor=\"Le Monde\" sample_size=1412 fieldwork=2017-05-04 margin_of_error=2.5\n\
         2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence\n\
         2017-05-06T00:00:00+02:00 outlet=a kind=poll {NOTICE}  =>  poll-ban in metropole\n\
         2017-05-04T10:00:00+02:00 outlet=a kind=poll pollster=Ifop sample_size=900 fieldwork=2017-05-03  =>  poll-notice missing sponsor,margin_of_error\n\
         severity leaked-documents warning\n",
    );
    assert!(outcome.problems.is_empty(), "{:#?}", outcome.problems);
    assert_eq!(outcome.cases, 3);
}

#[test]
fn every_wrong_expectation_is_reported_at_its_line() {
    let outcome = run_inline(
        "2017-05-05T23:59:59+02:00 outlet=a kind=campaign  =>  campaign-silence\n\
         2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  (none)\n\
         2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence\n",
    );
    assert_eq!(outcome.cases, 3);
    assert_eq!(outcome.problems.len(), 2, "{:#?}", outcome.problems);
    assert!(
        outcome.problems[0]
            .starts_with("inline.txt:5: expected `campaign-silence`, found `(none)`"),
        "{}",
        outcome.problems[0]
    );
    assert!(
        outcome.problems[1]
            .starts_with("inline.txt:6: expected `(none)`, found `campaign-silence in metropole`"),
        "{}",
        outcome.problems[1]
    );
}

#[test]
fn wrong_regions_or_missing_attributes_are_reported() {
    let outcome = run_inline(
        "2017-05-06T12:00:00+02:00 outlet=a kind=campaign channel=web region=metropole,guadeloupe  =>  campaign-silence in guadeloupe\n",
    );
    assert_one_problem(
        &outcome,
        "inline.txt:5:",
        "found `campaign-silence in metropole,guadeloupe`",
    );
    let outcome = run_inline(
        "2017-05-04T10:00:00+02:00 outlet=a kind=poll pollster=Ifop sample_size=900 fieldwork=2017-05-03  =>  poll-notice missing sponsor\n",
    );
    assert_one_problem(&outcome, "inline.txt:5:", "missing sponsor,margin_of_error");
    let outcome = run_inline(
        "2017-05-05T23:00:00+02:00 outlet=a kind=campaign channel=tv end=2017-05-06T01:00:00+02:00  =>  campaign-silence overlap 2017-05-06T00:00:00+02:00/2017-05-06T00:30:00+02:00\n",
    );
    assert_one_problem(
        &outcome,
        "inline.txt:5:",
        "found `campaign-silence in metropole overlap 2017-05-05T22:00:00Z/2017-05-05T23:00:00Z`",
    );
}

#[test]
fn a_malformed_file_is_reported() {
    let cases = [
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campain-silence\n",
            "no rule `campain-silence`",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence in paris\n",
            "no region `paris`",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>\n",
            "write `(none)`",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  (none) campaign-silence\n",
            "`(none)` stands alone",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  in metropole\n",
            "before any rule id",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=poll {NOTICE}  =>  poll-ban\n",
            "`{NOTICE}` has no `let`",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  ->  campaign-silence\n",
            "unknown directive `2017-05-06T00:00:00+02:00`",
        ),
        (
            "expect 2017-05-06T00:00:00+02:00 outlet=a kind=campaign\n",
            "unknown directive `expect`",
        ),
        (
            "not-a-timestamp outlet=a kind=campaign  =>  (none)\n",
            "invalid log line",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence overlap 2017-05-06\n",
            "an overlap is START/END",
        ),
        (
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence overlap a/b\n",
            "`a` in `overlap`",
        ),
        (
            "severity leaked-documents error\n",
            "is of severity warning, not error",
        ),
        (
            "severity leaked-documents fatal\n",
            "`fatal` is not a severity",
        ),
        ("cites page 1\n", "the field is url, law or article"),
        ("let notice = x\n", "a let name is in capitals"),
        (
            "rulebook rules/fr/presidential-2022.yaml\n",
            "a second `rulebook` line",
        ),
    ];
    for (line, saying) in cases {
        let outcome = run_inline(&format!(
            "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence\n{line}"
        ));
        assert_one_problem(&outcome, "inline.txt:6:", saying);
    }
}

#[test]
fn a_file_without_rulebook_or_cases_or_with_wrong_citations_is_reported() {
    let outcome = run(
        "inline.txt",
        "2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  (none)\n",
    );
    assert!(outcome.problems[0].contains("inline.txt:1: before the `rulebook` line"));
    assert!(
        outcome
            .problems
            .iter()
            .any(|p| p == "inline.txt: no `rulebook` line")
    );

    let outcome = run(
        "inline.txt",
        "rulebook rules/fr/nowhere.yaml\n2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  (none)\n",
    );
    assert_one_problem(&outcome, "inline.txt:1: rulebook rules/fr/nowhere.yaml", "");

    let outcome = run_inline("");
    assert_one_problem(&outcome, "inline.txt: no case", "");

    let outcome = run_inline(
        "cites law Loi\n2017-05-06T00:00:00+02:00 outlet=a kind=campaign  =>  campaign-silence\n",
    );
    assert!(!outcome.problems.is_empty());
    assert!(
        outcome
            .problems
            .iter()
            .all(|p| p.contains("starts with none of: Loi")),
        "{:#?}",
        outcome.problems
    );
}

#[test]
fn every_shipped_election_has_a_data_file() {
    let files = data_files();
    let mut elections = Vec::new();
    for country in std::fs::read_dir("rules").expect("rules/") {
        let country = country.expect("a readable folder").path();
        // rules/keywords/ holds the classification keyword lists, no rulebook.
        if !country.is_dir() || country.ends_with("keywords") {
            continue;
        }
        for file in std::fs::read_dir(&country).expect("a readable folder") {
            let file = file.expect("a readable folder").path();
            // A law file (`law.yaml`, or what an election's date scenarios
            // share) has no rounds: its elections are tested.
            if file.extension().is_some_and(|ext| ext == "yaml")
                && rulebook::load(&file).is_ok_and(|r| !r.rounds.is_empty())
            {
                elections.push(file);
            }
        }
    }
    assert!(!elections.is_empty());
    for election in elections {
        let data = Path::new(DATA)
            .join(election.strip_prefix("rules").expect("under rules/"))
            .with_extension("txt");
        assert!(files.contains(&data), "{election:?} has no {data:?}");
    }
}
