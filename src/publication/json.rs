//! JSON Lines: one JSON object per line, its fields found by dotted paths
//! (`user.screen_name`), each value borrowed from the line with its place,
//! for diagnostics that point at it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::mapped::{Found, Record};
use super::{LineError, LineErrorKind, Value, key_bit};
use crate::source::{Span, floor_char_boundary};

/// A JSON object's members, as written: each key, unescaped, and its
/// value's text; and the `key_bit` of every key, so that a field the object
/// does not have (most of a profile's optional ones) is known absent
/// without comparing keys.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>, u64);

impl<'a> Members<'a> {
    /// The value of the member named `key`.
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        if self.1 & key_bit(key.as_bytes()) == 0 {
            return None;
        }
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| *value)
    }
}

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                // Room for a usual object's members at once: growing one
                // member at a time cost more than reading them.
                let (mut members, mut keys) = (Vec::with_capacity(16), 0);
                while let Some((key, value)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    keys |= key_bit(key.0.as_bytes());
                    members.push((key.0, value));
                }
                Ok(Members(members, keys))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// A key, borrowed unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);
        Borrowed::deserialize(deserializer).map(|b| Key(b.0))
    }
}

/// One line of JSON Lines, read as an object.
pub(crate) struct JsonRecord<'a> {
    line: &'a str,
    members: Members<'a>,
}

impl<'a> JsonRecord<'a> {
    /// Reads `line` as a JSON object.
    pub(crate) fn read(line: &'a str) -> Result<Self, LineError> {
        match serde_json::from_str::<Members>(line) {
            Ok(members) => Ok(JsonRecord { line, members }),
            Err(error) => Err(not_an_object(line, &error)),
        }
    }

    /// Where `value` starts in the line (it is a piece of it).
    fn offset(&self, value: &str) -> usize {
        value.as_ptr() as usize - self.line.as_ptr() as usize
    }

    /// The value at `path` in `members`: a member named by the whole path,
    /// else by its first segment and the rest inside it.
    fn find(&self, members: &Members<'a>, path: &str) -> Result<Option<&'a RawValue>, LineError> {
        if let Some(value) = members.get(path) {
            return Ok(Some(value));
        }
        // A path is a few bytes: a plain search beats memchr's setup.
        let Some(dot) = path.bytes().position(|b| b == b'.') else {
            return Ok(None);
        };
        let (first, rest) = (&path[..dot], &path[dot + 1..]);
        let Some(value) = members.get(first) else {
            return Ok(None);
        };
        if !value.get().starts_with('{') {
            return Ok(None);
        }
        // A piece of an object that parsed: it is an object too.
        let inner: Members<'a> =
            serde_json::from_str(value.get()).map_err(|e| not_an_object(self.line, &e))?;
        self.find(&inner, rest)
    }

    /// Adds the values of `raw` (a value, or every item of a list of values).
    fn add(
        &self,
        path: &str,
        raw: &'a RawValue,
        side: &mut String,
        out: &mut Vec<Found>,
    ) -> Result<(), LineError> {
        let text = raw.get();
        let start = self.offset(text);
        let written = start..start + text.len();
        match text.as_bytes().first() {
            Some(b'"') => {
                let content = start + 1..start + text.len() - 1;
                // Without a backslash, a JSON string is its text (serde_json
                // has checked it); only one with escapes is read again.
                let value = if !text.as_bytes().contains(&b'\\') {
                    Value::Text(content.clone())
                } else {
                    match serde_json::from_str::<Key>(text) {
                        Ok(Key(Cow::Borrowed(_))) => Value::Text(content.clone()),
                        Ok(Key(Cow::Owned(unescaped))) => {
                            let from = side.len();
                            side.push_str(&unescaped);
                            Value::Side(from..side.len())
                        }
                        Err(e) => return Err(not_an_object(self.line, &e)),
                    }
                };
                out.push(Found {
                    value,
                    written: content,
                });
            }
            Some(b'[') => {
                let items: Vec<&'a RawValue> =
                    serde_json::from_str(text).map_err(|e| not_an_object(self.line, &e))?;
                for item in items {
                    if item.get().starts_with('[') {
                        return Err(not_a_value(path, "a list of lists", written));
                    }
                    self.add(path, item, side, out)?;
                }
            }
            Some(b'{') => return Err(not_a_value(path, "an object", written)),
            // `null` is no value.
            Some(b'n') => {}
            // Numbers and `true`/`false`, as written.
            _ => out.push(Found {
                value: Value::Text(written.clone()),
                written,
            }),
        }
        Ok(())
    }
}

impl Record for JsonRecord<'_> {
    fn values(
        &self,
        field: &str,
        side: &mut String,
        out: &mut Vec<Found>,
    ) -> Result<(), LineError> {
        match self.find(&self.members, field)? {
            Some(raw) => self.add(field, raw, side, out),
            None => Ok(()),
        }
    }
}

