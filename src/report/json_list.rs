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

/// Bytes of a spilled list held in memory before it moves to a file.
pub const SPILL_BYTES: usize = 1 << 20;

/// Writes through to `W`, indenting every new line by `depth` levels (two
/// spaces each), as the pretty printer indents an item nested that deep.
struct Indented<W> {
    out: W,
    depth: usize,
}

impl<W: Write> Write for Indented<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut lines = bytes.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.out.write_all(first)?;
        }
        for line in lines {
            self.out.write_all(b"\n")?;
            indent(&mut self.out, self.depth)?;
            self.out.write_all(line)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn indent(out: &mut impl Write, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// `value`, pretty, as it is printed `depth` levels deep in a document.
pub fn write_pretty(out: &mut impl Write, value: &impl Serialize, depth: usize) -> io::Result<()> {
    serde_json::to_writer_pretty(Indented { out, depth }, value)?;
    Ok(())
}

/// An array whose items sit `depth` levels deep, written as they come; the
/// caller has written everything before its `[`.
#[derive(Debug, Default)]
pub struct JsonList {
    depth: usize,
    items: usize,
}

impl JsonList {
    pub fn new(depth: usize) -> Self {
        JsonList { depth, items: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// Writes `item` after the `[` or the previous item.
    pub fn push(&mut self, out: &mut impl Write, item: &impl Serialize) -> io::Result<()> {
        if self.items > 0 {
            out.write_all(b",")?;
        }
        self.items += 1;
        out.write_all(b"\n")?;
        indent(out, self.depth)?;
        write_pretty(out, item, self.depth)
    }

    /// Writes the closing `]`, as the pretty printer does: `[]` when empty.
    pub fn close(&self, out: &mut impl Write) -> io::Result<()> {
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
pub struct SpilledList {
    list: JsonList,
    memory: Vec<u8>,
    file: Option<io::BufWriter<File>>,
}

impl SpilledList {
    pub fn new(depth: usize) -> Self {
        SpilledList {
            list: JsonList::new(depth),
            memory: Vec::new(),
            file: None,
        }
    }

    pub fn push(&mut self, item: &impl Serialize) -> io::Result<()> {
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
    pub fn write_to(&mut self, out: &mut impl Write) -> io::Result<()> {
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
