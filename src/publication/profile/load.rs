//! Reads a profile from YAML (placeholder until the loader lands).

use std::path::Path;

use super::Profile;
use crate::rulebook::{Rulebook, RulebookError};

/// Placeholder until the loader lands.
pub fn load(path: &Path, _rulebook: Option<&Rulebook>) -> Result<Profile, RulebookError> {
    Err(RulebookError::unreadable(
        crate::side_file::SideFile::Rulebook,
        path,
        "profiles are not read yet".to_string(),
    ))
}
