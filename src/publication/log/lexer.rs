//! The syntax of one log line, read byte by byte: a timestamp, then
//! `key=value` fields.
//!
//! ```text
//! 2017-05-06T09:30:00+02:00 outlet=lemonde.fr kind=poll title="Sondage \"Ipsos\""
//! ```
//!
//! Blanks between fields are spaces and tabs; a token ends at any Unicode
//! whitespace. Values are bare words or double-quoted strings in which `\"`
//! and `\\` are the only escapes. The lexer writes where each piece lies
//! into the caller's buffers, copying only values that had escapes; what the
//! pieces mean (a declared kind? a valid instant?) is the reader's business.
//!
//! Plain ASCII runs are crossed eight bytes at a time; any other byte is
//! looked at as the character it starts.

use std::ops::Range;

use super::super::{FieldAt, Value};
use crate::syntax::{Expected, SyntaxError};

/// Reads a line (neither blank nor a comment, without control characters
/// other than tabs) into its timestamp's range and its `fields`.
pub(crate) fn line(
    line: &str,
    fields: &mut Vec<FieldAt>,
    unescaped: &mut String,
) -> Result<Range<usize>, SyntaxError> {
    let start = skip_blanks(line.as_bytes(), 0);
    let end = token_end(line, start, b' ');
    if end == start {
        return Err(located(line, start, None, None));
    }
    fields_from(line, end, true, fields, unescaped)?;
    Ok(start..end)
}

/// Reads `key=value` fields from `from` to the end of `line`, as a waiver
/// directive writes them after its rule: the first may start at `from`.
pub(crate) fn fields(
    line: &str,
    from: usize,
    fields: &mut Vec<FieldAt>,
    unescaped: &mut String,
) -> Result<(), SyntaxError> {
    fields_from(line, from, false, fields, unescaped)
}

fn fields_from(
    line: &str,
    mut at: usize,
    blank_first: bool,
    fields: &mut Vec<FieldAt>,
    unescaped: &mut String,
) -> Result<(), SyntaxError> {
    let bytes = line.as_bytes();
    let mut first = true;
    loop {
        let start = skip_blanks(bytes, at);
        if start == at && (blank_first || !first) {
            break;
        }
        match field(line, start, unescaped)? {
            Some(field) => {
                at = field.written.end;
                fields.push(field);
                first = false;
            }
            None => break,
        }
    }
    let end = skip_blanks(bytes, at);
    if end == line.len() {
        return Ok(());
    }
    Err(located(line, end, Some("a key=value field"), None))
}

/// A field at `start`, `None` if no key starts there (which ends the fields
/// without being an error yet), or an error that is one.
fn field(line: &str, start: usize, unescaped: &mut String) -> Result<Option<FieldAt>, SyntaxError> {
    let bytes = line.as_bytes();
    let key_end = token_end(line, start, b'=');
    if key_end == start {
        return Ok(None);
    }
    let key = &line[start..key_end];
    let fail = |at: usize, message: String| Err(located(line, at, None, Some(message)));
    if bytes.get(key_end) != Some(&b'=') {
        return fail(
            start,
            format!("`{key}` is not a field: fields are key=value"),
        );
    }
    if !key.bytes().all(|b| KEY[usize::from(b)]) {
        return fail(
            start,
            format!("the key `{key}` may hold only ASCII letters, digits, `_`, `-` and `.`"),
        );
    }
    let value_start = key_end + 1;
    let quoted = bytes.get(value_start) == Some(&b'"');
    let (value, after) = if quoted {
        quoted_value(line, value_start, unescaped)?
    } else {
        let end = token_end(line, value_start, b'"');
        if end == value_start {
            return fail(start, format!("`{key}=` has no value"));
        }
        (Value::Text(value_start..end), end)
    };
    if after < line.len() && !starts_with_whitespace(line, after) {
        let message = if quoted {
            "expected a space after the closing quote"
        } else {
            "a bare value cannot contain `\"`: quote the whole value"
        };
        return fail(after, message.to_string());
    }
    Ok(Some(FieldAt {
        key: Value::Text(start..key_end),
        value,
        written: value_start..after,
        quoted,
    }))
}

