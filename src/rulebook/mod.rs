//! YAML → validated, resolved rulebook.
//!
//! `schema` mirrors the YAML and keeps spans; `expr` reads window anchors;
//! `resolve` validates everything and, with `instants` (an anchor's instant
//! in a round and region), turns anchors into UTC windows; `model` is what
//! the rest of the program uses, and `timeline` lists its windows in order.

mod codes;
mod compose;
mod error;
pub mod expr;
mod instants;
pub mod model;
mod resolve;
pub mod schema;
pub mod shipped;
mod timeline;

use std::path::{Path, PathBuf};

pub use codes::ProblemKind;
pub use error::{Problem, RulebookError};
pub use instants::wall_clock;
pub use model::*;
pub use timeline::{TimelineEntry, timeline};

use crate::side_file::{self, SideFile};
use crate::source::{LineIndex, SourceFile, Span};
pub(crate) use error::Problems;
use schema::RawRulebook;

/// How many files a rulebook may be composed from (itself and those it extends).
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// What a rulebook file must give to be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// An election, with rounds: ready to check publications.
    Election,
    /// A jurisdiction's law may have no rounds (election files give them);
    /// its windows are then not resolved.
    LawOrElection,
}

/// Reads and resolves the election rulebook at `path`, with the files it extends.
pub fn load(path: &Path) -> Result<Rulebook, RulebookError> {
    load_as(path, Expect::Election)
}

/// Reads and resolves the rulebook at `path`; when no file is there, the
/// built-in rulebook of that name (`fr/presidential-2022`, see `shipped`).
/// A real path always wins over a built-in name.
pub fn load_as(path: &Path, expect: Expect) -> Result<Rulebook, RulebookError> {
    let exists = path.try_exists().unwrap_or(true);
    if !exists && let Some(shipped) = path.to_str().and_then(shipped::by_name) {
        return load_shipped(shipped, expect);
    }
    let text = read_file(path).map_err(|reason| {
        RulebookError::unreadable(SideFile::Rulebook, path, reason)
            .with_help((!exists).then(|| no_such_rulebook(path)))
    })?;
    parse_from(
        SourceFile::new(path.display().to_string(), text),
        Origin::Disk,
        expect,
    )
}

/// Resolves a built-in rulebook, with the built-in files it extends.
pub fn load_shipped(shipped: &shipped::Shipped, expect: Expect) -> Result<Rulebook, RulebookError> {
    let source = SourceFile::new(shipped.path, shipped.text);
    parse_from(source, Origin::Shipped, expect)
}

/// Why neither a file nor a built-in rulebook answers to `path`.
fn no_such_rulebook(path: &Path) -> String {
    let name = path.to_string_lossy();
    let names = shipped::SHIPPED.iter().map(shipped::Shipped::name);
    match crate::source::did_you_mean(&name, names) {
        Some(near) => format!(
            "no file there, and no built-in rulebook of that name: did you mean `{near}`? (`scrutin rules list`)"
        ),
        None => "no file there, and no built-in rulebook of that name (`scrutin rules list`)"
            .to_string(),
    }
}

/// Resolves an election rulebook held in memory. The files it `extends` are
/// read from disk, relative to the directory of its name.
pub fn parse(source: SourceFile) -> Result<Rulebook, RulebookError> {
    parse_as(source, Expect::Election)
}

pub fn parse_as(source: SourceFile, expect: Expect) -> Result<Rulebook, RulebookError> {
    parse_from(source, Origin::Disk, expect)
}

/// Where a rulebook and the files it extends are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Disk,
    /// Built into the binary: extends only other built-in files.
    Shipped,
}

fn parse_from(
    source: SourceFile,
    origin: Origin,
    expect: Expect,
) -> Result<Rulebook, RulebookError> {
    let mut problems = Problems::new();
    let chain = read_chain(source, origin, &mut problems);
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    // A law file named where an election is needed: checked as a law, so
    // that its own problems come first, then refused with its elections.
    let mut law_file = None;
    if expect == Expect::Election && chain.iter().all(|file| file.rounds.is_none()) {
        let law = problems.file(0).name().to_string();
        let elections = elections_extending(&law, origin);
        // A file that extends nothing, or that elections extend, is a law;
        // an election file that forgot its rounds is reported as such below.
        if chain.len() == 1 || !elections.is_empty() {
            law_file = Some(RulebookError::LawFile {
                file: law,
                elections,
            });
        }
    }
    let expect = if law_file.is_some() {
        Expect::LawOrElection
    } else {
        expect
    };
    let merged = compose::merge(chain, &mut problems);
    let rulebook =
        resolve::resolve(merged, expect, &mut problems).ok_or_else(|| problems.into_error())?;
    match law_file {
        Some(error) => Err(error),
        None => Ok(rulebook),
    }
}

