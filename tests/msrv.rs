//! The minimum Rust version in Cargo.toml is the truth: no package built with
//! scrutin (its dependencies, build dependencies and its own dev-dependencies,
//! as locked in Cargo.lock) asks for a newer compiler.
//!
//! A dependency update that raises the floor fails here, with the packages
//! that raise it, instead of on a newcomer's older toolchain.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// `1.89` and `1.89.0` compare equal; a missing part counts as 0.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text
        .split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_the_package_states() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");

    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("package id"), p))
        .collect();
    let root = metadata["resolve"]["root"]
        .as_str()
        .expect("a root package");
    let stated = packages[root]["rust_version"]
        .as_str()
        .expect("Cargo.toml states a rust-version");

    // Walk the resolved graph from scrutin: every kind of dependency is
    // built, except the dev-dependencies of dependencies.
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|n| (n["id"].as_str().expect("node id"), n))
        .collect();
    let mut built = BTreeSet::from([root]);
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let only_dev = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|kind| kind["kind"].as_str() == Some("dev"));
            if only_dev && id != root {
                continue;
            }
            let dep_id = dep["pkg"].as_str().expect("dependency id");
            if built.insert(dep_id) {
                todo.push(dep_id);
            }
        }
    }

    let offenders: Vec<String> = built
        .iter()
        .filter_map(|id| {
            let package = packages[id];
            let needs = package["rust_version"].as_str()?;
            (version(needs) > version(stated)).then(|| {
                format!(
                    "{} {} needs Rust {needs}",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "Cargo.toml says rust-version = \"{stated}\", but:\n  {}\n\
         raise rust-version (and README's \"Try it\") to the highest of these",
        offenders.join("\n  ")
    );
    // The walk saw the graph, not just the root.
    assert!(built.len() > 100, "only {} packages walked", built.len());
}