/// A double-quoted value at `open` (its opening quote): the value, and
/// where the field ends. Only a value with escapes is copied, unescaped.
fn quoted_value(
    line: &str,
    open: usize,
    unescaped: &mut String,
) -> Result<(Value, usize), SyntaxError> {
    let bytes = line.as_bytes();
    let body = open + 1;
    let mut copied: Option<usize> = None;
    let mut run = body;
    let mut at = body;
    while let Some(found) = memchr::memchr2(b'"', b'\\', &bytes[at..]) {
        let position = at + found;
        if bytes[position] == b'"' {
            let value = match copied {
                None => Value::Text(body..position),
                Some(from) => {
                    unescaped.push_str(&line[run..position]);
                    Value::Side(from..unescaped.len())
                }
            };
            return Ok((value, position + 1));
        }
        match line[position + 1..].chars().next() {
            Some(escaped @ ('"' | '\\')) => {
                copied.get_or_insert(unescaped.len());
                unescaped.push_str(&line[run..position]);
                unescaped.push(escaped);
                run = position + 2;
                at = run;
            }
            Some(other) => {
                let message =
                    format!("unknown escape `\\{other}`: only `\\\"` and `\\\\` are escapes");
                return Err(located(line, position, None, Some(message)));
            }
            None => break,
        }
    }
    let message = "this quoted value has no closing `\"`".to_string();
    Err(located(line, open, None, Some(message)))
}

