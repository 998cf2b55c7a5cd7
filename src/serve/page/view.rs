//! The editor's page, as markup: the election and its windows, "May I
//! publish?", "Check my schedule". Server-rendered; forms work without
//! JavaScript. Every text from a rulebook, a form or a log goes through
//! maud's escaping.

use chrono::{DateTime, Datelike, Utc};
use maud::{Markup, html};

use super::results::{CAP, Results};
use super::words::{Words, words};
use crate::check::Violation;
use crate::preflight::{Answer, Verdict};
use crate::publication::{Format, Publication};
use crate::report::chart::{self, Chart, Lang};
use crate::report::html::{Style, page, provisional, windows_table};
use crate::report::{calendar, local_time, local_window, missing_text, utc_time, utc_window};
use crate::rulebook::{Rulebook, Severity};

/// The path of the page's style sheet.
pub(super) const STYLE_PATH: &str = "/static/scrutin.css";

/// What the page shows besides the forms: an answer, a check's results,
/// or an error in one of them.
pub(super) enum Outcome<'a> {
    Nothing,
    Answer {
        publication: &'a Publication<'a>,
        answer: &'a Answer,
    },
    AskError(String),
    Results(&'a Results),
    CheckError(String),
}

/// What the forms were filled with, to fill them again.
#[derive(Default, Clone)]
pub(super) struct Asked {
    pub kind: String,
    pub channel: String,
    pub regions: Vec<String>,
    pub at: String,
    pub until: String,
    pub attributes: String,
    pub log: String,
    /// The log pasted was too large to put back in the form.
    pub log_not_shown: bool,
    pub input: String,
}

pub(super) struct View<'a> {
    pub lang: Lang,
    pub rulebooks: &'a [Rulebook],
    pub rulebook: &'a Rulebook,
    /// The region of the chart's axis (and of the form's default).
    pub region: usize,
    pub now: DateTime<Utc>,
    pub asked: &'a Asked,
    pub outcome: Outcome<'a>,
}

/// The whole page.
pub(super) fn render(view: &View) -> Markup {
    let w = words(view.lang);
    page(
        view.lang,
        &format!("{} — {}", w.title, view.rulebook.title),
        Style::Linked(STYLE_PATH),
        html! {
            header class="site" {
                span class="brand" { "scrutin" }
                (language_switch(view, w))
            }
            main {
                h1 { (w.tagline) }
                (election_picker(view, w))
                (provisional(view.rulebook, view.lang))
                (ask_section(view, w))
                (timeline_section(view, w))
                (schedule_section(view, w))
            }
            footer class="site" {
                p { (w.nothing_stored) " " a href="/v1/rules" { (w.api) } " (docs/openapi.yaml)." }
            }
        },
    )
}

/// The page's address for the same election in the other language.
fn language_switch(view: &View, w: &Words) -> Markup {
    let link = |lang: Lang, label: &str| {
        let href = format!(
            "/?lang={}&rulebook={}",
            lang.code(),
            urlencode(&view.rulebook.id)
        );
        html! {
            @if lang == view.lang {
                a href=(href) lang=(lang.code()) aria-current="true" { (label) }
            } @else {
                a href=(href) lang=(lang.code()) { (label) }
            }
        }
    };
    html! {
        nav class="lang" aria-label=(w.language) {
            (link(Lang::En, "English")) " · " (link(Lang::Fr, "Français"))
        }
    }
}

fn election_picker(view: &View, w: &Words) -> Markup {
    html! {
        form method="get" action="/" class="picker" {
            input type="hidden" name="lang" value=(view.lang.code());
            div class="fields" {
                div {
                    label for="rulebook" { (w.election) }
                    select id="rulebook" name="rulebook" {
                        @for rulebook in view.rulebooks {
                            option value=(rulebook.id) selected[rulebook.id == view.rulebook.id] { (rulebook.title) }
                        }
                    }
                }
                div {
                    label for="region" { (w.region) }
                    select id="region" name="region" {
                        @for (n, region) in view.rulebook.regions.iter().enumerate() {
                            option value=(region.id) selected[n == view.region] { (region.name) }
                        }
                    }
                }
            }
            button type="submit" { (w.show) }
        }
    }
}

