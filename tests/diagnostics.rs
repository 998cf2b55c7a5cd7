//! `docs/diagnostics.md` lists every diagnostic code, each with an example
//! that gives it, and the message it gives; this runs them all.
//!
//! The codes documented are exactly `scrutin::diagnostics::all_codes()`, once
//! each (cargo-deny holds its codes to their docs the same way). Each code is
//! a section headed ``### `CODE` ``; its first fenced block is the example and
//! the first `> ` line after it the message, which must be what scrutin says
//! (or, ending with `…`, how it starts). The example runs by its language:
//!
//! - `log`: lines checked against rules/fr/presidential-2017.yaml
//!   (`\xHH` stands for a byte that cannot be written in the doc);
//! - `yaml` of a `scrutin::yaml::` code: a whole rulebook;
//! - `yaml` of a `scrutin::rulebook::` code: a change to the doc's example
//!   rulebook: each top-level key replaces the example's, `null` removes it,
//!   and a rule with the id of one of the example's rules changes only the
//!   fields it gives;
//! - `yaml` of a `scrutin::waivers::` code: a waiver file, read against
//!   rules/fr/presidential-2017.yaml on 2017-06-01;
//! - `yaml` of a `scrutin::profile::` code: a source profile, read against
//!   rules/fr/presidential-2017.yaml; `text` of one: the path of a profile
//!   to load (the command line does not read profiles yet);
//! - `console`: its `$ scrutin …` command, whose output must hold the code
//!   and the message (the message only, for the errors of a command, which
//!   the command line says without their code: `NOT_PRINTED`);
//! - `text`: not run, for the few codes listed in `NOT_RUN`.
//!
//! And the list is whole: every code written in the sources, as miette's
//! `code(…)` or as a string, is in it, and every code in it is written there.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use scrutin::diagnostics::all_codes;
use scrutin::rulebook::{self, Expect, RulebookError};
use scrutin::source::SourceFile;

const DOC: &str = "docs/diagnostics.md";
const RULES: &str = "rules/fr/presidential-2017.yaml";
/// The codes of source profiles, whose `text` examples are paths.
const PROFILE: &str = "scrutin::profile::";
/// Where the example rulebook and the law it extends live.
const EXAMPLE_DIR: &str = "tests/fixtures/diagnostics";

/// Codes whose example cannot be written in a doc, with why.
const NOT_RUN: [(&str, &str); 5] = [
    ("scrutin::log::too-long", "a line of a mebibyte"),
    ("scrutin::yaml::too-complex", "ten thousand aliases"),
    (
        "scrutin::rulebook::extends-too-deep",
        "a chain of eight files",
    ),
    (
        "scrutin::fix::unwritable",
        "a log scrutin may read but not write",
    ),
    (
        "scrutin::run::output",
        "standard output that cannot be written (a full disk)",
    ),
];

/// The groups of codes of the errors that stop a command, which the command
/// line says in a line of their own, `scrutin: ` and the message, without the
/// code (docs/diagnostics.md says so): their examples are held to their
/// message and, by tests/docs.rs, to their exit code.
const NOT_PRINTED: [&str; 6] = [
    "scrutin::input::",
    "scrutin::scope::",
    "scrutin::fix::",
    "scrutin::run::",
    "scrutin::serve::",
    "scrutin::cli::",
];

struct Block {
    language: String,
    body: String,
}

struct Section {
    code: String,
    line: usize,
    example: Option<Block>,
    message: Option<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The doc's code sections, and every fenced block of the doc.
fn read_doc(text: &str) -> (Vec<Section>, Vec<Block>) {
    let mut sections: Vec<Section> = Vec::new();
    let mut blocks = Vec::new();
    // The section being read; a heading of a higher level ends it.
    let mut open = false;
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        if let Some(heading) = line.strip_prefix("### ") {
            sections.push(Section {
                code: heading.trim().trim_matches('`').to_string(),
                line: index + 1,
                example: None,
                message: None,
            });
            open = true;
        } else if line.starts_with('#') && !line.starts_with("####") {
            open = false;
        } else if let Some(language) = line.strip_prefix("```") {
            let body: Vec<&str> = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| !l.starts_with("```"))
                .collect();
            let language = language.trim().to_string();
            let body = body.join("\n");
            if let Some(section) = sections.last_mut().filter(|_| open)
                && section.example.is_none()
            {
                section.example = Some(Block {
                    language: language.clone(),
                    body: body.clone(),
                });
            }
            blocks.push(Block { language, body });
        } else if let Some(message) = line.strip_prefix("> ")
            && let Some(section) = sections.last_mut().filter(|_| open)
            && section.example.is_some()
            && section.message.is_none()
        {
            section.message = Some(message.to_string());
        }
    }
    (sections, blocks)
}

