//! Source profiles: how the records of a structured source (JSON Lines,
//! CSV, a feed, a sitemap) become publications.
//!
//! A profile is a YAML file (`load`) that says which field of a record
//! holds the instant and in what form, where each field of a publication
//! comes from (a field of the record, a constant, a value map), and how a
//! record's kind is decided: from a field, or by classification over its
//! text. A profile that says nothing of the kind is refused: a kind is
//! never a silent default.

mod classify;
mod load;

pub use classify::{Classification, Classifier, Rule as ClassRule};
pub use load::load;

pub use super::Format;
use crate::time::TimeForm;

/// How a source's records become publications.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile's `name`, for messages.
    pub name: String,
    /// The input format it is written for, if it says.
    pub input: Option<Format>,
    /// Where the instant is, and its form.
    pub timestamp: Instant,
    /// Where `first_published` is, if the source has it.
    pub first_published: Option<Instant>,
    /// Every other field of a publication (`outlet`, `channel`, `region`,
    /// `id`, `title`, `url`, `tags`, and attributes), in the order written.
    pub fields: Vec<Mapping>,
    pub kind: Kind,
}

/// An instant in a record.
#[derive(Debug, Clone)]
pub struct Instant {
    pub field: String,
    pub form: TimeForm,
}

/// One field of a publication and where it comes from.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The publication's field (`outlet`…) or attribute (`pollster`…).
    pub target: String,
    pub from: From,
}

/// Where a value comes from.
#[derive(Debug, Clone)]
pub enum From {
    /// The same for every record.
    Value(String),
    /// A field of the record: a dotted path into a JSON object, a column
    /// of a CSV file, an element (`news:title`) or an element's attribute
    /// (`link@href`) of a feed item. A field written more than once (a
    /// JSON array, repeated elements) gives every value; a field with one
    /// value (all but `region` and `tags`) takes the first one that maps.
    Field {
        field: String,
        /// Values replaced as they are read (`Sondages` → `poll`); values
        /// not in the map are kept as they are, or replaced by `default`.
        map: Vec<(String, String)>,
        /// The value when the record has no such field, or (with a `map`)
        /// when no value is in the map.
        default: Option<String>,
        /// A record without the field is read without it (else it is
        /// invalid, unless there is a `default`).
        optional: bool,
    },
}

/// How a record's kind is decided: from a field first, then by
/// classification; a record that neither gives a kind is invalid.
#[derive(Debug, Clone)]
pub struct Kind {
    /// `None` when the kind comes only from classification.
    pub from: Option<From>,
    pub classify: Option<Classifier>,
}
