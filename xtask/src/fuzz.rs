//! `cargo xtask fuzz-smoke [--long]`: runs every cargo-fuzz target in `fuzz/` for a bounded time
//! with the nightly toolchain (10 s each; 120 s with `--long`). Installs cargo-fuzz with
//! `--locked` when it is missing. Nothing skips: a missing `fuzz/` crate or a missing nightly
//! toolchain fails the stage, the latter with a message that says how to get one. The fuzz
//! crate builds from its committed lock file (`cargo tree --locked` must accept it first).
//!
//! Each target's committed seeds (`fuzz/seeds/<target>/`) are copied into its working corpus
//! (`fuzz/corpus/<target>/`, gitignored) first. Byte-input targets get the official samples as
//! they are; the structured (`Arbitrary`) targets get real inputs (the signing vectors, the
//! official request samples) encoded in their own input format by
//! `fuzz/examples/make_seeds.rs`, which this stage runs with `--check` first: a seed that no
//! longer decodes to its input, or differs from the committed file, fails the stage.
//! Targets are built once with debug assertions (`-a`: integer overflow is a finding too), then
//! run with a per-input timeout, so a hang is a finding rather than a stuck gate. The number of
//! executions per target comes from libFuzzer's final stats and is printed in a table (the
//! figures `docs/reliability.md` records). A crash fails the stage; libFuzzer leaves the input
//! in `fuzz/artifacts/<target>/`.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::Options;
use crate::outcome::Outcome;
use crate::run::{Context, tool_works};

/// Seconds per target in the gate and with `--long`.
const SMOKE_SECONDS: u32 = 10;
const LONG_SECONDS: u32 = 120;
/// libFuzzer's per-input timeout (seconds): a slower input is reported as a hang.
const INPUT_TIMEOUT_SECONDS: u32 = 10;

/// Why the stage cannot run, naming the fix; `None` when the fuzz crate and a nightly
/// toolchain are there.
pub fn missing_prerequisite(root: &Path, nightly_works: bool) -> Option<String> {
    if !root.join("fuzz/Cargo.toml").is_file() {
        return Some(
            "fuzz/Cargo.toml is missing: the fuzz targets live there, and a gate without them proves nothing"
                .to_owned(),
        );
    }
    if !nightly_works {
        return Some(NIGHTLY_MISSING.to_owned());
    }
    None
}

/// The message for a machine without the nightly toolchain cargo-fuzz needs.
const NIGHTLY_MISSING: &str = "the nightly toolchain is missing (`rustup run nightly rustc --version` failed), and \
cargo-fuzz needs it for its sanitizer flags. Toolchains cannot be downloaded on the project's \
machines: their image ships one (`rustup toolchain list` shows `nightly-x86_64-unknown-linux-gnu` \
there), so run the gate on such a machine; elsewhere install it with `rustup toolchain install nightly`.";

