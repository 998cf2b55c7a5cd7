//! The samples of the French elections since 2020 (rules/fr/law.yaml as in
//! force, each election file's dates): every line checked, the findings
//! counted per rule. Each count was checked by hand against the sample's
//! comments, the law notes and the rulebook; a change in a count is a change
//! in what scrutin says the law forbids.

mod common;

use std::collections::BTreeMap;

use scrutin::rulebook;

/// An election, its sample, and what the sample must give.
struct Sample {
    rules: &'static str,
    log: &'static str,
    publications: usize,
    per_rule: &'static [(&'static str, usize)],
}

const SAMPLES: &[Sample] = &[
    Sample {
        rules: "rules/fr/presidential-2022.yaml",
        log: "samples/presidential-2022-round1-weekend.log",
        publications: 49,
        per_rule: &[
            ("campaign-silence", 8),
            ("paid-political-advertising", 3),
            ("poll-ban", 4),
            ("poll-notice", 4),
            ("results-embargo", 7),
        ],
    },
    Sample {
        rules: "rules/fr/legislative-2024.yaml",
        log: "samples/legislative-2024-round2-weekend.log",
        publications: 37,
        per_rule: &[
            ("campaign-silence", 6),
            ("paid-political-advertising", 3),
            ("poll-ban", 4),
            ("poll-notice", 3),
            ("results-embargo", 4),
        ],
    },
];

#[test]
fn each_sample_breaks_each_rule_as_the_law_says() {
    for sample in SAMPLES {
        let rulebook = rulebook::load(sample.rules.as_ref()).expect("valid rulebook");
        let (summary, per_rule) = common::sample_counts(&rulebook, sample.log);
        assert_eq!(summary.invalid, 0, "{}", sample.log);
        assert_eq!(summary.publications, sample.publications, "{}", sample.log);
        let expected: BTreeMap<String, usize> = sample
            .per_rule
            .iter()
            .map(|(rule, n)| (rule.to_string(), *n))
            .collect();
        assert_eq!(per_rule, expected, "{}", sample.log);
        // Every rule of the election is broken at least once.
        for rule in &rulebook.rules {
            assert!(
                per_rule.contains_key(&rule.id),
                "{} never breaks {}",
                sample.log,
                rule.id
            );
        }
    }
}
