//! The `kind` of a profile: from a field or a value, by classification, or
//! both; and the classification rules, their keywords (shipped lists
//! expanded) and patterns.

use super::Kind;
use super::classify::{Classifier, Rule, compile};
use super::keywords;
use super::load::Check;
use super::raw::{RawClassify, RawKind, RawRule};
use super::sources::options;
use crate::rulebook::schema::{Located, Place, Text};
use crate::rulebook::{ProblemKind, Severity};

impl Check<'_> {
    /// How a record's kind is decided.
    pub(super) fn kind(&mut self, raw: &Located<RawKind>) -> Option<Kind> {
        let kind = &raw.value;
        let from = if kind.field.is_some() || kind.value.is_some() {
            self.source("kind", &kind.source(), raw.place())
        } else {
            for (option, place) in options(&kind.source()) {
                self.problems.add_with_help(
                    ProblemKind::ProfileMisplacedOption,
                    place,
                    format!("`{option}` is only for a kind read from a `field`"),
                    "without a `field`",
                    Some("add the `field` the kind is read from, or remove it"),
                );
            }
            None
        };
        if let (Some(value), Some(_)) = (&kind.value, &kind.classify) {
            self.problems.add_with_help(
                ProblemKind::ProfileMisplacedOption,
                value.place(),
                "`classify` is never used: `value` gives every record its kind",
                "every record's kind",
                Some("remove `classify`, or read the kind from a `field` and classify the records without it"),
            );
        }
        if let (Some(default), Some(_), Some(_)) = (&kind.default, &kind.classify, &kind.field) {
            self.problems.add_with_help(
                ProblemKind::ProfileMisplacedOption,
                default.place(),
                "`classify` is never used: this `default` gives a kind to every record the field does not",
                "the kind of every other record",
                Some("move the default into `classify` (its `default` applies when no rule matches), or remove `classify`"),
            );
        }
        let classify = kind.classify.as_ref().map(|c| self.classifier(c));
        if kind.field.is_none() && kind.value.is_none() && kind.classify.is_none() {
            self.problems.add_with_help(
                ProblemKind::ProfileNoKind,
                raw.place(),
                "this `kind` gives no kind",
                "no `field`, `value` or `classify`",
                Some("a kind is never a silent default: read it from a `field`, give one `value` for every record, or `classify` records by their text"),
            );
            return None;
        }
        Some(Kind {
            from,
            classify: classify.flatten(),
        })
    }

    fn classifier(&mut self, raw: &Located<RawClassify>) -> Option<Classifier> {
        let classify = &raw.value;
        let over = self.over(&classify.over);
        let rules: Vec<Option<Rule>> = classify.rules.iter().map(|r| self.rule(r)).collect();
        if let Some(default) = &classify.default {
            self.terms("kind", default);
        }
        let severity = classify.severity.as_ref().and_then(|severity| {
            let found = Severity::from_name(&severity.value);
            if found.is_none() {
                self.unknown(
                    ProblemKind::UnknownSeverity,
                    severity,
                    "severity",
                    ["error", "warning", "info"].into_iter(),
                );
            }
            found
        });
        Some(Classifier {
            over,
            rules: rules.into_iter().collect::<Option<Vec<Rule>>>()?,
            default: classify.default.as_ref().map(|d| d.value.clone()),
            severity,
        })
    }

    /// The fields classification looks at: at least one.
    fn over(&mut self, over: &Located<Vec<Text>>) -> Vec<String> {
        if over.value.is_empty() {
            self.problems.add_with_help(
                ProblemKind::ProfileEmptyIn,
                over.place(),
                "`in` names no field",
                "looks at nothing",
                Some(
                    "name the record's fields whose text is classified: `in: [title, description]`",
                ),
            );
        }
        over.value.iter().map(|field| field.value.clone()).collect()
    }

    fn rule(&mut self, raw: &RawRule) -> Option<Rule> {
        self.terms("kind", &raw.kind);
        let before = self.problems.len();
        let lists = raw.lists.as_deref().unwrap_or_default();
        let own = raw.keywords.as_deref().unwrap_or_default();
        if lists.is_empty() && own.is_empty() && raw.pattern.is_none() {
            self.problems.add_with_help(
                ProblemKind::ProfileEmptyRule,
                raw.kind.place(),
                format!(
                    "this rule for kind `{}` has no keywords, lists or pattern",
                    raw.kind.value
                ),
                "matches nothing",
                Some("give it `keywords`, shipped `lists` (`fr.poll`…) or a `pattern`"),
            );
        }
        let mut keywords = Vec::new();
        for name in lists {
            match keywords::list(&name.value) {
                Some(list) => keywords.extend(list.keywords.iter().cloned()),
                None => {
                    let names = keywords::lists().iter().map(|l| l.name.as_str());
                    self.unknown(ProblemKind::ProfileUnknownList, name, "keyword list", names);
                }
            }
        }
        for keyword in own {
            if keyword.value.trim().is_empty() {
                self.problems.add_with_help(
                    ProblemKind::ProfileEmptyKeyword,
                    keyword.place(),
                    "an empty keyword matches every text",
                    "empty",
                    Some("remove it"),
                );
            }
            keywords.push(keyword.value.clone());
        }
        let pattern = raw.pattern.as_ref().and_then(|p| self.regex(p));
        let over = raw.over.as_ref().map(|over| self.over(over));
        if self.problems.len() > before {
            return None;
        }
        let at = raw
            .keywords
            .iter()
            .chain(&raw.lists)
            .flatten()
            .next()
            .map_or(raw.kind.place(), Located::place);
        Rule::new(raw.kind.value.clone(), over, keywords, pattern)
            .map_err(|e| self.too_large(at, &e, "the keywords of this rule"))
            .ok()
    }

    /// A classification pattern, compiled within its limits.
    fn regex(&mut self, pattern: &Text) -> Option<regex::Regex> {
        compile(&pattern.value)
            .map_err(|e| self.too_large(pattern.place(), &e, "this pattern"))
            .ok()
    }

    /// Reports a regex that `regex` refused, built from `what`.
    fn too_large(&mut self, at: Place, error: &regex::Error, what: &str) {
        let (message, help) = match error {
            regex::Error::CompiledTooBig(limit) => (
                format!(
                    "{what} compiles to more than the {} MiB a classification pattern may take",
                    limit / (1024 * 1024)
                ),
                "split it into simpler patterns, or rules of the same kind",
            ),
            // The crate's message draws the pattern with a caret under the
            // mistake, then says it on its last line.
            error => (
                format!(
                    "{what} is not a regular expression: {}",
                    error
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim_start_matches("error: ")
                ),
                "patterns are in the syntax of Rust's regex crate (https://docs.rs/regex/latest/regex/#syntax); to match text as written, use `keywords`",
            ),
        };
        self.problems.add_with_help(
            ProblemKind::ProfileBadRegex,
            at,
            message,
            "not a usable regular expression",
            Some(help),
        );
    }
}
