//! Reads a source profile: its YAML (`raw`), then every part checked and
//! turned into the model, every problem collected and reported together,
//! each at the place in the YAML that causes it. The instants are checked
//! here; the fields and their sources in `sources`, the kind and its
//! classification in `kind`.

use std::path::Path;

use chrono_tz::Tz;

use super::raw::{RawInstant, RawProfile};
use super::{Format, Instant, Profile};
use crate::rulebook::schema::{Place, Text, from_file};
use crate::rulebook::{ProblemKind, Problems, Rulebook, RulebookError, read_yaml_file};
use crate::side_file::{self, SideFile};
use crate::source::{SourceFile, did_you_mean, escape_unsafe};
use crate::time::{Overlap, TimeForm, suggest_zone};

/// Reads the profile at `path`. With a rulebook, the kinds, channels and
/// regions it names must be the rulebook's.
pub fn load(path: &Path, rulebook: Option<&Rulebook>) -> Result<Profile, RulebookError> {
    let text = side_file::read(path, SideFile::Profile)
        .map_err(|reason| RulebookError::unreadable(SideFile::Profile, path, reason))?;
    parse(SourceFile::new(path.display().to_string(), text), rulebook)
}

/// Reads a profile held in memory.
pub fn parse(source: SourceFile, rulebook: Option<&Rulebook>) -> Result<Profile, RulebookError> {
    let mut problems = Problems::new();
    let file = problems.add_file(source);
    let raw: RawProfile = match from_file(file, || read_yaml_file(problems.file(file).text())) {
        Ok(raw) => raw,
        Err(error) => {
            let at = Place {
                file,
                span: error.span,
            };
            problems.add(error.kind, at, error.message, "here");
            return Err(problems.into_profile_error());
        }
    };
    let mut check = Check { problems, rulebook };
    let profile = check.profile(&raw);
    match profile {
        Some(profile) if check.problems.is_empty() => Ok(profile),
        _ => Err(check.problems.into_profile_error()),
    }
}

/// The problems found so far, and the rulebook names are checked against.
pub(super) struct Check<'r> {
    pub(super) problems: Problems,
    pub(super) rulebook: Option<&'r Rulebook>,
}

