//! `check --format html`: the findings as one page that stands alone (its
//! style inline, its chart inline SVG, no script, nothing fetched), to
//! read, send or print to PDF. The counts come first, then a timeline of
//! the findings over the windows they broke, then a section per rule broken
//! (its law, help and findings), then invalid lines, waived findings and
//! unreadable files.
//!
//! A page is one document written at the end: its counts, known only then,
//! come first. Memory is bounded by keeping at most `SHOWN` findings of each
//! rule in full (and as many invalid lines, waived findings and waiver
//! warnings), counting the others, which the page says it leaves out: it
//! grows with rules × `SHOWN`, not with the log. The chart marks the
//! findings kept.
//!
//! Every text from a log or a rulebook is escaped by maud (`(expr)`, never
//! `PreEscaped`), and its controls and bidirectional overrides quoted
//! (`escape_unsafe`), as in every other format.

use std::collections::BTreeSet;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::super::calendar::{Restriction, restrictions};
use super::super::chart::{self, Chart, Lang, Mark};
use super::super::{
    Report, aggregate_message, finding_offset, line_range, local_window, message, round_label,
    utc_window,
};
use super::{Style, page, provisional};
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::{AggregateFinding, Finding, Violation};
use crate::publication::Publication;
use crate::rulebook::{Rule, Rulebook, Severity};
use crate::source::{escape_unsafe, escape_unsafe_lines};
use crate::waiver::{Acceptance, WaiverWarning};

/// Findings of one rule shown in full; those beyond are only counted. The
/// same cap holds for invalid lines, waived findings and waiver warnings.
pub const SHOWN: usize = 200;
/// Characters of a log line shown as a finding's snippet, and of a
/// message: a line may be a megabyte long, and a message quotes its values.
const SNIPPET_CHARS: usize = 300;
const MESSAGE_CHARS: usize = 1000;

/// The first `SHOWN` items of a list, and how many there were.
struct Kept<T> {
    items: Vec<T>,
    count: usize,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            items: Vec::new(),
            count: 0,
        }
    }
}

impl<T> Kept<T> {
    /// Counts an item; makes it only if it is kept.
    fn push(&mut self, item: impl FnOnce() -> T) {
        self.count += 1;
        if self.items.len() < SHOWN {
            self.items.push(item());
        }
    }

    fn more(&self) -> usize {
        self.count - self.items.len()
    }
}

/// A finding kept in full, as the page shows it.
struct Shown {
    /// `file:line:column`, or an aggregate's range of lines.
    place: String,
    snippet: Option<String>,
    message: String,
    severity: Severity,
    /// Each region's window broken, in words.
    windows: Vec<WindowText>,
    /// Where the chart marks it.
    marks: Vec<Mark>,
}

struct WindowText {
    region: String,
    round: String,
    local: String,
    utc: String,
}

struct Invalid {
    place: String,
    code: &'static str,
    message: String,
}

struct Waived {
    rule: usize,
    finding: Shown,
    reason: String,
}

pub struct HtmlReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    lang: Lang,
    /// For each rule (by index), its findings.
    findings: Vec<Kept<Shown>>,
    /// The windows broken, by rule and region: the chart's bars (as many
    /// as the rulebook's windows).
    broken: BTreeSet<(usize, usize, DateTime<Utc>, DateTime<Utc>)>,
    invalid: Kept<Invalid>,
    waived: Kept<Waived>,
    waiver_warnings: Kept<String>,
    /// Files that could not be read, and why (as many as the command line
    /// names).
    unreadable: Vec<(String, String)>,
}

impl<'r, W: Write> HtmlReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook, lang: Lang) -> Self {
        HtmlReport {
            out,
            rulebook,
            lang,
            findings: rulebook.rules.iter().map(|_| Kept::default()).collect(),
            broken: BTreeSet::new(),
            invalid: Kept::default(),
            waived: Kept::default(),
            waiver_warnings: Kept::default(),
            unreadable: Vec::new(),
        }
    }
}

