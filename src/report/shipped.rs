//! The rulebooks built into scrutin (`rules list`), one line each.

use std::io::{self, Write};

use crate::rulebook::{self, Expect, shipped::SHIPPED};

/// `fr/presidential-2022  election  Élection présidentielle 2022`, for every
/// built-in file; a file that does not load says why instead of a title.
pub fn list_text(out: &mut dyn Write) -> io::Result<()> {
    let width = SHIPPED.iter().map(|s| s.name().len()).max().unwrap_or(0);
    for shipped in SHIPPED {
        let (what, title) = match rulebook::load_shipped(shipped, Expect::LawOrElection) {
            Ok(rulebook) if rulebook.rounds.is_empty() => ("law", rulebook.title),
            Ok(rulebook) => ("election", rulebook.title),
            Err(error) => ("invalid", error.to_string()),
        };
        writeln!(out, "{:width$}  {what:8}  {title}", shipped.name())?;
    }
    writeln!(
        out,
        "\nGive a name to --rules (`--rules fr/presidential-2022`): the copy built into\n\
         scrutin is used, unless a file of that path exists, which always wins."
    )
}
