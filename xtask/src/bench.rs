//! `cargo xtask bench [--check]`: callgrind instruction-count benchmarks.
//!
//! # The contract the bench helper fills
//!
//! Benchmarks live in `bench/` (a crate outside the workspace so they never slow the test
//! build). Its binary is run as `cargo run --release --manifest-path bench/Cargo.toml --
//! [--check] --baseline bench/callgrind-baseline.json`; it runs each benchmark under
//! `valgrind --tool=callgrind`, and with `--check` exits non-zero when a count regresses past its
//! tolerance. The gate runs `--check` only when the committed baseline exists.

use crate::Options;
use crate::outcome::Outcome;
use crate::run::Context;

const BASELINE: &str = "bench/callgrind-baseline.json";

/// Runs the benchmarks (or, with `check`, compares them with the baseline).
pub fn run(ctx: &Context, options: Options) -> Outcome {
    if !ctx.root.join("bench/Cargo.toml").exists() {
        return Outcome::Skip("no bench/ crate yet".to_owned());
    }
    if options.check && !ctx.root.join(BASELINE).exists() {
        return Outcome::Skip(format!("no committed callgrind baseline ({BASELINE})"));
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
    match ctx.run("bench", &mut cmd) {
        Ok(()) => Outcome::pass(),
        Err(e) => Outcome::Fail(e),
    }
}
