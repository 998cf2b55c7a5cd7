//! Documentation that cannot lie: every fenced block of README.md,
//! rules/README.md and docs/*.md is run or validated, by its language.
//!
//! - `sh` (or `bash`; `console`: its `$ ` lines): each `scrutin …` command runs against the
//!   built binary from the repository root (`cargo run --release --` is the
//!   same binary). Its exit code, standard output and standard error are
//!   pinned in a snapshot, `tests/snapshots/docs__<doc>--<command>.snap`; long
//!   outputs by their first lines, their length and a digest. A comment
//!   saying `exit N` after a command is checked too. `>` captures standard
//!   output (the file is never written), `<` feeds standard input, `dir/*.log`
//!   is expanded. Any other command must be in a block marked `skip`.
//! - `yaml`: a rulebook (it has `id`, `rules` or `extends`; a first line
//!   `# rules/…/name.yaml` says where it lives, for `extends`) must load; a
//!   waiver file (`waivers:`) and a source profile (`timestamp:` and `kind:`)
//!   must load against rules/fr/presidential-2017.yaml.
//!   Anything else must be marked.
//! - every other language (`text`, `json`) is prose and is not run; a fence
//!   without a language is refused.
//!
//! Markers, an HTML comment on the line before the fence:
//! - `<!-- doc-test: skip (why) -->`: not run; listed in `docs__skipped.snap`;
//! - `<!-- doc-test: newsroom -->`: run in a directory that holds only
//!   `schedule/week.log` (a repository like docs/ci.md's);
//! - `<!-- doc-test: workflow -->`: YAML of a CI system; its `run:` and
//!   `entry:` scrutin commands run as in a newsroom (pre-commit's `entry:` gets
//!   the schedule's files, as pre-commit passes them);
//! - `<!-- doc-test: fragment (why) -->`: YAML that is part of a file, parsed
//!   as YAML only;
//! - `<!-- doc-test: output of COMMAND -->`: a block of output shown in the
//!   docs; COMMAND runs, and the block must appear in its standard output,
//!   line for line (trailing blanks aside).
//!
//! After a deliberate change to a command or its output:
//! `INSTA_UPDATE=always cargo test --test docs`, read the new snapshots, and
//! delete the ones this test reports as stale.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scrutin::rulebook::{self, Expect};
use scrutin::source::SourceFile;

/// The documents whose blocks are tested, from the repository root.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![PathBuf::from("README.md"), PathBuf::from("rules/README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir("docs")
        .expect("docs/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// What the line before a fence says about its block.
#[derive(Debug, Clone, PartialEq)]
enum Marker {
    None,
    Skip(String),
    Newsroom,
    Workflow,
    Fragment,
    /// The block is (part of) what this command prints.
    Output(String),
}

struct Block {
    doc: String,
    line: usize,
    language: String,
    marker: Marker,
    body: String,
}

fn blocks(doc: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(doc).expect("a document");
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some(language) = lines[index].strip_prefix("```") else {
            index += 1;
            continue;
        };
        let start = index;
        let end = (start + 1..lines.len())
            .find(|&i| lines[i].starts_with("```"))
            .unwrap_or_else(|| panic!("{}:{}: unclosed fence", doc.display(), start + 1));
        found.push(Block {
            doc: doc.display().to_string(),
            line: start + 1,
            language: language.trim().to_string(),
            marker: marker(start.checked_sub(1).map(|i| lines[i])),
            body: lines[start + 1..end].join("\n"),
        });
        index = end + 1;
    }
    found
}

fn marker(line: Option<&str>) -> Marker {
    let Some(rest) = line
        .and_then(|l| l.trim().strip_prefix("<!-- doc-test:"))
        .and_then(|l| l.strip_suffix("-->"))
    else {
        return Marker::None;
    };
    let rest = rest.trim();
    let (word, why) = rest.split_once(' ').unwrap_or((rest, ""));
    match word {
        "skip" => Marker::Skip(why.trim().to_string()),
        "newsroom" => Marker::Newsroom,
        "workflow" => Marker::Workflow,
        "fragment" => Marker::Fragment,
        "output" => Marker::Output(why.trim().trim_start_matches("of ").to_string()),
        other => panic!("unknown doc-test marker `{other}`"),
    }
}

