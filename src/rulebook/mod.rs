//! YAML → validated, resolved rulebook.
//!
//! `schema` mirrors the YAML and keeps spans; `expr` reads window anchors;
//! `resolve` validates everything and, with `instants` (an anchor's instant
//! in a round and region), turns anchors into UTC windows; `model` is what
//! the rest of the program uses, and `timeline` lists its windows in order.
//! `extends` reads the chain of files a rulebook is composed from, and
//! `compose` merges them; `yaml` reads each file's YAML, with its limits.

mod codes;
mod compose;
mod error;
pub mod expr;
mod extends;
mod instants;
pub mod model;
mod resolve;
pub mod schema;
pub mod shipped;
mod timeline;
mod yaml;

use std::path::Path;

pub use codes::ProblemKind;
pub use error::{Problem, RulebookError};
pub use instants::wall_clock;
pub use model::*;
pub use timeline::{TimelineEntry, timeline};

use crate::side_file::{self, SideFile};
use crate::source::SourceFile;
pub(crate) use error::Problems;
use extends::{elections_extending, read_chain};
pub(crate) use yaml::read_yaml_file;

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
