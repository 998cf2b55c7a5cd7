//! Findings as GitHub Actions workflow commands, which show as annotations
//! on the pull request's changed lines:
//! `::error file=schedule.log,line=12,col=1,title=poll-ban: …::message`.
//!
//! Values are escaped as the runner expects: `%`, CR and LF in the message;
//! also `:` and `,` in properties. The summary ends as a notice.

use std::io::{self, Write};

use super::{Report, aggregate_message, finding_offset, line_range, message};
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::{AggregateFinding, Finding};
use crate::publication::Publication;
use crate::report::human::summary_text;
use crate::rulebook::{Rulebook, Severity};
use crate::source::escape_unsafe;
use crate::waiver::{Acceptance, WaiverWarning};

pub struct GithubReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
}

impl<'r, W: Write> GithubReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        GithubReport { out, rulebook }
    }

    fn command(
        &mut self,
        level: &str,
        line: &LogLine,
        at: usize,
        title: &str,
        text: &str,
    ) -> io::Result<()> {
        let (number, column) = line.position(at);
        writeln!(
            self.out,
            "::{level} file={},line={number},col={column},title={}::{}",
            escape_property(line.file),
            escape_property(title),
            escape_data(text)
        )
    }
}

/// A value as the runner reads it, with the characters a terminal must not
/// receive quoted first (`\u{1b}`), line ends aside (the runner encodes
/// them): a log's text never forges a command nor reaches a terminal raw.
fn escape_data(text: &str) -> String {
    let part = |text: &str| escape_unsafe(text).replace('%', "%25");
    let mut escaped = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        escaped.push_str(&part(&rest[..at]));
        escaped.push_str(if rest.as_bytes()[at] == b'\r' {
            "%0D"
        } else {
            "%0A"
        });
        rest = &rest[at + 1..];
    }
    escaped.push_str(&part(rest));
    escaped
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

impl<W: Write> Report for GithubReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Invalid(error) => {
                let title = format!("invalid line ({})", error.code());
                self.command("error", line, error.span.offset, &title, &error.message)
            }
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    let rule = &self.rulebook.rules[finding.rule];
                    let at = finding_offset(publication, finding);
                    let title = format!("{} ({})", rule.id, rule.citation);
                    let text = format!(
                        "{}\n{}",
                        message(self.rulebook, publication, finding),
                        rule.citation.url
                    );
                    let severity = finding.severity(self.rulebook, publication);
                    self.command(level(severity), line, at, &title, &text)?;
                }
                Ok(())
            }
        }
    }

    fn waived(
        &mut self,
        line: &LogLine,
        _publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let title = format!("waived: {}", self.rulebook.rules[finding.rule].id);
        self.command("notice", line, 0, &title, &acceptance.reason)
    }

    /// On its first line, the range of lines in the message.
    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        let rule = &self.rulebook.rules[finding.rule];
        let text = format!(
            "{} ({})\n{}",
            aggregate_message(self.rulebook, finding),
            line_range(finding),
            rule.citation.url
        );
        writeln!(
            self.out,
            "::{} file={},line={},title={}::{}",
            level(rule.severity),
            escape_property(&finding.first.file),
            finding.first.line,
            escape_property(&format!("{} ({})", rule.id, rule.citation)),
            escape_data(&text)
        )
    }

    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        writeln!(
            self.out,
            "::notice file={},line={},title=waived: {}::{}",
            escape_property(&finding.first.file),
            finding.first.line,
            escape_property(&self.rulebook.rules[finding.rule].id),
            escape_data(&acceptance.reason)
        )
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        writeln!(
            self.out,
            "::warning file={},line={},title=waiver for {}::{}",
            escape_property(&warning.origin.file),
            warning.origin.line,
            escape_property(&warning.rule),
            escape_data(&warning.message)
        )
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "::error title=unreadable log::{}",
            escape_data(&format!("cannot read {file}: {reason}"))
        )
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        writeln!(
            self.out,
            "::notice title=scrutin::{}",
            escape_data(&summary_text(summary))
        )?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_as_the_runner_expects() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(
            escape_data("x\u{1b}[2J\u{202e}\nfile=spoof.log::y"),
            "x\\u{1b}[2J\\u{202e}%0Afile=spoof.log::y"
        );
    }
}
