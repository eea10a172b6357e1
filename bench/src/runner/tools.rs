//! External tools: finding them, installing the missing ones with `apt-get`, running commands.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

/// A tool a section needs: the program and the Debian package that brings it.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// Program name or absolute path.
    pub program: &'static str,
    /// Debian package.
    pub package: &'static str,
}

/// valgrind (callgrind).
pub const VALGRIND: Tool = Tool {
    program: "valgrind",
    package: "valgrind",
};
/// hyperfine.
pub const HYPERFINE: Tool = Tool {
    program: "hyperfine",
    package: "hyperfine",
};
/// wrk.
pub const WRK: Tool = Tool {
    program: "wrk",
    package: "wrk",
};
/// GNU time (`/usr/bin/time -v`, peak RSS).
pub const GNU_TIME: Tool = Tool {
    program: "/usr/bin/time",
    package: "time",
};

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

fn present(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).exists();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Installs every missing tool with `apt-get` (after one `apt-get update`).
pub fn ensure_tools(tools: &[Tool]) -> Result<(), String> {
    let missing: Vec<&Tool> = tools.iter().filter(|t| !present(t.program)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|t| t.package).collect();
    eprintln!("   installing {} with apt-get", packages.join(" "));
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        run_quiet(Command::new("apt-get").args(["update", "-qq"]))?;
    }
    run_quiet(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    match missing.iter().find(|t| !present(t.program)) {
        Some(t) => Err(format!("{} still missing after apt-get install", t.program)),
        None => Ok(()),
    }
}

/// Runs a command, returning stdout; an error carries the exit status and stderr's tail.
pub fn run_capture(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: String = stderr
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        Err(format!("{cmd:?} failed ({}):\n{tail}", out.status))
    }
}

/// Runs a command with its output going to ours (builds).
pub fn run_quiet(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}
