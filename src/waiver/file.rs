//! A waiver file (`--waivers FILE`): YAML entries, each matching a
//! publication by `id`, by `outlet`, or by `file` and `line`.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Match, Origin, Waiver, Waivers};
use crate::rulebook::schema::{Located, Place, Text, from_file};
use crate::rulebook::{ProblemKind, Problems, Rulebook, RulebookError, read_yaml_file};
use crate::side_file::{self, SideFile};
use crate::source::{SourceFile, did_you_mean, escape_unsafe};
use crate::time::parse_date;

impl Waivers {
    /// Reads a waiver file; `today` decides which waivers have expired.
    pub fn load(
        path: &Path,
        rulebook: &Rulebook,
        today: NaiveDate,
    ) -> Result<Waivers, RulebookError> {
        let text = side_file::read(path, SideFile::Waivers)
            .map_err(|reason| RulebookError::unreadable(SideFile::Waivers, path, reason))?;
        Waivers::parse(
            SourceFile::new(path.display().to_string(), text),
            rulebook,
            today,
        )
    }

    pub fn parse(
        source: SourceFile,
        rulebook: &Rulebook,
        today: NaiveDate,
    ) -> Result<Waivers, RulebookError> {
        let mut problems = Problems::new();
        let file = problems.add_file(source);
        let raw: RawWaiverFile =
            match from_file(file, || read_yaml_file(problems.file(file).text())) {
                Ok(raw) => raw,
                Err(error) => {
                    let at = Place {
                        file,
                        span: error.span,
                    };
                    problems.add(error.kind, at, error.message, "here");
                    return Err(problems.into_waiver_error());
                }
            };
        let waivers: Vec<Waiver> = raw
            .waivers
            .iter()
            .filter_map(|w| waiver(w, rulebook, &mut problems))
            .collect();
        if !problems.is_empty() {
            return Err(problems.into_waiver_error());
        }
        Ok(Waivers {
            used: vec![false; waivers.len()],
            waivers,
            today: Some(today),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiverFile {
    waivers: Vec<RawWaiver>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Text,
    id: Option<Text>,
    outlet: Option<Text>,
    file: Option<Text>,
    line: Option<Located<usize>>,
    reason: Text,
    expires: Option<Text>,
}

fn rule_index(rule: &Text, rulebook: &Rulebook, problems: &mut Problems) -> Option<usize> {
    let found = rulebook.rules.iter().position(|r| r.id == rule.value);
    if found.is_none() {
        let help = did_you_mean(&rule.value, rulebook.rules.iter().map(|r| r.id.as_str()))
            .map(|near| format!("did you mean `{near}`?"));
        problems.add_with_help(
            ProblemKind::WaiverUnknownRule,
            rule.place(),
            format!("unknown rule `{}`", rule.value),
            "not in the rulebook",
            help,
        );
    }
    found
}

fn waiver(raw: &RawWaiver, rulebook: &Rulebook, problems: &mut Problems) -> Option<Waiver> {
    let rule = rule_index(&raw.rule, rulebook, problems);
    if raw.reason.value.trim().is_empty() {
        problems.add(
            ProblemKind::WaiverWithoutReason,
            raw.reason.place(),
            "a waiver gives its reason",
            "empty reason",
        );
    }
    let matches = match (&raw.id, &raw.outlet, &raw.file, &raw.line) {
        (Some(id), None, None, None) => Some(Match::Id(id.value.clone())),
        (None, Some(outlet), None, None) => Some(Match::Outlet(outlet.value.clone())),
        (None, None, Some(file), Some(line)) => Some(Match::Line {
            // Log names are quoted where a log is opened (a control
            // character becomes `\u{1b}`): the name to match is quoted alike.
            file: escape_unsafe(&file.value),
            line: line.value,
        }),
        _ => {
            problems.add_with_help(
                ProblemKind::WaiverBadMatch,
                raw.rule.place(),
                "a waiver matches by `id`, by `outlet`, or by `file` and `line`: exactly one of them",
                "what does it match?",
                Some("write `id: …`, `outlet: …`, or `file: …` with `line: …`"),
            );
            None
        }
    };
    let expires = raw.expires.as_ref().and_then(|text| {
        let date = parse_date(&text.value);
        if date.is_none() {
            problems.add(
                ProblemKind::WaiverBadDate,
                text.place(),
                format!("`{}` is not a date", text.value),
                "expected YYYY-MM-DD",
            );
        }
        date
    });
    let (line, _) = problems
        .file(raw.rule.file)
        .line_column(raw.rule.span.offset);
    Some(Waiver {
        rule: rule?,
        matches: matches?,
        reason: raw.reason.value.trim().to_string(),
        expires,
        origin: Origin {
            file: problems.file(raw.rule.file).name().to_string(),
            line,
            inline: false,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SCANNED;

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

    /// Each entry's line is found without rescanning the file from its start:
    /// the bytes read to find positions grow with the file, not its square.
    #[test]
    fn finding_the_entries_lines_is_linear() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        let rulebook = crate::rulebook::load(path.as_ref()).unwrap();
        let text = many_waivers(20_000);
        let today = NaiveDate::from_ymd_opt(2017, 5, 7).unwrap();
        SCANNED.with(|scanned| scanned.set(0));
        let waivers = Waivers::parse(SourceFile::new("w.yaml", text.as_str()), &rulebook, today)
            .expect("the waivers are valid");
        assert_eq!(waivers.waivers.len(), 20_000);
        assert_eq!(waivers.waivers[19_999].origin.line, 1 + 3 * 19_999 + 1);
        let scanned = SCANNED.with(std::cell::Cell::get);
        assert!(
            scanned <= 2 * text.len(),
            "{scanned} bytes read for a file of {}",
            text.len()
        );
    }
}
