//! The log generator shared by `genlog` (the command) and the benchmarks.
//!
//! Publications are spread over the campaign (from 30 days before the first
//! vote to 2 days after the last), across the rulebook's regions, kinds and a
//! set of outlets. Most are news; campaign items, polls and results come at
//! their real-life share, so a small part of them breaks a rule. The same seed
//! gives the same log.
//!
//! The pieces below (the random numbers, the campaign, the draws and the line)
//! are shared with `merged.rs`, `genlog --unsorted`'s other kind of log.

use std::io::{self, Write};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use scrutin::rulebook::{Region, Rulebook};

/// SplitMix64: small, fast, and deterministic from its seed.
pub(crate) struct Random(pub u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub(crate) const OUTLETS: [&str; 12] = [
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

/// A poll's notice: every attribute the French poll-notice rule requires.
const POLL_NOTICE: &str =
    " pollster=Ipsos sponsor=\"Le Monde\" sample_size=1000 fieldwork=2017-05-01 margin_of_error=3";

/// The time a log covers: from 30 days before the first vote (00:00 UTC) to
/// 2 days after the last.
pub(crate) struct Campaign {
    pub start: DateTime<Utc>,
    /// Its length, in seconds.
    pub seconds: usize,
}

impl Campaign {
    pub(crate) fn of(rulebook: &Rulebook) -> Campaign {
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
        let seconds =
            ((last + Duration::days(2)) - (first - Duration::days(30))).num_seconds() as usize;
        Campaign { start, seconds }
    }
}

/// A region: the default one for eight publications in ten, any for the rest.
pub(crate) fn region(rulebook: &Rulebook, random: &mut Random) -> usize {
    if random.below(10) < 8 {
        rulebook.default_region
    } else {
        random.below(rulebook.regions.len())
    }
}

/// A kind at its real-life share (`SHARES`), among those the rulebook has;
/// news otherwise.
pub(crate) fn kind(kinds: &[&str], random: &mut Random) -> &'static str {
    let roll = random.below(1000);
    let mut threshold = 0;
    for (candidate, share) in SHARES {
        threshold += share;
        if roll < threshold && kinds.contains(&candidate) {
            return candidate;
        }
    }
    "news"
}

/// The poll notice's attributes, as JSON Lines and CSV write them.
const POLL_NOTICE_FIELDS: [(&str, &str); 5] = [
    ("pollster", "Ipsos"),
    ("sponsor", "Le Monde"),
    ("sample_size", "1000"),
    ("fieldwork", "2017-05-01"),
    ("margin_of_error", "3"),
];

/// The syntax a generated log is written in: the same publications as the
/// log syntax, as a JSON Lines export or a CSV file (read with the profiles
/// in `benches/profiles/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "genlog writes every syntax; the benches and tests that share this file, the log's"
)]
pub(crate) enum Syntax {
    Log,
    Jsonl,
    Csv,
}

/// The CSV header `Line::write_csv` writes under.
pub(crate) const CSV_HEADER: &str = "published,outlet,kind,channel,region,id,title,pollster,sponsor,sample_size,fieldwork,margin_of_error\n";

/// What one line says; `write` gives it the log syntax.
pub(crate) struct Line<'a> {
    pub n: usize,
    pub instant: DateTime<Utc>,
    pub region: &'a Region,
    pub outlet: &'a str,
    pub kind: &'a str,
    pub channel: &'a str,
    /// Does a poll carry its notice?
    pub notice: bool,
}

impl Line<'_> {
    /// The instant in the region's local time, as every syntax writes it.
    fn local_time(&self) -> impl std::fmt::Display {
        self.instant
            .with_timezone(&self.region.zone)
            .format("%Y-%m-%dT%H:%M:%S%:z")
    }

    pub(crate) fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let n = self.n;
        write!(
            out,
            "{} outlet={} kind={} channel={} region={} id=item-{n} title=\"Publication {n}\"",
            self.local_time(),
            self.outlet,
            self.kind,
            self.channel,
            self.region.id,
        )?;
        if self.notice {
            out.write_all(POLL_NOTICE.as_bytes())?;
        }
        writeln!(out)
    }

    /// The same publication as one JSON object (the shape of a CMS export).
    pub(crate) fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        let n = self.n;
        write!(
            out,
            r#"{{"published":"{}","outlet":"{}","kind":"{}","channel":"{}","region":"{}","id":"item-{n}","title":"Publication {n}""#,
            self.local_time(),
            self.outlet,
            self.kind,
            self.channel,
            self.region.id,
        )?;
        if self.notice {
            for (key, value) in POLL_NOTICE_FIELDS {
                write!(out, r#","{key}":"{value}""#)?;
            }
        }
        writeln!(out, "}}")
    }

    /// The same publication as one CSV row under `CSV_HEADER`.
    pub(crate) fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        let n = self.n;
        write!(
            out,
            "{},{},{},{},{},item-{n},\"Publication {n}\"",
            self.local_time(),
            self.outlet,
            self.kind,
            self.channel,
            self.region.id,
        )?;
        for (_, value) in POLL_NOTICE_FIELDS {
            out.write_all(b",")?;
            if self.notice {
                write!(out, "\"{value}\"")?;
            }
        }
        writeln!(out)
    }
}

/// Writes `lines` publications for `rulebook`, the same for the same `seed`,
/// in `syntax`.
pub(crate) fn log(
    rulebook: &Rulebook,
    lines: usize,
    seed: u64,
    syntax: Syntax,
    mut out: impl Write,
) -> io::Result<()> {
    if syntax == Syntax::Csv {
        out.write_all(CSV_HEADER.as_bytes())?;
    }
    let campaign = Campaign::of(rulebook);
    let span = campaign.seconds;
    let kinds: Vec<&str> = rulebook.kinds.iter().map(|k| k.id.as_str()).collect();
    let channels: Vec<&str> = rulebook.channels.iter().map(|c| c.id.as_str()).collect();

    let mut random = Random(seed);
    for n in 0..lines {
        // Logs are exported in time order, roughly: time grows with n, jittered.
        let second = (n * span / lines.max(1) + random.below(600)).min(span);
        let instant = campaign.start + Duration::seconds(second as i64);
        let region = &rulebook.regions[region(rulebook, &mut random)];
        let kind = kind(&kinds, &mut random);
        let outlet = OUTLETS[random.below(OUTLETS.len())];
        let channel = channels[random.below(channels.len())];
        // Nine polls in ten state their notice; the tenth breaks poll-notice.
        let notice = kind == "poll" && random.below(10) < 9;
        let line = Line {
            n,
            instant,
            region,
            outlet,
            kind,
            channel,
            notice,
        };
        match syntax {
            Syntax::Log => line.write(&mut out)?,
            Syntax::Jsonl => line.write_json(&mut out)?,
            Syntax::Csv => line.write_csv(&mut out)?,
        }
    }
    out.flush()
}