/// The error at byte `at` of `line`, located and worded as the log syntax's
/// errors are: spanning the word there.
fn located(
    line: &str,
    at: usize,
    what: Option<&'static str>,
    detail: Option<String>,
) -> SyntaxError {
    Expected {
        at: &line[at..],
        what,
        detail,
    }
    .locate(line)
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

fn starts_with_whitespace(line: &str, at: usize) -> bool {
    match line.as_bytes().get(at) {
        Some(b' ' | b'\t') => true,
        Some(b) if b.is_ascii() => b.is_ascii_whitespace() || *b == 0x0b,
        _ => line[at..].chars().next().is_some_and(char::is_whitespace),
    }
}

/// The end of a token from `at`: the first `stop` or Unicode whitespace
/// (a space, a tab, `\n`, `\x0b`, `\x0c`, `\r`, or beyond ASCII), or the
/// end of the line. ASCII is crossed a word at a time; other bytes, rare,
/// are looked at one by one: a control character that is not whitespace
/// belongs to the token, and a byte beyond ASCII to the character it starts.
fn token_end(line: &str, mut at: usize, stop: u8) -> usize {
    let bytes = line.as_bytes();
    loop {
        at = find_candidate(bytes, at, stop);
        let Some(&byte) = bytes.get(at) else {
            return at;
        };
        if byte == b' ' || byte == stop || byte.is_ascii_whitespace() || byte == 0x0b {
            return at;
        }
        if byte.is_ascii() {
            at += 1;
            continue;
        }
        match line[at..].chars().next() {
            Some(c) if !c.is_whitespace() => at += c.len_utf8(),
            _ => return at,
        }
    }
}

/// Where the first byte from `at` that may end a token is: a space, `stop`,
/// a control byte or a byte beyond ASCII; or the end of `bytes`. Eight bytes
/// at a time, with the classic "which byte is zero" and "which byte is less"
/// arithmetic: a branch per word rather than per byte, since tokens end at
/// unpredictable places.
fn find_candidate(bytes: &[u8], mut at: usize, stop: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // Exact for the lowest byte flagged, the only one used.
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let mut found = (word | control) & HIGHS;
        for byte in [b' ', stop] {
            let zero_where_byte = word ^ (ONES * u64::from(byte));
            found |= zero_where_byte.wrapping_sub(ONES) & !zero_where_byte & HIGHS;
        }
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = bytes[at..]
        .iter()
        .position(|&b| b <= b' ' || b == stop || !b.is_ascii());
    tail.map_or(bytes.len(), |n| at + n)
}

/// The bytes of a key: ASCII letters, digits, `_`, `-` and `.`.
static KEY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn lexed(text: &str) -> (Range<usize>, Vec<FieldAt>, String) {
        let (mut fields, mut unescaped) = (Vec::new(), String::new());
        let timestamp = line(text, &mut fields, &mut unescaped).unwrap();
        (timestamp, fields, unescaped)
    }

    fn value<'a>(text: &'a str, unescaped: &'a str, field: &FieldAt) -> &'a str {
        match &field.value {
            Value::Text(range) => &text[range.clone()],
            Value::Side(range) => &unescaped[range.clone()],
        }
    }

    #[test]
    fn timestamp_and_fields_with_their_places() {
        let text =
            r#"2017-05-06T09:30:00+02:00 outlet=lemonde.fr title="Sondage \"Ipsos\"" kind=poll"#;
        let (timestamp, fields, unescaped) = lexed(text);
        assert_eq!(&text[timestamp], "2017-05-06T09:30:00+02:00");
        let keys: Vec<_> = fields.iter().map(|f| f.key.get(text, &unescaped)).collect();
        assert_eq!(keys, ["outlet", "title", "kind"]);
        assert_eq!(value(text, &unescaped, &fields[1]), r#"Sondage "Ipsos""#);
        assert_eq!(&text[fields[1].written.clone()], r#""Sondage \"Ipsos\"""#);
        assert_eq!(value(text, &unescaped, &fields[2]), "poll");
    }

    #[test]
    fn blanks_tabs_and_quotes() {
        let (timestamp, fields, _) = lexed("  \t2017-05-06T09:30:00Z\toutlet=a  kind=b \t");
        assert_eq!(timestamp, 3..23);
        assert_eq!(fields.len(), 2);
        let text = r#"2017-05-06T09:30:00Z title="a \\ b" x="""#;
        let (_, fields, unescaped) = lexed(text);
        assert_eq!(value(text, &unescaped, &fields[0]), r"a \ b");
        assert_eq!(value(text, &unescaped, &fields[1]), "");
    }

    fn error(text: &str) -> (usize, usize, String) {
        let e = line(text, &mut Vec::new(), &mut String::new()).unwrap_err();
        (e.offset, e.len, e.message)
    }

    #[test]
    fn errors_are_located() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            (
                "2017-05-06T09:30:00Z outlet lemonde",
                (21, 6),
                "`outlet` is not a field",
            ),
            ("2017-05-06T09:30:00Z ké=x", (21, 5), "ASCII letters"),
            (
                r#"2017-05-06T09:30:00Z title="Sondage kind=poll"#,
                (27, 8),
                "no closing",
            ),
            (
                r#"2017-05-06T09:30:00Z title="a\nb""#,
                (29, 4),
                "unknown escape `\\n`",
            ),
            (
                "2017-05-06T09:30:00Z kind= outlet=x",
                (21, 5),
                "`kind=` has no value",
            ),
            (
                r#"2017-05-06T09:30:00Z title="a"b"#,
                (30, 1),
                "after the closing quote",
            ),
            (
                "2017-05-06T09:30:00Z =x",
                (21, 2),
                "expected a key=value field",
            ),
            (
                "2017-05-06T09:30:00Z a=\u{a0}",
                (21, 2),
                "`a=` has no value",
            ),
            (
                "2017-05-06T09:30:00Z a=b\u{a0}",
                (26, 0),
                "expected a key=value field, found the end",
            ),
            (
                r#"2017-05-06T09:30:00Z a=b"c"#,
                (24, 2),
                "a bare value cannot contain",
            ),
        ];
        for &(text, (offset, len), message) in cases {
            let found = error(text);
            assert_eq!((found.0, found.1), (offset, len), "{text}: {found:?}");
            assert!(found.2.contains(message), "{text}: {found:?}");
        }
    }

    /// A waiver directive is a comment: control characters reach the lexer
    /// there, and those that are whitespace end tokens as spaces do.
    #[test]
    fn whitespace_control_characters_end_tokens() {
        for blank in ["\x0c", "\x0b", "\r", "\n"] {
            let text = format!("# scrutin: allow poll-ban{blank}\0 reason=x");
            let from = text.find(blank).unwrap();
            let e = fields(&text, from, &mut Vec::new(), &mut String::new()).unwrap_err();
            assert_eq!(e.message, "expected a key=value field", "{blank:?}");
            assert_eq!((e.offset, e.len), (from + 1, 1), "{blank:?}");
        }
        let text = "# scrutin: allow poll-ban reason=a\x01b";
        let (mut found, mut unescaped) = (Vec::new(), String::new());
        fields(text, 25, &mut found, &mut unescaped).unwrap();
        assert_eq!(value(text, &unescaped, &found[0]), "a\x01b");
    }
}