/// A finding on one line, as the page shows it.
fn shown(
    rulebook: &Rulebook,
    line: &LogLine,
    publication: &Publication,
    finding: &Finding,
) -> Shown {
    let offset = finding_offset(publication, finding);
    let (row, column) = line.position(offset);
    let message = clipped(&message(rulebook, publication, finding), MESSAGE_CHARS);
    let (windows, marks) = match &finding.violation {
        Violation::InsideWindow { round, windows } => windows
            .iter()
            .map(|breach| {
                let region = &rulebook.regions[breach.region];
                let text = WindowText {
                    region: escape_unsafe(&region.name),
                    round: escape_unsafe(&round_label(
                        rulebook,
                        *round,
                        &breach.window,
                        region.zone,
                    )),
                    local: local_window(&breach.window, region.zone),
                    utc: utc_window(&breach.window),
                };
                let mark = Mark {
                    rule: finding.rule,
                    region: breach.region,
                    start: publication.instant(),
                    end: publication.end(),
                    label: format!("{}:{row} — {message}", line.file),
                };
                (text, mark)
            })
            .unzip(),
        Violation::MissingAttributes(_) => (Vec::new(), Vec::new()),
    };
    Shown {
        place: format!("{}:{row}:{column}", line.file),
        snippet: Some(snippet(line.line_at(offset).0)),
        message,
        severity: finding.severity(rulebook, publication),
        windows,
        marks,
    }
}

/// A log line, cut at `SNIPPET_CHARS`, its unsafe characters quoted.
fn snippet(text: &str) -> String {
    clipped(&escape_unsafe(text), SNIPPET_CHARS)
}

/// At most `max` characters of `text`, with an ellipsis when cut (a new
/// string: a truncated one would keep its whole capacity).
fn clipped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A finding over many lines, as the page shows it.
fn aggregate_shown(rulebook: &Rulebook, finding: &AggregateFinding) -> Shown {
    Shown {
        place: line_range(finding),
        snippet: None,
        message: clipped(&aggregate_message(rulebook, finding), MESSAGE_CHARS),
        severity: rulebook.rules[finding.rule].severity,
        windows: Vec::new(),
        marks: Vec::new(),
    }
}

impl<W: Write> Report for HtmlReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        let rulebook = self.rulebook;
        match outcome {
            Outcome::Invalid(error) => self.invalid.push(|| {
                let (row, column) = line.position(error.span.offset);
                Invalid {
                    place: format!("{}:{row}:{column}", line.file),
                    code: error.code(),
                    message: clipped(&escape_unsafe(&error.message), MESSAGE_CHARS),
                }
            }),
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    if let Violation::InsideWindow { windows, .. } = &finding.violation {
                        for breach in windows {
                            self.broken.insert((
                                finding.rule,
                                breach.region,
                                breach.window.start,
                                breach.window.end,
                            ));
                        }
                    }
                    self.findings[finding.rule]
                        .push(|| shown(rulebook, line, publication, finding));
                }
            }
        }
        Ok(())
    }

    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.waived.push(|| Waived {
            rule: finding.rule,
            finding: shown(rulebook, line, publication, finding),
            reason: clipped(&escape_unsafe(&acceptance.reason), MESSAGE_CHARS),
        });
        Ok(())
    }

    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.findings[finding.rule].push(|| aggregate_shown(rulebook, finding));
        Ok(())
    }

    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.waived.push(|| Waived {
            rule: finding.rule,
            finding: aggregate_shown(rulebook, finding),
            reason: clipped(&escape_unsafe(&acceptance.reason), MESSAGE_CHARS),
        });
        Ok(())
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        self.waiver_warnings.push(|| {
            escape_unsafe(&format!(
                "{}: {} for `{}` at {}:{}",
                warning.code(),
                warning.message,
                warning.rule,
                warning.origin.file,
                warning.origin.line
            ))
        });
        Ok(())
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.unreadable
            .push((escape_unsafe(file), escape_unsafe(reason)));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let markup = self.page(summary);
        writeln!(self.out, "{}", markup.into_string())?;
        self.out.flush()
    }
}

