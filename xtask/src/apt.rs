//! Debian tools the gate needs (promtool, strip, later Prometheus and Chromium): found on PATH or
//! installed with `apt-get` (as root, or through `sudo -n`). A tool still missing afterwards fails
//! the stage that needs it; nothing is skipped for a missing tool.

use std::process::Command;

use crate::run::{Context, tool_works};

/// A program and the Debian package that brings it.
#[derive(Debug, Clone, Copy)]
pub struct DebianTool {
    /// The program, started with `probe` to see whether it works.
    pub program: &'static str,
    /// Arguments that make the program exit 0 when it works (e.g. `--version`).
    pub probe: &'static [&'static str],
    /// The Debian package.
    pub package: &'static str,
}

/// `promtool` from Debian's `prometheus` package (which also brings the server).
pub const PROMTOOL: DebianTool = DebianTool {
    program: "promtool",
    probe: &["--version"],
    package: "prometheus",
};

/// The Prometheus server (Debian's `prometheus` package): the exporter's end-to-end test scrapes
/// it with a real one.
pub const PROMETHEUS: DebianTool = DebianTool {
    program: "prometheus",
    probe: &["--version"],
    package: "prometheus",
};

/// Headless Chromium (Debian's `chromium`): the exporter's status page is rendered by it in a
/// test (`--dump-dom`, `--screenshot`).
pub const CHROMIUM: DebianTool = DebianTool {
    program: "chromium",
    probe: &["--version"],
    package: "chromium",
};

/// `strip` from Debian's `binutils` (the release archive strips its binaries' line tables).
pub const STRIP: DebianTool = DebianTool {
    program: "strip",
    probe: &["--version"],
    package: "binutils",
};

/// Makes every tool work: installs the packages of the missing ones with one `apt-get update`
/// and one `apt-get install`, logged as `apt-<stage>`.
pub fn ensure(ctx: &Context, stage: &str, tools: &[DebianTool]) -> Result<(), String> {
    let missing: Vec<&DebianTool> = tools
        .iter()
        .filter(|t| !tool_works(t.program, t.probe))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = missing.iter().map(|t| t.package).collect();
    packages.dedup();
    let log = format!("apt-{stage}");
    ctx.run(&log, &mut apt_get(ctx, &["update", "-qq"]))?;
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(&packages);
    ctx.run(&log, &mut apt_get(ctx, &install))?;
    match missing.iter().find(|t| !tool_works(t.program, t.probe)) {
        Some(t) => Err(format!(
            "{} still does not work after `apt-get install {}`",
            t.program, t.package
        )),
        None => Ok(()),
    }
}

/// `apt-get ARGS`, directly as root, else through `sudo -n` (never prompting).
fn apt_get(ctx: &Context, args: &[&str]) -> Command {
    let root = tool_works("sh", &["-c", "test \"$(id -u)\" -eq 0"]);
    let mut cmd = if root {
        ctx.command("apt-get")
    } else {
        let mut sudo = ctx.command("sudo");
        sudo.args(["-n", "apt-get"]);
        sudo
    };
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}
