//! The rulebooks a server answers with, and which one a request selects.

use std::path::Path;

use axum::http::StatusCode;

use super::answer::ApiError;
use crate::publication::{Format, Profile};
use crate::rulebook::Rulebook;
use crate::source::{SourceFile, escape_unsafe};

/// Two rulebooks given to serve with one id, or two profiles with one
/// name: the second could never be selected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("two {what} `{id}`: each must be reachable by `?{parameter}=`")]
#[diagnostic(code("scrutin::serve::same-id"))]
pub struct SameId {
    /// What has it twice: "rulebooks have the id", "profiles have the name".
    pub what: &'static str,
    /// The id, escaped: it comes from a rulebook and may reach a terminal.
    pub id: String,
    /// The query parameter that selects one.
    pub parameter: &'static str,
}

/// The rulebooks served, by id; the first is the default. And the source
/// profiles `/v1/check` may read a body through, by name.
pub struct Rulebooks {
    pub(super) rulebooks: Vec<Rulebook>,
    pub(super) profiles: Vec<Profile>,
}

impl Rulebooks {
    /// The rulebooks to serve; two with one id would leave the second
    /// unreachable, so that is refused with the id.
    pub fn new(rulebooks: Vec<Rulebook>) -> Result<Self, SameId> {
        for (n, rulebook) in rulebooks.iter().enumerate() {
            if rulebooks[..n]
                .iter()
                .any(|earlier| earlier.id == rulebook.id)
            {
                return Err(SameId {
                    what: "rulebooks have the id",
                    id: escape_unsafe(&rulebook.id),
                    parameter: "rulebook",
                });
            }
        }
        let rulebooks = rulebooks.into_iter().map(without_server_paths).collect();
        Ok(Rulebooks {
            rulebooks,
            profiles: Vec::new(),
        })
    }

    /// Serves `profiles` too, by name; two with one name would leave the
    /// second unreachable, so that is refused with the name.
    pub fn with_profiles(mut self, profiles: Vec<Profile>) -> Result<Self, SameId> {
        for (n, profile) in profiles.iter().enumerate() {
            if profiles[..n]
                .iter()
                .any(|earlier| earlier.name == profile.name)
            {
                return Err(SameId {
                    what: "profiles have the name",
                    id: escape_unsafe(&profile.name),
                    parameter: "profile",
                });
            }
        }
        self.profiles = profiles;
        Ok(self)
    }

    /// The profile `name`d, if a name is given: a 400 if none has it.
    pub(super) fn named_profile(&self, name: Option<&str>) -> Result<Option<&Profile>, ApiError> {
        let Some(name) = name else {
            return Ok(None);
        };
        match self.profiles.iter().find(|p| p.name == name) {
            Some(profile) => Ok(Some(profile)),
            None => Err(ApiError::bad_request(format!(
                "no profile `{}`; {}",
                escape_unsafe(name),
                self.profile_names()
            ))),
        }
    }

    /// The names of the profiles served, for a message.
    fn profile_names(&self) -> String {
        let names: Vec<&str> = self.profiles.iter().map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            "none is loaded (scrutin serve --profile FILE)".to_string()
        } else {
            format!("loaded: {}", names.join(", "))
        }
    }

    /// The profile to read a body in `format` through: the one `name`d, or
    /// the one loaded for that format when there is only one; none for a
    /// log. Its index, or the 400 that says what to give.
    pub(super) fn profile(
        &self,
        format: Format,
        name: Option<&str>,
    ) -> Result<Option<usize>, ApiError> {
        if !format.needs_profile() {
            // A profile named for a log is a mistake the client must fix.
            if let Some(name) = name {
                return Err(ApiError::bad_request(format!(
                    "the body is read as a log, which takes no profile; `{}` is for another format: give ?input=",
                    escape_unsafe(name)
                )));
            }
            return Ok(None);
        }
        let names = || self.profile_names();
        let fits = |p: &Profile| p.input.is_none_or(|input| input == format);
        let index = match name {
            Some(name) => self
                .profiles
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "no profile `{}`; {}",
                        escape_unsafe(name),
                        names()
                    ))
                })?,
            None => {
                let mut fitting = self.profiles.iter().enumerate().filter(|(_, p)| fits(p));
                match (fitting.next(), fitting.next()) {
                    (Some((index, _)), None) => index,
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "a body read as {} needs a profile: give ?profile=NAME; {}",
                            format.name(),
                            names()
                        )));
                    }
                }
            }
        };
        let profile = &self.profiles[index];
        if !fits(profile) {
            return Err(ApiError::bad_request(format!(
                "profile `{}` is written for {}, but the body is read as {}",
                escape_unsafe(&profile.name),
                profile.input.map_or("", Format::name),
                format.name()
            )));
        }
        Ok(Some(index))
    }

    /// The rulebook a request selects: by `?rulebook=ID` in the query, or a
    /// `rulebook` field in a JSON body; by neither, the first served. Both
    /// given and different is a mistake the request must fix (400), not a
    /// choice the server makes for it.
    pub(super) fn select(
        &self,
        query: Option<&str>,
        body: Option<&str>,
    ) -> Result<&Rulebook, ApiError> {
        match (query, body) {
            (Some(query), Some(body)) if query != body => Err(ApiError::bad_request(format!(
                "the query selects rulebook `{}` and the body `{}`: give one",
                escape_unsafe(query),
                escape_unsafe(body)
            ))),
            (query, body) => self.get(query.or(body)),
        }
    }

    pub(super) fn get(&self, id: Option<&str>) -> Result<&Rulebook, ApiError> {
        let Some(id) = id else {
            return self
                .rulebooks
                .first()
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no rulebook is served"));
        };
        self.rulebooks.iter().find(|r| r.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.rulebooks.iter().map(|r| r.id.as_str()).collect();
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "no rulebook `{}`; served: {}",
                    escape_unsafe(id),
                    ids.join(", ")
                ),
            )
        })
    }
}

/// The rulebook with its files named as a client may see them: a rulebook
/// served by absolute path (`/srv/…/presidential-2017.yaml`) would tell
/// every client where the server keeps its files. The file loaded is named
/// by its file name, the files it extends relative to its folder; a relative
/// path or a built-in name is kept as given, unless it climbs out (`..`).
fn without_server_paths(mut rulebook: Rulebook) -> Rulebook {
    let Some(loaded) = rulebook.files.first().map(|f| f.name().to_string()) else {
        return rulebook;
    };
    let folder = Path::new(&loaded).parent().unwrap_or(Path::new(""));
    for (n, file) in rulebook.files.iter_mut().enumerate() {
        let path = Path::new(file.name());
        let reveals = path.is_absolute() || path.starts_with("..");
        if !reveals {
            continue;
        }
        let shown = match path.strip_prefix(folder) {
            Ok(inside) if n > 0 && !folder.as_os_str().is_empty() => inside,
            _ => Path::new(path.file_name().unwrap_or_default()),
        };
        *file = SourceFile::new(shown.display().to_string(), file.text().to_string());
    }
    rulebook
}
