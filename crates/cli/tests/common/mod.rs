//! Running the real `tcredis` binary in a clean environment (an empty HOME, only the variables a
//! test passes) and capturing what it prints. Secrets travel in the environment, never in argv.
//! When `TCREDIS_SCAN_DIR` is set, every child's stdout and stderr are also written there for
//! the repository's secret scan.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The documentation's public example pair (Tencent Cloud signature docs); not a secret.
pub const DOC_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The documentation's public example key.
pub const DOC_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The fixed "now" of documentation examples and tests.
pub const NOW: &str = "2026-06-01T12:00:00+08:00";

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// A clean home directory for one test.
pub fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Runs `tcredis args` with exactly `env` (plus HOME) in its environment.
pub fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_with_stdin(home, args, env, Stdio::null())
}

/// Like [`run`] with a chosen stdin.
pub fn run_with_stdin(home: &Path, args: &[&str], env: &[(&str, &str)], stdin: Stdio) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcredis"));
    cmd.args(args).env_clear().env("HOME", home).stdin(stdin);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tcredis");
    let output = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    record_for_scan(args, &output);
    output
}

fn record_for_scan(args: &[&str], output: &Output) {
    let Some(dir) = std::env::var_os("TCREDIS_SCAN_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let _ = std::fs::create_dir_all(&dir);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let name = format!("cli-{}-{n}", std::process::id());
    let _ = std::fs::write(dir.join(format!("{name}.args")), args.join("\n"));
    let _ = std::fs::write(dir.join(format!("{name}.stdout")), &output.stdout);
    let _ = std::fs::write(dir.join(format!("{name}.stderr")), &output.stderr);
}
