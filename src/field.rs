//! The fields of a publication, whatever syntax it is read from: their
//! names and what they mean. Rulebooks name them in filters; readers fill
//! them; this module, at the bottom, is what both agree on.

/// A field a log line reads by name; every other key is an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub required: bool,
    /// What it says of the publication, for people who write logs.
    pub meaning: &'static str,
}

/// The fields a publication has by name, in the order `rules vocabulary`
/// lists them.
pub const FIELDS: [Field; 10] = [
    Field::required("outlet", "who publishes it"),
    Field::required("kind", "what it is: one of the kinds"),
    Field::optional("channel", "how it goes out: one of the channels"),
    Field::optional(
        "region",
        "where it is received: one or more regions, comma-separated (default: the default region)",
    ),
    Field::optional("id", "the item's own identifier"),
    Field::optional("title", "its title"),
    Field::optional("url", "its web address"),
    Field::optional("tags", "comma-separated words a rule may test"),
    Field::optional(
        "first_published",
        "a timestamp: when this same item, unchanged, first went out",
    ),
    Field::optional(
        "end",
        "a timestamp after the line's own: when it stops going out (a broadcast segment, an ad flight)",
    ),
];

impl Field {
    const fn required(key: &'static str, meaning: &'static str) -> Field {
        Field {
            key,
            required: true,
            meaning,
        }
    }

    const fn optional(key: &'static str, meaning: &'static str) -> Field {
        Field {
            key,
            required: false,
            meaning,
        }
    }
}

/// Fields that hold lists or instants: rules test them with their own filters
/// (`regions`, `tags`) or options, or they say when a publication goes out
/// (`end`), never as attributes.
pub const LIST_FIELDS: [&str; 4] = ["region", "tags", "first_published", "end"];
