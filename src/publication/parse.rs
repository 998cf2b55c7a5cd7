//! The syntax of one log line: a timestamp, then `key=value` fields.
//!
//! ```text
//! 2017-05-06T09:30:00+02:00 outlet=lemonde.fr kind=poll title="Sondage \"Ipsos\""
//! ```
//!
//! Values are bare words or double-quoted strings in which `\"` and `\\` are
//! the only escapes. Spans are kept for every piece; their meaning (is this a
//! declared kind? a valid instant?) is `Publication`'s business.

use std::borrow::Cow;

use nom::Parser;
use nom::bytes::complete::{take_till1, take_while1};
use nom::character::complete::{space0, space1};
use nom::combinator::eof;
use nom::error::context;
use nom::multi::many0;
use nom::sequence::preceded;

use crate::source::Span;
use crate::syntax::{Expected, Parsed, SyntaxError, locate_err};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine<'a> {
    pub timestamp: &'a str,
    pub timestamp_span: Span,
    pub fields: Vec<RawField<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawField<'a> {
    pub key: &'a str,
    pub key_span: Span,
    /// The value with quotes and escapes removed.
    pub value: Cow<'a, str>,
    /// The value as written, quotes included.
    pub written: &'a str,
    /// Where `written` is in the line.
    pub value_span: Span,
    pub quoted: bool,
}

impl RawField<'_> {
    /// Where `len` bytes at `offset` of the unescaped value are written in the
    /// line. An escape is two bytes as written for one in the value, so an
    /// offset into the value is not an offset into the line: measuring a span
    /// with the value's lengths ends it early, even inside a character.
    pub fn span_of(&self, offset: usize, len: usize) -> Span {
        let start = self.written_offset(offset);
        let end = self.written_offset(offset.saturating_add(len));
        self.value_span.sub(start, end - start)
    }

    /// The offset in `written` of the character that gives the value's byte
    /// `value_offset` (its escape's backslash included), or the end of the
    /// value as written.
    fn written_offset(&self, value_offset: usize) -> usize {
        let body = match self.written.strip_prefix('"') {
            Some(body) if self.quoted => body.strip_suffix('"').unwrap_or(body),
            _ => return value_offset.min(self.written.len()),
        };
        let mut value = 0;
        let mut chars = body.char_indices();
        while let Some((at, c)) = chars.next() {
            if value >= value_offset {
                return 1 + at;
            }
            let c = match c {
                '\\' => chars.next().map_or(c, |(_, escaped)| escaped),
                c => c,
            };
            value += c.len_utf8();
        }
        1 + body.len()
    }
}

/// Is the line blank or a `#` comment? Such lines are skipped, not checked.
pub fn is_skipped(line: &str) -> bool {
    let line = line.trim_start();
    line.is_empty() || line.starts_with('#')
}

pub fn parse_line(line: &str) -> Result<RawLine<'_>, SyntaxError> {
    let mut parser = (
        space0,
        take_till1(char::is_whitespace),
        many0(preceded(space1, field(line))),
        space0,
        context("a key=value field", eof),
    );
    match parser.parse(line) {
        Ok((_, (indent, timestamp, fields, _, _))) => Ok(RawLine {
            timestamp,
            timestamp_span: Span::new(indent.len(), timestamp.len()),
            fields,
        }),
        Err(e) => Err(locate_err(line, e)),
    }
}

/// `key=value` fields alone, as a waiver directive writes them after its rule.
/// Spans are relative to `line`, of which `text` is a suffix.
pub fn parse_fields<'a>(line: &'a str, text: &'a str) -> Result<Vec<RawField<'a>>, SyntaxError> {
    let mut parser = (
        many0(preceded(space0, field(line))),
        space0,
        context("a key=value field", eof),
    );
    match parser.parse(text) {
        Ok((_, (fields, _, _))) => Ok(fields),
        Err(e) => Err(locate_err(line, e)),
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn field<'a>(line: &'a str) -> impl Parser<&'a str, Output = RawField<'a>, Error = Expected<'a>> {
    move |input: &'a str| {
        let offset = |rest: &str| line.len() - rest.len();
        let (rest, key) = take_while1(|c: char| !c.is_whitespace() && c != '=').parse(input)?;
        let Some(rest) = rest.strip_prefix('=') else {
            return Err(Expected::failure(
                input,
                format!("`{key}` is not a field: fields are key=value"),
            ));
        };
        if !key.chars().all(is_key_char) {
            return Err(Expected::failure(
                input,
                format!("the key `{key}` may hold only ASCII letters, digits, `_`, `-` and `.`"),
            ));
        }
        let value_start = rest;
        let (rest, (value, quoted)) = if rest.starts_with('"') {
            quoted(rest).map(|(rest, value)| (rest, (value, true)))?
        } else {
            let no_value = |_| Expected::failure(input, format!("`{key}=` has no value"));
            bare(rest)
                .map(|(rest, value)| (rest, (Cow::Borrowed(value), false)))
                .map_err(no_value)?
        };
        if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            let message = if quoted {
                "expected a space after the closing quote"
            } else {
                "a bare value cannot contain `\"`: quote the whole value"
            };
            return Err(Expected::failure(rest, message));
        }
        Ok((
            rest,
            RawField {
                key,
                key_span: Span::new(offset(input), key.len()),
                value,
                written: &value_start[..value_start.len() - rest.len()],
                value_span: Span::new(offset(value_start), value_start.len() - rest.len()),
                quoted,
            },
        ))
    }
}

