//! The format of a file, told before it is checked.

use std::io;

use crate::publication::{Format, open};

/// The format of the file at `path`: `asked`, or else what its name and
/// first bytes say (it is opened and closed again).
pub(crate) fn format_of(path: &std::path::Path, asked: Option<Format>) -> io::Result<Format> {
    if let Some(format) = asked {
        return Ok(format);
    }
    let file = std::fs::File::open(path)?;
    Ok(open(&path.display().to_string(), file, None)?.format)
}
