//! `cargo xtask interop`: the official Python SDK, tccli and the official Node.js SDK against
//! the `tcredis-mock` binary over real loopback HTTP.
//!
//! 1. Checks the tools (python3 with venv, node, npm): a missing tool **fails** the stage.
//! 2. Creates two venvs under `target/interop/` from hash-pinned requirements files
//!    (`pip install --require-hashes`): `venv-sdk` (tencentcloud-sdk-python-common + -redis)
//!    and `venv-tccli` (tccli + tencentcloud-sdk-python); installs the Node SDK with `npm ci`
//!    from the committed lock file into `target/interop/node/`. Each is redone only when its
//!    pin file changes.
//! 3. Builds and starts `tcredis-mock --listen 127.0.0.1:0 --seed tests/interop/seed.json
//!    --credentials-file <tmp> --rate-limit 0 --exit-on-stdin-eof` and reads the URL from its
//!    first stdout line.
//! 4. Runs each suite with the URL, the seed path and the credentials in the environment (never
//!    in argv), proxies unset; every suite prints `PASS`/`FAIL` lines and ends with
//!    `interop-summary: suite=<name> ran=<n> passed=<m>`.
//! 5. Writes each tool's stdout/stderr (and the mock's) to the scan folder, stops the mock by
//!    closing its stdin, and reports how many cases ran and passed.

pub(crate) mod install;
mod mock_process;
mod scratch;
mod suite;

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use crate::outcome::Outcome;
use crate::run::Context;
use crate::secrets::{INTEROP_SECRET_ID, INTEROP_SECRET_KEY};

use install::{check_tools, ensure_node, ensure_venv};
use mock_process::Mock;
use scratch::{RunDir, write_private};
use suite::Suite;

/// A venv and the pin file it is installed from.
const VENVS: &[(&str, &str)] = &[
    ("venv-sdk", "tests/interop/requirements-sdk.txt"),
    ("venv-tccli", "tests/interop/requirements-tccli.txt"),
];

/// Set to an executable to run the suites against it instead of building `tcredis-mock`
/// (another build, or another implementation of the same command line and first stdout line).
const MOCK_OVERRIDE_ENV: &str = "TCREDIS_INTEROP_MOCK";

/// Runs every interop suite.
pub fn run(ctx: &Context) -> Outcome {
    match run_suites(ctx) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Fail(e),
    }
}

fn run_suites(ctx: &Context) -> Result<Outcome, String> {
    check_tools()?;
    let work = ctx.root.join("target/interop");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    let mut seed_check = ctx.command("python3");
    seed_check.args(["tests/interop/gen_seed.py", "--check"]);
    ctx.run("interop-seed-check", &mut seed_check)?;

    let mut pythons = Vec::new();
    for (name, pins) in VENVS {
        pythons.push(ensure_venv(ctx, &work.join(name), &ctx.root.join(pins))?);
    }
    let node_modules = ensure_node(ctx, &work.join("node"))?;

    let binary = match std::env::var_os(MOCK_OVERRIDE_ENV) {
        Some(path) => {
            println!(
                "interop: using {MOCK_OVERRIDE_ENV}={}",
                PathBuf::from(&path).display()
            );
            PathBuf::from(path)
        }
        None => {
            let mut build = ctx.cargo();
            build.args([
                "build",
                "--locked",
                "-p",
                "tcredis-mock",
                "--bin",
                "tcredis-mock",
            ]);
            ctx.run("interop-build-mock", &mut build)?;
            ctx.root.join("target/debug/tcredis-mock")
        }
    };

    let run_dir = RunDir::create(work.join(format!("run-{}", std::process::id())))?;
    let run_dir = &run_dir.0;
    let credentials = run_dir.join("credentials.json");
    write_private(
        &credentials,
        &format!(
            "{{\"credentials\": [{{\"SecretId\": \"{INTEROP_SECRET_ID}\", \"SecretKey\": \"{INTEROP_SECRET_KEY}\"}}]}}\n"
        ),
    )?;

    let mock = Mock::start(ctx, &binary, &credentials)?;
    println!("interop: mock listening on {}", mock.url);
    let started = Instant::now();
    let suites = [
        Suite {
            name: "python-sdk",
            program: pythons[0].clone(),
            args: vec!["tests/interop/python/sdk_cases.py".into()],
            extra_env: vec![],
        },
        Suite {
            name: "tccli",
            program: pythons[1].clone(),
            args: vec!["tests/interop/python/tccli_cases.py".into()],
            extra_env: vec![
                (
                    "TCREDIS_TCCLI".into(),
                    pythons[1].with_file_name("tccli").display().to_string(),
                ),
                ("HOME".into(), run_dir.join("home").display().to_string()),
            ],
        },
        Suite {
            name: "node-sdk",
            program: PathBuf::from("node"),
            args: vec!["tests/interop/node/interop.js".into()],
            extra_env: vec![("NODE_PATH".into(), node_modules.display().to_string())],
        },
    ];
    let mut ran = 0;
    let mut passed = 0;
    let mut problems = Vec::new();
    for suite in &suites {
        match suite.run(ctx, &mock.url) {
            Ok((r, p)) => {
                println!("interop: {}: {p}/{r} cases passed", suite.name);
                ran += r;
                passed += p;
                if p != r {
                    problems.push(format!("{}: {} of {r} cases failed", suite.name, r - p));
                }
            }
            Err(e) => problems.push(format!("{}: {e}", suite.name)),
        }
    }
    let mock_status = mock.stop();
    println!(
        "interop: {passed}/{ran} cases passed in {:.1}s (after install)",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = mock_status {
        problems.push(e);
    }
    if ran == 0 {
        problems.push("no case ran".to_owned());
    }
    Ok(if problems.is_empty() {
        Outcome::pass_with(format!("{passed}/{ran} cases"))
    } else {
        Outcome::Fail(format!(
            "{passed}/{ran} cases passed; {}",
            problems.join("; ")
        ))
    })
}
