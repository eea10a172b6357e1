//! The `tcredis-mock` child process: started with the interop seed, the credentials file, the
//! policy file, a frozen mock clock and the extra flags of its role (strict signing and exact
//! journal for the SDK and tccli; the documented loopback leniency for Node), its URL read from
//! the first stdout line (with a timeout), its output logged to the scan folder, and stopped by
//! closing its stdin (`--exit-on-stdin-eof`).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::run::{self, Context, Echo};

/// Where the interop mock's clock starts (the suites' week case counts nights from it).
pub(super) const CLOCK_START: &str = "2026-11-21T10:00:00+08:00";

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
        // The mock clock starts frozen after the seed's history (the scheduled instance's
        // nights come from it); the policy limits a second SecretId.
        .args([
            "--clock",
            CLOCK_START,
            "--policy",
            "tests/interop/policy.json",
        ])
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

/// Sets the running mock's clock (`POST /_mock/clock`) and returns the answer's body.
pub(super) fn post_clock(url: &str, body: &str) -> Result<String, String> {
    use std::io::Read as _;
    let authority = url.strip_prefix("http://").unwrap_or(url);
    let mut stream = std::net::TcpStream::connect(authority)
        .map_err(|e| format!("connecting to the mock at {authority}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let request = format!(
        "POST /_mock/clock HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("POST /_mock/clock: {e}"))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| format!("POST /_mock/clock: {e}"))?;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("POST /_mock/clock {body} was refused: {answer}"));
    }
    Ok(answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned())
}
