//! `cargo xtask interop`: the official Python SDK, tccli and the official Node.js SDK against
//! the `tcredis-mock` binary over real loopback HTTP, and a signing differential between the
//! Python SDK and tcredis-core.
//!
//! 1. Checks the tools (python3 with venv, node, npm): a missing tool **fails** the stage.
//! 2. Creates two venvs under `target/interop/` from hash-pinned requirements files
//!    (`pip install --require-hashes`): `venv-sdk` (tencentcloud-sdk-python-common + -redis)
//!    and `venv-tccli` (tccli + tencentcloud-sdk-python); installs the Node SDK with `npm ci`
//!    from the committed lock file into `target/interop/node/`. Each is redone only when its
//!    pin file changes.
//! 3. Builds `tcredis-mock` (into `CARGO_TARGET_DIR` when set) and starts it twice with
//!    `--seed tests/interop/seed.json --credentials-file <tmp> --rate-limit 0
//!    --clock 2026-11-21T10:00:00+08:00 --policy tests/interop/policy.json`: a **strict** mock
//!    (`--strict-signing --journal-exact-requests`) for the Python SDK, tccli and the
//!    differential, and a **lenient** one for the Node SDK alone (it signs the Host without its
//!    port and a scope service of `127`, the documented loopback leniency).
//! 4. Runs each suite with the URL, the seed path and the credentials in the environment (never
//!    in argv), proxies unset; every suite prints `PASS`/`FAIL` lines and ends with
//!    `interop-summary: suite=<name> ran=<n> passed=<m>`, and must run exactly its expected
//!    number of cases. The Python SDK, tccli and Node suites run twice: with both mocks' clocks
//!    frozen, then with them running at 3600× (the cases pass either way; the week case freezes
//!    the clock for itself and restores it).
//! 5. The differential (once, after both clock passes): `sdk_differential.py` sends random
//!    requests with the Python SDK (own SecretId) to the strict mock and saves its journal, which
//!    holds their exact signed bytes and the SDK's Authorization; `cargo test -p tcredis-mock
//!    --features interop-tests --test sdk_differential` has core sign the same bytes
//!    (Authorization byte-equal) and confirms that no request on the strict mock (SDK and tccli
//!    suites included) used loopback leniency.
//! 6. Writes each tool's stdout/stderr (and the mocks') to the scan folder, stops the mocks by
//!    closing their stdin, and reports how many cases ran and passed.

pub(crate) mod install;
mod mock_process;
mod scratch;
mod suite;

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use crate::outcome::Outcome;
use crate::run::Context;
use crate::secrets::{INTEROP_SECRET_ID, INTEROP_SECRET_KEY, TEST_SECRET_PREFIX};

/// The SecretId of the differential's requests (paired with [`INTEROP_SECRET_KEY`]), so the
/// journal tells them apart (`crates/mock/tests/sdk_differential.rs` uses the same value).
const DIFFERENTIAL_SECRET_ID: &str = "AKIDTCREDISDIFFERENTIAL0000000000000";

/// How many random requests the differential sends.
const DIFFERENTIAL_REQUESTS: usize = 300;

/// The cases each suite has (per clock pass); a suite that runs another number fails the stage.
const PYTHON_SDK_CASES: usize = 20;
const TCCLI_CASES: usize = 11;
const NODE_SDK_CASES: usize = 9;

/// The second SecretId of the interop run: `tests/interop/policy.json` denies it one instance.
const LIMITED_SECRET_ID: &str = "AKIDTCREDISINTEROPLIMITED00000000000";

