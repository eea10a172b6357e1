//! Installing the clients: two venvs from hash-pinned requirements files and the Node SDK from
//! its lock file, each redone only when its pin file changes. A missing tool fails.

use std::fs;
use std::path::{Path, PathBuf};

use crate::run::{Context, tool_works};

pub(super) fn check_tools() -> Result<(), String> {
    let mut missing = Vec::new();
    if !tool_works("python3", &["-c", "import venv, ensurepip"]) {
        missing.push("python3 with the venv module (Debian: python3-venv)");
    }
    if !tool_works("node", &["--version"]) {
        missing.push("node");
    }
    if !tool_works("npm", &["--version"]) {
        missing.push("npm");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missing tool(s): {} (interop never skips for a missing tool)",
            missing.join(", ")
        ))
    }
}

/// Creates (or reuses) a venv installed from `pins`; returns its python.
pub(crate) fn ensure_venv(ctx: &Context, dir: &Path, pins: &Path) -> Result<PathBuf, String> {
    let python = dir.join("bin/python");
    let stamp = dir.join(".tcredis-pins");
    let wanted = fs::read_to_string(pins).map_err(|e| format!("{}: {e}", pins.display()))?;
    if python.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(&wanted) {
        return Ok(python);
    }
    let _ = fs::remove_dir_all(dir);
    let log = format!(
        "interop-install-{}",
        dir.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut venv = ctx.command("python3");
    venv.args(["-m", "venv"]).arg(dir);
    ctx.run(&log, &mut venv)?;
    let mut pip = ctx.command(&python);
    pip.args([
        "-m",
        "pip",
        "install",
        "--no-input",
        "--disable-pip-version-check",
        "--require-hashes",
        "-r",
    ])
    .arg(pins);
    ctx.run(&log, &mut pip)?;
    fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(python)
}

/// Installs the Node SDK from the committed lock file (`npm ci`); returns its node_modules.
pub(crate) fn ensure_node(ctx: &Context, dir: &Path) -> Result<PathBuf, String> {
    let source = ctx.root.join("tests/interop/node");
    let lock = fs::read_to_string(source.join("package-lock.json")).map_err(|e| e.to_string())?;
    let manifest = fs::read_to_string(source.join("package.json")).map_err(|e| e.to_string())?;
    let modules = dir.join("node_modules");
    let stamp = dir.join(".tcredis-lock");
    if modules.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(&lock) {
        return Ok(modules);
    }
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    fs::write(dir.join("package.json"), manifest).map_err(|e| e.to_string())?;
    fs::write(dir.join("package-lock.json"), &lock).map_err(|e| e.to_string())?;
    let mut npm = ctx.command("npm");
    npm.args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(dir);
    ctx.run("interop-install-node", &mut npm)?;
    fs::write(&stamp, lock).map_err(|e| e.to_string())?;
    Ok(modules)
}