fn timeline_section(view: &View, w: &Words) -> Markup {
    let restrictions = calendar::restrictions(view.rulebook, &[view.region]);
    let chart = Chart {
        rulebook: view.rulebook,
        restrictions: &restrictions,
        region: view.region,
        now: Some(view.now),
        marks: &[],
        lang: view.lang,
    };
    html! {
        section aria-labelledby="timeline" {
            h2 id="timeline" { (w.timeline) }
            p class="hint" { (w.timeline_hint) }
            figure { (chart::svg(&chart)) }
            (windows_table(view.rulebook, &restrictions, view.lang))
        }
    }
}

fn ask_section(view: &View, w: &Words) -> Markup {
    let rulebook = view.rulebook;
    let asked = view.asked;
    html! {
        section aria-labelledby="ask" {
            h2 id="ask" { (w.ask) }
            form method="get" action="/#answer" {
                input type="hidden" name="lang" value=(view.lang.code());
                input type="hidden" name="rulebook" value=(rulebook.id);
                input type="hidden" name="ask" value="1";
                div class="fields" {
                    div {
                        label for="kind" { (w.kind) }
                        select id="kind" name="kind" required {
                            option value="" disabled selected[asked.kind.is_empty()] { (w.choose) }
                            @for kind in &rulebook.kinds {
                                option value=(kind.id) selected[kind.id == asked.kind] { (kind.id) " — " (kind.description) }
                            }
                        }
                    }
                    div {
                        label for="channel" { (w.channel) }
                        select id="channel" name="channel" {
                            option value="" selected[asked.channel.is_empty()] { (w.any_channel) }
                            @for channel in &rulebook.channels {
                                option value=(channel.id) selected[channel.id == asked.channel] { (channel.id) " — " (channel.description) }
                            }
                        }
                    }
                    div {
                        label for="regions" { (w.regions) }
                        select id="regions" name="region" multiple size="4" aria-describedby="regions-hint" {
                            @for region in &rulebook.regions {
                                option value=(region.id) selected[asked.regions.contains(&region.id)] { (region.name) }
                            }
                        }
                        span id="regions-hint" class="hint" { (w.regions_hint) }
                    }
                    div {
                        label for="at" { (w.at) }
                        input id="at" name="at" type="datetime-local" step="1" value=(asked.at) aria-describedby="at-hint";
                        span id="at-hint" class="hint" { (w.at_hint) }
                    }
                    div {
                        label for="until" { (w.until) }
                        input id="until" name="until" type="datetime-local" step="1" value=(asked.until) aria-describedby="until-hint";
                        span id="until-hint" class="hint" { (w.until_hint) }
                    }
                    div {
                        label for="attributes" { (w.attributes) }
                        textarea id="attributes" name="attributes" rows="3" aria-describedby="attributes-hint" { (asked.attributes) }
                        span id="attributes-hint" class="hint" { (w.attributes_hint) }
                    }
                }
                button type="submit" { (w.ask_button) }
            }
            @match &view.outcome {
                Outcome::Answer { publication, answer } => (answer_block(view, w, publication, answer)),
                Outcome::AskError(message) => {
                    div id="answer" class="error-message" role="alert" { strong { (w.error) (w.colon) } (message) }
                }
                _ => {}
            }
        }
    }
}