/// The clock passes: the Python SDK, tccli and Node suites run with the mock clock frozen, then
/// again with it running at an hour per second (`POST /_mock/clock` to both mocks between the
/// passes).
const CLOCK_PASSES: &[(&str, Option<&str>)] = &[
    ("frozen", None),
    ("advancing", Some(r#"{"frozen": false, "speed": 3600}"#)),
];

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

    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { ctx.root.join(p) })
        .unwrap_or_else(|| ctx.root.join("target"));
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
            build.env("CARGO_TARGET_DIR", &target_dir);
            ctx.run("interop-build-mock", &mut build)?;
            target_dir.join("debug/tcredis-mock")
        }
    };

    let run_dir = RunDir::create(work.join(format!("run-{}", std::process::id())))?;
    let run_dir = &run_dir.0;
    let credentials = run_dir.join("credentials.json");
    let limited_key = format!("{TEST_SECRET_PREFIX}-interop-limited-Rw4Kd8");
    write_private(
        &credentials,
        &format!(
            "{{\"credentials\": [{{\"SecretId\": \"{INTEROP_SECRET_ID}\", \"SecretKey\": \"{INTEROP_SECRET_KEY}\"}}, \
             {{\"SecretId\": \"{DIFFERENTIAL_SECRET_ID}\", \"SecretKey\": \"{INTEROP_SECRET_KEY}\"}}, \
             {{\"SecretId\": \"{LIMITED_SECRET_ID}\", \"SecretKey\": \"{limited_key}\"}}]}}\n"
        ),
    )?;

    let strict = Mock::start(
        ctx,
        &binary,
        &credentials,
        "strict",
        &["--strict-signing", "--journal-exact-requests"],
    )?;
    let lenient = match Mock::start(ctx, &binary, &credentials, "lenient", &[]) {
        Ok(m) => m,
        Err(e) => {
            let _stopped = strict.stop();
            return Err(e);
        }
    };
    println!(
        "interop: strict mock (SDK, tccli, differential) on {}; lenient mock (Node SDK) on {}",
        strict.url, lenient.url
    );
    let journal = run_dir.join("strict-journal.json");
    let started = Instant::now();
    let suites = [
        (
            &strict,
            Suite {
                name: "python-sdk",
                expected_cases: PYTHON_SDK_CASES,
                program: pythons[0].clone(),
                args: vec!["tests/interop/python/sdk_cases.py".into()],
                extra_env: vec![
                    (
                        "TCREDIS_INTEROP_LIMITED_ID".into(),
                        LIMITED_SECRET_ID.into(),
                    ),
                    ("TCREDIS_INTEROP_LIMITED_KEY".into(), limited_key.clone()),
                ],
            },
        ),
        (
            &strict,
            Suite {
                name: "tccli",
                expected_cases: TCCLI_CASES,
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
        ),
        (
            &lenient,
            Suite {
                name: "node-sdk",
                expected_cases: NODE_SDK_CASES,
                program: PathBuf::from("node"),
                args: vec!["tests/interop/node/interop.js".into()],
                extra_env: vec![("NODE_PATH".into(), node_modules.display().to_string())],
            },
        ),
    ];
    let differential = Suite {
        name: "sdk-differential",
        expected_cases: DIFFERENTIAL_REQUESTS,
        program: pythons[0].clone(),
        args: vec!["tests/interop/python/sdk_differential.py".into()],
        extra_env: vec![
            (
                "TCREDIS_DIFFERENTIAL_SECRET_ID".into(),
                DIFFERENTIAL_SECRET_ID.into(),
            ),
            (
                "TCREDIS_DIFFERENTIAL_REQUESTS".into(),
                DIFFERENTIAL_REQUESTS.to_string(),
            ),
            (
                "TCREDIS_INTEROP_JOURNAL".into(),
                journal.display().to_string(),
            ),
        ],
    };
    let mut ran = 0;
    let mut passed = 0;
    let mut problems = Vec::new();
    'passes: for (pass, clock) in CLOCK_PASSES {
        if let Some(body) = clock {
            for (name, mock) in [("strict", &strict), ("lenient", &lenient)] {
                match mock_process::post_clock(&mock.url, body) {
                    Ok(reading) => println!("interop: {name} mock clock {pass}: {reading}"),
                    Err(e) => {
                        problems.push(format!("{name} mock: {e}"));
                        break 'passes;
                    }
                }
            }
        }
        for (mock, suite) in &suites {
            match suite.run(ctx, &mock.url) {
                Ok((r, p)) => {
                    println!(
                        "interop: {} (clock {pass}): {p}/{r} cases passed",
                        suite.name
                    );
                    ran += r;
                    passed += p;
                    if p != r {
                        problems.push(format!(
                            "{} (clock {pass}): {} of {r} cases failed",
                            suite.name,
                            r - p
                        ));
                    }
                }
                Err(e) => problems.push(format!("{} (clock {pass}): {e}", suite.name)),
            }
        }
    }
    // Last on the strict mock, once: its journal then also holds the SDK and tccli suites'
    // requests of both clock passes, which the checker confirms used no leniency.
    match differential.run(ctx, &strict.url) {
        Ok((r, p)) => {
            println!("interop: {}: {p}/{r} cases passed", differential.name);
            ran += r;
            passed += p;
            if p != r {
                problems.push(format!(
                    "{}: {} of {r} cases failed",
                    differential.name,
                    r - p
                ));
            }
        }
        Err(e) => problems.push(format!("{}: {e}", differential.name)),
    }
    for (name, mock) in [("strict", strict), ("lenient", lenient)] {
        if let Err(e) = mock.stop() {
            problems.push(format!("{name} mock: {e}"));
        }
    }
    // Core re-signs the SDK's exact bytes; no request on the strict mock used leniency.
    let mut differential_check = ctx.cargo();
    differential_check
        .args([
            "test",
            "--locked",
            "-p",
            "tcredis-mock",
            "--features",
            "interop-tests",
            "--test",
            "sdk_differential",
        ])
        .env("TCREDIS_INTEROP_JOURNAL", &journal)
        .env(
            "TCREDIS_INTEROP_DIFFERENTIAL_REQUESTS",
            DIFFERENTIAL_REQUESTS.to_string(),
        );
    if let Err(e) = ctx.run("interop-differential", &mut differential_check) {
        problems.push(format!(
            "signing differential (core re-signing the Python SDK's bytes): {e}"
        ));
    }
    println!(
        "interop: {passed}/{ran} cases passed in {:.1}s (after install)",
        started.elapsed().as_secs_f64()
    );
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
