//! `cargo xtask package`: the five published crates as crates.io would receive them.
//!
//! `cargo publish --dry-run --locked` for `tcredis-core`, `tcredis-files`,
//! `tcredis-transport-hyper`, `tcredis-mock` and `tcredis-cli` in one invocation: cargo packages each (into
//! `target/package/*.crate`), checks its manifest for publishing, resolves its dependencies from
//! crates.io plus a local overlay holding the sibling packages, and compiles each package from its
//! unpacked `.crate` alone — so a file left out of a package, a path-only dependency or a missing
//! version fails here. Nothing is uploaded. `--allow-dirty` lets it run on a working tree with
//! local changes (the gate runs on a clean clone).
//!
//! Then the docs as docs.rs builds them (`[package.metadata.docs.rs]`: every feature,
//! `--cfg docsrs`, the nightly toolchain) for the four libraries, with `-D warnings -D
//! missing_docs`: every public item documented, every intra-doc link resolved, and the mock's
//! `server`-gated types labelled "Available on crate feature server only". It uses its own
//! target folder (`target/docsrs`), as nightly artefacts cannot be shared with stable ones.

use std::fs;
use std::path::PathBuf;

use crate::outcome::Outcome;
use crate::run::Context;

/// The library crates (documented on docs.rs).
pub const LIBRARIES: &[&str] = &[
    "tcredis-core",
    "tcredis-files",
    "tcredis-transport-hyper",
    "tcredis-mock",
];

/// A page of a feature-gated item and the label docs.rs must show on it.
const GATED_PAGE: (&str, &str) = (
    "target/docsrs/doc/tcredis_mock/struct.MockServer.html",
    "Available on <strong>crate feature <code>server</code></strong> only",
);

/// Publishable crates, dependencies first (the order `cargo publish` uses).
pub const CRATES: &[&str] = &[
    "tcredis-core",
    "tcredis-files",
    "tcredis-transport-hyper",
    "tcredis-mock",
    "tcredis-cli",
];

/// Packages, verifies and dry-run-publishes every crate, then builds the docs.rs docs.
pub fn run(ctx: &Context) -> Outcome {
    let published = match publish_dry_run(ctx) {
        Ok(note) => note,
        Err(e) => return Outcome::Fail(e),
    };
    match docs_rs(ctx) {
        Ok(()) => Outcome::pass_with(format!("{published}; docs.rs build clean")),
        Err(e) => Outcome::Fail(e),
    }
}

/// `cargo +nightly doc` of the libraries the way docs.rs runs it, missing docs denied.
fn docs_rs(ctx: &Context) -> Result<(), String> {
    let mut cmd = ctx.command("rustup");
    cmd.args([
        "run",
        "nightly",
        "cargo",
        "doc",
        "--no-deps",
        "--all-features",
        "--locked",
    ])
    .env_remove("RUSTUP_TOOLCHAIN")
    .env("CARGO_TARGET_DIR", ctx.root.join("target/docsrs"))
    .env("RUSTDOCFLAGS", "--cfg docsrs -D warnings -D missing_docs");
    for krate in LIBRARIES {
        cmd.args(["-p", krate]);
    }
    ctx.run("package-docsrs", &mut cmd)?;
    let (page, label) = GATED_PAGE;
    let html = fs::read_to_string(ctx.root.join(page)).map_err(|e| format!("{page}: {e}"))?;
    if html.contains(label) {
        Ok(())
    } else {
        Err(format!(
            "{page} does not say {label:?}: the docs.rs feature labels are missing \
             (#![cfg_attr(docsrs, feature(doc_cfg))] in the crate root)"
        ))
    }
}

fn publish_dry_run(ctx: &Context) -> Result<String, String> {
    forget_unpacked_siblings(ctx)?;
    forget_built_siblings(&ctx.root.join("target/debug"))?;
    let mut cmd = ctx.cargo();
    cmd.args(["publish", "--dry-run", "--allow-dirty", "--locked"]);
    for krate in CRATES {
        cmd.args(["-p", krate]);
    }
    let captured = ctx.run_captured("package", &mut cmd)?;
    if !captured.status.success() {
        return Err(format!(
            "cargo publish --dry-run exited with {}",
            captured.status
        ));
    }
    let stderr = String::from_utf8_lossy(&captured.stderr);
    let verified = CRATES
        .iter()
        .filter(|k| stderr.contains(&format!("Verifying {k} v")))
        .count();
    if verified != CRATES.len() {
        return Err(format!(
            "cargo publish --dry-run verified {verified} of {} crates",
            CRATES.len()
        ));
    }
    Ok(format!(
        "{} crates packaged, compiled alone and dry-run published",
        CRATES.len()
    ))
}

