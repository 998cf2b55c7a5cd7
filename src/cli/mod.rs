//! The command line, kept apart from what it runs: `args` is what clap
//! parses, `settings` what the options come to, `commands` runs each command
//! with the library, and `error` is the one place that shows what failed.

mod args;
mod commands;
mod error;
mod settings;

pub(crate) use args::Args;
pub(crate) use error::CliError;
use scrutin::run::Status;

use args::{Command, RulesCommand};
use settings::CheckSettings;

/// Runs the command `args` ask for.
pub(crate) fn run(args: Args) -> Result<Status, CliError> {
    match args.command {
        Command::Check(args) => commands::check(&CheckSettings::from(args)),
        Command::Rules(RulesCommand::Validate { files }) => Ok(commands::validate(&files)),
        Command::Rules(RulesCommand::Show { file, format }) => commands::show(&file, format),
        Command::Rules(RulesCommand::Vocabulary { file, format }) => {
            commands::vocabulary(&file, format)
        }
        Command::Rules(RulesCommand::Schema) => Ok(commands::schema()),
        Command::Rules(RulesCommand::List) => commands::list(),
        Command::Explain {
            rule,
            rules,
            format,
        } => commands::explain(&rule, &rules, format),
        Command::Preflight(args) => commands::preflight(&args),
        Command::Convert(args) => commands::convert(&args),
        Command::Calendar {
            rules,
            regions,
            format,
            lang,
        } => commands::calendar(&rules, &regions, format, lang.into()),
        Command::Serve {
            rules,
            profiles,
            addr,
            access_log,
            max_connections,
            max_checks,
        } => {
            let config = settings::serve_config(access_log, max_connections, max_checks);
            commands::serve(&rules, &profiles, addr, &config)
        }
        Command::Completions { shell } => Ok(commands::completions(shell)),
        Command::Man { dir } => commands::man(dir.as_deref()),
    }
}