/// A command line, split like a shell would, with its redirections and the
/// exit code its comment promises.
#[derive(Debug)]
struct Invocation {
    text: String,
    args: Vec<String>,
    stdin: Option<String>,
    promised_exit: Option<i32>,
}

/// Splits `line` into words: quotes, backslashes, `#` comments, `<` and `>`.
fn shell_words(line: &str) -> (Vec<String>, String) {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\')) => {
                            w.extend(chars.next());
                        }
                        _ => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '#' if word.is_none() => return (words, chars.collect()),
            '<' | '>' => {
                words.extend(word.take());
                words.push(c.to_string());
            }
            c if c.is_whitespace() => words.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    (words, String::new())
}

/// The command of one logical line, if it is scrutin's.
fn invocation(line: &str) -> Result<Option<Invocation>, String> {
    let (words, comment) = shell_words(line);
    if words.is_empty() {
        return Ok(None);
    }
    let text = line
        .split(" #")
        .next()
        .unwrap_or(line)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let program = ["cargo", "run", "--release", "--"];
    let args: Vec<String> = if words[0] == "scrutin" {
        words[1..].to_vec()
    } else if words.len() > 4 && words[..4] == program {
        words[4..].to_vec()
    } else {
        return Err(format!("`{text}` is not a scrutin command"));
    };
    let mut kept = Vec::new();
    let mut stdin = None;
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            ">" => {
                iter.next();
            }
            "<" => stdin = iter.next(),
            _ => kept.push(arg),
        }
    }
    let promised_exit = comment
        .split("exit ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|code| code.parse().ok());
    Ok(Some(Invocation {
        text,
        args: kept,
        stdin,
        promised_exit,
    }))
}

/// The logical lines of a shell block: continuations joined, comments dropped.
fn logical_lines(body: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        if let Some(start) = line.strip_suffix('\\') {
            current.push_str(start);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let trimmed = current.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            lines.push(trimmed.to_string());
        }
        current.clear();
    }
    lines
}

/// A directory like a newsroom's repository: its schedule, nothing else.
struct Newsroom(PathBuf);

impl Newsroom {
    fn new() -> Newsroom {
        let dir = std::env::temp_dir().join(format!("scrutin-docs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schedule")).expect("a temporary directory");
        std::fs::copy(
            "samples/presidential-2022-round1-weekend.log",
            dir.join("schedule/week.log"),
        )
        .expect("the sample schedule");
        Newsroom(dir)
    }
}

impl Drop for Newsroom {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `dir/*.log` → the matching files, sorted (left as written when none match).
fn expand(arg: &str, cwd: &Path) -> Vec<String> {
    let Some((before, after)) = arg.split_once('*') else {
        return vec![arg.to_string()];
    };
    let (dir, prefix) = before.rsplit_once('/').unwrap_or(("", before));
    let listing = std::fs::read_dir(cwd.join(dir)).into_iter().flatten();
    let mut matches: Vec<String> = listing
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(prefix) && name.ends_with(after))
        .map(|name| {
            if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            }
        })
        .collect();
    matches.sort();
    if matches.is_empty() {
        vec![arg.to_string()]
    } else {
        matches
    }
}

/// Output longer than this is pinned by its head, length and digest.
const SHOWN_LINES: usize = 40;

