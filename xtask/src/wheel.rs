//! `cargo xtask wheel`: the `tcredis-mock` Python wheel, installed into a fresh venv and tested.
//!
//! 1. The shared release build (`release::binaries`), then `maturin build --release --locked`
//!    in `python/` (`bindings = "bin"`: the wheel carries the `tcredis-mock` binary plus the
//!    `tcredis_mock` package and its pytest plugin). maturin's own `cargo` call builds the mock
//!    package alone, exactly as the shared build's first step did, so it finds that build fresh;
//!    the stage fails if the binary in the wheel is not byte-identical to
//!    `target/release/tcredis-mock`.
//! 2. maturin comes from `python/requirements-build.txt` (hash-pinned) in
//!    `target/python/venv-build`, redone only when the pins change.
//! 3. A fresh `target/python/venv-test` every run: `python/requirements-test.txt` (pytest and
//!    the official Python SDK, hash-pinned), then the wheel alone (`--no-deps --no-index`).
//! 4. pytest runs `python/tests` from an empty folder with `TCREDIS_MOCK_BIN` and the proxy
//!    variables removed, so the fixtures find the binary the wheel installed; the stage passes
//!    only when pytest exits 0 with at least one test passed and none failed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::interop::install::ensure_venv;
use crate::outcome::Outcome;
use crate::release;
use crate::run::{Context, tool_works};

/// Where the wheels are written.
pub const WHEEL_DIR: &str = "target/wheels";

