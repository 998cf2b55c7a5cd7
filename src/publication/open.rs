//! Opening a log or source: gzip read through (every member), and its
//! format told from the option, or else from its name and first bytes.

use std::io::{self, BufRead, BufReader, Read};

use super::{Format, detect};
use flate2::bufread::MultiGzDecoder;

/// gzip's first two bytes.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// How much of an input is looked at to tell its format.
const SNIFF_BYTES: usize = 64 * 1024;

/// An input opened for reading.
pub struct Opened {
    pub input: Box<dyn BufRead + Send>,
    pub format: Format,
}

/// How to open an input.
#[derive(Debug, Clone, Copy, Default)]
pub struct HowToOpen {
    /// The format asked for (`--input`): then nothing else is looked at.
    pub asked: Option<Format>,
    /// The format a profile is written for, when the name does not say.
    pub hint: Option<Format>,
    /// The most bytes a gzip input may decompress to (a server's body):
    /// past it, reading fails, and the input is reported unreadable there.
    pub max_decompressed: Option<u64>,
}

/// Opens `input` (named `name`): decompressed when it is gzip, in the
/// format `how.asked`, or else the one its name, the hint and its first
/// bytes say (`detect`).
pub fn open(name: &str, input: impl Read + Send + 'static, how: HowToOpen) -> io::Result<Opened> {
    let mut input: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(SNIFF_BYTES, input));
    if input.fill_buf()?.starts_with(&GZIP_MAGIC) {
        // Members joined by `cat a.gz b.gz` are all read.
        let decoder = MultiGzDecoder::new(input);
        input = match how.max_decompressed {
            Some(max) => Box::new(BufReader::with_capacity(
                SNIFF_BYTES,
                Capped {
                    inner: decoder,
                    left: max,
                    max,
                },
            )),
            None => Box::new(BufReader::with_capacity(SNIFF_BYTES, decoder)),
        };
    }
    let format = match how.asked {
        Some(format) => format,
        None => detect(name, input.fill_buf()?, how.hint),
    };
    Ok(Opened { input, format })
}

/// A reader that fails past `max` bytes: a small gzip body may hold
/// gigabytes of newlines.
struct Capped<R> {
    inner: R,
    left: u64,
    max: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(format!(
                    "it decompresses to more than {} bytes, the most a body may hold",
                    self.max
                ))),
            };
        }
        let room = buffer
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let read = self.inner.read(&mut buffer[..room])?;
        self.left -= read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    fn read_all(mut opened: Opened) -> (Format, String) {
        let mut text = String::new();
        opened.input.read_to_string(&mut text).unwrap();
        (opened.format, text)
    }

    #[test]
    fn gzip_is_read_through_and_its_content_tells_the_format() {
        let plain = b"{\"a\":1}\n{\"a\":2}\n".to_vec();
        let opened = open(
            "export.gz",
            io::Cursor::new(gzip(&plain)),
            HowToOpen::default(),
        )
        .unwrap();
        assert_eq!(
            read_all(opened),
            (Format::Jsonl, String::from_utf8(plain.clone()).unwrap())
        );
        // Two members joined, as `cat a.gz b.gz` writes them.
        let mut joined = gzip(b"x\n");
        joined.extend(gzip(b"y\n"));
        let opened = open("a.log.gz", io::Cursor::new(joined), HowToOpen::default()).unwrap();
        assert_eq!(read_all(opened), (Format::Log, "x\ny\n".to_string()));
        // The option wins over what the content looks like.
        let asked = HowToOpen {
            asked: Some(Format::Log),
            ..HowToOpen::default()
        };
        let opened = open("-", io::Cursor::new(plain.clone()), asked).unwrap();
        assert_eq!(opened.format, Format::Log);
        // A gzip body decompresses up to its cap, and past it reading fails.
        let capped = HowToOpen {
            max_decompressed: Some(10),
            ..HowToOpen::default()
        };
        let mut opened = open("-", io::Cursor::new(gzip(&plain)), capped).unwrap();
        let mut text = String::new();
        let error = opened.input.read_to_string(&mut text).unwrap_err();
        assert!(error.to_string().contains("more than 10 bytes"), "{error}");
        let exact = HowToOpen {
            max_decompressed: Some(plain.len() as u64),
            ..HowToOpen::default()
        };
        assert!(
            read_all(open("-", io::Cursor::new(gzip(&plain)), exact).unwrap())
                .1
                .len()
                == plain.len()
        );
    }

    #[test]
    fn a_truncated_gzip_is_a_read_error() {
        let mut truncated = gzip(&b"2017-05-06T09:30:00Z outlet=a kind=news\n".repeat(100));
        truncated.truncate(truncated.len() / 2);
        let mut opened = open("a.gz", io::Cursor::new(truncated), HowToOpen::default()).unwrap();
        let mut text = String::new();
        let error = opened.input.read_to_string(&mut text).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
