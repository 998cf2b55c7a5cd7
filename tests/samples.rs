//! The sample logs of the shipped elections: every line checked, the findings
//! counted per rule. Each count was checked by hand against the sample's
//! comments, the law notes and the rulebook; a change in a count is a change
//! in what scrutin says the law forbids.

use std::collections::BTreeMap;
use std::io;

use scrutin::audit::{LogLine, Outcome, Summary, audit};
use scrutin::report::Report;
use scrutin::rulebook::{self, Rulebook};

/// An election, its sample, and what the sample must give.
struct Sample {
    rules: &'static str,
    log: &'static str,
    publications: usize,
    per_rule: &'static [(&'static str, usize)],
    /// Findings of rules of severity warning (the others are errors).
    warnings: usize,
}

const SAMPLES: &[Sample] = &[
    Sample {
        rules: "rules/fr/presidential-2027-a.yaml",
        log: "samples/presidential-2027-a.log",
        publications: 23,
        per_rule: &[
            ("campaign-silence", 2),
            ("paid-political-advertising", 8),
            ("platform-paid-promotion", 1),
            ("political-advertising-broadcast", 1),
            ("poll-ban", 1),
            ("poll-notice", 1),
            ("results-embargo", 1),
            ("speaking-time-equality", 2),
            ("ttpa-label", 1),
            ("ttpa-notice", 1),
            ("ttpa-third-country-sponsor", 2),
            ("ttpa-third-country-sponsor-strict", 1),
        ],
        warnings: 3,
    },
    Sample {
        rules: "rules/fr/presidential-2017.yaml",
        log: "samples/presidential-2017-speaking-time.log",
        publications: 28,
        per_rule: &[
            ("speaking-time-equality-round-1", 1),
            ("speaking-time-equality-round-2", 2),
        ],
        warnings: 3,
    },
    // Publications that last: broadcast segments, ad flights, live streams.
    Sample {
        rules: "rules/fr/presidential-2017.yaml",
        log: "samples/presidential-2017-broadcasts.log",
        publications: 20,
        per_rule: &[
            ("campaign-documents-on-polling-day", 1),
            ("campaign-silence", 3),
            ("leaked-documents", 1),
            ("paid-political-advertising", 2),
            ("political-advertising-broadcast", 1),
            ("poll-ban", 1),
            ("poll-notice", 1),
            ("results-embargo", 1),
        ],
        warnings: 1,
    },
    Sample {
        rules: "rules/fr/presidential-2017.yaml",
        log: "samples/presidential-2017-round2-weekend.log",
        publications: 146,
        per_rule: &[
            ("campaign-documents-on-polling-day", 7),
            ("campaign-silence", 17),
            ("leaked-documents", 7),
            ("paid-political-advertising", 7),
            ("poll-ban", 11),
            ("poll-notice", 5),
            ("results-embargo", 12),
        ],
        warnings: 7,
    },
    Sample {
        rules: "rules/fr/presidential-2017.yaml",
        log: "samples/presidential-2017-leak-burst.log",
        publications: 43,
        // leak-burst is an info, not a warning nor an error.
        per_rule: &[("leak-burst", 1), ("leaked-documents", 30)],
        warnings: 30,
    },
    Sample {
        rules: "rules/fr/presidential-2022.yaml",
        log: "samples/presidential-2022-round1-weekend.log",
        publications: 52,
        per_rule: &[
            ("campaign-silence", 8),
            ("paid-political-advertising", 4),
            ("platform-paid-promotion", 1),
            ("political-advertising-broadcast", 1),
            ("poll-ban", 4),
            ("poll-notice", 4),
            ("results-embargo", 7),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/fr/legislative-2024.yaml",
        log: "samples/legislative-2024-round2-weekend.log",
        publications: 40,
        per_rule: &[
            ("campaign-silence", 6),
            ("paid-political-advertising", 4),
            ("platform-paid-promotion", 1),
            ("political-advertising-broadcast", 1),
            ("poll-ban", 4),
            ("poll-notice", 3),
            ("results-embargo", 4),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/uk/general-2024.yaml",
        log: "samples/uk-general-2024.log",
        publications: 35,
        per_rule: &[
            ("broadcast-political-advertising", 9),
            ("exit-poll-embargo", 10),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/au/federal-2022.yaml",
        log: "samples/au-federal-2022.log",
        publications: 12,
        per_rule: &[("authorisation", 2), ("broadcast-blackout", 4)],
        warnings: 0,
    },
    Sample {
        rules: "rules/au/federal-2025.yaml",
        log: "samples/au-federal-2025.log",
        publications: 36,
        per_rule: &[("authorisation", 7), ("broadcast-blackout", 14)],
        warnings: 0,
    },
    Sample {
        rules: "rules/ca/federal-2021.yaml",
        log: "samples/ca-federal-2021.log",
        publications: 49,
        per_rule: &[
            ("advertising-blackout", 10),
            ("survey-blackout", 9),
            ("survey-transparency", 6),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/es/general-2023.yaml",
        log: "samples/es-general-2023.log",
        publications: 36,
        per_rule: &[
            ("campaign-silence", 6),
            ("poll-ban", 7),
            ("poll-ban-canary-close", 2),
            ("results-embargo", 4),
        ],
        // poll-ban-canary-close (unconfirmed) and results-embargo (practice,
        // not a statute) are warnings.
        warnings: 6,
    },
    Sample {
        rules: "rules/it/general-2022.yaml",
        log: "samples/it-general-2022.log",
        publications: 33,
        per_rule: &[
            ("campaign-posters", 3),
            ("campaign-silence", 5),
            ("poll-ban", 7),
            ("poll-disclosure", 4),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/pl/parliamentary-2023.yaml",
        log: "samples/pl-parliamentary-2023.log",
        publications: 31,
        per_rule: &[("campaign-silence", 8), ("poll-ban", 7)],
        warnings: 0,
    },
    Sample {
        rules: "rules/de/bundestag-2025.yaml",
        log: "samples/de-bundestag-2025.log",
        publications: 30,
        per_rule: &[
            ("broadcast-political-advertising", 6),
            ("exit-poll-embargo", 7),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/br/general-2022.yaml",
        log: "samples/br-general-2022.log",
        publications: 55,
        per_rule: &[
            ("boosting-by-others", 2),
            ("boosting-on-the-eve", 2),
            ("broadcast-propaganda", 5),
            ("election-day-propaganda", 2),
            ("election-day-survey-president", 4),
            ("election-day-survey-state", 4),
            ("internet-boosting-on-election-day", 2),
            ("internet-new-content-on-election-day", 3),
            ("poll-notice", 2),
            ("poll-registration", 1),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/br/general-2026.yaml",
        log: "samples/br-general-2026.log",
        publications: 27,
        per_rule: &[
            ("boosting-by-others", 1),
            ("boosting-on-the-eve", 1),
            ("broadcast-propaganda", 2),
            ("election-day-propaganda", 1),
            ("election-day-survey-president", 2),
            ("election-day-survey-state", 2),
            ("internet-boosting-on-election-day", 1),
            ("internet-new-content-on-election-day", 2),
            ("poll-notice", 1),
            ("poll-registration", 1),
        ],
        warnings: 0,
    },
    Sample {
        rules: "rules/in/lok-sabha-2024.yaml",
        log: "samples/in-lok-sabha-2024.log",
        publications: 35,
        per_rule: &[
            ("election-matter-silence", 9),
            ("exit-poll-ban", 4),
            ("poll-silence", 4),
            ("poll-silence-print", 2),
        ],
        // poll-silence-print (print is not named: Interpretation) is a warning.
        warnings: 2,
    },
];

/// Counts findings per rule id; a sample must hold no invalid line.
struct Counts<'r> {
    rulebook: &'r Rulebook,
    per_rule: BTreeMap<String, usize>,
}

impl Report for Counts<'_> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Checked(_, findings) => {
                for finding in findings {
                    let id = self.rulebook.rules[finding.rule].id.clone();
                    *self.per_rule.entry(id).or_default() += 1;
                }
            }
            Outcome::Invalid(error) => panic!("line {} is invalid: {error:?}", line.number),
        }
        Ok(())
    }

    fn aggregate(&mut self, finding: &scrutin::check::AggregateFinding) -> io::Result<()> {
        let id = self.rulebook.rules[finding.rule].id.clone();
        *self.per_rule.entry(id).or_default() += 1;
        Ok(())
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        panic!("{file} is unreadable: {reason}")
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Runs a sample log through the library: its summary and findings per rule id.
fn sample_counts(rulebook: &Rulebook, path: &str) -> (Summary, BTreeMap<String, usize>) {
    let log = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut counts = Counts {
        rulebook,
        per_rule: BTreeMap::new(),
    };
    let mut summary = Summary::default();
    audit(rulebook, path, log.as_slice(), &mut counts, &mut summary).expect("no write error");
    (summary, counts.per_rule)
}

#[test]
fn each_sample_breaks_each_rule_as_the_law_says() {
    let mut broken_by_election: BTreeMap<&str, std::collections::BTreeSet<String>> =
        BTreeMap::new();
    let mut rulebooks = BTreeMap::new();
    for sample in SAMPLES {
        let rulebook = rulebook::load(sample.rules.as_ref()).expect("valid rulebook");
        let (summary, per_rule) = sample_counts(&rulebook, sample.log);
        assert!(summary.complete(), "{}: {summary:?}", sample.log);
        assert_eq!(summary.invalid, 0, "{}", sample.log);
        assert_eq!(summary.publications, sample.publications, "{}", sample.log);
        let expected: BTreeMap<String, usize> = sample
            .per_rule
            .iter()
            .map(|(rule, n)| (rule.to_string(), *n))
            .collect();
        assert_eq!(per_rule, expected, "{}", sample.log);
        let violations: usize = expected.values().sum();
        assert_eq!(summary.violations, violations, "{}", sample.log);
        assert_eq!(summary.warnings, sample.warnings, "{}", sample.log);
        // The only rule of severity info is leak-burst.
        let infos = expected.get("leak-burst").copied().unwrap_or(0);
        assert_eq!(summary.infos, infos, "{}", sample.log);
        assert_eq!(
            summary.errors,
            violations - sample.warnings - infos,
            "{}",
            sample.log
        );
        let broken = broken_by_election.entry(sample.rules).or_default();
        broken.extend(per_rule.keys().cloned());
        rulebooks.insert(sample.rules, rulebook);
    }
    // Every rule of an election is broken at least once by its samples.
    for (rules, rulebook) in &rulebooks {
        for rule in &rulebook.rules {
            assert!(
                broken_by_election[rules].contains(&rule.id),
                "no sample of {rules} breaks {}",
                rule.id
            );
        }
    }
}