/// Environment variables removed from the pytest run (the SDK would send loopback traffic to a
/// proxy; a set `TCREDIS_MOCK_BIN` would hide whether the wheel's own binary is found).
const REMOVED_ENV: &[&str] = &[
    "TCREDIS_MOCK_BIN",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Builds, installs and tests the wheel.
pub fn run(ctx: &Context) -> Outcome {
    match build_and_test(ctx) {
        Ok(note) => Outcome::pass_with(note),
        Err(e) => Outcome::Fail(e),
    }
}

fn build_and_test(ctx: &Context) -> Result<String, String> {
    if !tool_works("python3", &["-c", "import venv, ensurepip"]) {
        return Err("python3 with the venv module is missing (Debian: python3-venv)".to_owned());
    }
    let binaries = release::binaries(ctx)?;
    let work = ctx.root.join("target/python");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let build_python = ensure_venv(
        ctx,
        &work.join("venv-build"),
        &ctx.root.join("python/requirements-build.txt"),
    )?;
    let wheel = build_wheel(ctx, &build_python)?;
    same_binary(&wheel, &binaries.mock, &work)?;

    let venv = work.join("venv-test");
    let _ = fs::remove_dir_all(&venv);
    let mut create = ctx.command("python3");
    create.args(["-m", "venv"]).arg(&venv);
    ctx.run("wheel-venv", &mut create)?;
    let python = venv.join("bin/python");
    let mut pins = pip(ctx, &python);
    pins.args(["--require-hashes", "-r"])
        .arg(ctx.root.join("python/requirements-test.txt"));
    ctx.run("wheel-venv", &mut pins)?;
    let mut install = pip(ctx, &python);
    install.args(["--no-deps", "--no-index"]).arg(&wheel);
    ctx.run("wheel-venv", &mut install)?;

    let empty = work.join("pytest-run");
    let _ = fs::remove_dir_all(&empty);
    fs::create_dir_all(&empty).map_err(|e| format!("cannot create {}: {e}", empty.display()))?;
    let mut pytest = ctx.command(&python);
    pytest
        .args(["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA"])
        .arg(ctx.root.join("python/tests"))
        .current_dir(&empty)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1");
    for var in REMOVED_ENV {
        pytest.env_remove(var);
    }
    let captured = ctx.run_captured("wheel-pytest", &mut pytest)?;
    let _ = fs::remove_dir_all(&empty);
    let stdout = String::from_utf8_lossy(&captured.stdout);
    let summary = PytestSummary::from_output(&stdout);
    let name = wheel.file_name().unwrap_or_default().to_string_lossy();
    match summary {
        Some(s) if captured.status.success() && s.failed == 0 && s.passed > 0 => {
            Ok(format!("{name}: {} passed", s.passed))
        }
        Some(s) => Err(format!(
            "pytest exited with {}: {} passed, {} failed or errored",
            captured.status, s.passed, s.failed
        )),
        None => Err(format!(
            "pytest exited with {} and printed no summary line",
            captured.status
        )),
    }
}

fn pip(ctx: &Context, python: &Path) -> Command {
    let mut cmd = ctx.command(python);
    cmd.args([
        "-m",
        "pip",
        "install",
        "--no-input",
        "--disable-pip-version-check",
        "-q",
    ]);
    cmd
}

/// Runs maturin and returns the one wheel it wrote.
fn build_wheel(ctx: &Context, python: &Path) -> Result<PathBuf, String> {
    let out = ctx.root.join(WHEEL_DIR);
    let _ = fs::remove_dir_all(&out);
    let maturin = python.with_file_name("maturin");
    let mut cmd = ctx.command(&maturin);
    cmd.args(["build", "--release", "--locked", "--out"])
        .arg(&out)
        .current_dir(ctx.root.join("python"));
    ctx.run("wheel-build", &mut cmd)?;
    let wheels: Vec<PathBuf> = fs::read_dir(&out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    match wheels.as_slice() {
        [one] => Ok(one.clone()),
        other => Err(format!(
            "maturin wrote {} wheels into {}, expected exactly one",
            other.len(),
            out.display()
        )),
    }
}

/// Unpacks the wheel's binary and requires it to be the shared release build's, byte for byte.
fn same_binary(wheel: &Path, built: &Path, work: &Path) -> Result<(), String> {
    let dir = work.join("wheel-contents");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let status = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(wheel)
        .arg(&dir)
        .status()
        .map_err(|e| format!("cannot unpack {}: {e}", wheel.display()))?;
    if !status.success() {
        return Err(format!("cannot unpack {}: {status}", wheel.display()));
    }
    let inside = fs::read_dir(&dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path().join("scripts").join(release::exe("tcredis-mock")))
        .find(|p| p.is_file());
    let result = match inside {
        None => Err(format!(
            "{} holds no *.data/scripts/tcredis-mock",
            wheel.display()
        )),
        Some(path) if fs::read(&path).ok() == fs::read(built).ok() => Ok(()),
        Some(_) => Err(format!(
            "the wheel's tcredis-mock differs from {}: maturin rebuilt the mock instead of reusing \
             the shared release build",
            built.display()
        )),
    };
    let _ = fs::remove_dir_all(&dir);
    result
}

/// The counts of pytest's closing line (`== 23 passed, 2 errors in 11.5s ==`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PytestSummary {
    passed: u64,
    /// Failed and errored together.
    failed: u64,
}

impl PytestSummary {
    fn from_output(stdout: &str) -> Option<PytestSummary> {
        let line = stdout.lines().rev().find(|l| {
            let l = l.trim().trim_matches('=').trim();
            l.contains(" in ")
                && (l.contains("passed") || l.contains("failed") || l.contains("error"))
        })?;
        let mut summary = PytestSummary {
            passed: 0,
            failed: 0,
        };
        let text = line.trim().trim_matches('=').trim();
        let counts = text.rsplit_once(" in ").map_or(text, |(c, _)| c);
        for part in counts.split(',') {
            let mut words = part.split_whitespace();
            let (Some(n), Some(label)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match label {
                "passed" => summary.passed += n,
                "failed" | "error" | "errors" => summary.failed += n,
                _ => {}
            }
        }
        Some(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::{PytestSummary, same_binary};
    use std::fs;
    use std::process::Command;

    #[test]
    fn the_wheels_binary_must_be_the_release_builds() {
        let dir = std::env::temp_dir().join(format!("xtask-wheel-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let scripts = dir.join("tree/tcredis_mock-0.1.0.data/scripts");
        fs::create_dir_all(&scripts).unwrap();
        fs::write(
            scripts.join(crate::release::exe("tcredis-mock")),
            "built by maturin",
        )
        .unwrap();
        let wheel = dir.join("t.whl");
        let zipped = Command::new("python3")
            .args(["-m", "zipfile", "-c"])
            .arg(&wheel)
            .arg(dir.join("tree/tcredis_mock-0.1.0.data"))
            .status()
            .unwrap();
        assert!(zipped.success());
        let built = dir.join("built");
        fs::write(&built, "built by maturin").unwrap();
        assert_eq!(same_binary(&wheel, &built, &dir), Ok(()));
        fs::write(&built, "built by the shared release build").unwrap();
        let err = same_binary(&wheel, &built, &dir).unwrap_err();
        assert!(err.contains("maturin rebuilt the mock"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_pytests_closing_line() {
        let out = "....\n=========== 23 passed, 2 errors in 11.51s ===========\n";
        assert_eq!(
            PytestSummary::from_output(out),
            Some(PytestSummary {
                passed: 23,
                failed: 2
            })
        );
        assert_eq!(
            PytestSummary::from_output("1 failed, 3 passed, 1 skipped in 0.2s"),
            Some(PytestSummary {
                passed: 3,
                failed: 1
            })
        );
        assert_eq!(PytestSummary::from_output("no tests ran in 0.01s"), None);
    }
}
