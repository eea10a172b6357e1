//! `cargo xtask package`: `cargo package` for every publishable crate, in dependency order
//! (outside the gate: it needs the crates' dependencies to resolve from a registry).

use crate::outcome::Outcome;
use crate::run::Context;

/// Publishable crates, dependencies first.
const CRATES: &[&str] = &[
    "tcredis-core",
    "tcredis-files",
    "tcredis-transport-hyper",
    "tcredis-mock",
    "tcredis-cli",
];

/// Packages each crate (`--allow-dirty`, so it works on a working tree with local changes).
pub fn run(ctx: &Context) -> Outcome {
    let mut cmd = ctx.cargo();
    cmd.args(["package", "--allow-dirty", "--locked"]);
    for krate in CRATES {
        cmd.args(["-p", krate]);
    }
    match ctx.run("package", &mut cmd) {
        Ok(()) => Outcome::pass_with(format!(
            "{} crates packaged into target/package/",
            CRATES.len()
        )),
        Err(e) => Outcome::Fail(e),
    }
}
