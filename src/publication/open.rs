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

/// Opens `input` (named `name`): decompressed when it is gzip, in the
/// format `asked`, or else the one its name and first bytes say.
pub fn open(
    name: &str,
    input: impl Read + Send + 'static,
    asked: Option<Format>,
) -> io::Result<Opened> {
    let mut input: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(SNIFF_BYTES, input));
    if input.fill_buf()?.starts_with(&GZIP_MAGIC) {
        // Members joined by `cat a.gz b.gz` are all read.
        input = Box::new(BufReader::with_capacity(
            SNIFF_BYTES,
            MultiGzDecoder::new(input),
        ));
    }
    let format = match asked {
        Some(format) => format,
        None => detect(name, input.fill_buf()?),
    };
    Ok(Opened { input, format })
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
        let opened = open("export.gz", io::Cursor::new(gzip(&plain)), None).unwrap();
        assert_eq!(
            read_all(opened),
            (Format::Jsonl, String::from_utf8(plain.clone()).unwrap())
        );
        // Two members joined, as `cat a.gz b.gz` writes them.
        let mut joined = gzip(b"x\n");
        joined.extend(gzip(b"y\n"));
        let opened = open("a.log.gz", io::Cursor::new(joined), None).unwrap();
        assert_eq!(read_all(opened), (Format::Log, "x\ny\n".to_string()));
        // The option wins over what the content looks like.
        let opened = open("-", io::Cursor::new(plain), Some(Format::Log)).unwrap();
        assert_eq!(opened.format, Format::Log);
    }

    #[test]
    fn a_truncated_gzip_is_a_read_error() {
        let mut truncated = gzip(&b"2017-05-06T09:30:00Z outlet=a kind=news\n".repeat(100));
        truncated.truncate(truncated.len() / 2);
        let mut opened = open("a.gz", io::Cursor::new(truncated), None).unwrap();
        let mut text = String::new();
        let error = opened.input.read_to_string(&mut text).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