fn answer_block(view: &View, w: &Words, publication: &Publication, answer: &Answer) -> Markup {
    let rulebook = view.rulebook;
    let zone = rulebook.regions[publication.regions()[0]].zone;
    let (class, verdict) = match answer.verdict() {
        Verdict::Allowed => ("allowed", w.allowed),
        Verdict::Blocked => ("blocked", w.blocked),
        Verdict::MissingNotice => ("missing-notice", w.missing_notice),
    };
    let regions: Vec<&str> = publication
        .regions()
        .iter()
        .map(|&r| rulebook.regions[r].name.as_str())
        .collect();
    html! {
        div id="answer" class="answer" role="status" aria-live="polite" {
            p class=(format!("verdict {class}")) data-verdict=(answer.verdict().name()) { (verdict) }
            p {
                (w.asked) (w.colon) code { (publication.kind()) }
                @if let Some(channel) = publication.channel() { ", " code { (channel) } }
                ", " (regions.join(", ")) ", "
                (local(view.lang, publication.instant(), zone)) " (UTC " (utc_time(publication.instant())) ")"
                @if let Some(end) = publication.end() {
                    " → " (local(view.lang, end, zone)) " (UTC " (utc_time(end)) ")"
                }
            }
            @if let Some(end) = answer.election_over {
                p { (w.election_over) " (" (local(view.lang, end, zone)) ")" }
            }
            @if !answer.blocking.is_empty() {
                h3 { (w.earliest) }
                p class="earliest" {
                    @match answer.allowed_from {
                        Some(at) => { strong { (local(view.lang, at, zone)) } " (UTC " (utc_time(at)) ")" }
                        None => { strong { (w.never) } }
                    }
                }
                h3 { (w.blocking) }
                @for finding in &answer.blocking {
                    @let rule = &rulebook.rules[finding.rule];
                    div class="rule" data-rule=(rule.id) {
                        p { strong { (rule.title) } " " span class="rule-id" { "(" (rule.id) ")" } }
                        @if let Violation::InsideWindow { windows, .. } = &finding.violation {
                            ul {
                                @for breach in windows {
                                    @let region = &rulebook.regions[breach.region];
                                    li { (region.name) (w.colon) (window_text(view.lang, &breach.window, region.zone)) "; UTC " (utc_window(&breach.window)) }
                                }
                            }
                        }
                        p { (w.law) (w.colon) a href=(rule.citation.url) { (rule.citation) } }
                        p class="help" { (rule.help) }
                    }
                }
            }
            @if !answer.to_add.is_empty() {
                h3 { (w.to_add) }
                ul {
                    @for finding in &answer.to_add {
                        @let rule = &rulebook.rules[finding.rule];
                        @if let Violation::MissingAttributes(missing) = &finding.violation {
                            li { code { (missing_text(publication, missing)) } " — " (rule.title) " (" a href=(rule.citation.url) { (rule.citation) } ")" }
                        }
                    }
                }
            }
            @if answer.blocking.is_empty() {
                h3 { (w.upcoming) }
                @if answer.upcoming.is_empty() {
                    p { (w.none_upcoming) }
                } @else {
                    ul {
                        @for upcoming in &answer.upcoming {
                            @let rule = &rulebook.rules[upcoming.rule];
                            @let region = &rulebook.regions[upcoming.region];
                            li { (rule.title) " — " (region.name) (w.colon) (window_text(view.lang, &upcoming.window, region.zone)) "; UTC " (utc_window(&upcoming.window)) }
                        }
                    }
                }
            }
        }
    }
}

fn schedule_section(view: &View, w: &Words) -> Markup {
    html! {
        section aria-labelledby="schedule" {
            h2 id="schedule" { (w.schedule) }
            p class="hint" { (w.schedule_hint) }
            form method="post" action=(format!("/check?lang={}&rulebook={}#results", view.lang.code(), urlencode(&view.rulebook.id))) enctype="multipart/form-data" {
                div {
                    label for="log" { (w.paste) }
                    textarea id="log" name="log" rows="10" spellcheck="false" aria-describedby="log-hint" { (view.asked.log) }
                    @if view.asked.log_not_shown {
                        span id="log-hint" class="hint" { (w.log_not_shown) }
                    } @else {
                        span id="log-hint" class="hint" { (w.log_hint) }
                    }
                }
                div class="fields" {
                    div {
                        label for="file" { (w.upload) }
                        input id="file" name="file" type="file" aria-describedby="file-hint";
                        span id="file-hint" class="hint" { (w.upload_hint) }
                    }
                    div {
                        label for="input" { (w.input) }
                        select id="input" name="input" {
                            option value="" selected[view.asked.input.is_empty()] { (w.input_auto) }
                            @for format in Format::ALL {
                                option value=(format.name()) selected[format.name() == view.asked.input] { (format.name()) }
                            }
                        }
                    }
                }
                button type="submit" { (w.check_button) }
            }
            @match &view.outcome {
                Outcome::Results(results) => (results_block(w, results)),
                Outcome::CheckError(message) => {
                    div id="results" class="error-message" role="alert" { strong { (w.error) (w.colon) } (message) }
                }
                _ => {}
            }
        }
    }
}

