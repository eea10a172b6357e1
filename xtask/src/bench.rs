//! `cargo xtask bench [--check] [--long]`: the benchmarks of issue 6.
//!
//! Every benchmark lives in `bench/`, a crate outside the workspace (its own `[workspace]` table
//! and lock file) so its peers (aws-sigv4, a bare hyper server, divan) never slow the test
//! build; the workspace crates have no benches and no divan. Its runner is started as
//! `cargo run --release --locked --manifest-path bench/Cargo.toml -- [--check] [--long]
//! --baseline bench/callgrind-baseline.json`:
//!
//! - without `--check` it runs every section (signing, parsing, the Python SDK's signing, mock
//!   throughput, end to end, cold start, memory, pacing, the 1,010-instance fleet, callgrind
//!   counts; about 7 minutes),
//!   rewrites `bench/callgrind-baseline.json` and `bench/results.json`, and regenerates
//!   `docs/benchmarks.md`. The divan benches and examples need the bench crate's `benches`
//!   feature, which the runner enables for them. Missing tools (valgrind, hyperfine, wrk, GNU
//!   time) are installed with `apt-get`; the Python SDK and tccli come from the same pinned venvs
//!   as `cargo xtask interop`.
//! - with `--check` (the gate) it first runs the bench crate's own tests (the floor hashes the
//!   signed bytes; every parser sees every item), then counts instructions of signing and
//!   parsing under callgrind and fails when a count moved more than the baseline's tolerance
//!   (±3%). Its build needs only tcredis-core, serde and serde_json, so it takes seconds on a
//!   warm cache.
//!
//! Nothing here skips: a missing `bench/` crate or a missing baseline fails the stage.
//!
//! The bench crate shares the workspace's target directory, so the release builds of
//! `tcredis` and `tcredis-mock` it measures are the workspace's own.

use std::path::Path;

use crate::Options;
use crate::outcome::Outcome;
use crate::run::Context;

/// The committed callgrind baseline that `--check` compares with.
pub const BASELINE: &str = "bench/callgrind-baseline.json";
const MANIFEST: &str = "bench/Cargo.toml";

/// What must exist before the stage can run; a missing piece fails it, naming the fix.
pub fn preconditions(root: &Path, check: bool) -> Result<(), String> {
    if !root.join(MANIFEST).is_file() {
        return Err(format!(
            "{MANIFEST} is missing: the benchmarks (and the gate's instruction-count check) live there"
        ));
    }
    if check && !root.join(BASELINE).is_file() {
        return Err(format!(
            "{BASELINE} is missing: without it `bench --check` would compare with nothing; \
             record one with `cargo run --release --manifest-path bench/Cargo.toml -- --only callgrind` and commit it"
        ));
    }
    Ok(())
}

/// Runs the benchmarks (or, with `check`, the bench crate's tests and the instruction-count
/// comparison with the baseline).
pub fn run(ctx: &Context, options: Options) -> Outcome {
    if let Err(e) = preconditions(&ctx.root, options.check) {
        return Outcome::Fail(e);
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| ctx.root.join("target"));
    if options.check {
        // The bench crate's own tests: the figures are only meaningful while they pass.
        let mut test = ctx.cargo();
        test.args(["test", "--release", "--locked", "--manifest-path", MANIFEST]);
        test.env("CARGO_TARGET_DIR", &target_dir);
        if let Err(e) = ctx.run("bench-test", &mut test) {
            return Outcome::Fail(e);
        }
    }
    // `cargo run` builds only the runner; the callgrind subject is a second binary of the
    // bench crate that the runner executes under valgrind, so build every binary first.
    let mut build = ctx.cargo();
    build.args([
        "build",
        "--release",
        "--locked",
        "--bins",
        "--manifest-path",
        MANIFEST,
    ]);
    build.env("CARGO_TARGET_DIR", &target_dir);
    if let Err(e) = ctx.run("bench-build", &mut build) {
        return Outcome::Fail(e);
    }
    let mut cmd = ctx.cargo();
    cmd.args([
        "run",
        "--release",
        "--locked",
        "--manifest-path",
        MANIFEST,
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
        Ok(()) if options.check => {
            Outcome::pass_with("bench tests pass; instruction counts within tolerance")
        }
        Ok(()) => Outcome::pass(),
        Err(e) => Outcome::Fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_root(name: &str, manifest: bool, baseline: bool) -> std::path::PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-bench-{name}-{}", std::process::id()));
        if root.exists() {
            fs::remove_dir_all(&root).unwrap();
        }
        fs::create_dir_all(root.join("bench")).unwrap();
        if manifest {
            fs::write(root.join(MANIFEST), "[package]\n").unwrap();
        }
        if baseline {
            fs::write(root.join(BASELINE), "{}\n").unwrap();
        }
        root
    }

    #[test]
    fn a_missing_baseline_fails_the_check_and_says_how_to_record_one() {
        let root = fake_root("no-baseline", true, false);
        let err = preconditions(&root, true).unwrap_err();
        assert!(err.contains("callgrind-baseline.json is missing"), "{err}");
        assert!(err.contains("--only callgrind"), "{err}");
        // The full run writes the baseline, so it does not need one.
        assert_eq!(preconditions(&root, false), Ok(()));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_missing_bench_crate_fails() {
        let root = fake_root("no-crate", false, true);
        assert!(
            preconditions(&root, true)
                .unwrap_err()
                .contains("bench/Cargo.toml is missing")
        );
        assert!(preconditions(&root, false).is_err());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_repository_has_what_the_gate_needs() {
        assert_eq!(preconditions(&crate::project::root(), true), Ok(()));
    }
}
