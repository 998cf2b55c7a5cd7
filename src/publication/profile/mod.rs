//! Source profiles: how the records of a structured source (JSON Lines,
//! CSV, a feed, a sitemap) become publications.
//!
//! A profile is a YAML file (`load`) that says which field of a record
//! holds the instant and in what form, where each field of a publication
//! comes from (a field of the record, a constant, a value map), and how a
//! record's kind is decided: from a field, or by classification over its
//! text. A profile that says nothing of the kind is refused: a kind is
//! never a silent default.
//!
//! # The YAML of a profile
//!
//! ```yaml
//! # A source profile: how the records of a source become publications.
//! name: lemonde-rss          # required, for messages
//! input: rss                 # optional: log | jsonl | csv | rss | atom | sitemap
//! timestamp:                 # required
//!   field: pubDate           # a dotted path in JSON, a column in CSV, an element
//!                            # (news:title) or element@attribute (link@href) in XML
//!   format: rfc2822          # rfc3339 | rfc2822 | unix | unix_ms | twitter |
//!                            # a strftime pattern (any text with a %)
//! first_published:           # optional, same shape as timestamp
//!   field: dc:date
//!   format: "%d/%m/%Y %H:%M" # a pattern is local time:
//!   zone: Europe/Paris       #   its zone is required with a pattern, refused otherwise
//!   overlap: earlier         #   only with a pattern: earlier | later (default: a local
//!                            #   time that happened twice is invalid)
//! end:                       # optional, same shape: when a publication that lasts
//!   field: stop              # (a broadcast segment, an ad flight) stops going out
//!   format: rfc3339
//! fields:                    # publication field (outlet, channel, region, id, title,
//!                            # url, tags) or attribute → where it comes from
//!   outlet: { value: lemonde.fr }          # a constant
//!   id: { field: guid }                    # a field of the record
//!   tags: { field: category, optional: true }
//!   sponsor: { field: bylines, optional: true }
//! kind:                      # required: `field` or `value`, and/or `classify`
//!   field: category
//!   map: { Sondages: poll, "Résultats": result }
//!   optional: true           # only with field: a record without it (or whose values
//!                            # the map does not name) is classified; without
//!                            # `classify`, `default: news` could give its kind
//!   classify:
//!     in: [title, description]        # required, not empty: the fields rules look at
//!     rules:                          # in order: the first that matches decides
//!       - kind: result
//!         lists: [fr.exit_poll]       # shipped keyword lists, LANG.KIND
//!         keywords: [estimations]     # own keywords, after the lists'
//!       - kind: poll
//!         pattern: '(?i)\bsondages?\b' # a regular expression (the regex crate's)
//!         in: [title]                 # optional: instead of the classifier's `in`
//!     default: news          # optional: the kind when no rule matches
//!     severity: warning      # optional: the highest severity of a finding on a
//!                            # classified record (error | warning | info)
//! ```
//!
//! Every source (an entry of `fields`, and the kind's) is either a `field`
//! of the record or one `value` for every record, never both. With a
//! `field`: `map` replaces the values it lists (map keys and values are
//! text, kept in their order); `default` is the value when the record has
//! no such field, or, with a `map`, when no value is in the map; `optional:
//! true` reads a record without the field without it (else the record is
//! invalid). `kind`, `timestamp`, `first_published` and `end` are not
//! under `fields`: each has its own place. `outlet` must be mapped. An attribute's
//! name holds only ASCII letters, digits, `_`, `-` and `.`, and one named
//! almost as a publication field (`outlett`, `titel`) is refused as a typo.
//!
//! A classification rule has `keywords`, `lists` or a `pattern` (or
//! several). A keyword matches at the start of a word, whatever its case
//! (`sondage` matches "Sondages", not "Ressondage"); a shipped list
//! `LANG.KIND` (`rules/keywords/LANG.yaml`: en, es, fr, it, pl; kinds poll,
//! exit_poll, result) stands for its keywords. A pattern may take at most
//! 1 MiB compiled and nest 64 deep.
//!
//! Loaded with a rulebook, the kinds (a kind's `value`, its `map` targets
//! and `default`, classification rules' kinds and default), channels and
//! regions (in `channel` and `region` sources) a profile gives must be the
//! rulebook's. Every problem is reported at once, each at its place, with
//! the codes `scrutin::profile::…` (docs/diagnostics.md).

mod classify;
mod keywords;
mod kind;
mod load;
mod raw;
mod sources;

pub use classify::{Classification, Classifier, Rule as ClassRule};
pub use load::{load, parse};
pub use raw::json_schema;

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
    /// Where the instant a publication stops going out is, if the source
    /// has it.
    pub end: Option<Instant>,
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
