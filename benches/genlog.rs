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
//!
//! With `--unsorted [--violations 0.05]`, the log is a commission's merged
//! export instead (`merged.rs`): lines in no time order, and that share of
//! them (5% unless given) breaking a window rule.
//!
//! With `--as jsonl` or `--as csv`, the same publications are written as a
//! JSON Lines export or a CSV file, read through `benches/profiles/`.

use std::io::{self, BufWriter};

#[path = "generate.rs"]
mod generate;
#[path = "merged.rs"]
mod merged;

const USAGE: &str = "\
genlog: a generated publication log, on standard output

Usage: genlog [--lines N] [--rules FILE] [--seed S] [--as log|jsonl|csv]
              [--unsorted [--violations SHARE]]

  --lines N            lines to write (default 1000000)
  --rules FILE         the rulebook (default rules/fr/presidential-2017.yaml)
  --seed S             the same seed gives the same log (default 1)
  --as SYNTAX          log (default), jsonl or csv: the same publications
                       (read with benches/profiles/genlog-SYNTAX.yaml)
  --unsorted           a commission's merged export: lines in no time order
  --violations SHARE   with --unsorted, the share of lines that break a
                       window rule, from 0 to 1 (default 0.05)";

fn argument(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let lines: usize = argument(&args, "--lines")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = argument(&args, "--seed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let path =
        argument(&args, "--rules").unwrap_or_else(|| "rules/fr/presidential-2017.yaml".into());
    let unsorted = args.iter().any(|a| a == "--unsorted");
    let violations = match argument(&args, "--violations") {
        None => 0.05,
        Some(_) if !unsorted => usage("--violations goes with --unsorted"),
        Some(share) => match share.parse::<f64>() {
            Ok(share) if (0.0..=1.0).contains(&share) => share,
            _ => usage("--violations takes a share from 0 to 1, such as 0.05"),
        },
    };
    let syntax = match argument(&args, "--as").as_deref() {
        None | Some("log") => generate::Syntax::Log,
        Some("jsonl") => generate::Syntax::Jsonl,
        Some("csv") => generate::Syntax::Csv,
        Some(_) => usage("--as takes log, jsonl or csv"),
    };
    if unsorted && syntax != generate::Syntax::Log {
        usage("--unsorted writes the log syntax only");
    }
    let rulebook =
        scrutin::rulebook::load(path.as_ref()).map_err(|e| io::Error::other(e.to_string()))?;

    let out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    if unsorted {
        merged::log(&rulebook, lines, seed, violations, out)
    } else {
        generate::log(&rulebook, lines, seed, syntax, out)
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("genlog: {problem}\n\n{USAGE}");
    std::process::exit(2)
}
