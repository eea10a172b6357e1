//! `cargo xtask npm`: the `tcredis-mock` npm package, packed, installed and tested.
//!
//! 1. `npm pack` in `npm/tcredis-mock/` into `target/npm/`; the tarball must hold exactly the
//!    files `package.json` lists (code, types, README, licences; no tests), and its version must
//!    be the workspace version.
//! 2. A fresh scratch project `target/npm/scratch/` installs the tarball (`npm install
//!    --offline`: the package has no dependencies) and gets a copy of `npm/tcredis-mock/test/`.
//! 3. Types: TypeScript, from `test/types/package-lock.json` (`npm ci`, redone only when the
//!    lock changes), compiles `test/types/usage.ts` against the *installed* `index.d.ts`.
//! 4. `node --test test/` runs in the scratch project against the shared release build's
//!    `tcredis-mock` (`TCREDIS_MOCK_BIN`) and the official Node.js SDK that interop installs
//!    from `tests/interop/node` (`NODE_PATH`), proxy variables removed. The stage passes only
//!    when node's runner exits 0 with at least one test passed and none failed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::interop::install::ensure_node;
use crate::outcome::Outcome;
use crate::release;
use crate::run::{Context, tool_works};

/// The package's source folder.
const PACKAGE_DIR: &str = "npm/tcredis-mock";

/// What the packed tarball must hold, exactly.
const PACKED: &[&str] = &[
    "package/LICENSE-APACHE",
    "package/LICENSE-MIT",
    "package/README.md",
    "package/index.d.ts",
    "package/index.js",
    "package/package.json",
];

const PROXY_VARS: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Packs, installs, type-checks and tests the npm package.
pub fn run(ctx: &Context) -> Outcome {
    match pack_and_test(ctx) {
        Ok(note) => Outcome::pass_with(note),
        Err(e) => Outcome::Fail(e),
    }
}

fn pack_and_test(ctx: &Context) -> Result<String, String> {
    for tool in ["node", "npm"] {
        if !tool_works(tool, &["--version"]) {
            return Err(format!("{tool} is missing (the npm stage never skips)"));
        }
    }
    let binaries = release::binaries(ctx)?;
    let sdk_modules = ensure_node(ctx, &ctx.root.join("target/interop/node"))?;
    let source = ctx.root.join(PACKAGE_DIR);
    let version = release::workspace_version(ctx)?;
    let manifest = read(&source.join("package.json"))?;
    if package_version(&manifest).as_deref() != Some(version.as_str()) {
        return Err(format!(
            "{PACKAGE_DIR}/package.json has version {:?}; the workspace version is {version}",
            package_version(&manifest)
        ));
    }

    let work = ctx.root.join("target/npm");
    let _ = fs::remove_dir_all(&work);
    create_dir(&work)?;
    let mut pack = ctx.command("npm");
    pack.args(["pack", "--ignore-scripts", "--pack-destination"])
        .arg(&work)
        .current_dir(&source);
    ctx.run("npm-pack", &mut pack)?;
    let tarball = work.join(format!("tcredis-mock-{version}.tgz"));
    if !tarball.is_file() {
        return Err(format!("npm pack did not write {}", tarball.display()));
    }
    let mut list = ctx.command("tar");
    list.arg("-tzf").arg(&tarball);
    let listed = ctx.run_captured("npm-pack", &mut list)?;
    let mut files: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    files.sort();
    if files != PACKED {
        return Err(format!(
            "the tarball holds {files:?}; expected exactly {PACKED:?}"
        ));
    }

    let scratch = work.join("scratch");
    create_dir(&scratch)?;
    write(
        &scratch.join("package.json"),
        "{\"name\": \"tcredis-mock-scratch\", \"version\": \"0.0.0\", \"private\": true}\n",
    )?;
    let mut install = ctx.command("npm");
    install
        .args([
            "install",
            "--offline",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
        ])
        .arg(&tarball)
        .current_dir(&scratch);
    ctx.run("npm-install", &mut install)?;
    copy_tree(&source.join("test"), &scratch.join("test"))?;

    let tsc = ensure_typescript(
        ctx,
        &source.join("test/types"),
        &ctx.root.join("target/npm-tools"),
    )?;
    let mut types = ctx.command("node");
    types
        .arg(&tsc)
        .arg("-p")
        .arg(scratch.join("test/types/tsconfig.json"))
        .current_dir(&scratch);
    ctx.run("npm-types", &mut types)?;

    let mut test = ctx.command("node");
    test.args(["--test", "test/"])
        .current_dir(&scratch)
        .env("TCREDIS_MOCK_BIN", &binaries.mock)
        .env("NODE_PATH", &sdk_modules);
    for var in PROXY_VARS {
        test.env_remove(var);
    }
    let captured = ctx.run_captured("npm-test", &mut test)?;
    let stdout = String::from_utf8_lossy(&captured.stdout);
    let pass = tap_count(&stdout, "pass");
    let fail = tap_count(&stdout, "fail");
    match (pass, fail) {
        (Some(p), Some(0)) if captured.status.success() && p > 0 => Ok(format!(
            "{}: {p} node tests passed, types checked",
            tarball.file_name().unwrap_or_default().to_string_lossy()
        )),
        _ => Err(format!(
            "node --test exited with {}: {} passed, {} failed",
            captured.status,
            pass.map_or("?".to_owned(), |n| n.to_string()),
            fail.map_or("?".to_owned(), |n| n.to_string())
        )),
    }
}

