//! The `fields` of a profile: which publication field or attribute each
//! entry fills, and where its value comes from (a field of the record, or a
//! value); and the kinds, channels and regions they give, which must be the
//! rulebook's.

use super::load::Check;
use super::raw::RawSource;
use super::{From, Mapping};
use crate::field::FIELDS;
use crate::publication::list;
use crate::rulebook::schema::{Entries, Place, Text};
use crate::rulebook::{ProblemKind, Rulebook};
use crate::source::did_you_mean;

/// Names under `fields` that the profile gives in a place of their own.
const RESERVED: [(&str, &str); 4] = [
    (
        "kind",
        "a record's kind is given by the profile's own `kind:` (a field, a value, or classification)",
    ),
    (
        "timestamp",
        "the instant is given by the profile's own `timestamp:` (a field and its format)",
    ),
    (
        "first_published",
        "give it as the profile's own `first_published:` (a field and its format), beside `timestamp:`",
    ),
    (
        "end",
        "give it as the profile's own `end:` (a field and its format), beside `timestamp:`",
    ),
];

impl Check<'_> {
    /// Every entry of `fields` that is sound, in the order written.
    pub(super) fn fields(&mut self, fields: &Entries<RawSource>) -> Vec<Mapping> {
        let mut mappings = Vec::new();
        for (target, source) in &fields.0 {
            let sound = self.target(target);
            if let Some(from) = self.source(&target.value, source, target.place())
                && sound
            {
                mappings.push(Mapping {
                    target: target.value.clone(),
                    from,
                });
            }
        }
        if !fields.0.iter().any(|(target, _)| target.value == "outlet") {
            self.problems.add_with_help(
                ProblemKind::ProfileNoOutlet,
                Place::start_of(0),
                "this profile does not say where a publication's `outlet` comes from",
                "no `outlet` under `fields`",
                Some("every publication has an outlet: add `outlet: { field: … }` under `fields`, or `outlet: { value: example.org }` for a source of one outlet"),
            );
        }
        mappings
    }

    /// Is `target` a name a profile may fill: a publication field other
    /// than those given apart, or an attribute a log line could write?
    fn target(&mut self, target: &Text) -> bool {
        let name = target.value.as_str();
        if let Some((_, help)) = RESERVED.iter().find(|(reserved, _)| *reserved == name) {
            self.problems.add_with_help(
                ProblemKind::ProfileReservedField,
                target.place(),
                format!("`{name}` cannot be under `fields`"),
                "given apart",
                Some(*help),
            );
            return false;
        }
        if FIELDS.iter().any(|field| field.key == name) {
            return true;
        }
        let is_key = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if name.is_empty() || !name.chars().all(is_key) {
            self.problems.add_with_help(
                ProblemKind::ProfileBadAttributeKey,
                target.place(),
                format!("`{name}` cannot be an attribute's name"),
                "not a key",
                Some("an attribute's name holds only ASCII letters, digits, `_`, `-` and `.`, as a log line's key does"),
            );
            return false;
        }
        if let Some(near) = misspelt_field(name) {
            self.problems.add_with_help(
                ProblemKind::ProfileMisspeltField,
                target.place(),
                format!("`{name}` is not a publication field: did you mean `{near}`?"),
                "a misspelt field?",
                Some(format!("an attribute named this close to the field `{near}` is taken for a typo of it; if it is an attribute, name it otherwise")),
            );
            return false;
        }
        true
    }

    /// Where `target`'s value comes from, written at `at`.
    pub(super) fn source(&mut self, target: &str, raw: &RawSource, at: Place) -> Option<From> {
        match (&raw.field, &raw.value) {
            (Some(_), Some(value)) => {
                self.problems.add_with_help(
                    ProblemKind::ProfileFieldOrValue,
                    value.place(),
                    format!("`{target}` has both a `field` and a `value`"),
                    "and a `field`",
                    Some("a value is read from the record's `field`, or is one `value` for every record: keep one"),
                );
                None
            }
            (None, None) => {
                self.problems.add_with_help(
                    ProblemKind::ProfileFieldOrValue,
                    at,
                    format!("`{target}` has neither a `field` nor a `value`"),
                    "from where?",
                    Some("write `{ field: … }` to read it from each record, or `{ value: … }` for one value in every record"),
                );
                None
            }
            (None, Some(value)) => {
                for (option, place) in options(raw) {
                    self.problems.add_with_help(
                        ProblemKind::ProfileMisplacedOption,
                        place,
                        format!("`{option}` has no effect with a `value`"),
                        "with a `value`",
                        Some("`map`, `default` and `optional` are for a value read from a `field`: remove it"),
                    );
                }
                self.terms(target, value);
                Some(From::Value(value.value.clone()))
            }
            (Some(field), None) => Some(self.field(target, field, raw)),
        }
    }

    /// A value read from the record's `field`.
    fn field(&mut self, target: &str, field: &Text, raw: &RawSource) -> From {
        let optional = raw.optional.as_ref().is_some_and(|o| o.value);
        if let (Some(flag), Some(_)) = (raw.optional.as_ref().filter(|o| o.value), &raw.default) {
            self.problems.add_with_help(
                ProblemKind::ProfileMisplacedOption,
                flag.place(),
                "`optional` has no effect with a `default`",
                "with a `default`",
                Some("a record without the field takes the default: remove `optional`"),
            );
        }
        let mut map = Vec::new();
        for (from, to) in raw.map.iter().flat_map(|m| &m.value.0) {
            self.terms(target, to);
            map.push((from.value.clone(), to.value.clone()));
        }
        if let Some(default) = &raw.default {
            self.terms(target, default);
        }
        From::Field {
            field: field.value.clone(),
            map,
            default: raw.default.as_ref().map(|d| d.value.clone()),
            optional,
        }
    }

    /// Checks that a value given for `target` (a kind, a channel, regions)
    /// is the rulebook's, when there is one.
    pub(super) fn terms(&mut self, target: &str, value: &Text) {
        let Some(rulebook) = self.rulebook else {
            return;
        };
        match target {
            "kind" if !rulebook.is_kind(&value.value) => {
                let kinds = rulebook.kinds.iter().map(|k| k.id.as_str());
                self.undeclared(ProblemKind::UnknownKind, value, "kind", kinds);
            }
            "channel" if !rulebook.is_channel(&value.value) => {
                let channels = rulebook.channels.iter().map(|c| c.id.as_str());
                self.undeclared(ProblemKind::UnknownChannel, value, "channel", channels);
            }
            "region" => self.regions(rulebook, value),
            _ => {}
        }
    }

    /// A region, or regions separated by commas, as a log writes them.
    fn regions(&mut self, rulebook: &Rulebook, value: &Text) {
        for (id, _) in list(&value.value) {
            if rulebook.region_index(id).is_none() {
                self.problems.add_with_help(
                    ProblemKind::UnknownRegion,
                    value.place(),
                    format!("unknown region `{id}`"),
                    "not in the rulebook",
                    Some(rulebook.region_hint(id)),
                );
            }
        }
    }

    fn undeclared<'a>(
        &mut self,
        kind: ProblemKind,
        value: &Text,
        what: &str,
        declared: impl Iterator<Item = &'a str> + Clone,
    ) {
        let list = declared.clone().collect::<Vec<_>>().join(", ");
        let help = match did_you_mean(&value.value, declared) {
            Some(near) => format!("did you mean `{near}`? the rulebook declares: {list}"),
            None => format!("the rulebook declares: {list}"),
        };
        self.problems.add_with_help(
            kind,
            value.place(),
            format!("unknown {what} `{}`", value.value),
            "not in the rulebook",
            Some(help),
        );
    }
}