impl Check<'_> {
    /// The profile, or `None` if any part of it is wrong.
    fn profile(&mut self, raw: &RawProfile) -> Option<Profile> {
        let input = raw.input.as_ref().map(|input| self.input(input));
        let timestamp = self.instant(&raw.timestamp);
        let first_published = raw.first_published.as_ref().map(|i| self.instant(i));
        let end = raw.end.as_ref().map(|i| self.instant(i));
        let fields = self.fields(&raw.fields);
        let kind = self.kind(&raw.kind);
        if !self.problems.is_empty() {
            return None;
        }
        Some(Profile {
            // Shown in messages, which may reach a terminal.
            name: escape_unsafe(&raw.name.value),
            input: input.flatten(),
            timestamp: timestamp?,
            first_published: first_published.flatten(),
            end: end.flatten(),
            fields,
            kind: kind?,
        })
    }

    fn input(&mut self, input: &Text) -> Option<Format> {
        let format = Format::from_name(&input.value);
        if format.is_none() {
            let names = Format::ALL.map(Format::name);
            self.unknown(
                ProblemKind::ProfileUnknownInput,
                input,
                "input format",
                names.into_iter(),
            );
        }
        format
    }

    /// An instant's field and form.
    fn instant(&mut self, raw: &RawInstant) -> Option<Instant> {
        let format = &raw.format;
        let form = if let Some(form) = TimeForm::named(&format.value) {
            self.no_zone(raw);
            Some(form)
        } else if format.value.contains('%') {
            self.pattern(raw)
        } else {
            let help = match did_you_mean(&format.value, TimeForm::NAMES) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "expected {}, or a strftime pattern such as `%d/%m/%Y %H:%M`",
                    TimeForm::NAMES.join(", ")
                ),
            };
            self.problems.add_with_help(
                ProblemKind::ProfileUnknownTimeFormat,
                format.place(),
                format!("unknown time format `{}`", format.value),
                "not a format scrutin reads",
                Some(help),
            );
            None
        };
        Some(Instant {
            field: raw.field.value.clone(),
            form: form?,
        })
    }

    /// `zone` and `overlap` are for local times, which only a pattern reads.
    fn no_zone(&mut self, raw: &RawInstant) {
        for (given, name) in [(&raw.zone, "zone"), (&raw.overlap, "overlap")] {
            if let Some(given) = given {
                self.problems.add_with_help(
                    ProblemKind::ProfileZoneWithoutPattern,
                    given.place(),
                    format!(
                        "`{name}` is only for a strftime pattern, and `{}` is not one",
                        raw.format.value
                    ),
                    "not with this format",
                    Some(format!(
                        "`{}` gives every instant its offset (Unix time is UTC): remove `{name}`",
                        raw.format.value
                    )),
                );
            }
        }
    }

    /// A strftime pattern, read as local time in its zone.
    fn pattern(&mut self, raw: &RawInstant) -> Option<TimeForm> {
        let pattern = &raw.format;
        let usable = TimeForm::check_pattern(&pattern.value).map_err(|why| {
            self.problems.add_with_help(
                ProblemKind::ProfileBadTimePattern,
                pattern.place(),
                format!("the pattern `{}` cannot read an instant: {why}", pattern.value),
                "not a usable strftime pattern",
                Some("a pattern needs a date and a time of day: `%d/%m/%Y %H:%M`, `%Y-%m-%d %H:%M:%S %z`…"),
            );
        });
        let zone = match &raw.zone {
            Some(zone) => self.zone(zone),
            None => {
                self.problems.add_with_help(
                    ProblemKind::ProfilePatternWithoutZone,
                    pattern.place(),
                    "a strftime pattern needs the `zone` its local times are in",
                    "no `zone`",
                    Some("add `zone:` with an IANA name such as Europe/Paris (with `%z` in the pattern, the zone is how instants are shown)"),
                );
                None
            }
        };
        let overlap = match raw.overlap.as_ref().map(|o| (o, o.value.as_str())) {
            None => Some(Overlap::Refuse),
            Some((_, "earlier")) => Some(Overlap::Earlier),
            Some((_, "later")) => Some(Overlap::Later),
            Some((overlap, _)) => {
                self.unknown(
                    ProblemKind::ProfileUnknownOverlap,
                    overlap,
                    "overlap",
                    ["earlier", "later"].into_iter(),
                );
                None
            }
        };
        usable.ok()?;
        Some(TimeForm::Pattern {
            pattern: pattern.value.clone(),
            zone: zone?,
            overlap: overlap?,
        })
    }

    fn zone(&mut self, zone: &Text) -> Option<Tz> {
        let found = zone.value.parse::<Tz>().ok();
        if found.is_none() {
            let help = suggest_zone(&zone.value).map_or_else(
                || "zones are IANA names such as Europe/Paris or America/Cayenne".to_string(),
                |near| format!("did you mean `{near}`?"),
            );
            self.problems.add_with_help(
                ProblemKind::UnknownZone,
                zone.place(),
                format!("unknown time zone `{}`", zone.value),
                "not an IANA time zone",
                Some(help),
            );
        }
        found
    }

    /// Reports `name`, which is none of `known`, suggesting the nearest.
    pub(super) fn unknown<'a>(
        &mut self,
        kind: ProblemKind,
        name: &Text,
        what: &str,
        known: impl Iterator<Item = &'a str> + Clone,
    ) {
        let help = match did_you_mean(&name.value, known.clone()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("expected one of: {}", known.collect::<Vec<_>>().join(", ")),
        };
        self.problems.add_with_help(
            kind,
            name.place(),
            format!("unknown {what} `{}`", name.value),
            "unknown",
            Some(help),
        );
    }
}
