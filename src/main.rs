//! The `scrutin` command: arguments in, library calls, exit code out.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use scrutin::run::Status;

/// Exit codes, as CI systems read them.
mod exit {
    /// Everything was checked; no finding at or above --fail-on.
    pub(crate) const CLEAN: u8 = 0;
    /// Findings at or above --fail-on.
    pub(crate) const FINDINGS: u8 = 1;
    /// The job could not be done completely: bad rulebook, unreadable file, invalid line.
    pub(crate) const INCOMPLETE: u8 = 2;
}

fn main() -> ExitCode {
    let args = cli::Args::parse();
    ExitCode::from(match cli::run(args) {
        Ok(Status::Clean) => exit::CLEAN,
        Ok(Status::Findings) => exit::FINDINGS,
        Ok(Status::Incomplete) => exit::INCOMPLETE,
        // `scrutin check … | head`: the reader left. Stop quietly, but not with
        // 0: the lines after it were never checked.
        Err(error) if error.is_broken_pipe() => exit::INCOMPLETE,
        Err(error) => {
            error.show();
            exit::INCOMPLETE
        }
    })
}