/// The words the page writes itself (rule titles, messages and laws are
/// the rulebook's and scrutin's, in English).
struct Words {
    heading: &'static str,
    summary: &'static str,
    /// Each count's name, singular and plural.
    counts: [(&'static str, &'static str); 11],
    /// French counts 0 in the singular, English in the plural.
    zero_is_singular: bool,
    /// `: `, or ` : ` in French.
    colon: &'static str,
    scope: &'static str,
    /// Findings out of the scope asked for, not counted.
    outside: &'static str,
    stopped_early: &'static str,
    timeline: &'static str,
    not_on_chart: &'static str,
    law: &'static str,
    severity: [&'static str; 3],
    findings: &'static str,
    /// A rule's count of findings, singular and plural.
    finding_count: (&'static str, &'static str),
    /// What is left out: findings of a rule, invalid lines, waived
    /// findings, waiver warnings.
    more: [&'static str; 4],
    not_shown: &'static str,
    per_rule: &'static str,
    window: &'static str,
    invalid: &'static str,
    waived: &'static str,
    reason: &'static str,
    waiver_warnings: &'static str,
    unreadable: &'static str,
    clean: &'static str,
}

const EN: Words = Words {
    heading: "scrutin check",
    summary: "Summary",
    counts: [
        ("file", "files"),
        ("line", "lines"),
        ("publication", "publications"),
        ("skipped", "skipped"),
        ("invalid", "invalid"),
        ("violation", "violations"),
        ("error", "errors"),
        ("warning", "warnings"),
        ("info", "infos"),
        ("waived", "waived"),
        ("unreadable file", "unreadable files"),
    ],
    zero_is_singular: false,
    colon: ": ",
    scope: "Shown only",
    outside: "findings outside, not counted above",
    stopped_early: "Checking stopped at --max-invalid: later lines were not read.",
    timeline: "Timeline",
    not_on_chart: "Not on the chart, but in their rule's section: findings of rules without windows (missing attributes, bursts, balances), of rules in force at all times, and of publications too early for a date they carry.",
    law: "Law",
    severity: ["error", "warning", "info"],
    findings: "Findings",
    finding_count: ("finding", "findings"),
    more: [
        "more findings of this rule",
        "more invalid lines",
        "more waived findings",
        "more waiver warnings",
    ],
    not_shown: "are counted but not shown; the cap is",
    per_rule: " per rule",
    window: "Window",
    invalid: "Invalid lines",
    waived: "Waived findings",
    reason: "Reason",
    waiver_warnings: "Waiver warnings",
    unreadable: "Unreadable files",
    clean: "No finding.",
};

const FR: Words = Words {
    heading: "scrutin check",
    summary: "Résumé",
    counts: [
        ("fichier", "fichiers"),
        ("ligne", "lignes"),
        ("publication", "publications"),
        ("ignorée", "ignorées"),
        ("invalide", "invalides"),
        ("infraction", "infractions"),
        ("erreur", "erreurs"),
        ("avertissement", "avertissements"),
        ("information", "informations"),
        ("dérogation", "dérogations"),
        ("fichier illisible", "fichiers illisibles"),
    ],
    zero_is_singular: true,
    colon: "\u{a0}: ",
    scope: "Affichés seulement",
    outside: "constats hors de ce champ, non comptés ci-dessus",
    stopped_early: "Vérification arrêtée à --max-invalid : les lignes suivantes n'ont pas été lues.",
    timeline: "Chronologie",
    not_on_chart: "Absents du graphique, mais dans la section de leur règle : les constats des règles sans fenêtre (attributs manquants, rafales, équilibres), des règles applicables en tout temps et des publications antérieures à une date qu'elles portent.",
    law: "Loi",
    severity: ["erreur", "avertissement", "information"],
    findings: "Constats",
    finding_count: ("constat", "constats"),
    more: [
        "autres constats de cette règle",
        "autres lignes invalides",
        "autres constats couverts par une dérogation",
        "autres avertissements sur les dérogations",
    ],
    not_shown: "sont comptés mais non affichés ; la limite est de",
    per_rule: " par règle",
    window: "Fenêtre",
    invalid: "Lignes invalides",
    waived: "Constats couverts par une dérogation",
    reason: "Motif",
    waiver_warnings: "Avertissements sur les dérogations",
    unreadable: "Fichiers illisibles",
    clean: "Aucun constat.",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
    }
}

fn severity_word(words: &Words, severity: Severity) -> &'static str {
    match severity {
        Severity::Error => words.severity[0],
        Severity::Warning => words.severity[1],
        Severity::Info => words.severity[2],
    }
}

