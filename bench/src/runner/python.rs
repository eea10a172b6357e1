//! The official Python SDK and tccli: the same hash-pinned venvs as `cargo xtask interop`
//! (`target/interop/venv-sdk`, `target/interop/venv-tccli`, from `tests/interop/requirements-*.txt`),
//! created here the same way when missing, and section 1b (the SDK's signing speed).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::tools::{run_capture, run_quiet};
use super::{Context, Section, fmt_ns};

/// Creates (or reuses) a venv installed from `pins`, exactly as `cargo xtask interop` does
/// (same folder, same stamp file); returns its python.
pub fn ensure_venv(ctx: &Context, name: &str, pins: &str) -> Result<PathBuf, String> {
    let dir = ctx.ws_target.join("interop").join(name);
    let pins = ctx.root.join(pins);
    let python = dir.join("bin/python");
    let stamp = dir.join(".tcredis-pins");
    let wanted = std::fs::read_to_string(&pins).map_err(|e| format!("{}: {e}", pins.display()))?;
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        return Ok(python);
    }
    eprintln!("   creating {} from {}", dir.display(), pins.display());
    let _ = std::fs::remove_dir_all(&dir);
    run_quiet(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
    run_quiet(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--no-input",
                "--disable-pip-version-check",
                "--require-hashes",
                "-r",
            ])
            .arg(&pins),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(python)
}

/// The SDK venv's python.
pub fn sdk_python(ctx: &Context) -> Result<PathBuf, String> {
    ensure_venv(ctx, "venv-sdk", "tests/interop/requirements-sdk.txt")
}

/// The tccli executable.
pub fn tccli(ctx: &Context) -> Result<PathBuf, String> {
    let python = ensure_venv(ctx, "venv-tccli", "tests/interop/requirements-tccli.txt")?;
    Ok(python.with_file_name("tccli"))
}

fn package_version(python: &Path, package: &str) -> String {
    run_capture(Command::new(python).args([
        "-c",
        &format!("import importlib.metadata as m; print(m.version({package:?}))"),
    ]))
    .map(|s| s.trim().to_owned())
    .unwrap_or_else(|_| "?".to_owned())
}

/// Section 1b: the Python SDK's signing speed.
pub fn sign(ctx: &Context) -> Result<Section, String> {
    let python = sdk_python(ctx)?;
    let script = ctx.root.join("bench/python/sign_bench.py");
    let out = run_capture(Command::new(&python).arg(&script))?;
    let v: Value = serde_json::from_str(out.trim())
        .map_err(|e| format!("sign_bench.py printed no JSON ({e}): {out}"))?;
    let version = package_version(&python, "tencentcloud-sdk-python-common");
    let mut s = Section {
        command: format!(
            "target/interop/venv-sdk/bin/python bench/python/sign_bench.py   # Python {}, tencentcloud-sdk-python-common {version}",
            v["python"].as_str().unwrap_or("?")
        ),
        header: vec![
            "Path".into(),
            "Median per call".into(),
            "Spread (range of rounds)".into(),
            "Calls/s".into(),
        ],
        ..Section::default()
    };
    for (key, what) in [
        (
            "full",
            "`_build_req_with_tc3_signature` (JSON body, headers, derivation, signature, Authorization)",
        ),
        (
            "signature",
            "`_get_tc3_signature` (canonical request, string-to-sign, derivation, HMAC)",
        ),
        (
            "sign_tc3",
            "`Sign.sign_tc3` (key derivation + final HMAC only)",
        ),
    ] {
        let m = v[key]["median_ns"].as_f64().unwrap_or(f64::NAN);
        let lo = v[key]["min_ns"].as_f64().unwrap_or(f64::NAN);
        let hi = v[key]["max_ns"].as_f64().unwrap_or(f64::NAN);
        s.row(&[
            what,
            &fmt_ns(m),
            &format!("{} – {}", fmt_ns(lo), fmt_ns(hi)),
            &format!("{:.0}", 1e9 / m),
        ]);
    }
    let full = v["full"]["median_ns"].as_f64().unwrap_or(f64::NAN);
    match super::divan::rust_request_medians(ctx) {
        Ok((uncached, cached)) => {
            s.row(&[
                "same run, Rust like for like: the model serialised to JSON + `call::build_request` with a fresh key cache (derivation per request; divan median)",
                &fmt_ns(uncached),
                "",
                &format!("{:.0}", 1e9 / uncached),
            ]);
            s.row(&[
                "same run, Rust as a client runs it: the same with a warm `SigningKeyCache` (divan median)",
                &fmt_ns(cached),
                "",
                &format!("{:.0}", 1e9 / cached),
            ]);
            s.notes.push(format!(
                "Like for like (serialisation, key derivation, signature and headers on both sides), the SDK's `_build_req_with_tc3_signature` takes {:.0}x as long as tcredis; \
                 with the key cache every tcredis client keeps (the SDK has none), {:.0}x.",
                full / uncached,
                full / cached
            ));
        }
        Err(e) => {
            return Err(format!(
                "the Rust figures of the same run were not measured: {e}"
            ));
        }
    }
    s.notes.push(format!(
        "{} rounds of {} calls each. The SDK derives the TC3 key on every call (no cache).",
        v["repeat"], v["number"]
    ));
    Ok(s)
}
