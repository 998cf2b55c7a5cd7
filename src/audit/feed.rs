//! A feed (RSS, Atom) or a sitemap through reader → checker → report: one
//! item at a time, on the calling thread. Feeds are small, and an XML
//! document is one tree that cannot be cut into pieces as lines can; the
//! reader streams it, so memory is bounded by the largest item.

use std::io::{self, BufRead};

use super::FileAudit;
use crate::check::Checker;
use crate::publication::feed::{FeedReader, FeedRecord};
use crate::publication::mapped::Mapper;
use crate::publication::{Format, Profile};

/// Reads every item of `input` (a feed in `format`) through `profile`,
/// checks it, and hands it to `audit` with the line it starts on.
pub(super) fn audit_feed(
    checker: &Checker,
    format: Format,
    profile: &Profile,
    mut audit: FileAudit,
    input: impl BufRead,
    every_publication: bool,
) -> io::Result<()> {
    let mut mapper = Mapper::new(checker.rulebook(), profile);
    let mut reader = FeedReader::new(input, format);
    let (mut candidates, mut findings) = (Vec::new(), Vec::new());
    let mut contributions = Vec::new();
    while let Some(record) = reader.next() {
        if audit.must_stop() {
            return Ok(());
        }
        match record {
            FeedRecord::Item(item) => {
                audit.at_place(item.line, item.column);
                match mapper.read(&item.text, &item) {
                    Err(error) => audit.invalid(&item.text, &error)?,
                    Ok(publication) => {
                        checker.check_into(&publication, &mut candidates, &mut findings);
                        checker.contributions(&publication, &mut contributions);
                        if !findings.is_empty() || every_publication {
                            let findings = std::mem::take(&mut findings);
                            audit.checked(&publication, findings, &contributions)?;
                        } else if contributions.is_empty() {
                            audit.clean(1, 0, 0)?;
                        } else {
                            audit.counted(0, &contributions)?;
                        }
                    }
                }
            }
            FeedRecord::Invalid {
                text,
                line,
                column,
                error,
            } => {
                audit.at_place(line, column);
                audit.invalid(&text, &error)?;
            }
            FeedRecord::Unreadable { reason } => {
                let records = audit.lines();
                return audit.unreadable(records, &io::Error::other(reason));
            }
        }
    }
    audit.end()
}
