//! The one release build the shipping stages share, run at most once per xtask process: the
//! archive packs its binaries, the npm suite runs its `tcredis-mock`, and maturin's own `cargo`
//! call for the wheel finds it fresh and only copies the binary.
//!
//! It is two cargo invocations, `cargo build --release --locked -p tcredis-mock` and then the
//! same for `-p tcredis-cli`, rather than one with both packages: maturin builds the mock
//! package alone, and cargo unifies dependency features over the packages of one invocation, so
//! a joint build would give the mock's dependencies other features and maturin would compile
//! them again. Built apart, the mock is exactly what maturin asks for; the CLI's build reuses
//! every dependency whose features agree.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::run::Context;

/// The packages built in release mode, in build order, each with the binary it ships.
pub const PACKAGES: &[(&str, &str)] =
    &[("tcredis-mock", "tcredis-mock"), ("tcredis-cli", "tcredis")];

/// Where the release binaries are.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// `target/release/tcredis`.
    pub tcredis: PathBuf,
    /// `target/release/tcredis-mock`.
    pub mock: PathBuf,
}

static BUILT: OnceLock<Binaries> = OnceLock::new();

/// Builds (once per process) and returns the release binaries.
pub fn binaries(ctx: &Context) -> Result<Binaries, String> {
    if let Some(built) = BUILT.get() {
        return Ok(built.clone());
    }
    for (package, _) in PACKAGES {
        let mut cmd = ctx.cargo();
        cmd.args(["build", "--release", "--locked", "-p", package]);
        ctx.run("release-build", &mut cmd)?;
    }
    let dir = ctx.root.join("target/release");
    let built = Binaries {
        tcredis: dir.join(exe("tcredis")),
        mock: dir.join(exe("tcredis-mock")),
    };
    for path in [&built.tcredis, &built.mock] {
        if !path.is_file() {
            return Err(format!(
                "the release build finished but {} is missing",
                path.display()
            ));
        }
    }
    Ok(BUILT.get_or_init(|| built).clone())
}

/// `name` with the platform's executable suffix.
pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The workspace version (`[workspace.package] version` in the root `Cargo.toml`).
pub fn workspace_version(ctx: &Context) -> Result<String, String> {
    let manifest = std::fs::read_to_string(ctx.root.join("Cargo.toml"))
        .map_err(|e| format!("Cargo.toml: {e}"))?;
    version_in(&manifest)
        .ok_or_else(|| "Cargo.toml: no `version = \"...\"` under [workspace.package]".to_owned())
}

fn version_in(manifest: &str) -> Option<String> {
    let mut in_section = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == "[workspace.package]";
            continue;
        }
        if in_section
            && let Some(value) = line.strip_prefix("version")
            && let Some(value) = value.trim_start().strip_prefix('=')
        {
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// The host target triple, from `rustc -vV`.
pub fn host_target() -> Result<String, String> {
    let output = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run `rustc -vV`: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .ok_or_else(|| "`rustc -vV` printed no `host:` line".to_owned())
}

#[cfg(test)]
mod tests {
    use super::version_in;

    #[test]
    fn reads_the_workspace_version_only() {
        let manifest = "[package]\nversion = \"9.9.9\"\n\n[workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\n";
        assert_eq!(version_in(manifest).as_deref(), Some("0.1.0"));
        assert_eq!(version_in("[package]\nversion = \"1.0.0\"\n"), None);
    }
}
