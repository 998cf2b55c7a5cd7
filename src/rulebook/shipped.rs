//! The rulebooks under `rules/`, built into the binary.
//!
//! A newsroom's repository holds its schedule, not scrutin's rulebooks: with
//! them built in, `--rules fr/presidential-2022` works wherever scrutin is
//! installed, and the law file it extends comes with it. A built-in rulebook
//! extends only built-in files, so nothing on disk changes what it means.

/// One shipped file: its path in scrutin's repository, which diagnostics show.
pub struct Shipped {
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! shipped {
    ($($path:literal),* $(,)?) => {
        &[$(Shipped { path: $path, text: include_str!(concat!("../../", $path)) }),*]
    };
}

/// Every file under `rules/` (a test fails when one is missing), sorted.
pub const SHIPPED: &[Shipped] = shipped![
    "rules/au/federal-2022.yaml",
    "rules/au/federal-2025.yaml",
    "rules/au/law.yaml",
    "rules/br/general-2022.yaml",
    "rules/br/general-2026.yaml",
    "rules/br/law.yaml",
    "rules/ca/federal-2021.yaml",
    "rules/ca/law.yaml",
    "rules/de/bundestag-2025.yaml",
    "rules/de/law.yaml",
    "rules/es/general-2023.yaml",
    "rules/es/law.yaml",
    "rules/eu/law.yaml",
    "rules/fr/law.yaml",
    "rules/fr/legislative-2024.yaml",
    "rules/fr/presidential-2017.yaml",
    "rules/fr/presidential-2022.yaml",
    "rules/fr/presidential-2027-a.yaml",
    "rules/fr/presidential-2027-b.yaml",
    "rules/fr/presidential-2027.yaml",
    "rules/in/law.yaml",
    "rules/in/lok-sabha-2024.yaml",
    "rules/it/general-2022.yaml",
    "rules/it/law.yaml",
    "rules/pl/law.yaml",
    "rules/pl/parliamentary-2023.yaml",
    "rules/uk/general-2024.yaml",
    "rules/uk/law.yaml",
];

impl Shipped {
    /// The name a user gives it: `fr/presidential-2022`.
    pub fn name(&self) -> &'static str {
        let path = self.path.strip_prefix("rules/").unwrap_or(self.path);
        path.strip_suffix(".yaml").unwrap_or(path)
    }
}

/// The built-in rulebook a name designates: `fr/presidential-2022`, with or
/// without `.yaml`.
pub fn by_name(name: &str) -> Option<&'static Shipped> {
    let name = name.strip_suffix(".yaml").unwrap_or(name);
    SHIPPED.iter().find(|shipped| shipped.name() == name)
}

/// The built-in file at a path as an `extends` resolves it (`rules/fr/law.yaml`).
pub fn by_path(path: &str) -> Option<&'static Shipped> {
    SHIPPED.iter().find(|shipped| shipped.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn yaml_files(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("rules/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                yaml_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let relative = path
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .expect("under the package");
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn every_file_under_rules_is_built_in() {
        let mut on_disk = Vec::new();
        yaml_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
            &mut on_disk,
        );
        // rules/keywords/ holds the keyword lists of source profiles, built
        // in by `publication::profile`, not rulebooks.
        on_disk.retain(|path| !path.starts_with("rules/keywords/"));
        on_disk.sort();
        let built_in: Vec<&str> = SHIPPED.iter().map(|s| s.path).collect();
        assert_eq!(
            built_in, on_disk,
            "src/rulebook/shipped.rs's SHIPPED must list every rulebook under rules/"
        );
    }

    #[test]
    fn a_name_is_the_path_without_rules_and_yaml() {
        let shipped = by_name("fr/presidential-2022").expect("built in");
        assert_eq!(shipped.path, "rules/fr/presidential-2022.yaml");
        assert_eq!(shipped.name(), "fr/presidential-2022");
        assert!(by_name("fr/presidential-2022.yaml").is_some());
        assert!(by_name("fr/presidential-2032").is_none());
        assert!(by_path("rules/fr/law.yaml").is_some());
    }
}
