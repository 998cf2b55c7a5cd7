//! Places: regions (and their zones), the places they cover, and groups of
//! regions; every other part names them.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::unknown;
use crate::rulebook::codes::ProblemKind;
use crate::rulebook::error::Problems;
use crate::rulebook::model::*;
use crate::rulebook::schema::*;
use crate::source::escape_unsafe;
use crate::time::suggest_zone;

/// The regions; `layer`: a layer of law above the states, which may declare
/// none (the law of a state that extends it does).
pub(super) fn regions(
    entries: &Entries<RawRegion>,
    layer: bool,
    problems: &mut Problems,
) -> Vec<Region> {
    if entries.0.is_empty() && !layer {
        problems.add(
            ProblemKind::NoRegions,
            Place::start_of(0),
            "a rulebook needs at least one region",
            "no regions",
        );
    }
    entries
        .0
        .iter()
        .map(|(id, raw)| {
            let zone = zone(&raw.zone, problems).unwrap_or(Tz::UTC);
            Region {
                id: id.value.clone(),
                name: escape_unsafe(&raw.name.value),
                zone,
                covers: raw.covers.iter().map(|place| place.value.clone()).collect(),
            }
        })
        .collect()
}

/// A covered place is a name written where a region id belongs, pointed to
/// the region that covers it: so it must not be a region id (the log would
/// mean that region) nor a group's (a group is many regions), and only one
/// region may cover it.
pub(super) fn check_covers(raw: &RawRulebook, problems: &mut Problems) {
    let mut covered_by: HashMap<&str, (&str, Place)> = HashMap::new();
    for (region, raw_region) in &raw.regions.0 {
        for covered_place in &raw_region.covers {
            let name = covered_place.value.as_str();
            let what = if raw.regions.0.iter().any(|(id, _)| id.value == name) {
                Some("region")
            } else if raw.groups.0.iter().any(|(id, _)| id.value == name) {
                Some("group")
            } else {
                None
            };
            if let Some(what) = what {
                problems.add_with_help(
                    ProblemKind::CoversARegion,
                    covered_place.place(),
                    format!(
                        "region `{}` covers `{}`, which is a {what} itself",
                        region.value, covered_place.value
                    ),
                    format!("a {what} id"),
                    Some("`covers` lists places a log may name instead of a region; remove it"),
                );
                continue;
            }
            let first =
                covered_by.insert(&covered_place.value, (&region.value, covered_place.place()));
            if let Some((first_region, first_place)) = first {
                let message = if first_region == region.value {
                    format!(
                        "region `{}` lists `{}` twice in `covers`",
                        region.value, covered_place.value
                    )
                } else {
                    format!(
                        "`{}` is covered by two regions, `{first_region}` and `{}`",
                        covered_place.value, region.value
                    )
                };
                problems.add_with_help(
                    ProblemKind::CoveredTwice,
                    covered_place.place(),
                    message,
                    format!("already covered at {}", problems.describe(first_place)),
                    Some("a place is covered by one region, the one a log should name for it"),
                );
            }
        }
    }
}

pub(super) fn lookup_region(
    regions: &[Region],
    id: &Text,
    problems: &mut Problems,
) -> Option<usize> {
    let found = regions.iter().position(|r| r.id == id.value);
    if found.is_none() {
        unknown(
            problems,
            ProblemKind::UnknownRegion,
            id,
            "region",
            regions.iter().map(|r| r.id.as_str()),
        );
    }
    found
}

pub(super) fn groups(raw: &RawRulebook, regions: &[Region], problems: &mut Problems) -> Vec<Group> {
    raw.groups
        .0
        .iter()
        .map(|(id, members)| {
            if let Some((region, _)) = raw
                .regions
                .0
                .iter()
                .find(|(region, _)| region.value == id.value)
            {
                // Report the name where it came second: files nearer the one
                // named first (lower index) extend the others.
                let (second, first) = if region.file < id.file {
                    (region, id)
                } else {
                    (id, region)
                };
                problems.add(
                    ProblemKind::RegionAndGroup,
                    second.place(),
                    format!("`{}` names both a region and a group", id.value),
                    format!("also defined at {}", problems.describe(first.place())),
                );
            }
            Group {
                id: id.value.clone(),
                regions: members
                    .iter()
                    .filter_map(|m| lookup_region(regions, m, problems))
                    .collect(),
            }
        })
        .collect()
}

/// Regions and groups, by name.
pub(super) struct Places<'a> {
    pub(super) regions: &'a [Region],
    pub(super) groups: &'a [Group],
}

impl Places<'_> {
    /// Expands region and group ids into region indices, reporting unknown ones.
    pub(super) fn expand(&self, names: &[Text], problems: &mut Problems) -> Vec<usize> {
        let mut found = Vec::new();
        for name in names {
            if let Some(region) = self.regions.iter().position(|r| r.id == name.value) {
                found.push(region);
            } else if let Some(group) = self.groups.iter().find(|g| g.id == name.value) {
                found.extend(&group.regions);
            } else {
                let known = self
                    .regions
                    .iter()
                    .map(|r| r.id.as_str())
                    .chain(self.groups.iter().map(|g| g.id.as_str()));
                unknown(
                    problems,
                    ProblemKind::UnknownRegion,
                    name,
                    "region or group",
                    known,
                );
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// An IANA zone name, read; a problem (with the nearest name) if unknown.
pub(super) fn zone(name: &Text, problems: &mut Problems) -> Option<Tz> {
    let zone = name.value.parse::<Tz>().ok();
    if zone.is_none() {
        let help = suggest_zone(&name.value).map(|z| format!("did you mean `{z}`?"));
        problems.add_with_help(
            ProblemKind::UnknownZone,
            name.place(),
            format!("unknown time zone `{}`", name.value),
            "not an IANA time zone",
            help.or(Some(
                "zones are IANA names such as Europe/Paris or America/Cayenne".into(),
            )),
        );
    }
    zone
}
