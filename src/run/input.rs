//! The format of a file, told before it is checked.

use std::io;

use crate::publication::{Format, HowToOpen, open};

/// The format of the file at `path`, as `how` tells it (it is opened and
/// closed again).
pub(crate) fn format_of(path: &std::path::Path, how: HowToOpen) -> io::Result<Format> {
    if let Some(format) = how.asked {
        return Ok(format);
    }
    let file = std::fs::File::open(path)?;
    Ok(open(&path.display().to_string(), file, how)?.format)
}