fn pinned(output: &[u8], cwd: &Path) -> String {
    let text = String::from_utf8_lossy(output)
        .replace(&cwd.display().to_string(), "[newsroom]")
        .lines()
        // When a calendar was made: the only part that changes between runs.
        .map(|line| match line.strip_prefix("DTSTAMP:") {
            Some(_) => "DTSTAMP:[now]".to_string(),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= SHOWN_LINES {
        return text;
    }
    format!(
        "{}\n[… {} lines in all, {} bytes, digest {:016x}]",
        lines[..SHOWN_LINES / 2].join("\n"),
        lines.len(),
        text.len(),
        fnv1a(text.as_bytes())
    )
}

/// FNV-1a: a digest to notice a change, not a cryptographic hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn run(invocation: &Invocation, cwd: &Path) -> (i32, String) {
    let args: Vec<String> = invocation
        .args
        .iter()
        .flat_map(|arg| expand(arg, cwd))
        .collect();
    let stdin = match &invocation.stdin {
        Some(file) => Stdio::from(std::fs::File::open(cwd.join(file)).expect("stdin file")),
        None => Stdio::null(),
    };
    let output = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args(&args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(stdin)
        .output()
        .expect("scrutin runs");
    let code = output.status.code().unwrap_or(-1);
    let shown = format!(
        "$ {}\nexit: {code}\n--- stdout\n{}\n--- stderr\n{}",
        invocation.text,
        pinned(&output.stdout, cwd),
        pinned(&output.stderr, cwd)
    );
    (code, shown)
}

/// Does `command` print `shown`, as consecutive lines of its standard output?
fn shows_output(command: &str, shown: &str, cwd: &Path) -> Result<(), String> {
    let invocation = invocation(command)?.ok_or("an empty command")?;
    let output = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args(&invocation.args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    let trimmed =
        |text: &str| -> Vec<String> { text.lines().map(|l| l.trim_end().to_string()).collect() };
    let printed = trimmed(&String::from_utf8_lossy(&output.stdout));
    let shown = trimmed(shown);
    if printed.windows(shown.len()).any(|w| w == shown.as_slice()) {
        Ok(())
    } else {
        Err(format!(
            "`{command}` does not print this block; it prints:\n{}",
            printed.join("\n")
        ))
    }
}

/// `README--scrutin-check-rules-…`: the doc and the command, as a file name.
fn snapshot_name(doc: &str, command: &str) -> String {
    let slug = |text: &str| {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    };
    let doc = slug(doc.trim_end_matches(".md"));
    let command = slug(command);
    if command.len() <= 90 {
        format!("{doc}--{command}")
    } else {
        // The slug is ASCII: any byte is a character boundary.
        format!(
            "{doc}--{}-{:08x}",
            &command[..80],
            fnv1a(command.as_bytes()) as u32
        )
    }
}

/// The scrutin commands of a CI workflow or pre-commit configuration.
fn workflow_commands(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|line| {
            let line = line.trim().trim_start_matches("- ");
            if let Some(run) = line.strip_prefix("run: ") {
                return Some(run.to_string());
            }
            // pre-commit runs `entry` with the matching files added.
            line.strip_prefix("entry: ")
                .map(|entry| format!("{entry} schedule/*.log"))
        })
        .filter(|command| command.starts_with("scrutin "))
        .collect()
}

/// A rulebook error as scrutin draws it.
fn rendered(error: &rulebook::RulebookError) -> String {
    let mut text = String::new();
    match scrutin::report::graphical_handler(false).render_report(&mut text, error) {
        Ok(()) => text,
        Err(_) => error.to_string(),
    }
}

/// Checks a YAML block by its kind; `Err` says why it is wrong.
fn check_yaml(block: &Block) -> Result<(), String> {
    let value: serde_json::Value =
        serde_saphyr::from_str(&block.body).map_err(|e| format!("not YAML: {e}"))?;
    if matches!(block.marker, Marker::Fragment | Marker::Workflow) {
        return Ok(());
    }
    let has = |key: &str| value.get(key).is_some();
    if has("waivers") {
        let rulebook =
            rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).map_err(|e| rendered(&e))?;
        let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 1).expect("a date");
        let source = SourceFile::new(format!("{}:{}", block.doc, block.line), &*block.body);
        return scrutin::waiver::Waivers::parse(source, &rulebook, today)
            .map(|_| ())
            .map_err(|e| format!("an invalid waiver file:\n{}", rendered(&e)));
    }
    if has("timestamp") && has("kind") {
        // A source profile, read against the rulebook of the elections of
        // the shipped samples it may name.
        let rulebook =
            rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).map_err(|e| rendered(&e))?;
        let source = SourceFile::new(format!("{}:{}", block.doc, block.line), &*block.body);
        return scrutin::publication::profile::parse(source, Some(&rulebook))
            .map(|_| ())
            .map_err(|e| format!("an invalid source profile:\n{}", rendered(&e)));
    }
    if has("id") || has("rules") || has("extends") {
        // `# rules/fr/x.yaml…` on the first line: where it lives.
        let name = block
            .body
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("# "))
            .and_then(|line| line.split([':', ' ']).next())
            .filter(|path| path.ends_with(".yaml"))
            .map_or_else(|| format!("{}:{}", block.doc, block.line), String::from);
        return rulebook::parse_as(SourceFile::new(name, &*block.body), Expect::LawOrElection)
            .map(|_| ())
            .map_err(|e| format!("an invalid rulebook:\n{}", rendered(&e)));
    }
    Err("YAML of no known kind: mark it `<!-- doc-test: fragment (why) -->`".to_string())
}