/// Does scrutin's `actual` message read as the doc's `expected`?
fn reads_as(actual: &str, expected: &str) -> bool {
    match expected.strip_suffix('…') {
        Some(start) => actual.starts_with(start),
        None => actual == expected,
    }
}

// --- YAML kept in its order, to change the example rulebook ---------------

/// A YAML value with its mappings in the order written (the order of kinds
/// and regions is what messages list).
enum Node {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Number(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Text(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Node::Map(entries))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

impl Node {
    /// As JSON, which is YAML too.
    fn json(&self) -> String {
        let quote = |text: &str| serde_json::to_string(text).expect("a string");
        match self {
            Node::Null => "null".to_string(),
            Node::Bool(b) => b.to_string(),
            Node::Number(n) => n.clone(),
            Node::Text(t) => quote(t),
            Node::List(items) => {
                let items: Vec<String> = items.iter().map(Node::json).collect();
                format!("[{}]", items.join(", "))
            }
            Node::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(key, value)| format!("{}: {}", quote(key), value.json()))
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }
        }
    }

    fn entries(&mut self) -> &mut Vec<(String, Node)> {
        match self {
            Node::Map(entries) => entries,
            _ => panic!("not a mapping"),
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// `change` applied to `base`, fields of a mapping replaced (`null`
/// removes them); `rules` are matched by `id`.
fn apply(base: &mut Node, change: Node) {
    let Node::Map(changes) = change else {
        panic!("a change is a mapping");
    };
    for (key, value) in changes {
        let entries = base.entries();
        let position = entries.iter().position(|(k, _)| *k == key);
        match (position, value) {
            (Some(at), Node::Null) => {
                entries.remove(at);
            }
            (Some(at), Node::List(rules)) if key == "rules" => {
                let Node::List(known) = &mut entries[at].1 else {
                    panic!("rules are a list");
                };
                for rule in rules {
                    let id = rule.get("id").map(Node::json);
                    match known.iter_mut().find(|r| r.get("id").map(Node::json) == id) {
                        Some(known) => apply(known, rule),
                        None => known.push(rule),
                    }
                }
            }
            (Some(at), value) => entries[at].1 = value,
            (None, Node::Null) => {}
            (None, value) => entries.push((key, value)),
        }
    }
}

// --- Running an example ----------------------------------------------------

/// The diagnostics an example gave: each code with its message.
type Given = Vec<(String, String)>;

fn rulebook_error(error: &RulebookError) -> Given {
    let outer = miette::Diagnostic::code(error).map(|c| c.to_string());
    let mut given = vec![(outer.unwrap_or_default(), error.to_string())];
    for problem in error.problems() {
        given.push((problem.code().to_string(), problem.message.clone()));
    }
    given
}

/// A rulebook, named `example.yaml` in the example's folder.
fn load_rulebook(text: &str) -> Given {
    let source = SourceFile::new("example.yaml", text);
    match rulebook::parse_as(source, Expect::Election) {
        Ok(_) => Vec::new(),
        Err(error) => rulebook_error(&error),
    }
}

/// A source profile, named `profile.yaml`.
fn load_profile(text: &str) -> Given {
    let rulebook = rulebook::load(&root().join(RULES)).expect("the French rulebook");
    let source = SourceFile::new("profile.yaml", text);
    match scrutin::publication::profile::parse(source, Some(&rulebook)) {
        Ok(_) => Vec::new(),
        Err(error) => rulebook_error(&error),
    }
}

/// The source profile at `path`, from the repository root.
fn load_profile_path(path: &str) -> Given {
    match scrutin::publication::profile::load(path.as_ref(), None) {
        Ok(_) => Vec::new(),
        Err(error) => rulebook_error(&error),
    }
}

fn load_waivers(text: &str) -> Given {
    let rulebook = rulebook::load(&root().join(RULES)).expect("the French rulebook");
    let today = chrono::NaiveDate::from_ymd_opt(2017, 6, 1).expect("a date");
    let source = SourceFile::new("waivers.yaml", text);
    match scrutin::waiver::Waivers::parse(source, &rulebook, today) {
        Ok(waivers) => waivers
            .warnings(&rulebook)
            .into_iter()
            .map(|w| (w.code().to_string(), w.message))
            .collect(),
        Err(error) => rulebook_error(&error),
    }
}

/// `\xHH` as the byte it stands for.
fn bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        if rest.starts_with(b"\\x")
            && let Some(byte) = std::str::from_utf8(rest.get(2..4).unwrap_or_default())
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            rest = &rest[4..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

fn scrutin(args: &[String], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scrutin runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("stdin written");
    child.wait_with_output().expect("scrutin ends")
}

fn check_log(text: &str) -> Given {
    let args = ["check", "--rules", RULES, "--format", "json", "-"].map(String::from);
    let output = scrutin(&args, &bytes(&format!("{text}\n")));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    ["invalid", "waiver_warnings", "unreadable"]
        .iter()
        .flat_map(|list| json[list].as_array().cloned().unwrap_or_default())
        .map(|item| {
            let text = |key: &str| item[key].as_str().unwrap_or_default().to_string();
            (text("code"), text("message"))
        })
        .collect()
}

/// Words as a shell splits them: blanks, and quotes around a word.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (_, c) => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    words
}

/// Runs the `$ scrutin …` line of a session; `Err` if the output lacks the
/// code or the message.
fn run_console(body: &str, code: &str, message: &str) -> Result<(), String> {
    let command = body
        .lines()
        .find_map(|l| l.strip_prefix("$ "))
        .ok_or("no `$ ` command")?;
    let command = command.split(" #").next().unwrap_or(command);
    let words = words(command);
    if words.first().map(String::as_str) != Some("scrutin") {
        return Err(format!("`{command}` is not a scrutin command"));
    }
    let output = scrutin(&words[1..], b"");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let start = message.strip_suffix('…').unwrap_or(message);
    let unprinted = NOT_PRINTED.iter().any(|group| code.starts_with(group));
    if (unprinted || printed.contains(code)) && printed.contains(start) {
        Ok(())
    } else {
        Err(format!("`{command}` prints:\n{printed}"))
    }
}

/// What the example of `section` gives, or why it cannot be run.
fn run(section: &Section, example: &Block, base: &str) -> Result<Given, String> {
    let code = section.code.as_str();
    match example.language.as_str() {
        "log" => Ok(check_log(&example.body)),
        "yaml" if code.starts_with("scrutin::yaml::") => Ok(load_rulebook(&example.body)),
        "yaml" if code.starts_with("scrutin::waivers::") => Ok(load_waivers(&example.body)),
        "yaml" if code.starts_with(PROFILE) => Ok(load_profile(&example.body)),
        "text" if code.starts_with(PROFILE) => Ok(load_profile_path(example.body.trim())),
        "yaml" if code.starts_with("scrutin::rulebook::") => {
            let mut rulebook: Node = serde_saphyr::from_str(base).expect("the example rulebook");
            let change: Node =
                serde_saphyr::from_str(&example.body).map_err(|e| format!("not YAML: {e}"))?;
            apply(&mut rulebook, change);
            Ok(load_rulebook(&rulebook.json()))
        }
        other => Err(format!("no way to run a `{other}` example of {code}")),
    }
}

// --- The codes written in the sources ---------------------------------------

/// The `.rs` files under `dir`, at any depth.
fn rust_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a folder of the sources") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The codes written in `text`: miette's `code(scrutin::…)` and
/// `code("scrutin::…")`, and every string `"scrutin::…"` (a constant, a
/// match arm); a prefix such as `"scrutin::log::"` is not a code.
fn codes_written(text: &str) -> Vec<&str> {
    let mut codes = Vec::new();
    for (start, _) in text.match_indices("scrutin::") {
        let before = &text[..start];
        let end_mark = if before.ends_with('"') {
            '"'
        } else if before.ends_with("code(") {
            ')'
        } else {
            continue;
        };
        let rest = &text[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_')))
            .unwrap_or(rest.len());
        let code = &rest[..end];
        if rest[end..].starts_with(end_mark) && !code.ends_with("::") {
            codes.push(code);
        }
    }
    codes
}

/// The list is whole: a code written in the sources but not listed would go
/// undocumented and untested, and one listed but written nowhere is given by
/// nothing. (`src/diagnostics.rs`, which writes the list, is not read.)
#[test]
fn the_codes_listed_are_the_codes_written_in_the_sources() {
    let list = root().join("src/diagnostics.rs");
    let mut written: Vec<(String, String)> = Vec::new();
    for file in rust_files(&root().join("src")) {
        if file == list {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file");
        let name = file.strip_prefix(root()).unwrap_or(&file).display();
        for code in codes_written(&text) {
            written.push((code.to_string(), name.to_string()));
        }
    }
    let listed: BTreeSet<&str> = all_codes().into_iter().collect();
    let unlisted: Vec<String> = written
        .iter()
        .filter(|(code, _)| !listed.contains(code.as_str()))
        .map(|(code, file)| format!("{code} ({file})"))
        .collect();
    let codes: BTreeSet<&str> = written.iter().map(|(code, _)| code.as_str()).collect();
    let unwritten: Vec<&&str> = listed.difference(&codes).collect();
    assert!(
        unlisted.is_empty(),
        "codes missing from scrutin::diagnostics::all_codes(): {unlisted:#?}"
    );
    assert!(
        unwritten.is_empty(),
        "codes listed by scrutin::diagnostics::all_codes() that no source gives: {unwritten:?}"
    );
}

/// The reading of the sources finds each way a code is written, and no
/// prefix or text that merely mentions one.
#[test]
fn codes_are_found_however_they_are_written() {
    let text = r#"
        #[diagnostic(code(scrutin::cli::io))]
        #[diagnostic(code("scrutin::fix::standard-input"), help("…"))]
        pub const UNREADABLE: &str = "scrutin::log::unreadable";
        Kind::Expired => "scrutin::waivers::expired",
        .filter(|c| c.starts_with("scrutin::log::"))
        /// The stable code: `scrutin::log::…`, as in scrutin::log::syntax.
        format!("scrutin::log::{name}")
    "#;
    assert_eq!(
        codes_written(text),
        [
            "scrutin::cli::io",
            "scrutin::fix::standard-input",
            "scrutin::log::unreadable",
            "scrutin::waivers::expired",
        ]
    );
}

/// The codes documented are the codes given, each once, each with an
/// example and its message; and each example gives its code and message.
#[test]
fn every_code_is_documented_with_an_example_that_gives_it() {
    let text = std::fs::read_to_string(root().join(DOC)).expect("the doc");
    let (sections, blocks) = read_doc(&text);

    let documented: Vec<&str> = sections.iter().map(|s| s.code.as_str()).collect();
    let unique: BTreeSet<&str> = documented.iter().copied().collect();
    assert_eq!(unique.len(), documented.len(), "a code documented twice");
    let codes: BTreeSet<&str> = all_codes().into_iter().collect();
    let undocumented: Vec<&&str> = codes.difference(&unique).collect();
    let unknown: Vec<&&str> = unique.difference(&codes).collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from {DOC}: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "{DOC} documents codes scrutin does not give: {unknown:?}"
    );

    // The example rulebook, and the law it extends, as they are on disk.
    let first_line = |path: &str| {
        blocks
            .iter()
            .find(|b| b.body.lines().next() == Some(&format!("# {path}")))
            .map(|b| b.body.clone())
            .unwrap_or_else(|| panic!("{DOC} shows no block starting `# {path}`"))
    };
    let base = first_line(&format!("{EXAMPLE_DIR}/example.yaml"));
    let law = first_line(&format!("{EXAMPLE_DIR}/law.yaml"));
    let on_disk = std::fs::read_to_string(root().join(EXAMPLE_DIR).join("law.yaml")).expect("law");
    assert_eq!(
        law.trim_end(),
        on_disk.trim_end(),
        "{DOC} shows the law as it is"
    );

    // Rulebook examples extend `law.yaml` and name `example.yaml` beside it.
    std::env::set_current_dir(root().join(EXAMPLE_DIR)).expect("the example folder");
    assert_eq!(
        load_rulebook(&base),
        Given::new(),
        "the example rulebook loads"
    );

    let mut problems = Vec::new();
    for section in &sections {
        let place = format!("{DOC}:{}: {}", section.line, section.code);
        let (Some(example), Some(message)) = (&section.example, &section.message) else {
            problems.push(format!("{place}: no example, or no `> message` after it"));
            continue;
        };
        if example.language == "text" && !section.code.starts_with(PROFILE) {
            if !NOT_RUN.iter().any(|(code, _)| *code == section.code) {
                problems.push(format!("{place}: a `text` example, which is not run"));
            }
            continue;
        }
        if example.language == "console" {
            if let Err(why) = run_console(&example.body, &section.code, message) {
                problems.push(format!("{place}: {why}"));
            }
            continue;
        }
        match run(section, example, &base) {
            Ok(given) => {
                let found = given
                    .iter()
                    .any(|(code, said)| *code == section.code && reads_as(said, message));
                if !found {
                    problems.push(format!("{place}: the example gives {given:#?}"));
                }
            }
            Err(why) => problems.push(format!("{place}: {why}")),
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}
