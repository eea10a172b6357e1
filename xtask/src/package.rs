//! `cargo xtask package`: the four crates as crates.io would receive them.
//!
//! `cargo publish --dry-run --locked` for `tcredis-core`, `tcredis-mock`,
//! `tcredis-transport-hyper` and `tcredis-cli` in one invocation: cargo packages each (into
//! `target/package/*.crate`), checks its manifest for publishing, resolves its dependencies from
//! crates.io plus a local overlay holding the sibling packages, and compiles each package from its
//! unpacked `.crate` alone — so a file left out of a package, a path-only dependency or a missing
//! version fails here. Nothing is uploaded. `--allow-dirty` lets it run on a working tree with
//! local changes (the gate runs on a clean clone).
//!
//! Then the docs as docs.rs builds them (`[package.metadata.docs.rs]`: every feature,
//! `--cfg docsrs`, the nightly toolchain) for the three libraries, with `-D warnings -D
//! missing_docs`: every public item documented, every intra-doc link resolved, and the mock's
//! `server`-gated types labelled "Available on crate feature server only". It uses its own
//! target folder (`target/docsrs`), as nightly artefacts cannot be shared with stable ones.

use std::fs;

use crate::outcome::Outcome;
use crate::run::Context;

/// The library crates (documented on docs.rs).
pub const LIBRARIES: &[&str] = &["tcredis-core", "tcredis-transport-hyper", "tcredis-mock"];

/// A page of a feature-gated item and the label docs.rs must show on it.
const GATED_PAGE: (&str, &str) = (
    "target/docsrs/doc/tcredis_mock/struct.MockServer.html",
    "Available on <strong>crate feature <code>server</code></strong> only",
);

/// Publishable crates, dependencies first (the order `cargo publish` uses).
pub const CRATES: &[&str] = &[
    "tcredis-core",
    "tcredis-mock",
    "tcredis-transport-hyper",
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