/// Runs the fuzz smoke test.
pub fn smoke(ctx: &Context, options: Options) -> Outcome {
    let fuzz_dir = ctx.root.join("fuzz");
    let nightly = tool_works("rustup", &["run", "nightly", "rustc", "--version"]);
    if let Some(reason) = missing_prerequisite(&ctx.root, nightly) {
        return Outcome::Fail(reason);
    }
    // The committed lock file must be complete and current: `cargo fuzz build` would otherwise
    // resolve (and rewrite) it silently.
    let mut locked = ctx.command("rustup");
    locked
        .args([
            "run", "nightly", "cargo", "tree", "--locked", "--depth", "0",
        ])
        .arg("--manifest-path")
        .arg(fuzz_dir.join("Cargo.toml"))
        .env_remove("RUSTUP_TOOLCHAIN");
    match ctx.run_captured("fuzz-lock", &mut locked) {
        Ok(c) if c.status.success() => {}
        Ok(c) => {
            return Outcome::Fail(format!(
                "fuzz/Cargo.lock is not current (cargo tree --locked exited with {}): update it and commit it",
                c.status
            ));
        }
        Err(e) => return Outcome::Fail(e),
    }
    let mut seeds = ctx.command("rustup");
    seeds
        .args([
            "run",
            "nightly",
            "cargo",
            "run",
            "--locked",
            "--quiet",
            "--example",
            "make_seeds",
        ])
        .arg("--manifest-path")
        .arg(fuzz_dir.join("Cargo.toml"))
        .args(["--", "--check"])
        .env_remove("RUSTUP_TOOLCHAIN");
    if let Err(e) = ctx.run("fuzz-seeds", &mut seeds) {
        return Outcome::Fail(format!(
            "the structured targets' seeds are stale or do not decode to their inputs: {e}"
        ));
    }
    if !tool_works("cargo", &["fuzz", "--version"]) {
        let mut install = ctx.command("cargo");
        install.args(["install", "cargo-fuzz", "--locked"]);
        if let Err(e) = ctx.run("fuzz-install", &mut install) {
            return Outcome::Fail(e);
        }
    }
    let listed = match ctx.run_captured("fuzz-list", nightly_fuzz(ctx).arg("list")) {
        Ok(c) if c.status.success() => String::from_utf8_lossy(&c.stdout).into_owned(),
        Ok(c) => return Outcome::Fail(format!("cargo fuzz list exited with {}", c.status)),
        Err(e) => return Outcome::Fail(e),
    };
    let targets: Vec<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if targets.is_empty() {
        return Outcome::Fail("fuzz/ exists but `cargo fuzz list` shows no target".to_owned());
    }
    if let Err(e) = ctx.run("fuzz-build", nightly_fuzz(ctx).args(["build", "-a"])) {
        return Outcome::Fail(e);
    }
    let seconds = if options.long {
        LONG_SECONDS
    } else {
        SMOKE_SECONDS
    };
    let mut rows = Vec::new();
    for target in &targets {
        let corpus = fuzz_dir.join("corpus").join(target);
        if let Err(e) = seed_corpus(&fuzz_dir.join("seeds").join(target), &corpus) {
            return Outcome::Fail(format!("cannot seed the corpus of {target}: {e}"));
        }
        let mut cmd = nightly_fuzz(ctx);
        cmd.args([
            "run",
            "-a",
            target,
            "--",
            &format!("-max_total_time={seconds}"),
            &format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
            "-print_final_stats=1",
        ]);
        let captured = match ctx.run_captured(&format!("fuzz-{target}"), &mut cmd) {
            Ok(c) => c,
            Err(e) => return Outcome::Fail(e),
        };
        let stderr = String::from_utf8_lossy(&captured.stderr);
        if !captured.status.success() {
            return Outcome::Fail(format!(
                "fuzz target {target} found a failure (exit {}); the input is in fuzz/artifacts/{target}/",
                captured.status
            ));
        }
        let execs = final_stat(&stderr, "stat::number_of_executed_units").unwrap_or(0);
        let corpus_size = fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0);
        rows.push((target.to_string(), execs, corpus_size));
    }
    println!("\nfuzz-smoke: {seconds}s per target");
    println!("{:<20} {:>12} {:>8}", "target", "executions", "corpus");
    for (target, execs, corpus) in &rows {
        println!("{target:<20} {execs:>12} {corpus:>8}");
    }
    let total: u64 = rows.iter().map(|r| r.1).sum();
    Outcome::pass_with(format!(
        "{} target(s) x {seconds}s, {total} executions, no crash",
        rows.len()
    ))
}

/// Copies the committed seeds into the working corpus (existing corpus files are kept).
fn seed_corpus(seeds: &Path, corpus: &Path) -> std::io::Result<()> {
    fs::create_dir_all(corpus)?;
    let Ok(entries) = fs::read_dir(seeds) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            let to = corpus.join(format!("seed-{}", entry.file_name().to_string_lossy()));
            if !to.exists() {
                fs::copy(entry.path(), to)?;
            }
        }
    }
    Ok(())
}

/// The value of a libFuzzer `-print_final_stats` line such as `stat::number_of_executed_units: 123`.
fn final_stat(output: &str, name: &str) -> Option<u64> {
    output.lines().rev().find_map(|line| {
        let rest = line.trim().strip_prefix(name)?.strip_prefix(':')?;
        rest.trim().parse().ok()
    })
}

fn nightly_fuzz(ctx: &Context) -> Command {
    let mut cmd = ctx.command("rustup");
    cmd.args(["run", "nightly", "cargo", "fuzz"])
        .env_remove("RUSTUP_TOOLCHAIN");
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_fuzz_crate_or_nightly_fails_with_the_fix() {
        let root = std::env::temp_dir().join(format!("xtask-fuzz-{}", std::process::id()));
        fs::create_dir_all(&root).unwrap();
        let reason = missing_prerequisite(&root, true).unwrap();
        assert!(reason.contains("fuzz/Cargo.toml is missing"), "{reason}");
        fs::create_dir_all(root.join("fuzz")).unwrap();
        fs::write(root.join("fuzz/Cargo.toml"), "[package]\n").unwrap();
        let reason = missing_prerequisite(&root, false).unwrap();
        assert!(reason.contains("nightly toolchain is missing"), "{reason}");
        assert!(reason.contains("image ships one"), "{reason}");
        assert_eq!(missing_prerequisite(&root, true), None);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn reads_the_final_stats() {
        let out = "#1 INITED\nDone 5 runs in 1 second(s)\nstat::number_of_executed_units: 48213\nstat::average_exec_per_sec:     4821\n";
        assert_eq!(
            final_stat(out, "stat::number_of_executed_units"),
            Some(48213)
        );
        assert_eq!(final_stat(out, "stat::average_exec_per_sec"), Some(4821));
        assert_eq!(final_stat(out, "stat::missing"), None);
    }
}
