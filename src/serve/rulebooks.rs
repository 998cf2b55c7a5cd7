//! The rulebooks a server answers with, and which one a request selects.

use std::path::Path;

use axum::http::StatusCode;

use super::answer::ApiError;
use crate::rulebook::Rulebook;
use crate::source::{SourceFile, escape_unsafe};

/// Two rulebooks given to serve with one id: the second could never be
/// selected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("two rulebooks have the id `{id}`: each must be reachable by `?rulebook=`")]
#[diagnostic(code("scrutin::serve::same-id"))]
pub struct SameId {
    /// The id, escaped: it comes from a rulebook and may reach a terminal.
    pub id: String,
}

/// The rulebooks served, by id; the first is the default.
pub struct Rulebooks {
    pub(super) rulebooks: Vec<Rulebook>,
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
                    id: escape_unsafe(&rulebook.id),
                });
            }
        }
        let rulebooks = rulebooks.into_iter().map(without_server_paths).collect();
        Ok(Rulebooks { rulebooks })
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
                "the query selects rulebook `{query}` and the body `{body}`: give one"
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
                format!("no rulebook `{id}`; served: {}", ids.join(", ")),
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
