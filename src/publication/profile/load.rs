//! Reads a profile from YAML (placeholder until the loader lands).
