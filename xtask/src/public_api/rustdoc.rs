//! Produces a crate's rustdoc JSON with the image's nightly toolchain, into
//! `target/public-api/` so the stable build's artefacts are left alone.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::run::{Context, tool_works};

/// The toolchain, pinned by name: the nightly the project's image ships. Its rustdoc writes
/// JSON format [`super::krate::FORMAT_VERSION`].
pub const TOOLCHAIN: &str = "nightly";

/// Where the JSON build goes, relative to the workspace root.
pub const TARGET_DIR: &str = "target/public-api";

/// Runs `cargo +nightly rustdoc` for the library of the package in `crate_dir` (all features,
/// so feature-gated API is listed too; hidden items documented, see [`super::krate::is_hidden`])
/// and returns its parsed JSON.
pub fn generate(ctx: &Context, crate_dir: &Path) -> Result<Value, String> {
    if !tool_works("rustup", &["run", TOOLCHAIN, "rustdoc", "--version"]) {
        return Err(format!(
            "the `{TOOLCHAIN}` toolchain is needed (its rustdoc writes the JSON this task reads) \
             and `rustup run {TOOLCHAIN} rustdoc --version` failed. The project's image ships it \
             (`rustup toolchain list` shows nightly-x86_64-unknown-linux-gnu there); on another \
             machine install it with `rustup toolchain install {TOOLCHAIN}`"
        ));
    }
    let manifest = crate_dir.join("Cargo.toml");
    let manifest_text = fs::read_to_string(&manifest).map_err(|e| {
        format!(
            "cannot read {} ({e}); --crate-dir must be a package folder",
            manifest.display()
        )
    })?;
    let package = package_name(&manifest_text)
        .ok_or_else(|| format!("{} has no [package] name", manifest.display()))?;
    let target_dir = ctx.root.join(TARGET_DIR);
    let json_path = target_dir
        .join("doc")
        .join(format!("{}.json", package.replace('-', "_")));
    // A stale file from an earlier run must never be read as this run's output.
    let _ = fs::remove_file(&json_path);

    let mut cmd = ctx.command("rustup");
    cmd.args(["run", TOOLCHAIN, "cargo", "rustdoc", "--manifest-path"])
        .arg(&manifest)
        .args(["-p", &package, "--lib", "--all-features", "--locked"])
        .arg("--target-dir")
        .arg(&target_dir)
        // Hidden items are documented too, so re-exports out of `#[doc(hidden)]` modules
        // resolve; `Krate::item` leaves every hidden item itself out of the listing.
        .args([
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
            "--document-hidden-items",
        ])
        // The stable toolchain that runs xtask exports these; the nightly build must not see them.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .env_remove("RUSTDOCFLAGS");
    ctx.run("public-api-rustdoc", &mut cmd)?;

    let bytes = fs::read(&json_path).map_err(|e| {
        format!(
            "rustdoc succeeded but {} cannot be read ({e})",
            json_path.display()
        )
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not valid JSON: {e}", json_path.display()))
}

/// The `name` of the `[package]` table of a Cargo.toml (a line scan: xtask has no TOML parser).
pub fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some(rest) = line.strip_prefix("name") else {
            continue;
        };
        if let Some(value) = rest.trim_start().strip_prefix('=') {
            let value = value.trim().trim_matches('"');
            if !value.is_empty() {
                return Some(value.to_owned());
            }
        }
    }
    None
}
