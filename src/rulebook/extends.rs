//! The chain of files a rulebook is composed from: itself, the file it
//! `extends`, the file that one extends…, read from disk or from the
//! built-in rulebooks; and, for a law file, the elections that extend it.

use std::path::{Path, PathBuf};

use super::schema::{self, RawRulebook};
use super::{MAX_EXTENDS_DEPTH, Origin, ProblemKind, Problems, read_file, read_yaml_file, shipped};
use crate::source::SourceFile;

/// The rulebook and each file it extends, in that order. Problems (YAML
/// syntax, a missing file, a cycle) are reported at the `extends` that leads
/// to them.
pub(super) fn read_chain(
    first: SourceFile,
    origin: Origin,
    problems: &mut Problems,
) -> Vec<RawRulebook> {
    let mut chain = Vec::new();
    let mut visited: Vec<(PathBuf, String)> = Vec::new();
    let mut next = Some(first);
    while let Some(source) = next.take() {
        visited.push((identity(source.name(), origin), source.name().to_string()));
        let file = problems.add_file(source);
        let raw: RawRulebook =
            match schema::from_file(file, || read_yaml_file(problems.file(file).text())) {
                Ok(raw) => raw,
                Err(error) => {
                    problems.add(
                        error.kind,
                        schema::Place {
                            file,
                            span: error.span,
                        },
                        error.message,
                        "here",
                    );
                    break;
                }
            };
        if let Some(extends) = &raw.extends {
            next = extended_file(extends, origin, &visited, problems);
        }
        chain.push(raw);
    }
    chain
}

/// The path an `extends` written in the file named `from` designates.
fn extended_path(from: &str, extends: &str, origin: Origin) -> PathBuf {
    let path = Path::new(from)
        .parent()
        .unwrap_or(Path::new(""))
        .join(extends);
    match origin {
        Origin::Disk => path,
        // Built-in files are known by their paths in scrutin's repository.
        Origin::Shipped => lexically_normal(&path),
    }
}

/// `rules/fr/../uk/law.yaml` → `rules/uk/law.yaml`, without asking the disk.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// The file an `extends` names, read; `None` after reporting why it cannot be.
fn extended_file(
    extends: &schema::Text,
    origin: Origin,
    visited: &[(PathBuf, String)],
    problems: &mut Problems,
) -> Option<SourceFile> {
    let path = extended_path(problems.file(extends.file).name(), &extends.value, origin);
    if let Some(start) = visited
        .iter()
        .position(|(seen, _)| *seen == identity(&path.to_string_lossy(), origin))
    {
        let cycle: Vec<&str> = visited[start..]
            .iter()
            .map(|(_, name)| name.as_str())
            .collect();
        problems.add(
            ProblemKind::ExtendsCycle,
            extends.place(),
            format!(
                "rulebooks extend each other in a cycle: {} → {}",
                cycle.join(" → "),
                cycle[0]
            ),
            "this closes the cycle",
        );
        return None;
    }
    if visited.len() >= MAX_EXTENDS_DEPTH {
        problems.add(
            ProblemKind::ExtendsTooDeep,
            extends.place(),
            format!(
                "a rulebook may extend at most {} files in a chain",
                MAX_EXTENDS_DEPTH - 1
            ),
            "one file too many",
        );
        return None;
    }
    let text = match origin {
        Origin::Disk => read_file(&path),
        Origin::Shipped => path
            .to_str()
            .and_then(shipped::by_path)
            .map(|shipped| shipped.text.to_string())
            .ok_or_else(|| "no built-in rulebook has that path".to_string()),
    };
    match text {
        Ok(text) => Some(SourceFile::new(path.display().to_string(), text)),
        Err(reason) => {
            problems.add(
                ProblemKind::ExtendsUnreadable,
                extends.place(),
                format!("cannot read `{}`: {reason}", path.display()),
                "extended here",
            );
            None
        }
    }
}

/// The election files that extend the law file `law`: its neighbours on
/// disk, or the built-in files beside it. Sorted; unreadable ones skipped.
pub(super) fn elections_extending(law: &str, origin: Origin) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Extends {
        extends: Option<String>,
    }
    let extends_law = |name: &str, text: &str| {
        read_yaml_file::<Extends>(text)
            .ok()
            .and_then(|file| file.extends)
            .is_some_and(|extends| {
                identity(
                    &extended_path(name, &extends, origin).to_string_lossy(),
                    origin,
                ) == identity(law, origin)
            })
    };
    let mut elections: Vec<String> = match origin {
        Origin::Shipped => shipped::SHIPPED
            .iter()
            .filter(|shipped| extends_law(shipped.path, shipped.text))
            .map(|shipped| shipped.path.to_string())
            .collect(),
        Origin::Disk => {
            let dir = Path::new(law).parent().unwrap_or(Path::new(""));
            let listing = if dir.as_os_str().is_empty() {
                std::fs::read_dir(".")
            } else {
                std::fs::read_dir(dir)
            };
            listing
                .into_iter()
                .flatten()
                .filter_map(|entry| {
                    let name = dir.join(entry.ok()?.file_name());
                    let is_yaml = name.extension().is_some_and(|e| e == "yaml" || e == "yml");
                    let name = name.to_str()?.to_string();
                    let text = read_file(Path::new(&name)).ok().filter(|_| is_yaml)?;
                    extends_law(&name, &text).then_some(name)
                })
                .collect()
        }
    };
    elections.sort();
    elections
}

/// A file's identity for cycle detection: its canonical path when it exists
/// on disk; a built-in file's path is already normal.
fn identity(name: &str, origin: Origin) -> PathBuf {
    match origin {
        Origin::Disk => std::fs::canonicalize(name).unwrap_or_else(|_| PathBuf::from(name)),
        Origin::Shipped => PathBuf::from(name),
    }
}
