//! Inline waivers: `# scrutin: allow RULE reason="…"` on the comment line(s)
//! right before a publication.

use crate::publication::{LineError, LineErrorKind, log};
use crate::rulebook::Rulebook;
use crate::source::{Span, did_you_mean};

/// An inline waiver read from a comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub rule: usize,
    pub reason: String,
}

const DIRECTIVE: &str = "scrutin:";

/// Reads a comment line as a waiver directive: `None` if it is an ordinary
/// comment, an error if it starts like a directive but is not a valid one.
pub fn directive(line: &str, rulebook: &Rulebook) -> Option<Result<Directive, LineError>> {
    let comment = line.trim_start().strip_prefix('#')?.trim_start();
    let body = comment.strip_prefix(DIRECTIVE)?;
    let offset = line.len() - body.len();
    Some(read_directive(line, body, offset, rulebook))
}

fn read_directive(
    line: &str,
    body: &str,
    offset: usize,
    rulebook: &Rulebook,
) -> Result<Directive, LineError> {
    let words = body.trim_start();
    let at = |text: &str| line.len() - text.len();
    let Some(after_verb) = words.strip_prefix("allow ") else {
        let verb = words.split_whitespace().next().unwrap_or("");
        return Err(LineError::new(
            LineErrorKind::Waiver,
            Span::new(at(words), verb.len()),
            format!("unknown directive `{verb}`"),
        )
        .with_help("write `# scrutin: allow RULE reason=\"…\"`"));
    };
    let rule_text = after_verb.trim_start();
    let rule_id = rule_text.split_whitespace().next().unwrap_or("");
    let rule_span = Span::new(at(rule_text), rule_id.len());
    let Some(rule) = rulebook.rules.iter().position(|r| r.id == rule_id) else {
        let mut error = LineError::new(
            LineErrorKind::Waiver,
            rule_span,
            format!("unknown rule `{rule_id}` in a waiver"),
        );
        if let Some(near) = did_you_mean(rule_id, rulebook.rules.iter().map(|r| r.id.as_str())) {
            error = error.with_help(format!("did you mean `{near}`?"));
        }
        return Err(error);
    };
    let rest = &rule_text[rule_id.len()..];
    let from = line.len() - rest.len();
    let fields = log::fields(line, from).map_err(|e| {
        LineError::new(LineErrorKind::Waiver, Span::new(e.offset, e.len), e.message)
    })?;
    let reason = match fields.as_slice() {
        [(key, value)] if *key == "reason" && !value.trim().is_empty() => value.trim().to_string(),
        _ => {
            return Err(LineError::new(
                LineErrorKind::Waiver,
                Span::new(offset, body.len()),
                "a waiver gives its reason, and only that",
            )
            .with_help("write `# scrutin: allow RULE reason=\"…\"`"));
        }
    };
    Ok(Directive { rule, reason })
}
