//! `tcredis-bench`: runs every tcredis benchmark and regenerates `docs/benchmarks.md`, or, with
//! `--check`, compares callgrind instruction counts with the committed baseline (the CI gate).
//!
//! ```text
//! tcredis-bench [--check] [--long] [--baseline bench/callgrind-baseline.json] [--only SECTION,...]
//! ```
//!
//! Sections (in run order): callgrind, sign, parse, python-sign, mock-throughput, end-to-end,
//! cold-start, memory, pacing, fleet. Each section's figures are stored with the commit, machine and
//! date that produced them in `bench/results.json`; `docs/benchmarks.md` is rendered from that
//! file plus the hand-written analysis in `bench/notes/`, so `--only` refreshes some sections
//! and keeps the others' (labelled) figures. Tools that are missing (valgrind, hyperfine, wrk,
//! GNU time) are installed with `apt-get` as the gate installs its own tools.

#![forbid(unsafe_code)]

mod runner;

use std::path::PathBuf;
use std::process::ExitCode;

use runner::{Context, SECTIONS};

const USAGE: &str = "\
usage: tcredis-bench [--check] [--long] [--baseline PATH] [--only SECTION[,SECTION...]]

  --check          count instructions under callgrind and compare with the baseline (CI gate)
  --long           also the long forms (1,000,000-backup memory run)
  --baseline PATH  callgrind baseline (default bench/callgrind-baseline.json)
  --only LIST      run only these sections; others keep their stored figures
";

fn main() -> ExitCode {
    let mut check = false;
    let mut long = false;
    let mut baseline = None;
    let mut only: Option<Vec<String>> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--long" => long = true,
            "--baseline" => baseline = args.next().map(PathBuf::from),
            "--only" => {
                only = args
                    .next()
                    .map(|list| list.split(',').map(str::to_owned).collect())
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("tcredis-bench: unknown argument {other:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(bad) = only
        .iter()
        .flatten()
        .find(|s| !SECTIONS.contains(&s.as_str()))
    {
        eprintln!(
            "tcredis-bench: unknown section {bad:?}; sections: {}",
            SECTIONS.join(", ")
        );
        return ExitCode::from(2);
    }
    let ctx = match Context::new(baseline, long) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("tcredis-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let result = if check {
        runner::callgrind::check(&ctx)
    } else {
        runner::run_all(&ctx, only.as_deref())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcredis-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
