//! The bounded binary runner: runs a program with stdin closed and a hard time bound (a hang is
//! a test failure, never a stuck test run), captures both streams, and records them for the
//! secret scan (see [`crate::scan`]).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::scan;
use crate::secrets;

/// The scan sub-folder every bounded run is recorded in.
pub const RECORD_FOLDER: &str = "runs";

/// What a bounded run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: Vec<u8>,
    /// Everything written to stderr.
    pub stderr: Vec<u8>,
    /// Wall time from start to exit.
    pub elapsed: Duration,
}

impl Run {
    /// stdout as text (lossy).
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// stderr as text (lossy).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Both streams and the exit code, for assertion messages.
    pub fn both(&self) -> String {
        format!(
            "--- exit {:?} ---\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            self.stdout(),
            self.stderr()
        )
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "exit code\n{}", self.both());
        self
    }

    /// stdout parsed as JSON (panics with the text when it is not).
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout()))
    }

    /// Asserts no test secret appears in either stream (where, never what).
    #[track_caller]
    pub fn assert_no_secret(&self) {
        for (name, bytes) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !secrets::contains_test_secret(bytes),
                "a test secret appears in {name} (content not shown, see the scan folder)"
            );
        }
    }
}

/// Runs `cmd` with stdin closed, killing it after `limit`; records its streams under the tag
/// (`args` is only what the recording shows as the command line). Panics (after killing the
/// child and recording what it printed) when it did not finish in time.
#[track_caller]
pub fn run_bounded(tag: &str, mut cmd: Command, limit: Duration, args: &[&str]) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{tag}`: {e}"));
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        out.read_to_end(&mut v).map(|_| v)
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        err.read_to_end(&mut v).map(|_| v)
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > limit => {
                // Our own child, by its handle.
                let _killed = child.kill();
                child
                    .wait()
                    .unwrap_or_else(|e| panic!("cannot reap `{tag}` after killing it: {e}"));
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("cannot wait for `{tag}`: {e}"),
        }
    };
    let collect = |t: std::thread::JoinHandle<std::io::Result<Vec<u8>>>, stream: &str| {
        t.join()
            .unwrap_or_else(|_| panic!("the {stream} reader of `{tag}` panicked"))
            .unwrap_or_else(|e| panic!("cannot read the {stream} of `{tag}`: {e}"))
    };
    let run = Run {
        code: status.and_then(|s| s.code()),
        stdout: collect(out_thread, "stdout"),
        stderr: collect(err_thread, "stderr"),
        elapsed: started.elapsed(),
    };
    scan::record_run(RECORD_FOLDER, tag, args, &run.stdout, &run.stderr);
    assert!(
        status.is_some(),
        "`{tag} {}` did not finish within {limit:?} (killed)\n{}",
        args.join(" "),
        run.both()
    );
    run
}
