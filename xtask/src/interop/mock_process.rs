//! The `tcredis-mock` child process: started with the interop seed, the credentials file and
//! the extra flags of its role (strict signing and exact journal for the SDK and tccli; the
//! documented loopback leniency for Node), its URL read from the first stdout line (with a
//! timeout), its output logged to the scan folder, and stopped by closing its stdin
//! (`--exit-on-stdin-eof`).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::run::{self, Context, Echo};

/// How long the mock may take to print its `listening on` line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The running mock binary.
pub(super) struct Mock {
    child: Child,
    pub(super) url: String,
    log_threads: Vec<thread::JoinHandle<std::io::Result<Vec<u8>>>>,
    log_path: std::path::PathBuf,
}

impl Mock {
    pub(super) fn start(
        ctx: &Context,
        binary: &Path,
        credentials: &Path,
        name: &str,
        extra_args: &[&str],
    ) -> Result<Mock, String> {
        let mut cmd = ctx.command(binary);
        cmd.args([
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "tests/interop/seed.json",
            "--credentials-file",
        ])
        .arg(credentials)
        .args(["--rate-limit", "0", "--exit-on-stdin-eof"])
        .args(extra_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        println!("$ {}", run::describe(&cmd));
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        // The first line, read on a thread so a mock that never prints cannot hang the gate.
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut first = String::new();
            let read = stdout.read_line(&mut first);
            let _ = tx.send((read.map(|_| first), stdout));
        });
        let (first, stdout) = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok((Ok(first), stdout)) => (first, stdout),
            Ok((Err(e), _)) => {
                run::kill_and_reap(&mut child);
                return Err(format!("reading tcredis-mock's first line: {e}"));
            }
            Err(_) => {
                run::kill_and_reap(&mut child);
                return Err(format!(
                    "tcredis-mock printed no line within {}s",
                    STARTUP_TIMEOUT.as_secs()
                ));
            }
        };
        let Some(url) = first
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_owned)
        else {
            run::kill_and_reap(&mut child);
            return Err(format!(
                "tcredis-mock did not print `listening on http://127.0.0.1:PORT` first (got {:?})",
                first.trim()
            ));
        };
        let log_path = ctx.log_path(&format!("interop-mock-{name}"));
        let log = run::open_log(&log_path)?;
        if let Err(e) = writeln!(log.lock().unwrap_or_else(|p| p.into_inner()), "{first}") {
            run::kill_and_reap(&mut child);
            return Err(format!("cannot write {}: {e}", log_path.display()));
        }
        let log_threads = vec![
            run::tee(Some(stdout), log.clone(), Echo::Quiet),
            run::tee(child.stderr.take(), log, Echo::Quiet),
        ];
        Ok(Mock {
            child,
            url,
            log_threads,
            log_path,
        })
    }

    /// Closes stdin (the mock exits on EOF) and waits up to 10 s before killing it.
    pub(super) fn stop(mut self) -> Result<(), String> {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        let result = loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => break Ok(()),
                Ok(Some(status)) => break Err(format!("tcredis-mock exited with {status}")),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
                Ok(None) => {
                    run::kill_and_reap(&mut self.child);
                    break Err(
                        "tcredis-mock ignored stdin EOF for 10 s (--exit-on-stdin-eof)".to_owned(),
                    );
                }
                Err(e) => break Err(format!("waiting for tcredis-mock: {e}")),
            }
        };
        let mut result = result;
        for t in self.log_threads.drain(..) {
            if let Err(e) = run::join_tee(t, &self.log_path) {
                result = result.and(Err(e));
            }
        }
        result
    }
}
