//! Classification: a kind for records whose source says none, from
//! keywords or regular expressions over their text.
//!
//! Rules are tried in order; the first that matches any of its fields
//! gives the kind, and says how (`kind poll from the keyword "sondage" in
//! title`), so that an officer can judge a finding that rests on it. A
//! keyword matches at the start of a word, whatever its case: `sondage`
//! matches "Sondages" but not "Ressondage"; a space in a keyword matches
//! any run of blanks. Patterns are the `regex` crate's: linear time in the
//! text, whatever the text.

use regex::{Regex, RegexBuilder};

use crate::rulebook::Severity;
use crate::source::escape_unsafe;

/// The most a classification regex may take once compiled (keywords and
/// patterns alike), and how deeply it may nest. A profile is text from
/// anywhere: a pattern such as `\w{1000}{1000}` compiles to gigabytes under
/// no limit. Set here, not left to the regex crate's defaults (10 MiB, 250
/// levels), and far above any real rule: a few hundred keywords take tens
/// of kilobytes.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1024 * 1024;
pub(crate) const REGEX_NEST_LIMIT: u32 = 64;

/// A classification regex, within the limits above.
pub(crate) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
}

/// Ordered classification rules, with the kind when none matches.
#[derive(Debug, Clone)]
pub struct Classifier {
    /// The record's fields whose text rules look at, unless a rule names its own.
    pub over: Vec<String>,
    pub rules: Vec<Rule>,
    /// The kind when no rule matches; without one, such a record is invalid.
    pub default: Option<String>,
    /// The highest severity a finding on a classified record may have.
    pub severity: Option<Severity>,
}

/// One classification rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub kind: String,
    /// The fields it looks at, if not the classifier's.
    pub over: Option<Vec<String>>,
    /// The keywords, as written (shipped lists expanded), in order.
    pub keywords: Vec<String>,
    /// Every keyword, one capture group each: `(?i)\b(?:(k0)|(k1)…)`.
    keyword_regex: Option<Regex>,
    pub pattern: Option<Regex>,
}

/// How a record's kind was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub kind: String,
    /// In words: "kind `poll` from the keyword `sondage` in `title`".
    pub how: String,
}

impl Rule {
    /// A rule giving `kind` to records that hold one of `keywords` or match
    /// `pattern` (built with `compile`). Fails on a keyword list that makes
    /// too large a regex.
    pub fn new(
        kind: String,
        over: Option<Vec<String>>,
        keywords: Vec<String>,
        pattern: Option<Regex>,
    ) -> Result<Rule, regex::Error> {
        let keyword_regex = if keywords.is_empty() {
            None
        } else {
            let alternatives: Vec<String> = keywords
                .iter()
                .map(|k| {
                    let words: Vec<String> = k.split_whitespace().map(regex::escape).collect();
                    // A word starts at a word boundary; a keyword that starts
                    // with punctuation (`#sondage`, `«`) starts where it is.
                    let word = k
                        .trim_start()
                        .starts_with(|c: char| c.is_alphanumeric() || c == '_');
                    let start = if word { r"\b" } else { "" };
                    format!("{start}({})", words.join(r"\s+"))
                })
                .collect();
            Some(compile(&format!(r"(?i)(?:{})", alternatives.join("|")))?)
        };
        Ok(Rule {
            kind,
            over,
            keywords,
            keyword_regex,
            pattern,
        })
    }

    /// What in `text` makes it match: "the keyword `x`" or "the pattern `p`".
    pub(super) fn matches(&self, text: &str) -> Option<String> {
        if let Some(regex) = &self.keyword_regex
            && let Some(captures) = regex.captures(text)
        {
            let index = (1..captures.len()).find(|&i| captures.get(i).is_some())?;
            // A profile's text may reach a terminal: quoted.
            let keyword = escape_unsafe(&self.keywords[index - 1]);
            return Some(format!("the keyword `{keyword}`"));
        }
        let pattern = self.pattern.as_ref()?;
        pattern
            .is_match(text)
            .then(|| format!("the pattern `{}`", escape_unsafe(pattern.as_str())))
    }
}