fn not_a_value(path: &str, what: &str, written: std::ops::Range<usize>) -> LineError {
    LineError::new(
        LineErrorKind::NotAValue,
        Span::new(written.start, written.len()),
        format!("`{path}` holds {what}, not a value"),
    )
    .with_help("map a field inside it, with a dotted path such as `user.name`")
}

/// A line that is not JSON, or not an object, located at serde_json's column.
fn not_an_object(line: &str, error: &serde_json::Error) -> LineError {
    use serde_json::error::Category;
    let message = error.to_string();
    // serde_json's message ends with " at line L column C": the place is
    // shown by the span instead.
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    let column = error.column().max(1) - 1;
    let offset = floor_char_boundary(line, column.min(line.len()));
    match error.classify() {
        Category::Data => LineError::new(
            LineErrorKind::NotAnObject,
            Span::new(0, line.trim_end().len()),
            format!("this line is JSON but not an object: {message}"),
        )
        .with_help("JSON Lines holds one object per line: {\"created_at\": …, \"text\": …}"),
        _ => LineError::new(
            LineErrorKind::NotJson,
            Span::new(
                offset.saturating_sub(usize::from(offset == line.len() && offset > 0)),
                1.min(line.len()),
            ),
            format!("this line is not JSON: {message}"),
        )
        .with_help("JSON Lines holds one JSON object per line, each whole on its line"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str, field: &str) -> Result<Vec<String>, LineError> {
        let record = JsonRecord::read(line)?;
        let (mut side, mut out) = (String::new(), Vec::new());
        record.values(field, &mut side, &mut out)?;
        Ok(out
            .iter()
            .map(|f| {
                let written = &line[f.written.clone()];
                format!("{}@{written}", f.value.get(line, &side))
            })
            .collect())
    }

    #[test]
    fn values_by_dotted_path_with_their_places() {
        let line = r#"{"created_at":"Sat May 06 10:00:00 +0000 2017","user":{"screen_name":"a\"b","id":7},"tags":["x","y"],"n":null,"a.b":1}"#;
        assert_eq!(
            values(line, "created_at").unwrap(),
            ["Sat May 06 10:00:00 +0000 2017@Sat May 06 10:00:00 +0000 2017"]
        );
        assert_eq!(values(line, "user.screen_name").unwrap(), [r#"a"b@a\"b"#]);
        assert_eq!(values(line, "user.id").unwrap(), ["7@7"]);
        assert_eq!(values(line, "tags").unwrap(), ["x@x", "y@y"]);
        assert_eq!(values(line, "n").unwrap(), Vec::<String>::new());
        assert_eq!(values(line, "a.b").unwrap(), ["1@1"]);
        assert_eq!(values(line, "missing.path").unwrap(), Vec::<String>::new());
        let e = values(line, "user").unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (
                LineErrorKind::NotAValue,
                "`user` holds an object, not a value"
            )
        );
    }

    #[test]
    fn lines_that_are_not_objects() {
        let cases = [
            ("[1,2]", LineErrorKind::NotAnObject),
            ("42", LineErrorKind::NotAnObject),
            (r#"{"a":1"#, LineErrorKind::NotJson),
            (r#"{"a":tru}"#, LineErrorKind::NotJson),
            ("not json", LineErrorKind::NotJson),
            (r#"{"a":1} {"b":2}"#, LineErrorKind::NotJson),
        ];
        for (line, kind) in cases {
            let e = JsonRecord::read(line).err().unwrap();
            assert_eq!(e.kind, kind, "{line}: {}", e.message);
            assert!(e.span.end() <= line.len(), "{line}");
            assert!(!e.message.contains(" at line "), "{}", e.message);
        }
        let e = JsonRecord::read(r#"{"a":tru}"#).err().unwrap();
        assert_eq!(e.span.offset, 8, "{e:?}");
    }
}