/// The options of a source that only a `field` takes, where written.
pub(super) fn options(raw: &RawSource) -> Vec<(&'static str, Place)> {
    let mut given = Vec::new();
    if let Some(map) = &raw.map {
        given.push(("map", map.place()));
    }
    if let Some(default) = &raw.default {
        given.push(("default", default.place()));
    }
    if let Some(optional) = &raw.optional {
        given.push(("optional", optional.place()));
    }
    given
}

/// The publication field `name` looks like a typo of: close by the usual
/// measure of "did you mean", and at most two edits away, so that a real
/// attribute such as `subtitle` is not taken for `title`.
fn misspelt_field(name: &str) -> Option<&'static str> {
    let fields = FIELDS
        .iter()
        .map(|field| field.key)
        .filter(|key| !RESERVED.iter().any(|(reserved, _)| reserved == key));
    let near = did_you_mean(name, fields)?;
    (strsim::damerau_levenshtein(name, near) <= 2).then_some(near)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_of_fields_are_typos_and_other_names_attributes() {
        for (name, near) in [
            ("outlett", "outlet"),
            ("titel", "title"),
            ("regions", "region"),
            ("tag", "tags"),
            ("chanel", "channel"),
            ("Outlet", "outlet"),
            ("urls", "url"),
        ] {
            assert_eq!(misspelt_field(name), Some(near), "{name}");
        }
        for name in [
            "subtitle", "sponsor", "pollster", "author", "pid", "kinds", "section",
        ] {
            assert_eq!(misspelt_field(name), None, "{name}");
        }
    }
}
