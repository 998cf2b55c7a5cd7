//! The log generator shared by `genlog` (the command) and the benchmarks.
//!
//! Publications are spread over the campaign (from 30 days before the first
//! vote to 2 days after the last), across the rulebook's regions, kinds and a
//! set of outlets. Most are news; campaign items, polls and results come at
//! their real-life share, so a small part of them breaks a rule. The same seed
//! gives the same log.

use std::io::{self, Write};

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use scrutin::rulebook::Rulebook;

/// SplitMix64: small, fast, and deterministic from its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const OUTLETS: [&str; 12] = [
    "lemonde.fr",
    "lefigaro.fr",
    "liberation.fr",
    "bfmtv",
    "franceinfo",
    "tf1",
    "rfi",
    "la1ere",
    "ouest-france.fr",
    "twitter.com/candidate",
    "facebook.com",
    "regional.example",
];

/// Kinds by share of publications, in thousandths; the rest is news.
const SHARES: [(&str, usize); 4] = [
    ("campaign", 120),
    ("poll", 40),
    ("result", 10),
    ("paid_ad", 5),
];

/// Writes `lines` publications for `rulebook`, the same for the same `seed`.
pub fn log(rulebook: &Rulebook, lines: usize, seed: u64, mut out: impl Write) -> io::Result<()> {
    let first = rulebook
        .rounds
        .first()
        .expect("an election has rounds")
        .polls[rulebook.default_region]
        .vote;
    let last = rulebook
        .rounds
        .last()
        .expect("an election has rounds")
        .polls[rulebook.default_region]
        .vote;
    let start = Utc.from_utc_datetime(&(first - Duration::days(30)).and_time(NaiveTime::MIN));
    let span = ((last + Duration::days(2)) - (first - Duration::days(30))).num_seconds() as usize;
    let kinds: Vec<&str> = rulebook.kinds.iter().map(|k| k.id.as_str()).collect();
    let channels: Vec<&str> = rulebook.channels.iter().map(|c| c.id.as_str()).collect();

    let mut random = Random(seed);
    for n in 0..lines {
        // Logs are exported in time order, roughly: time grows with n, jittered.
        let second = (n * span / lines.max(1) + random.below(600)).min(span);
        let instant = start + Duration::seconds(second as i64);
        let region = if random.below(10) < 8 {
            rulebook.default_region
        } else {
            random.below(rulebook.regions.len())
        };
        let region = &rulebook.regions[region];
        let roll = random.below(1000);
        let mut kind = "news";
        let mut threshold = 0;
        for (candidate, share) in SHARES {
            threshold += share;
            if roll < threshold && kinds.contains(&candidate) {
                kind = candidate;
                break;
            }
        }
        let local = instant.with_timezone(&region.zone);
        write!(
            out,
            "{} outlet={} kind={kind} channel={} region={} id=item-{n} title=\"Publication {n}\"",
            local.format("%Y-%m-%dT%H:%M:%S%:z"),
            OUTLETS[random.below(OUTLETS.len())],
            channels[random.below(channels.len())],
            region.id,
        )?;
        if kind == "poll" && random.below(10) < 9 {
            write!(
                out,
                " pollster=Ipsos sponsor=\"Le Monde\" sample_size=1000 fieldwork=2017-05-01 margin_of_error=3"
            )?;
        }
        writeln!(out)?;
    }
    out.flush()
}