fn read_file(path: &Path) -> Result<String, String> {
    side_file::read(path, SideFile::Rulebook)
}

/// The rulebook and each file it extends, in that order. Problems (YAML
/// syntax, a missing file, a cycle) are reported at the `extends` that leads
/// to them.
fn read_chain(first: SourceFile, origin: Origin, problems: &mut Problems) -> Vec<RawRulebook> {
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
fn elections_extending(law: &str, origin: Origin) -> Vec<String> {
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

/// Why a YAML document of scrutin's could not be read: where, what, and in words.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub(crate) span: Span,
    pub(crate) kind: ProblemKind,
    pub(crate) message: String,
}

/// Reads a YAML document of scrutin's (a rulebook, a waiver file).
pub(crate) fn read_yaml_file<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    read_yaml(text).map_err(|e| YamlError {
        span: e
            .location()
            .map_or_else(Span::default, |l| yaml_span(text, l)),
        kind: yaml_kind(&e),
        message: yaml_message(&e),
    })
}

/// What kind of YAML problem serde-saphyr reports, by its variant: its
/// messages are for people and may change.
fn yaml_kind(error: &serde_saphyr::Error) -> ProblemKind {
    use serde_saphyr::Error;
    match error {
        Error::SerdeUnknownField { .. } => ProblemKind::UnknownField,
        Error::SerdeMissingField { .. } => ProblemKind::MissingField,
        Error::DuplicateMappingKey { .. } => ProblemKind::DuplicateKey,
        Error::Unexpected { .. }
        | Error::SerdeInvalidType { .. }
        | Error::SerdeInvalidValue { .. }
        | Error::SerdeInvalidLength { .. }
        | Error::SerdeUnknownVariant { .. }
        | Error::InvalidScalar { .. }
        | Error::InvalidBooleanStrict { .. }
        | Error::NullIntoString { .. } => ProblemKind::WrongType,
        Error::Budget { .. }
        | Error::AliasReplayCounterOverflow { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => ProblemKind::TooComplex,
        _ => ProblemKind::YamlSyntax,
    }
}

fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    // Explicit limits against alias bombs and runaway nesting; a real rulebook
    // is far below each of them.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 32;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_nodes = 2_000_000;
    budget.max_events = 4_000_000;
    budget.max_total_scalar_bytes =
        usize::try_from(side_file::MAX_SIDE_FILE_BYTES).unwrap_or(usize::MAX);
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: alias_limits,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options)
}

/// Where a YAML error is. Scanner errors know their line and column but not
/// their byte offset; the offset is then found from the line and column.
fn yaml_span(text: &str, location: serde_saphyr::Location) -> Span {
    let span = location.span();
    if let (Some(offset), Some(len)) = (span.byte_offset(), span.byte_len())
        && (offset, len) != (0, 0)
    {
        return Span::new(offset as usize, len as usize);
    }
    let line = usize::try_from(location.line()).unwrap_or(usize::MAX);
    let column = usize::try_from(location.column()).unwrap_or(usize::MAX);
    let offset = LineIndex::new(text).offset(text, line, column.saturating_sub(1));
    Span::new(offset, 0)
}

/// serde-saphyr's message without its own "at line…" suffix: the diagnostic shows the place.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let text = error.to_string();
    let text = text
        .rfind(" at line ")
        .map_or(text.as_str(), |cut| &text[..cut]);
    // Speak of the rulebook, not of the YAML library's options.
    if let Some(rest) = text.strip_prefix("duplicate mapping key: ") {
        return format!("duplicate key `{}`", rest.split(',').next().unwrap_or(rest));
    }
    if text.contains("from_str_multiple") {
        return "a rulebook is one YAML document: remove the `---` separator".to_string();
    }
    text.to_string()
}
