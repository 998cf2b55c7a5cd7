//! The rules of a SARIF run, as reporting descriptors: the rulebook's, with
//! their help and citation, then one for the invalid lines of each code.

use serde::Serialize;

use super::Text;
use crate::publication::LineErrorKind;
use crate::rulebook::{Rule, Rulebook, Severity};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
}

/// A rule's property bag: its `tags`, which code scanning shows and filters on.
#[derive(Serialize)]
struct Properties {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

pub(super) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub(super) fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let citation = format!("{} — {}", rule.citation, rule.citation.url);
    ReportingDescriptor {
        id: rule.id.clone(),
        name: rule.id.clone(),
        short_description: Text {
            text: rule.title.clone(),
        },
        full_description: Text {
            text: rule.help.clone(),
        },
        help: Help {
            text: format!("{}\n\n{citation}", rule.help),
            markdown: format!(
                "{}\n\n[{}]({})",
                rule.help, rule.citation, rule.citation.url
            ),
        },
        help_uri: Some(rule.citation.url.clone()),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: None,
    }
}

/// The rule of the invalid lines of one kind, tagged with their category.
pub(super) fn invalid_line_descriptor(kind: LineErrorKind) -> ReportingDescriptor {
    let help = format!(
        "{}. The {} could not be read as a publication, so it was not checked. Fix it so \
         that every publication is checked; docs/diagnostics.md shows an example of `{}`.",
        kind.summary(),
        if kind.code().starts_with("scrutin::record::") {
            "record"
        } else {
            "line"
        },
        kind.code()
    );
    ReportingDescriptor {
        id: kind.code().to_string(),
        name: kind.code().to_string(),
        short_description: Text {
            text: kind.summary().to_string(),
        },
        full_description: Text { text: help.clone() },
        help: Help {
            text: help.clone(),
            markdown: help,
        },
        help_uri: None,
        default_configuration: Configuration { level: "error" },
        properties: Some(Properties {
            tags: [LineErrorKind::CATEGORY],
        }),
    }
}

/// The index of the rule of invalid lines of `kind`: after the rulebook's.
pub(super) fn invalid_line_index(rulebook: &Rulebook, kind: LineErrorKind) -> usize {
    let position = LineErrorKind::ALL.iter().position(|&k| k == kind);
    rulebook.rules.len() + position.unwrap_or(0)
}
