//! The rulebook exactly as written in YAML, every value with its span.
//!
//! Nothing here is checked beyond YAML syntax and the set of field names:
//! `resolve` turns these types into the `model`. serde-saphyr loses spans inside
//! flattened, untagged and internally tagged enums, so a rule is one flat struct
//! whose body (`window` or `requires`) is picked in `resolve`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::source::Span;

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The single place that knows serde-saphyr's span type.
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let offset = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(Located {
            value: spanned.value,
            span: Span::new(offset, len),
        })
    }
}

pub type Text = Located<String>;

/// A YAML mapping kept in the order it was written, keys spanned.
#[derive(Debug, Clone)]
pub struct Entries<T>(pub Vec<(Text, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRulebook {
    pub id: Text,
    pub title: Text,
    pub jurisdiction: Text,
    #[serde(default)]
    pub sources: Vec<RawSource>,
    /// Publication kinds, each with a description.
    pub kinds: Entries<String>,
    /// Channels (web, print, tv…), each with a description.
    pub channels: Entries<String>,
    pub regions: Entries<RawRegion>,
    pub default_region: Text,
    /// Named sets of regions, for "the last polls close in …".
    #[serde(default)]
    pub groups: Entries<Vec<Text>>,
    /// Polling hours unless a round or an override says otherwise.
    pub polls: RawPolls,
    pub rounds: Vec<RawRound>,
    pub rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub title: Text,
    pub url: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    pub name: Text,
    /// An IANA time zone, such as `Europe/Paris`.
    pub zone: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolls {
    pub open: Text,
    pub close: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRound {
    pub id: Text,
    pub name: Text,
    /// The vote date in every region that has no override.
    pub vote: Text,
    pub polls: Option<RawPolls>,
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
}

/// Regions that vote on another day or keep other hours in one round.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// Region or group ids.
    pub regions: Vec<Text>,
    pub vote: Option<Text>,
    pub open: Option<Text>,
    pub close: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Text,
    pub title: Text,
    pub severity: Text,
    pub citation: RawCitation,
    pub help: Text,
    #[serde(default)]
    pub applies_to: RawFilter,
    pub window: Option<Located<RawWindow>>,
    pub requires: Option<Vec<Text>>,
    /// With `requires`: only the first publication of the content must comply.
    pub first_publication_only: Option<Located<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCitation {
    pub article: Text,
    pub law: Text,
    pub url: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFilter {
    pub kinds: Option<Vec<Text>>,
    pub channels: Option<Vec<Text>>,
    /// Region or group ids.
    pub regions: Option<Vec<Text>>,
    pub rounds: Option<Vec<Text>>,
    pub tags: Option<Vec<Text>>,
    pub attributes: Option<Entries<Text>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub start: Text,
    pub end: Text,
    /// `round` (default): one window per round; `election`: one for the whole election.
    pub per: Option<Text>,
    /// Content first published before the window starts may stay online.
    #[serde(default)]
    pub exempt_earlier_publications: bool,
}