#[test]
fn every_documented_command_and_yaml_example_runs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(&root).expect("the repository root");
    let newsroom = Newsroom::new();
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut snapshots = BTreeSet::new();
    let mut commands_run = 0;
    for doc in documents() {
        for block in blocks(&doc) {
            let place = format!("{}:{}", block.doc, block.line);
            if let Marker::Skip(why) = &block.marker {
                let first = logical_lines(&block.body)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                let first = first.split(" #").next().unwrap_or_default().trim_end();
                skipped.push(format!("{} `{first}`: {why}", block.doc));
                continue;
            }
            let (lines, cwd) = match block.language.as_str() {
                "sh" | "bash" | "console" => {
                    let cwd = match block.marker {
                        Marker::Newsroom => newsroom.0.clone(),
                        _ => root.clone(),
                    };
                    let mut lines = logical_lines(&block.body);
                    if block.language == "console" {
                        // A session: `$ ` commands, the rest is their output.
                        lines = lines
                            .iter()
                            .filter_map(|line| line.strip_prefix("$ ").map(String::from))
                            .collect();
                    }
                    (lines, cwd)
                }
                "yaml" => {
                    if let Err(why) = check_yaml(&block) {
                        problems.push(format!("{place}: {why}"));
                    }
                    if block.marker != Marker::Workflow {
                        continue;
                    }
                    (workflow_commands(&block.body), newsroom.0.clone())
                }
                "" => {
                    problems.push(format!("{place}: a fence without a language"));
                    continue;
                }
                _ => {
                    if let Marker::Output(command) = &block.marker {
                        commands_run += 1;
                        if let Err(why) = shows_output(command, &block.body, &root) {
                            problems.push(format!("{place}: {why}"));
                        }
                    }
                    continue;
                }
            };
            for line in lines {
                let invocation = match invocation(&line) {
                    Ok(Some(invocation)) => invocation,
                    Ok(None) => continue,
                    Err(why) => {
                        problems.push(format!(
                            "{place}: {why}; run scrutin, or mark the block `<!-- doc-test: skip (why) -->`"
                        ));
                        continue;
                    }
                };
                let name = snapshot_name(&block.doc, &invocation.text);
                if !snapshots.insert(name.clone()) {
                    continue;
                }
                commands_run += 1;
                let (code, shown) = run(&invocation, &cwd);
                if let Some(promised) = invocation.promised_exit
                    && promised != code
                {
                    problems.push(format!(
                        "{place}: `{}` says exit {promised}, but exits with {code}",
                        invocation.text
                    ));
                }
                insta::with_settings!({ description => block.doc.clone() }, {
                    insta::assert_snapshot!(name, shown);
                });
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
    assert!(commands_run > 20, "only {commands_run} commands found");
    insta::assert_snapshot!("skipped", skipped.join("\n"));

    // A snapshot whose command is no longer in the docs is stale.
    snapshots.insert("skipped".to_string());
    let stale: Vec<String> = std::fs::read_dir("tests/snapshots")
        .expect("tests/snapshots")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|file| {
            let name = file.strip_prefix("docs__")?.strip_suffix(".snap")?;
            (!snapshots.contains(name)).then(|| file.clone())
        })
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots of commands no longer in the docs, delete them: {stale:?}"
    );
}