fn severity_word(w: &Words, severity: Severity) -> &'static str {
    match severity {
        Severity::Error => w.error_word,
        Severity::Warning => w.warning_word,
        Severity::Info => w.info_word,
    }
}

/// A window in local time, in the page's language: `before …` and `at all
/// times` as `local_window` says them, the weekdays translated.
fn window_text(lang: Lang, window: &crate::rulebook::Window, zone: chrono_tz::Tz) -> String {
    if window.is_always() || window.has_no_start() {
        return local_window(window, zone);
    }
    format!(
        "{} → {}",
        local(lang, window.start, zone),
        local(lang, window.end, zone)
    )
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "severity-error",
        Severity::Warning => "severity-warning",
        Severity::Info => "severity-info",
    }
}

fn results_block(w: &Words, results: &Results) -> Markup {
    let s = &results.summary;
    html! {
        div id="results" role="status" aria-live="polite" {
            h3 { (w.results) }
            ul class="counts" {
                li { strong data-count="lines" { (s.lines) } " " (w.lines) }
                li { strong data-count="publications" { (s.publications) } " " (w.publications) }
                li { strong data-count="skipped" { (s.skipped) } " " (w.skipped) }
                li { strong data-count="invalid" { (s.invalid) } " " (w.invalid) }
                li { strong data-count="violations" { (s.violations) } " " (w.violations) (w.colon)
                    (s.errors) " " (w.errors) ", " (s.warnings) " " (w.warnings) ", " (s.infos) " " (w.infos) }
            }
            @if s.stopped_early { p class="error-message" { (w.stopped_early) } }
            @for file in &results.unreadable { p class="error-message" { (file) } }
            @if s.violations == 0 && s.invalid == 0 {
                p { (w.no_findings) }
            }
            @for line in &results.lines {
                div class="finding" data-line=(line.line) {
                    p class="where" { (w.line) " " (line.line) }
                    pre { (line.text) }
                    ul {
                        @for finding in &line.findings {
                            li {
                                span class=(severity_class(finding.severity)) { (severity_word(w, finding.severity)) }
                                " " span class="rule-id" { "[" (finding.rule) "]" }
                                " " (w.line) " " (line.line) ":" (finding.column) " — " (finding.message)
                            }
                        }
                    }
                }
            }
            @if results.hidden_lines > 0 {
                p { (results.hidden_lines) " " (w.not_shown) " " (CAP) ")." }
            }
            @if !results.aggregates.is_empty() {
                h3 { (w.over_many) }
                @for aggregate in &results.aggregates {
                    div class="finding aggregate" {
                        p {
                            span class=(severity_class(aggregate.severity)) { (severity_word(w, aggregate.severity)) }
                            " " span class="rule-id" { "[" (aggregate.rule) "]" } " " (aggregate.message)
                        }
                        p class="where" { (aggregate.lines) }
                    }
                }
            }
            @if !results.invalid.is_empty() {
                h3 { (w.invalid_lines) }
                @for invalid in &results.invalid {
                    div class="finding invalid" data-line=(invalid.line) {
                        p class="where" { (w.line) " " (invalid.line) ":" (invalid.column) " " code { (invalid.code) } }
                        pre { (invalid.text) }
                        p { (invalid.message) }
                    }
                }
                @if results.hidden_invalid > 0 {
                    p { (results.hidden_invalid) " " (w.not_shown) " " (CAP) ")." }
                }
            }
        }
    }
}

/// An instant in a zone's local time, its weekday in the page's language
/// (the rest is the same in both: `2017-05-06 09:30 CEST`), as the chart
/// names days.
fn local(lang: Lang, instant: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let text = local_time(instant, zone);
    let day = instant.with_timezone(&zone).weekday();
    match text.strip_prefix(Lang::En.weekday(day)) {
        Some(rest) if lang != Lang::En => format!("{}{rest}", lang.weekday(day)),
        _ => text,
    }
}

/// A query value, percent-encoded (ids are plain, but a rulebook's id is
/// not ours to trust in a URL).
pub(super) fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
