//! `cargo xtask bench [--check] [--long]`: the benchmarks of issue 6.
//!
//! Benchmarks live in `bench/`, a crate outside the workspace (its own `[workspace]` table and
//! lock file) so its peers (aws-sigv4, a bare hyper server, divan) never slow the test build.
//! Its runner is started as `cargo run --release --manifest-path bench/Cargo.toml --
//! [--check] [--long] --baseline bench/callgrind-baseline.json`:
//!
//! - without `--check` it runs every section (signing, parsing, the Python SDK's signing, mock
//!   throughput, end to end, cold start, memory, pacing, the 1,010-instance fleet, callgrind
//!   counts; about 7 minutes),
//!   rewrites `bench/callgrind-baseline.json` and `bench/results.json`, and regenerates
//!   `docs/benchmarks.md`. Missing tools (valgrind, hyperfine, wrk, GNU time) are installed with
//!   `apt-get`; the Python SDK and tccli come from the same pinned venvs as `cargo xtask interop`.
//! - with `--check` (the gate) it only counts instructions of signing and parsing under
//!   callgrind and fails when a count moved more than the baseline's tolerance (±3%). Its build
//!   needs only tcredis-core and serde_json, so it takes seconds on a warm cache.
//!
//! The bench crate shares the workspace's target directory, so the release builds of
//! `tcredis` and `tcredis-mock` it measures are the workspace's own.

use crate::Options;
use crate::outcome::Outcome;
use crate::run::Context;

const BASELINE: &str = "bench/callgrind-baseline.json";

/// Runs the benchmarks (or, with `check`, compares instruction counts with the baseline).
pub fn run(ctx: &Context, options: Options) -> Outcome {
    if !ctx.root.join("bench/Cargo.toml").exists() {
        return Outcome::Skip("no bench/ crate yet".to_owned());
    }
    if options.check && !ctx.root.join(BASELINE).exists() {
        return Outcome::Skip(format!("no committed callgrind baseline ({BASELINE})"));
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| ctx.root.join("target"));
    // `cargo run` builds only the runner; the callgrind subject is a second binary of the
    // bench crate that the runner executes under valgrind, so build every binary first.
    let mut build = ctx.cargo();
    build.args([
        "build",
        "--release",
        "--bins",
        "--manifest-path",
        "bench/Cargo.toml",
    ]);
    build.env("CARGO_TARGET_DIR", &target_dir);
    if let Err(e) = ctx.run("bench-build", &mut build) {
        return Outcome::Fail(e);
    }
    let mut cmd = ctx.cargo();
    cmd.args([
        "run",
        "--release",
        "--manifest-path",
        "bench/Cargo.toml",
        "--",
    ]);
    if options.check {
        cmd.arg("--check");
    }
    if options.long {
        cmd.arg("--long");
    }
    cmd.args(["--baseline", BASELINE]);
    cmd.env("CARGO_TARGET_DIR", &target_dir);
    match ctx.run("bench", &mut cmd) {
        Ok(()) => Outcome::pass(),
        Err(e) => Outcome::Fail(e),
    }
}