/// Installs TypeScript from the types check's lock file (`npm ci`), redone only when the lock
/// changes; returns the path of `tsc`'s script.
fn ensure_typescript(ctx: &Context, source: &Path, dir: &Path) -> Result<PathBuf, String> {
    let lock = read(&source.join("package-lock.json"))?;
    let tsc = dir.join("node_modules/typescript/bin/tsc");
    let stamp = dir.join(".tcredis-lock");
    if tsc.is_file() && fs::read_to_string(&stamp).ok().as_deref() == Some(lock.as_str()) {
        return Ok(tsc);
    }
    let _ = fs::remove_dir_all(dir);
    create_dir(dir)?;
    write(
        &dir.join("package.json"),
        &read(&source.join("package.json"))?,
    )?;
    write(&dir.join("package-lock.json"), &lock)?;
    let mut ci = ctx.command("npm");
    ci.args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(dir);
    ctx.run("npm-install-typescript", &mut ci)?;
    write(&stamp, &lock)?;
    Ok(tsc)
}

/// The `"version"` of a package.json (the first one: the package's own).
fn package_version(manifest: &str) -> Option<String> {
    let rest = manifest.split("\"version\"").nth(1)?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// The number on node's TAP summary line `# <label> N`.
fn tap_count(stdout: &str, label: &str) -> Option<u64> {
    stdout.lines().rev().find_map(|line| {
        line.trim()
            .strip_prefix("# ")?
            .strip_prefix(label)?
            .trim()
            .parse()
            .ok()
    })
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn create_dir(path: &Path) -> Result<(), String> {
    fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Copies `from` into `to` recursively, leaving out `node_modules`.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    create_dir(to)?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap_or_default();
        if name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            copy_tree(&path, &to.join(name))?;
        } else {
            fs::copy(&path, to.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_version_and_the_tap_totals() {
        let manifest =
            "{\n  \"name\": \"tcredis-mock\",\n  \"version\": \"0.1.0\",\n  \"engines\": {}\n}";
        assert_eq!(package_version(manifest).as_deref(), Some("0.1.0"));
        assert_eq!(package_version("{}"), None);
        let tap = "ok 1 - a\n# tests 12\n# pass 10\n# fail 2\n# cancelled 0\n";
        assert_eq!(tap_count(tap, "pass"), Some(10));
        assert_eq!(tap_count(tap, "fail"), Some(2));
        assert_eq!(tap_count("# passing 3", "pass"), None);
    }
}
