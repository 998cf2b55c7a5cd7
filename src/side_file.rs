//! Files read beside the logs: a rulebook and the files it extends, a waiver
//! file, a source profile. Each is small and written by people, but a path may name anything:
//! a device that never ends (`/dev/zero`), a FIFO whose open blocks until a
//! writer comes, a directory, a file of gigabytes. Every side file is read by
//! `read`, which refuses those before reading more than the limit.

use std::fmt;
use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::path::Path;

/// The largest side file: a rulebook, a waiver file or a profile this big is
/// a mistake or an attack (100,000 waivers take about 8 MiB).
pub const MAX_SIDE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What a side file is, which says how errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideFile {
    Rulebook,
    Waivers,
    /// A source profile: how a structured source's records become publications.
    Profile,
}

impl SideFile {
    /// The command-line option that names such a file.
    pub fn option(self) -> &'static str {
        match self {
            SideFile::Rulebook => "--rules",
            SideFile::Waivers => "--waivers",
            SideFile::Profile => "--profile",
        }
    }
}

impl fmt::Display for SideFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SideFile::Rulebook => "rulebook",
            SideFile::Waivers => "waiver file",
            SideFile::Profile => "profile",
        })
    }
}

/// The text of the side file at `path`, or why it is not read (a reason for
/// a message: `it is a FIFO, not a regular file`).
pub fn read(path: &Path, side: SideFile) -> Result<String, String> {
    // Asked before opening: opening a device may act on it, and opening a
    // FIFO blocks until a writer comes.
    regular(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = open(path).map_err(|e| e.to_string())?;
    // Asked again of the file opened: the path may have been replaced since.
    regular(&file.metadata().map_err(|e| e.to_string())?)?;
    let mut bytes = Vec::new();
    file.take(MAX_SIDE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_SIDE_FILE_BYTES {
        return Err(format!(
            "it is larger than the {} MiB a {side} may be",
            MAX_SIDE_FILE_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("it is not UTF-8 ({e})"))
}

/// Opens without blocking on a FIFO put at the path after it was asked about;
/// on a regular file, the flag changes nothing.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

fn regular(metadata: &Metadata) -> Result<(), String> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special(&kind)
    };
    Err(format!("it is {what}, not a regular file"))
}

#[cfg(unix)]
fn special(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn special(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_unread() {
        let reason = read(Path::new("/dev/zero"), SideFile::Waivers).unwrap_err();
        assert_eq!(reason, "it is a device, not a regular file");
        let reason = read(Path::new("."), SideFile::Rulebook).unwrap_err();
        assert_eq!(reason, "it is a directory, not a regular file");
    }

    #[test]
    fn a_file_at_the_limit_is_read_and_one_byte_more_is_not() {
        let dir = std::env::temp_dir().join(format!("scrutin-side-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.yaml");
        let limit = usize::try_from(MAX_SIDE_FILE_BYTES).unwrap();
        std::fs::write(&path, vec![b'#'; limit]).unwrap();
        assert_eq!(read(&path, SideFile::Waivers).unwrap().len(), limit);
        std::fs::write(&path, vec![b'#'; limit + 1]).unwrap();
        let reason = read(&path, SideFile::Waivers).unwrap_err();
        assert_eq!(reason, "it is larger than the 16 MiB a waiver file may be");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
