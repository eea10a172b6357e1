//! `cargo xtask`: project automation in plain Rust (matklad's cargo-xtask pattern).
//!
//! ```text
//! cargo xtask ci [--long]        the gate: every stage in order, a summary table, non-zero on failure
//! cargo xtask interop            the official Python SDK, tccli and the Node.js SDK against tcredis-mock
//! cargo xtask fuzz-smoke [--long] each cargo-fuzz target briefly (nightly toolchain)
//! cargo xtask bench [--check]    callgrind benchmarks; --check compares with the committed baseline
//! cargo xtask codegen [--check]  regenerates the CLI help sections of docs/cli.md and the man page
//! cargo xtask package            `cargo package` (verified) for the five published crates, in dependency order
//! cargo xtask dist               release archive + .sha256 in target/dist/, unpacked and run
//! cargo xtask wheel              the tcredis-mock Python wheel (maturin), pytest in a fresh venv
//! cargo xtask npm                the tcredis-mock npm package, packed, installed, node --test
//! cargo xtask public-api [--check] crates/core/public-api.txt from rustdoc JSON (nightly toolchain)
//! cargo xtask promtool          docs/monitoring/alerts.yml: promtool check rules + test rules (part of ci)
//! cargo xtask secret-scan        scans target/secret-scan/ for the test secrets (part of ci)
//! ```
//!
//! Few dependencies: `std::process` runs the tools, so the gate builds fast on a fresh clone and
//! there is nothing between a reader and the commands that run; `public-api` alone reads JSON
//! (serde_json) and prints diffs (similar).

#![forbid(unsafe_code)]

mod apt;
mod bench;
mod ci;
mod codegen;
mod dist;
mod fuzz;
#[cfg(test)]
mod import_graph;
mod interop;
mod npm;
mod outcome;
mod package;
mod project;
mod promtool;
mod public_api;
mod release;
mod run;
mod secrets;
mod wheel;

use std::process::ExitCode;

use outcome::Outcome;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  ci [--long]          run the whole gate (fmt, clippy, promtool, test, doc, public-api --check,
                       codegen --check, interop, fuzz-smoke, bench --check, release build,
                       package, dist, wheel, npm, secret-scan); --long runs the long forms
  interop              official SDKs and tccli against tcredis-mock
  fuzz-smoke [--long]  run each fuzz target briefly
  bench [--check]      callgrind benchmarks; --check compares with the committed baseline
  codegen [--check]    regenerate CLI help in docs/cli.md and the man page; --check verifies
  package              cargo package (verified) for the five published crates, dependencies first
  dist                 release archive of tcredis + tcredis-mock in target/dist/, then unpacked and run
  wheel                the tcredis-mock Python wheel, installed into a fresh venv, pytest
  npm                  the tcredis-mock npm package, packed, installed, type-checked, node --test
  public-api [--check] [--crate-dir DIR]
                       write crates/core/public-api.txt from rustdoc JSON (nightly); --check
                       fails with a diff when it is stale, and on foreign types in the API
  promtool             check the alert rules and run their promtool unit tests (installs
                       Debian's prometheus package when promtool is missing)
  secret-scan          scan target/secret-scan/ for test secrets
";

/// Options shared by the commands: parsed from argv by hand (a handful of flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Run the long forms (longer fuzzing, minute-long load, 1M-item memory runs).
    pub long: bool,
    /// Verify instead of writing (codegen, bench).
    pub check: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    if command == "public-api" {
        return public_api::main(rest);
    }
    let mut options = Options::default();
    for arg in rest {
        match arg.as_str() {
            "--long" => options.long = true,
            "--check" => options.check = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("xtask: unknown option `{other}` for `{command}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let outcome = match command.as_str() {
        "ci" => return ci::run(options),
        "interop" => run_standalone(options, interop::run),
        "fuzz-smoke" => run_standalone(options, |ctx| fuzz::smoke(ctx, options)),
        "bench" => run_standalone(options, |ctx| bench::run(ctx, options)),
        "codegen" => run_standalone(options, |ctx| codegen::run(ctx, options)),
        "package" => run_standalone(options, package::run),
        "dist" => run_standalone(options, dist::run),
        "wheel" => run_standalone(options, wheel::run),
        "npm" => run_standalone(options, npm::run),
        "promtool" => run_standalone(options, promtool::run),
        "secret-scan" => run_standalone(options, secrets::scan_stage),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("xtask: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Outcome::Pass(note) => {
            println!(
                "xtask {command}: ok{}",
                note.map(|n| format!(" ({n})")).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Outcome::Fail(reason) => {
            eprintln!("xtask {command}: FAILED: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command outside the gate, teeing into the scan folder without wiping it.
fn run_standalone(options: Options, f: impl FnOnce(&run::Context) -> Outcome) -> Outcome {
    match run::Context::new(false, options.long) {
        Ok(ctx) => f(&ctx),
        Err(e) => Outcome::Fail(format!("cannot prepare {}: {e}", project::SCAN_DIR)),
    }
}