/// Removes the copies of our crates that an earlier dry run unpacked from its local overlay.
///
/// cargo unpacks the overlay's `.crate` files into `$CARGO_HOME/registry/src/-<hash>/` (the
/// hash names the overlay folder) and never unpacks a `name-version` again once it is there.
/// The version stays the same between releases, so a second run would compile the dependents
/// against the first run's sources: stale code, passing or failing for the wrong reason. Only
/// `tcredis-*` folders under the `-<hash>` (local registry) parents are removed; crates.io's
/// sources are left alone.
fn forget_unpacked_siblings(ctx: &Context) -> Result<(), String> {
    let version = crate::release::workspace_version(ctx)?;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let Ok(sources) = fs::read_dir(cargo_home.join("registry/src")) else {
        return Ok(());
    };
    for source in sources.flatten() {
        if !source.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for krate in CRATES {
            let unpacked = source.path().join(format!("{krate}-{version}"));
            if unpacked.is_dir() {
                fs::remove_dir_all(&unpacked)
                    .map_err(|e| format!("cannot remove {}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// Removes what an earlier dry run compiled from the overlay's copies of our crates.
///
/// cargo takes a registry crate's version as its fingerprint (registry sources never change),
/// so it would reuse the first run's `tcredis-core` build for the dependents' verification even
/// after the sources moved on. Those units are the `tcredis_*` ones whose dep-info names a file
/// under a local registry (`registry/src/-<hash>/`); the workspace's own builds are untouched.
fn forget_built_siblings(debug: &std::path::Path) -> Result<(), String> {
    let Ok(entries) = fs::read_dir(debug.join("deps")) else {
        return Ok(());
    };
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".d") else {
            continue;
        };
        let Some((krate, hash)) = stem.rsplit_once('-') else {
            continue;
        };
        if !krate.starts_with("tcredis_") {
            continue;
        }
        let from_overlay = fs::read_to_string(entry.path())
            .map(|deps| deps.contains("registry/src/-"))
            .unwrap_or(false);
        if from_overlay {
            stale.push((krate.replace('_', "-"), hash.to_owned()));
        }
    }
    for (krate, hash) in stale {
        let fingerprint = debug.join(".fingerprint").join(format!("{krate}-{hash}"));
        let _ = fs::remove_dir_all(&fingerprint);
        for entry in fs::read_dir(debug.join("deps"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.contains(&format!("-{hash}.")) {
                fs::remove_file(entry.path())
                    .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_units_built_from_the_overlay_are_forgotten() {
        let debug = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        let deps = debug.join("deps");
        fs::create_dir_all(&deps).unwrap();
        for hash in ["aaaa", "bbbb"] {
            fs::create_dir_all(debug.join(format!(".fingerprint/tcredis-core-{hash}"))).unwrap();
            fs::write(deps.join(format!("libtcredis_core-{hash}.rlib")), "").unwrap();
        }
        fs::write(
            deps.join("tcredis_core-aaaa.d"),
            "/root/.cargo/registry/src/-296686af/tcredis-core-0.1.0/src/lib.rs:\n",
        )
        .unwrap();
        fs::write(
            deps.join("tcredis_core-bbbb.d"),
            "/work/repo/crates/core/src/lib.rs:\n",
        )
        .unwrap();
        forget_built_siblings(&debug).unwrap();
        assert!(!deps.join("libtcredis_core-aaaa.rlib").exists());
        assert!(!deps.join("tcredis_core-aaaa.d").exists());
        assert!(!debug.join(".fingerprint/tcredis-core-aaaa").exists());
        assert!(
            deps.join("libtcredis_core-bbbb.rlib").exists(),
            "the workspace build stays"
        );
        assert!(debug.join(".fingerprint/tcredis-core-bbbb").exists());
        fs::remove_dir_all(&debug).unwrap();
    }
}
