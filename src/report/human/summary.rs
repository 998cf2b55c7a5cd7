//! The close of a human report: the law and help of every rule broken, once
//! each, then the counts.

use std::io::{self, Write};

use super::HumanReport;
use crate::audit::Summary;
use crate::rulebook::Severity;
use crate::source::escape_unsafe;

impl<W: Write> HumanReport<'_, W> {
    /// The law and help of every rule that fired, once each, in rulebook order.
    pub(super) fn rules_fired(&mut self) -> io::Result<()> {
        let fired: Vec<(usize, [usize; 3])> = self
            .fired
            .iter()
            .enumerate()
            .filter(|(_, counts)| counts.iter().sum::<usize>() > 0)
            .map(|(rule, counts)| (rule, *counts))
            .collect();
        if fired.is_empty() {
            return Ok(());
        }
        writeln!(self.out)?;
        let heading = "The rules broken (`--verbose` repeats this under each finding):";
        write_wrapped(&mut self.out, heading, "", "", self.width)?;
        for (index, counts) in fired {
            let rule = &self.rulebook.rules[index];
            // Errors, warnings, infos: those there are, in that order.
            let counted: Vec<String> = Severity::NAMES
                .iter()
                .zip(counts)
                .filter(|(_, count)| *count > 0)
                .map(|(name, count)| plural(count, name))
                .collect();
            let heading = format!(
                "{} ({}): {}",
                escape_unsafe(&rule.id),
                counted.join(", "),
                escape_unsafe(&rule.title)
            );
            let law = format!(
                "law: {} <{}>",
                escape_unsafe(&rule.citation.to_string()),
                escape_unsafe(&rule.citation.url)
            );
            let place = format!("rule: {}", self.rulebook.locate(rule.place));
            writeln!(self.out)?;
            write_wrapped(&mut self.out, &heading, "", "  ", self.width)?;
            write_wrapped(&mut self.out, &law, "  ", "    ", self.width)?;
            write_wrapped(&mut self.out, &place, "  ", "    ", self.width)?;
            for paragraph in rule.help.lines() {
                write_wrapped(
                    &mut self.out,
                    &escape_unsafe(paragraph),
                    "  ",
                    "  ",
                    self.width,
                )?;
            }
        }
        writeln!(self.out)
    }
}

/// `text` wrapped to `width`, its first line after `first`, the others after `rest`.
pub(super) fn write_wrapped(
    out: &mut impl Write,
    text: &str,
    first: &str,
    rest: &str,
    width: usize,
) -> io::Result<()> {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    for line in textwrap::wrap(text, options) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `1 error`, `7 errors`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The closing lines of a human report.
pub(crate) fn summary_text(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = format!(
        "scrutin: {} read in {}: {} checked, {} skipped (blank or comment), {} invalid\n",
        plural(summary.lines, "line"),
        plural(summary.files, "file"),
        plural(summary.publications, "publication"),
        summary.skipped,
        summary.invalid,
    );
    if summary.waived > 0 || summary.waiver_warnings > 0 {
        text.push_str(&format!(
            "         {} accepted by waivers (listed above, not counted below), {}\n",
            plural(summary.waived, "finding"),
            plural(summary.waiver_warnings, "waiver warning"),
        ));
    }
    if let Some(scope) = &summary.scope {
        text.push_str(&format!(
            "         showing only {scope}: {} outside (not counted below)\n",
            plural(summary.out_of_scope, "finding"),
        ));
    }
    if let Some(provisional) = &summary.provisional {
        text.push_str(&format!("         PROVISIONAL dates: {provisional}\n"));
    }
    if summary.stopped_early {
        text.push_str(&format!(
            "         stopped after {} (--max-invalid): the rest of the input was not checked\n",
            plural(summary.invalid, "invalid line")
        ));
    }
    if summary.unreadable_files > 0 {
        text.push_str(&format!(
            "         {} could not be read\n",
            plural(summary.unreadable_files, "file")
        ));
    }
    text.push_str(&format!(
        "         {}: {}, {}, {}",
        plural(summary.violations, "violation"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    ));
    text
}