impl Classifier {
    /// The kind of a record whose fields hold `texts` (field, text; a field
    /// may come more than once), and how it was decided.
    pub fn classify<'t>(
        &self,
        mut texts: impl FnMut(&str) -> Vec<std::borrow::Cow<'t, str>>,
    ) -> Option<Classification> {
        for rule in &self.rules {
            let over = rule.over.as_ref().unwrap_or(&self.over);
            for field in over {
                for text in texts(field) {
                    if let Some(what) = rule.matches(&text) {
                        return Some(Classification {
                            how: format!("kind `{}` from {what} in `{field}`", rule.kind),
                            kind: rule.kind.clone(),
                        });
                    }
                }
            }
        }
        let kind = self.default.as_ref()?;
        Some(Classification {
            kind: kind.clone(),
            how: format!("kind `{kind}` by default: no classification rule matched"),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn classifier() -> Classifier {
        let rule = |kind: &str, keywords: &[&str], pattern: Option<&str>| {
            Rule::new(
                kind.to_string(),
                None,
                keywords.iter().map(|k| k.to_string()).collect(),
                pattern.map(|p| Regex::new(p).unwrap()),
            )
            .unwrap()
        };
        Classifier {
            over: vec!["title".to_string(), "description".to_string()],
            rules: vec![
                rule("exit_poll", &["sortie des urnes", "estimation"], None),
                rule("poll", &["sondage", "intentions de vote"], None),
                rule("results", &[], Some(r"(?i)\brésultats?\b")),
            ],
            default: Some("news".to_string()),
            severity: None,
        }
    }

    fn classify(title: &str, description: &str) -> Classification {
        let (title, description) = (title.to_string(), description.to_string());
        classifier()
            .classify(|field| match field {
                "title" => vec![Cow::Owned(title.clone())],
                "description" => vec![Cow::Owned(description.clone())],
                _ => Vec::new(),
            })
            .unwrap()
    }

    #[test]
    fn the_first_rule_that_matches_decides_and_says_how() {
        let cases = [
            (
                "Nouveau SONDAGE Ipsos",
                "",
                "poll",
                "kind `poll` from the keyword `sondage` in `title`",
            ),
            (
                "Second tour",
                "Les intentions\n de vote",
                "poll",
                "kind `poll` from the keyword `intentions de vote` in `description`",
            ),
            (
                "Sondage : les estimations à 20h",
                "",
                "exit_poll",
                "kind `exit_poll` from the keyword `estimation` in `title`",
            ),
            (
                "Les résultats",
                "",
                "results",
                "kind `results` from the pattern `(?i)\\brésultats?\\b` in `title`",
            ),
            (
                "Ressondage",
                "",
                "news",
                "kind `news` by default: no classification rule matched",
            ),
        ];
        for (title, description, kind, how) in cases {
            let c = classify(title, description);
            assert_eq!((c.kind.as_str(), c.how.as_str()), (kind, how), "{title:?}");
        }
    }

    #[test]
    fn without_a_default_an_unmatched_record_has_no_kind() {
        let mut classifier = classifier();
        classifier.default = None;
        assert_eq!(classifier.classify(|_| vec![Cow::Borrowed("rien")]), None);
    }

    /// A pattern too large for the limits is refused as it is compiled,
    /// whatever the regex crate's own defaults would allow.
    #[test]
    fn patterns_are_compiled_within_the_limits() {
        assert!(compile(r"(?i)\bsondages?\b").is_ok());
        let too_large = compile(r"\w{1000}").unwrap_err();
        assert!(
            matches!(too_large, regex::Error::CompiledTooBig(REGEX_SIZE_LIMIT)),
            "{too_large}"
        );
        assert!(Regex::new(r"\w{100}").is_ok() && compile(r"\w{100}").is_err());
        let deep = format!("{}a{}", "(".repeat(65), ")".repeat(65));
        assert!(compile(&deep).is_err());
        assert!(compile(&format!("{}a{}", "(".repeat(30), ")".repeat(30))).is_ok());
        // Hundreds of keywords stay far below the limit.
        let keywords = (0..500).map(|i| format!("mot{i} clé")).collect();
        assert!(Rule::new("poll".into(), None, keywords, None).is_ok());
    }

    /// Keywords are text, not patterns: regex characters in them are literal.
    #[test]
    fn keywords_are_literal() {
        let rule = Rule::new("poll".into(), None, vec!["a.b (c)".into()], None).unwrap();
        assert!(rule.matches("x a.b (c)").is_some());
        assert!(rule.matches("x aXb (c)").is_none());
    }

    /// A keyword that starts with punctuation matches where it is written,
    /// at the start of a text too; a word still matches at a word's start.
    #[test]
    fn keywords_that_start_with_punctuation() {
        let rule = Rule::new(
            "poll".into(),
            None,
            vec!["#sondage".into(), "«sondage".into()],
            None,
        )
        .unwrap();
        for text in ["#sondage Ipsos", "Nouveau #sondage", "«sondage» du jour"] {
            assert!(rule.matches(text).is_some(), "{text}");
        }
        let word = Rule::new("poll".into(), None, vec!["sondage".into()], None).unwrap();
        assert!(word.matches("#sondage").is_some());
        assert!(word.matches("Ressondage").is_none());
    }

    /// A keyword with a control character is quoted in how a kind was decided.
    #[test]
    fn how_a_kind_was_decided_is_quoted() {
        let rule = Rule::new("poll".into(), None, vec!["a\u{202e}b".into()], None).unwrap();
        let how = rule.matches("x a\u{202e}b").unwrap();
        assert_eq!(how, "the keyword `a\\u{202e}b`");
    }
}
