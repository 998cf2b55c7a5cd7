//! The HTML documents scrutin writes for people: `calendar --format html`,
//! `check --format html` and the editor's page of `scrutin serve`. One shell
//! and one style sheet; a file stands alone (its style inline, its chart
//! inline SVG, no script, nothing fetched), and the served page links its
//! style so that its Content-Security-Policy can forbid inline code.

mod findings;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::calendar::Restriction;
use super::chart::{self, Chart, Lang};
use super::{local_bounds, utc_window};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
pub use findings::{HtmlReport, SHOWN};

/// The style of every page: readable at 375 px, printable, contrast above
/// WCAG AA.
pub const STYLE: &str = include_str!("html/scrutin.css");

/// Where a page's style comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// In the page: a file that stands alone.
    Inline,
    /// `<link>`ed from this path: a served page under a strict CSP.
    Linked(&'static str),
}

/// A complete document: `<!doctype html>`, the language, the title, the
/// style, and `body`.
pub fn page(lang: Lang, title: &str, style: Style, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (escape_unsafe(title)) }
                @match style {
                    Style::Inline => style { (PreEscaped(STYLE)) },
                    Style::Linked(path) => link rel="stylesheet" href=(path);,
                }
            }
            body { (body) }
        }
    }
}

/// The provisional mark of an election whose dates are not yet set.
pub fn provisional(rulebook: &Rulebook, lang: Lang) -> Markup {
    html! {
        @if let Some(text) = &rulebook.provisional {
            p class="provisional" role="note" {
                strong { (match lang { Lang::En => "Provisional dates: ", Lang::Fr => "Dates provisoires : " }) }
                (escape_unsafe(text))
            }
        }
    }
}

/// The restricted windows as a table, under the chart, for readers who do
/// not see it (and for printing).
pub fn windows_table(rulebook: &Rulebook, restrictions: &[Restriction], lang: Lang) -> Markup {
    let (start, end, region, rule, caption) = match lang {
        Lang::En => (
            "Start (local)",
            "End (local)",
            "Region",
            "Rule",
            "Restricted windows",
        ),
        Lang::Fr => (
            "Début (heure locale)",
            "Fin (heure locale)",
            "Région",
            "Règle",
            "Fenêtres d'interdiction",
        ),
    };
    html! {
        // Scrolls sideways on a narrow screen: reachable by the keyboard.
        div class="table-wrap" tabindex="0" role="region" aria-label=(caption) {
            table class="windows" {
                thead { tr { th scope="col" { (start) } th scope="col" { (end) } th scope="col" { (region) } th scope="col" { (rule) } th scope="col" { "UTC" } } }
                tbody {
                    @for r in restrictions {
                        @let zone = rulebook.regions[r.region].zone;
                        @let [s, e] = local_bounds(&r.window, zone);
                        tr {
                            td { (s) } td { (e) }
                            td { (escape_unsafe(&rulebook.regions[r.region].name)) }
                            td { span class="rule-id" { (escape_unsafe(&rulebook.rules[r.rule].id)) } " " (escape_unsafe(&rulebook.rules[r.rule].title)) }
                            td { (utc_window(&r.window)) }
                        }
                    }
                }
            }
        }
    }
}

/// `calendar --format html`: the chart and the table, standing alone.
pub fn calendar_page(
    rulebook: &Rulebook,
    restrictions: &[Restriction],
    region: usize,
    lang: Lang,
) -> Markup {
    let chart = Chart {
        rulebook,
        restrictions,
        region,
        now: None,
        marks: &[],
        lang,
    };
    let heading = match lang {
        Lang::En => "Restricted windows",
        Lang::Fr => "Fenêtres d'interdiction",
    };
    page(
        lang,
        &format!("{} — {heading}", rulebook.title),
        Style::Inline,
        html! {
            main {
                h1 { (escape_unsafe(&rulebook.title)) }
                (provisional(rulebook, lang))
                h2 { (heading) }
                figure { (chart::svg(&chart)) }
                (windows_table(rulebook, restrictions, lang))
            }
        },
    )
}