fn bare(input: &str) -> Parsed<'_, &str> {
    take_while1(|c: char| !c.is_whitespace() && c != '"').parse(input)
}

/// A double-quoted value; allocates only when it holds an escape.
fn quoted(input: &str) -> Parsed<'_, Cow<'_, str>> {
    let body = &input[1..];
    let mut unescaped: Option<String> = None;
    let mut chars = body.char_indices();
    while let Some((position, c)) = chars.next() {
        match c {
            '"' => {
                let value = unescaped.map_or(Cow::Borrowed(&body[..position]), Cow::Owned);
                return Ok((&body[position + 1..], value));
            }
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => {
                    unescaped
                        .get_or_insert_with(|| body[..position].to_string())
                        .push(escaped);
                }
                Some((_, other)) => {
                    return Err(Expected::failure(
                        &body[position..],
                        format!("unknown escape `\\{other}`: only `\\\"` and `\\\\` are escapes"),
                    ));
                }
                None => break,
            },
            c => {
                if let Some(unescaped) = &mut unescaped {
                    unescaped.push(c);
                }
            }
        }
    }
    Err(Expected::failure(
        input,
        "this quoted value has no closing `\"`",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_and_fields_with_spans() {
        let line =
            r#"2017-05-06T09:30:00+02:00 outlet=lemonde.fr title="Sondage \"Ipsos\"" kind=poll"#;
        let raw = parse_line(line).unwrap();
        assert_eq!(raw.timestamp, "2017-05-06T09:30:00+02:00");
        assert_eq!(raw.timestamp_span, Span::new(0, 25));
        let keys: Vec<_> = raw.fields.iter().map(|f| f.key).collect();
        assert_eq!(keys, ["outlet", "title", "kind"]);
        assert_eq!(raw.fields[1].value, r#"Sondage "Ipsos""#);
        assert!(raw.fields[1].quoted);
        let kind = &raw.fields[2];
        assert_eq!(&line[kind.value_span.offset..kind.value_span.end()], "poll");
        assert_eq!(&line[kind.key_span.offset..kind.key_span.end()], "kind");
    }

    #[test]
    fn blanks_before_the_timestamp_are_allowed() {
        let raw = parse_line("  \t2017-05-06T09:30:00Z kind=news").unwrap();
        assert_eq!(raw.timestamp_span, Span::new(3, 20));
    }

    #[test]
    fn tabs_and_trailing_blanks_separate_fields() {
        let raw = parse_line("2017-05-06T09:30:00Z\toutlet=a  kind=b \t").unwrap();
        assert_eq!(raw.fields.len(), 2);
    }

    #[test]
    fn quoted_values_keep_spaces_and_backslashes() {
        let raw = parse_line(r#"2017-05-06T09:30:00Z title="a \\ b" x="""#).unwrap();
        assert_eq!(raw.fields[0].value, r"a \ b");
        assert_eq!(raw.fields[1].value, "");
    }

    fn error(line: &str) -> (usize, usize, String) {
        let e = parse_line(line).unwrap_err();
        (e.offset, e.len, e.message)
    }

    #[test]
    fn errors_are_located() {
        let (offset, len, message) = error("2017-05-06T09:30:00Z outlet lemonde");
        assert_eq!((offset, len), (21, 6));
        assert!(message.contains("`outlet` is not a field"), "{message}");

        let (offset, _, message) = error("2017-05-06T09:30:00Z ké=x");
        assert_eq!(offset, 21);
        assert!(message.contains("ASCII letters"), "{message}");

        let (offset, _, message) = error(r#"2017-05-06T09:30:00Z title="Sondage kind=poll"#);
        assert_eq!(offset, 27);
        assert!(message.contains("no closing"), "{message}");

        let (offset, _, message) = error(r#"2017-05-06T09:30:00Z title="a\nb""#);
        assert_eq!(offset, 29);
        assert!(message.contains("unknown escape `\\n`"), "{message}");

        let (offset, len, message) = error("2017-05-06T09:30:00Z kind= outlet=x");
        assert_eq!((offset, len), (21, 5));
        assert!(message.contains("`kind=` has no value"), "{message}");

        let (offset, _, message) = error(r#"2017-05-06T09:30:00Z title="a"b"#);
        assert_eq!(offset, 30);
        assert!(message.contains("after the closing quote"), "{message}");

        let (offset, _, message) = error("2017-05-06T09:30:00Z =x");
        assert_eq!(offset, 21);
        assert!(message.contains("expected a key=value field"), "{message}");
    }

    #[test]
    fn comments_and_blanks_are_skipped() {
        assert!(is_skipped(""));
        assert!(is_skipped("   "));
        assert!(is_skipped("  # planned items"));
        assert!(!is_skipped("2017-05-06T09:30:00Z kind=poll"));
    }
}
