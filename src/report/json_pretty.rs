//! JSON written by hand, byte for byte as serde_json's pretty printer writes
//! it, for the one item a report writes per finding: serde's per-byte
//! escaping loop was half the cost of a finding. `json::tests` holds this
//! writer to serde_json's output.

/// An object being written, its fields `depth + 1` levels deep.
pub(crate) struct Object<'b> {
    out: &'b mut Vec<u8>,
    depth: usize,
    empty: bool,
}

impl<'b> Object<'b> {
    /// Opens an object whose closing brace sits `depth` levels deep.
    pub(crate) fn open(out: &'b mut Vec<u8>, depth: usize) -> Self {
        out.push(b'{');
        Object {
            out,
            depth,
            empty: true,
        }
    }

    /// Starts a field. Names are the report's own, plain: not escaped.
    fn key(&mut self, name: &str) -> &mut Vec<u8> {
        self.out
            .extend_from_slice(if self.empty { b"\n" } else { b",\n" });
        self.empty = false;
        indent(self.out, self.depth + 1);
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.out
    }

    pub(crate) fn str(&mut self, name: &str, value: &str) {
        string(self.key(name), value);
    }

    pub(crate) fn optional_str(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => self.str(name, value),
            None => self.key(name).extend_from_slice(b"null"),
        }
    }

    pub(crate) fn number(&mut self, name: &str, value: usize) {
        number(self.key(name), value);
    }

    pub(crate) fn null(&mut self, name: &str) {
        self.key(name).extend_from_slice(b"null");
    }

    /// A field whose value is an object, written by `fields`.
    pub(crate) fn object(&mut self, name: &str, fields: impl FnOnce(&mut Object)) {
        let depth = self.depth + 1;
        let mut object = Object::open(self.key(name), depth);
        fields(&mut object);
        object.close();
    }

    /// A field whose value is an array, each item written by `item`.
    pub(crate) fn array<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut Vec<u8>, usize, T),
    ) {
        let depth = self.depth + 1;
        let out = self.key(name);
        out.push(b'[');
        let mut empty = true;
        for value in items {
            out.extend_from_slice(if empty { b"\n" } else { b",\n" });
            empty = false;
            indent(out, depth + 1);
            item(out, depth + 1, value);
        }
        if !empty {
            out.push(b'\n');
            indent(out, depth);
        }
        out.push(b']');
    }

    pub(crate) fn close(self) {
        if !self.empty {
            self.out.push(b'\n');
            indent(self.out, self.depth);
        }
        self.out.push(b'}');
    }
}

pub(crate) fn indent(out: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8; 32] = b"                                ";
    match SPACES.get(..2 * depth) {
        Some(spaces) => out.extend_from_slice(spaces),
        None => (0..depth).for_each(|_| out.extend_from_slice(b"  ")),
    }
}

/// A JSON string as serde_json writes it: `"`, `\` and control characters
/// escaped, everything else (UTF-8 included) as it is.
pub(crate) fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    // Most strings need no escape: one pass to tell, one copy.
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
    } else {
        for &b in bytes {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0..0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xf)]);
                }
                b => out.push(b),
            }
        }
    }
    out.push(b'"');
}

/// Does any byte need an escape: a control character, `"` or `\`? Eight
/// bytes at a time, with the classic "which byte is less" and "which byte
/// is zero" arithmetic (a byte flagged may flag the bytes above it, which
/// does not change the answer).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        found |= word.wrapping_sub(ONES * 0x20) & !word;
        for byte in [b'"', b'\\'] {
            let zero_where_byte = word ^ (ONES * u64::from(byte));
            found |= zero_where_byte.wrapping_sub(ONES) & !zero_where_byte;
        }
    }
    let tail = words.remainder().iter();
    found & HIGHS != 0 || tail.copied().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

fn number(out: &mut Vec<u8>, mut value: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}
