//! Shared helpers of the reliability tests: run the real `tcredis` binary in a clean
//! environment with a hard time bound (a hang is a failure, not a stuck test), secrets passed in
//! the environment or files only, and every captured stream written to `$TCREDIS_SCAN_DIR` for
//! the gate's secret scan.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Test secrets: every value starts with the prefix the secret scan (`xtask/src/secrets.rs`)
/// looks for, so any leak into captured output fails the gate.
pub const SECRET_KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-7Qm2xV9pL4sK8dR3";
/// A session token (also scanned for).
pub const TOKEN: &str = "tcredis-test-secret-DO-NOT-PRINT-token-Ej3Ua8Gf2Po7";
/// The SecretId paired with [`SECRET_KEY`] (ids are not secret).
pub const SECRET_ID: &str = "AKIDTCREDISRELIAB00000000000000000000";
/// The prefix every test secret carries.
pub const SECRET_PREFIX: &str = "tcredis-test-secret-DO-NOT-PRINT";

/// What a bounded run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    /// Both streams, for messages.
    pub fn both(&self) -> String {
        format!(
            "--- exit {:?} ---\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            self.stdout(),
            self.stderr()
        )
    }
    /// Asserts no test secret appears in either stream.
    pub fn assert_no_secret(&self) {
        for (name, bytes) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !contains(bytes, SECRET_PREFIX.as_bytes()),
                "a test secret appears in {name} (content not shown, see the scan folder)"
            );
        }
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// Runs `tcredis args` with exactly `env` (plus HOME), killing it after `limit`.
pub fn tcredis(home: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcredis"));
    cmd.args(args).env_clear().env("HOME", home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_bounded("cli", cmd, limit, args)
}

/// Runs any command with a hard time bound; stdin is closed. Panics (after killing the child)
/// when it does not finish within `limit`.
pub fn run_bounded(tag: &str, mut cmd: Command, limit: Duration, args: &[&str]) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start the child process");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = Run {
        code: status.and_then(|s| s.code()),
        stdout: out_thread.join().unwrap_or_default(),
        stderr: err_thread.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    };
    record_for_scan(tag, args, &run);
    assert!(
        status.is_some(),
        "`{tag} {}` did not finish within {limit:?} (killed)\n{}",
        args.join(" "),
        run.both()
    );
    run
}

/// Writes a run's streams into `$TCREDIS_SCAN_DIR` (when set) for the gate's secret scan.
pub fn record_for_scan(tag: &str, args: &[&str], run: &Run) {
    let Some(dir) = std::env::var_os("TCREDIS_SCAN_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir).join("reliability");
    let _ = std::fs::create_dir_all(&dir);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let name = format!("{tag}-{}-{n}", std::process::id());
    let _ = std::fs::write(dir.join(format!("{name}.args")), args.join("\n"));
    let _ = std::fs::write(dir.join(format!("{name}.stdout")), &run.stdout);
    let _ = std::fs::write(dir.join(format!("{name}.stderr")), &run.stderr);
}

/// Writes arbitrary captured text (e.g. a server's log) into the scan folder.
pub fn record_text(tag: &str, text: &[u8]) {
    let Some(dir) = std::env::var_os("TCREDIS_SCAN_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir).join("reliability");
    let _ = std::fs::create_dir_all(&dir);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let _ = std::fs::write(
        dir.join(format!("{tag}-{}-{n}.txt", std::process::id())),
        text,
    );
}

/// The environment that hands `tcredis` the test credentials (never argv).
pub fn secret_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TENCENTCLOUD_SECRET_ID", SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY),
    ]
}