impl<W> HtmlReport<'_, W> {
    fn page(&self, summary: &Summary) -> Markup {
        let rulebook = self.rulebook;
        let words = words(self.lang);
        let title = format!("{} — {}", rulebook.title, words.heading);
        page(
            self.lang,
            &title,
            Style::Inline,
            html! {
                main {
                    h1 { (escape_unsafe(&rulebook.title)) }
                    p class="hint" { (words.heading) " · " span class="rule-id" { (escape_unsafe(&rulebook.id)) } }
                    (provisional(rulebook, self.lang))
                    (counts(summary, words))
                    (self.timeline(words))
                    @for (index, findings) in self.findings.iter().enumerate() {
                        @if findings.count > 0 {
                            (rule_section(&rulebook.rules[index], findings, words))
                        }
                    }
                    (self.invalid_section(words))
                    (self.waived_section(words))
                    (self.unreadable_section(words))
                }
            },
        )
    }

    /// The chart of the windows broken, with a mark per finding kept; the
    /// axis in the default region's local time, or the first broken
    /// region's.
    fn timeline(&self, words: &Words) -> Markup {
        let rulebook = self.rulebook;
        let mut regions: Vec<usize> = self.broken.iter().map(|b| b.1).collect();
        regions.sort_unstable();
        regions.dedup();
        let Some(&first) = regions.first() else {
            return html! {};
        };
        // A rule's windows in a region are merged: a bar is shown if a
        // window broken lies in it.
        let list: Vec<Restriction> = restrictions(rulebook, &regions)
            .into_iter()
            .filter(|r| {
                let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
                let row = (r.rule, r.region, min, min)..=(r.rule, r.region, max, max);
                self.broken.range(row).any(|&(_, _, start, end)| {
                    (start, end) == (r.window.start, r.window.end)
                        || (start < r.window.end && r.window.start < end)
                })
            })
            .collect();
        // A window that is no rulebook's (a publication too early for the
        // date it carries) has no bar.
        if list.is_empty() {
            return html! {};
        }
        let marks: Vec<Mark> = self
            .findings
            .iter()
            .flat_map(|kept| kept.items.iter().flat_map(|f| f.marks.iter().cloned()))
            .collect();
        let region = if regions.contains(&rulebook.default_region) {
            rulebook.default_region
        } else {
            first
        };
        let chart = Chart {
            rulebook,
            restrictions: &list,
            region,
            now: None,
            marks: &marks,
            lang: self.lang,
        };
        html! {
            section class="timeline" {
                h2 { (words.timeline) }
                figure { (chart::svg(&chart)) }
                p class="hint" { (words.not_on_chart) }
            }
        }
    }

    fn invalid_section(&self, words: &Words) -> Markup {
        html! {
            @if self.invalid.count > 0 {
                section class="invalid" {
                    h2 { (words.invalid) " (" (self.invalid.count) ")" }
                    @for line in &self.invalid.items {
                        div class="finding" {
                            p class="where" { (line.place) " · " code { (line.code) } }
                            p { (line.message) }
                        }
                    }
                    (more(self.invalid.more(), Left::Invalid, words))
                }
            }
        }
    }

    fn waived_section(&self, words: &Words) -> Markup {
        let rulebook = self.rulebook;
        html! {
            @if self.waived.count > 0 {
                section class="waived" {
                    h2 { (words.waived) " (" (self.waived.count) ")" }
                    @for waived in &self.waived.items {
                        div class="finding" {
                            p class="where" { span class="rule-id" { (escape_unsafe(&rulebook.rules[waived.rule].id)) } }
                            (finding_body(&waived.finding, words))
                            p { strong { (words.reason) (words.colon) } (waived.reason) }
                        }
                    }
                    (more(self.waived.more(), Left::Waived, words))
                }
            }
            @if self.waiver_warnings.count > 0 {
                section class="waiver-warnings" {
                    h2 { (words.waiver_warnings) " (" (self.waiver_warnings.count) ")" }
                    ul { @for warning in &self.waiver_warnings.items { li { (warning) } } }
                    (more(self.waiver_warnings.more(), Left::WaiverWarnings, words))
                }
            }
        }
    }

    fn unreadable_section(&self, words: &Words) -> Markup {
        html! {
            @if !self.unreadable.is_empty() {
                section class="unreadable" {
                    h2 { (words.unreadable) }
                    ul { @for (file, reason) in &self.unreadable { li { code { (file) } (words.colon) (reason) } } }
                }
            }
        }
    }
}

