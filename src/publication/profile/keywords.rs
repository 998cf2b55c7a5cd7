//! The keyword lists scrutin ships (`rules/keywords/LANG.yaml`), which a
//! classification rule names as `LANG.KIND` (`lists: [fr.poll]`).
//!
//! Each file gives, for each kind, the words that say a publication is of
//! that kind and `why` they do (the wording of the law, the newsroom's):
//! keeping the reasons beside the words lets a reviewer judge both. They
//! are built into the binary, so a profile means the same wherever scrutin
//! runs.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::rulebook::read_yaml_file;
use crate::rulebook::schema::Entries;

/// Each shipped file: its language and its text.
const SHIPPED: [(&str, &str); 5] = [
    ("en", include_str!("../../../rules/keywords/en.yaml")),
    ("es", include_str!("../../../rules/keywords/es.yaml")),
    ("fr", include_str!("../../../rules/keywords/fr.yaml")),
    ("it", include_str!("../../../rules/keywords/it.yaml")),
    ("pl", include_str!("../../../rules/keywords/pl.yaml")),
];

/// One list as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    /// Where the words come from: the law's wording, the newsroom's. For
    /// people who read the file; scrutin only requires it.
    #[serde(rename = "why")]
    _why: String,
    keywords: Vec<String>,
}

/// A shipped list: its name (`fr.poll`) and its keywords.
#[derive(Debug)]
pub(crate) struct List {
    pub(crate) name: String,
    pub(crate) keywords: Vec<String>,
}

/// Every shipped list, in the order of the files and of their lists.
pub(crate) fn lists() -> &'static [List] {
    static LISTS: OnceLock<Vec<List>> = OnceLock::new();
    LISTS.get_or_init(|| {
        SHIPPED
            .iter()
            .flat_map(|(language, text)| read(language, text))
            .collect()
    })
}

/// The shipped list named `name`, if there is one.
pub(crate) fn list(name: &str) -> Option<&'static List> {
    lists().iter().find(|list| list.name == name)
}

/// The lists of one file. The files are scrutin's own, and a unit test reads
/// each: one that does not parse is a bug of this build, not a user's mistake.
fn read(language: &str, text: &str) -> Vec<List> {
    let entries: Entries<RawList> = read_yaml_file(text)
        .unwrap_or_else(|e| panic!("rules/keywords/{language}.yaml: {}", e.message));
    entries
        .0
        .into_iter()
        .map(|(kind, list)| List {
            name: format!("{language}.{}", kind.value),
            keywords: list.keywords,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::rulebook::shipped::SHIPPED as RULEBOOKS;
    use crate::rulebook::{Expect, load_shipped};

    /// Every kind a shipped rulebook declares, law files included.
    fn declared_kinds() -> BTreeSet<String> {
        RULEBOOKS
            .iter()
            .filter_map(|shipped| load_shipped(shipped, Expect::LawOrElection).ok())
            .flat_map(|rulebook| rulebook.kinds.into_iter().map(|kind| kind.id))
            .collect()
    }

    #[test]
    fn every_list_loads_and_names_a_kind_some_rulebook_declares() {
        let kinds = declared_kinds();
        assert!(kinds.contains("poll"), "{kinds:?}");
        for (language, text) in SHIPPED {
            let raw: Entries<RawList> = read_yaml_file(text).map_err(|e| e.message).unwrap();
            for (kind, list) in &raw.0 {
                assert!(
                    !list._why.trim().is_empty(),
                    "{language}.{}: no why",
                    kind.value
                );
            }
            let lists = read(language, text);
            assert!(!lists.is_empty(), "{language}");
            for list in lists {
                let kind = list.name.split_once('.').map_or("", |(_, kind)| kind);
                assert!(
                    kinds.contains(kind),
                    "{}: no shipped rulebook declares kind `{kind}`",
                    list.name
                );
                assert!(!list.keywords.is_empty(), "{} is empty", list.name);
                let unique: BTreeSet<String> =
                    list.keywords.iter().map(|k| k.to_lowercase()).collect();
                assert_eq!(
                    unique.len(),
                    list.keywords.len(),
                    "{}: a keyword twice",
                    list.name
                );
                for keyword in &list.keywords {
                    assert_eq!(keyword.trim(), keyword, "{}: `{keyword}`", list.name);
                    assert!(!keyword.is_empty(), "{}: an empty keyword", list.name);
                }
            }
        }
        assert_eq!(lists().len(), 15);
        assert_eq!(
            list("fr.poll").map(|l| l.keywords[0].as_str()),
            Some("sondage")
        );
    }

    /// Headlines each list should take, and near misses it should leave:
    /// words that come near a poll or a result without meaning one.
    #[test]
    fn lists_take_what_they_mean_and_leave_what_merely_comes_near() {
        use crate::publication::profile::classify::Rule;

        let cases = [
            (
                "fr.poll",
                "Présidentielle : nouveau SONDAGE Ifop sur le second tour",
                true,
            ),
            ("fr.poll", "Les intentions de vote au premier tour", true),
            ("fr.poll", "Une enquête d’opinion publiée ce matin", true),
            ("fr.poll", "Ressondage des fonds marins", false),
            (
                "fr.exit_poll",
                "Les premières estimations à 20 heures",
                true,
            ),
            (
                "fr.exit_poll",
                "Estimation des dégâts après la tempête",
                false,
            ),
            ("fr.result", "Les premiers résultats dans les DOM", true),
            (
                "fr.result",
                "Les résultats du premier tour de 2017, rappel",
                false,
            ),
            ("en.poll", "Labour leads in latest opinion polls", true),
            ("en.poll", "Polling stations open across the country", false),
            ("en.exit_poll", "Exit poll: hung parliament", true),
            ("en.result", "First results expected from Sunderland", true),
            (
                "en.result",
                "Results of the 2019 election, explained",
                false,
            ),
            ("it.poll", "Ultimo sondaggio prima del silenzio", true),
            ("it.poll", "Rilevazione demoscopica Swg", true),
            ("it.result", "Nello spogliatoio dopo la partita", false),
            ("es.poll", "El último sondeo del CIS", true),
            (
                "es.poll",
                "La Encuesta de Población Activa baja el paro",
                false,
            ),
            ("es.exit_poll", "Sondeo a pie de urna de GAD3", true),
            ("es.result", "Con el 50 % escrutado, el PP lidera", true),
            ("pl.poll", "NOWY SONDAŻ: PiS traci poparcie", true),
            ("pl.poll", "Wyniki badania opinii CBOS", true),
            ("pl.exit_poll", "Badanie exit poll Ipsos", true),
            ("pl.result", "Wyniki meczu Polska–Niemcy", false),
        ];
        for (name, text, expected) in cases {
            let keywords = list(name).unwrap().keywords.clone();
            let rule = Rule::new("x".into(), None, keywords, None).unwrap();
            assert_eq!(rule.matches(text).is_some(), expected, "{name}: {text}");
        }
    }

    /// A keyword is matched as the start of a word: one that starts with
    /// another keyword of its list would never be the one that matches.
    #[test]
    fn no_keyword_of_a_list_is_hidden_by_another() {
        for list in lists() {
            for (i, shorter) in list.keywords.iter().enumerate() {
                for (j, longer) in list.keywords.iter().enumerate() {
                    let hidden =
                        i != j && longer.to_lowercase().starts_with(&shorter.to_lowercase());
                    assert!(!hidden, "{}: `{longer}` starts with `{shorter}`", list.name);
                }
            }
        }
    }
}
