//! What the integration tests share: how a run of scrutin is shown in a
//! snapshot.

use std::path::Path;
use std::process::Output;

/// A run as its snapshot pins it, as tests/docs.rs pins the documented
/// commands: the command line (control characters escaped, so that a
/// snapshot holds none), standard input if any, the exit code, standard
/// output and standard error whole. `scratch`, a test's own folder, is shown
/// as `[scratch]`.
pub(crate) fn shown(args: &[&str], stdin: &str, output: &Output, scratch: Option<&Path>) -> String {
    let text = |text: &str| match scratch {
        Some(dir) => text.replace(&dir.display().to_string(), "[scratch]"),
        None => text.to_string(),
    };
    let command: Vec<String> = args.iter().map(|a| a.escape_debug().to_string()).collect();
    let stdin = match stdin {
        "" => String::new(),
        stdin => format!("--- stdin\n{stdin}"),
    };
    let code = output
        .status
        .code()
        .map_or("none".to_string(), |c| c.to_string());
    format!(
        "$ scrutin {}\n{stdin}exit: {code}\n--- stdout\n{}\n--- stderr\n{}",
        text(&command.join(" ")),
        text(&String::from_utf8_lossy(&output.stdout)),
        text(&String::from_utf8_lossy(&output.stderr))
    )
}
