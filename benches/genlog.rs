//! Generates a realistic publication log for a rulebook, for benchmarks:
//!
//!     cargo run --release --example genlog -- --lines 2000000 \
//!         --rules rules/fr/presidential-2017.yaml [--seed 1] > big.log
//!
//! Publications are spread over the campaign (from 30 days before the first
//! vote to 2 days after the last), across the rulebook's regions, kinds and a
//! set of outlets. Most are news; campaign items, polls and results come at
//! their real-life share, so a small part of them breaks a rule. The same seed
//! gives the same log.

use std::io::{self, BufWriter};

#[path = "generate.rs"]
mod generate;

fn argument(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let lines: usize = argument(&args, "--lines")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = argument(&args, "--seed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let path =
        argument(&args, "--rules").unwrap_or_else(|| "rules/fr/presidential-2017.yaml".into());
    let rulebook =
        scrutin::rulebook::load(path.as_ref()).map_err(|e| io::Error::other(e.to_string()))?;

    let out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    generate::log(&rulebook, lines, seed, out)
}
