//! The imports of the library point one way, as docs/architecture.md draws
//! them: every `crate::…` path in `src/` names a module on a layer above the
//! module that writes it. A new module must be given its layer there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers of docs/architecture.md: module → layer number (1 at the bottom).
fn layers() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string("docs/architecture.md").unwrap();
    let start = doc.find("<!-- layers -->").expect("the layers block");
    let end = doc
        .find("<!-- /layers -->")
        .expect("the end of the layers block");
    let mut layers = BTreeMap::new();
    for line in doc[start..end].lines().skip(1) {
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        let layer: usize = number.trim().parse().unwrap();
        let names = rest.split(':').next().unwrap();
        for name in names.split(',') {
            let name = name.trim().trim_matches('`');
            assert!(
                layers.insert(name.to_string(), layer).is_none(),
                "{name} twice"
            );
        }
    }
    layers
}

/// The top-level module a source file belongs to, or `None` for the binary
/// and the crate root.
fn module_of(path: &Path) -> Option<String> {
    let relative = path.strip_prefix("src").unwrap();
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "main" | "cli" | "lib")).then(|| name.to_string())
}

/// The top-level modules a source text names through `crate::`, unit tests
/// left out (they may use what they like).
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c}`: the first word of each item at depth 0.
            let mut depth = 0;
            let mut item_start = true;
            let mut word = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => word.push(c),
                    _ if item_start && !word.is_empty() => {
                        found.insert(std::mem::take(&mut word));
                        item_start = false;
                    }
                    _ => {}
                }
            }
            if !word.is_empty() {
                found.insert(word);
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                found.insert(word);
            }
        }
    }
    found
}

fn sources(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn imports_point_down_the_layers() {
    let layers = layers();
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        seen.insert(module.clone());
        let Some(&layer) = layers.get(&module) else {
            problems.push(format!(
                "{}: module `{module}` has no layer in docs/architecture.md",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for imported in imports(&text) {
            if imported == module {
                continue;
            }
            match layers.get(&imported) {
                Some(&below) if below < layer => {}
                Some(&other) => problems.push(format!(
                    "{}: `{module}` (layer {layer}) imports `{imported}` (layer {other})",
                    file.display()
                )),
                None => problems.push(format!(
                    "{}: `{module}` imports `{imported}`, which has no layer",
                    file.display()
                )),
            }
        }
    }
    for listed in layers.keys() {
        if !seen.contains(listed) {
            problems.push(format!(
                "docs/architecture.md lists `{listed}`, which src/ lacks"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The reader of imports finds grouped and nested paths, and only those.
#[test]
fn imports_are_read_from_paths_and_groups() {
    let text = "use crate::check::{Finding, Scope};\nuse crate::{audit::Report, time};\nfn f() { crate::rulebook::load(x); }\n#[cfg(test)]\nmod tests { use crate::serve; }";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["audit", "check", "rulebook", "time"]);
}
