//! `cargo xtask fuzz-smoke [--long]`: runs every cargo-fuzz target in `fuzz/` briefly with the
//! nightly toolchain (10 s each; 120 s with `--long`). Installs cargo-fuzz with `--locked`
//! when it is missing. Skipped while the repository has no `fuzz/` crate.

use std::process::Command;

use crate::Options;
use crate::outcome::Outcome;
use crate::run::{Context, tool_works};

/// Runs the fuzz smoke test.
pub fn smoke(ctx: &Context, options: Options) -> Outcome {
    let fuzz_dir = ctx.root.join("fuzz");
    if !fuzz_dir.join("Cargo.toml").exists() {
        return Outcome::Skip("no fuzz/ crate yet".to_owned());
    }
    if !tool_works("rustup", &["run", "nightly", "rustc", "--version"]) {
        return Outcome::Fail(
            "the nightly toolchain is missing (rustup toolchain install nightly)".to_owned(),
        );
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
    let seconds = if options.long { 120 } else { 10 };
    for target in &targets {
        let mut cmd = nightly_fuzz(ctx);
        cmd.args(["run", target, "--", &format!("-max_total_time={seconds}")]);
        if let Err(e) = ctx.run(&format!("fuzz-{target}"), &mut cmd) {
            return Outcome::Fail(e);
        }
    }
    Outcome::pass_with(format!("{} target(s) x {seconds}s", targets.len()))
}

fn nightly_fuzz(ctx: &Context) -> Command {
    let mut cmd = ctx.command("rustup");
    cmd.args(["run", "nightly", "cargo", "fuzz"])
        .env_remove("RUSTUP_TOOLCHAIN");
    cmd
}