/// The summary's counts, as every format counts them.
fn counts(summary: &Summary, words: &Words) -> Markup {
    let values = [
        summary.files,
        summary.lines,
        summary.publications,
        summary.skipped,
        summary.invalid,
        summary.violations,
        summary.errors,
        summary.warnings,
        summary.infos,
        summary.waived,
        summary.unreadable_files,
    ];
    html! {
        section class="summary" {
            h2 { (words.summary) }
            ul class="counts" {
                @for (&value, (one, many)) in values.iter().zip(words.counts) {
                    @let name = if value == 1 || (value == 0 && words.zero_is_singular) { one } else { many };
                    li { strong { (value) } " " (name) }
                }
            }
            @if let Some(scope) = &summary.scope {
                p { (words.scope) (words.colon) (escape_unsafe(scope)) " (" (summary.out_of_scope) " " (words.outside) ")" }
            }
            @if summary.stopped_early {
                p class="error-message" { (words.stopped_early) }
            }
            @if summary.violations == 0 && summary.invalid == 0 {
                p { (words.clean) }
            }
        }
    }
}

/// A rule broken: what it says and why, then its findings.
fn rule_section(rule: &Rule, findings: &Kept<Shown>, words: &Words) -> Markup {
    let severity = rule.severity;
    html! {
        section class="rule" id=(format!("rule-{}", escape_unsafe(&rule.id))) {
            h2 {
                span class="rule-id" { (escape_unsafe(&rule.id)) } " — " (escape_unsafe(&rule.title))
            }
            p {
                span class=(format!("severity-{}", severity.name())) { (severity_word(words, severity)) }
                " · " (findings.count) " "
                (if findings.count == 1 { words.finding_count.0 } else { words.finding_count.1 })
            }
            p {
                strong { (words.law) (words.colon) }
                (escape_unsafe(&rule.citation.law)) ", " (escape_unsafe(&rule.citation.article))
                @if let Some(url) = link(&rule.citation.url) {
                    " — " a href=(url) { (url) }
                }
            }
            @for paragraph in escape_unsafe_lines(&rule.help).split('\n').filter(|p| !p.trim().is_empty()) {
                p class="hint" { (paragraph) }
            }
            h3 { (words.findings) }
            @for finding in &findings.items {
                div class="finding" { (finding_body(finding, words)) }
            }
            (more(findings.more(), Left::RuleFindings, words))
        }
    }
}

/// A citation's address, if it is one a reader may follow (http or https:
/// never `javascript:`).
fn link(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| escape_unsafe(url))
}

fn finding_body(finding: &Shown, words: &Words) -> Markup {
    html! {
        p class="where" {
            (finding.place) " · "
            span class=(format!("severity-{}", finding.severity.name())) { (severity_word(words, finding.severity)) }
        }
        @if let Some(snippet) = &finding.snippet {
            pre class="snippet" { (snippet) }
        }
        p { (finding.message) }
        @if !finding.windows.is_empty() {
            ul class="windows" {
                @for window in &finding.windows {
                    li {
                        (words.window) " (" (window.region) ", " (window.round) ")" (words.colon)
                        (window.local) "; UTC " (window.utc)
                    }
                }
            }
        }
    }
}

/// What a list leaves out.
#[derive(Clone, Copy)]
enum Left {
    RuleFindings,
    Invalid,
    Waived,
    WaiverWarnings,
}

/// `N more findings of this rule are counted but not shown; the cap is 200
/// per rule.`
fn more(count: usize, left: Left, words: &Words) -> Markup {
    let per_rule = match left {
        Left::RuleFindings => words.per_rule,
        _ => "",
    };
    html! {
        @if count > 0 {
            p class="more" { (count) " " (words.more[left as usize]) " " (words.not_shown) " " (SHOWN) (per_rule) "." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_at_a_character() {
        assert_eq!(clipped("abcdef", 4), "abcd…");
        assert_eq!(clipped("éé", 2), "éé");
        assert_eq!(snippet(&"é\u{202e}".repeat(400)).chars().count(), 301);
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(link("https://www.legifrance.gouv.fr/").is_some());
        assert!(link("javascript:alert(1)").is_none());
        assert!(link(" JavaScript:x").is_none());
        assert!(link("data:text/html,x").is_none());
    }
}
