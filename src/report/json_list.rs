//! JSON arrays written an item at a time, pretty-printed exactly where
//! serde_json's pretty printer would put them in the whole document, so that
//! a report's memory does not grow with its findings.
//!
//! `JsonList` writes its items straight to the output: for the one list a
//! document can stream (JSON's violations, SARIF's results). A document has
//! other lists, filled in the same pass but written after that one (JSON's
//! invalid lines and waived findings); `SpilledList` writes those as they
//! come into memory up to `SPILL_BYTES`, then into an anonymous temporary
//! file, and copies them out at the end. Memory stays bounded; only disk
//! grows, as the output itself does.

use std::fs::File;
use std::io::{self, Seek, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// Bytes of a spilled list held in memory before it moves to a file.
pub(super) const SPILL_BYTES: usize = 1 << 20;

/// serde_json's pretty printer, as it prints a value nested `depth` levels
/// deep in a document: the same bytes, indented from there.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + Write>(&self, out: &mut W, prefix: &[u8]) -> io::Result<()> {
        out.write_all(prefix)?;
        indent(out, self.depth)
    }
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, b"\n")?;
        }
        out.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, b"\n")?;
        }
        out.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn indent<W: ?Sized + Write>(out: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// `value`, pretty, as it is printed `depth` levels deep in a document.
pub(super) fn write_pretty(
    out: &mut impl Write,
    value: &impl Serialize,
    depth: usize,
) -> io::Result<()> {
    let mut buffer = Vec::new();
    pretty_into(&mut buffer, value, depth)?;
    out.write_all(&buffer)
}

/// `value`, pretty, `depth` levels deep, appended to `buffer`: serde_json
/// writes many small pieces, which cost least in memory.
pub(super) fn pretty_into(
    buffer: &mut Vec<u8>,
    value: &impl Serialize,
    depth: usize,
) -> io::Result<()> {
    let formatter = Nested {
        depth,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(
        buffer, formatter,
    ))?;
    Ok(())
}

/// An array whose items sit `depth` levels deep, written as they come; the
/// caller has written everything before its `[`.
#[derive(Debug, Default)]
pub(super) struct JsonList {
    depth: usize,
    items: usize,
    /// An item is written here first, then to the output at once.
    buffer: Vec<u8>,
}

impl JsonList {
    pub(super) fn new(depth: usize) -> Self {
        JsonList {
            depth,
            items: 0,
            buffer: Vec::new(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// Writes `item` after the `[` or the previous item.
    pub(super) fn push(&mut self, out: &mut impl Write, item: &impl Serialize) -> io::Result<()> {
        let depth = self.depth;
        self.push_with(out, |buffer, _| pretty_into(buffer, item, depth))?
    }

    /// Writes an item after the `[` or the previous item, as `write` puts
    /// it in a buffer, given the item's depth.
    pub(super) fn push_with<T>(
        &mut self,
        out: &mut impl Write,
        write: impl FnOnce(&mut Vec<u8>, usize) -> T,
    ) -> io::Result<T> {
        self.buffer.clear();
        if self.items > 0 {
            self.buffer.push(b',');
        }
        self.items += 1;
        self.buffer.push(b'\n');
        indent(&mut self.buffer, self.depth)?;
        let written = write(&mut self.buffer, self.depth);
        out.write_all(&self.buffer)?;
        Ok(written)
    }

    /// Writes the closing `]`, as the pretty printer does: `[]` when empty.
    pub(super) fn close(&self, out: &mut impl Write) -> io::Result<()> {
        if self.items > 0 {
            out.write_all(b"\n")?;
            indent(out, self.depth.saturating_sub(1))?;
        }
        out.write_all(b"]")
    }
}

/// An array kept aside until its place in the document comes: in memory
/// while small, then in an anonymous temporary file.
#[derive(Debug, Default)]
pub(super) struct SpilledList {
    list: JsonList,
    memory: Vec<u8>,
    file: Option<io::BufWriter<File>>,
}

impl SpilledList {
    pub(super) fn new(depth: usize) -> Self {
        SpilledList {
            list: JsonList::new(depth),
            memory: Vec::new(),
            file: None,
        }
    }

    pub(super) fn push(&mut self, item: &impl Serialize) -> io::Result<()> {
        match &mut self.file {
            Some(file) => self.list.push(file, item),
            None => {
                self.list.push(&mut self.memory, item)?;
                if self.memory.len() > SPILL_BYTES {
                    let mut file = io::BufWriter::new(tempfile::tempfile()?);
                    file.write_all(&self.memory)?;
                    self.memory = Vec::new();
                    self.file = Some(file);
                }
                Ok(())
            }
        }
    }

    /// Writes the whole array, `[` to `]`.
    pub(super) fn write_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"[")?;
        out.write_all(&self.memory)?;
        if let Some(file) = self.file.take() {
            let mut file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.rewind()?;
            io::copy(&mut file, out)?;
        }
        self.list.close(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        name: String,
        list: Vec<u32>,
    }

    #[derive(Serialize)]
    struct Document<'a> {
        first: &'a [Item],
        second: &'a [Item],
    }

    fn items(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| Item {
                name: format!("item {i} {}", "x".repeat(i % 50)),
                list: vec![1, 2],
            })
            .collect()
    }

    /// The document written piece by piece is the pretty printer's, byte for byte.
    #[test]
    fn lists_written_as_they_come_match_the_whole_document() {
        for (n, m) in [(0, 0), (1, 0), (0, 1), (3, 2), (10, 40_000)] {
            let (first, second) = (items(n), items(m));
            let whole = serde_json::to_string_pretty(&Document {
                first: &first,
                second: &second,
            })
            .unwrap();
            let mut out = Vec::new();
            out.extend_from_slice(b"{\n  \"first\": [");
            let mut streamed = JsonList::new(2);
            let mut spilled = SpilledList::new(2);
            for (a, b) in first.iter().zip(&second) {
                streamed.push(&mut out, a).unwrap();
                spilled.push(b).unwrap();
            }
            for a in first.iter().skip(second.len()) {
                streamed.push(&mut out, a).unwrap();
            }
            for b in second.iter().skip(first.len()) {
                spilled.push(b).unwrap();
            }
            streamed.close(&mut out).unwrap();
            out.extend_from_slice(b",\n  \"second\": ");
            assert_eq!(spilled.file.is_some(), m > 10_000, "spilled past the limit");
            spilled.write_to(&mut out).unwrap();
            out.extend_from_slice(b"\n}");
            assert_eq!(String::from_utf8(out).unwrap(), whole, "{n} and {m} items");
        }
    }
}
