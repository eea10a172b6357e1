//! Running child processes: echo the command, tee stdout and stderr into the scan folder, and
//! turn the exit status into a plain error message.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crate::project;

/// Shared state of a task run: the workspace root and the scan folder.
#[derive(Debug)]
pub struct Context {
    /// The workspace root; every command runs there unless it says otherwise.
    pub root: PathBuf,
    /// Absolute path of the scan folder (`target/secret-scan/`).
    pub scan_dir: PathBuf,
    /// `--long`: exported to every child as `TCREDIS_LONG=1` so tests can run their long forms.
    pub long: bool,
}

impl Context {
    /// Prepares the scan folder; `fresh` wipes it first (the gate does, single tasks do not).
    pub fn new(fresh: bool, long: bool) -> io::Result<Context> {
        let root = project::root();
        let scan_dir = root.join(project::SCAN_DIR);
        if fresh && scan_dir.exists() {
            fs::remove_dir_all(&scan_dir)?;
        }
        fs::create_dir_all(&scan_dir)?;
        Ok(Context {
            root,
            scan_dir,
            long,
        })
    }

    /// A command in the workspace root with the scan folder exported as `TCREDIS_SCAN_DIR`.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root)
            .env(project::SCAN_DIR_ENV, &self.scan_dir)
            .stdin(Stdio::null());
        if self.long {
            cmd.env(project::LONG_ENV, "1");
        }
        cmd
    }

    /// `cargo` (the one that runs us) as a [`Context::command`].
    pub fn cargo(&self) -> Command {
        self.command(project::cargo())
    }

    /// Runs `cmd` to completion, teeing its output to the terminal and to `<scan>/<log>.log`.
    pub fn run(&self, log: &str, cmd: &mut Command) -> Result<(), String> {
        let output = self.run_captured(log, cmd)?;
        check_status(cmd, output.status)
    }

    /// Like [`Context::run`] but also returns what the child printed (stdout, stderr).
    pub fn run_captured(&self, log: &str, cmd: &mut Command) -> Result<Captured, String> {
        println!("$ {}", describe(cmd));
        let log_path = self.log_path(log);
        let sink = Arc::new(Mutex::new(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)
                .map_err(|e| format!("cannot open {}: {e}", log_path.display()))?,
        ));
        writeln!(lock(&sink), "$ {}", describe(cmd))
            .map_err(|e| format!("cannot write {}: {e}", log_path.display()))?;
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
        let out = tee(child.stdout.take(), sink.clone(), Echo::Stdout);
        let err = tee(child.stderr.take(), sink, Echo::Stderr);
        let status = child
            .wait()
            .map_err(|e| format!("waiting for `{}`: {e}", describe(cmd)))?;
        let stdout = join_tee(out, &log_path)?;
        let stderr = join_tee(err, &log_path)?;
        Ok(Captured {
            status,
            stdout,
            stderr,
        })
    }

    /// The scan-folder log file for `name` (a file name; `/` becomes `-`).
    pub fn log_path(&self, name: &str) -> PathBuf {
        self.scan_dir
            .join(format!("{}.log", name.replace(['/', ' '], "-")))
    }
}

/// What a finished child printed.
#[derive(Debug)]
pub struct Captured {
    /// Its exit status.
    pub status: ExitStatus,
    /// Everything it wrote to stdout.
    pub stdout: Vec<u8>,
    /// Everything it wrote to stderr.
    pub stderr: Vec<u8>,
}

/// Where a tee thread echoes what it reads.
#[derive(Debug, Clone, Copy)]
pub enum Echo {
    /// Our stdout.
    Stdout,
    /// Our stderr.
    Stderr,
    /// Nowhere: only the log file (for a server's chatter).
    Quiet,
}

/// Copies `source` to the echo target and the shared log file until EOF; returns all bytes
/// read, or the first read or write error (a capture that lost output must not pass).
pub fn tee(
    source: Option<impl Read + Send + 'static>,
    sink: Arc<Mutex<File>>,
    echo: Echo,
) -> JoinHandle<io::Result<Vec<u8>>> {
    thread::spawn(move || {
        let mut all = Vec::new();
        let Some(mut source) = source else {
            return Ok(all);
        };
        let mut buf = [0u8; 8192];
        loop {
            let n = match source.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let chunk = &buf[..n];
            match echo {
                Echo::Stdout => {
                    let mut o = io::stdout().lock();
                    o.write_all(chunk)?;
                    o.flush()?;
                }
                Echo::Stderr => io::stderr().lock().write_all(chunk)?,
                Echo::Quiet => {}
            }
            lock(&sink).write_all(chunk)?;
            all.extend_from_slice(chunk);
        }
        Ok(all)
    })
}

/// Waits for a [`tee`] thread; an error names the log it was writing.
pub fn join_tee(handle: JoinHandle<io::Result<Vec<u8>>>, log: &Path) -> Result<Vec<u8>, String> {
    match handle.join() {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(format!("capturing output into {}: {e}", log.display())),
        Err(_) => Err(format!("the capture thread for {} panicked", log.display())),
    }
}

/// Opens (appending) a log file in the scan folder for a long-running child such as the mock.
pub fn open_log(path: &Path) -> Result<Arc<Mutex<File>>, String> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(|f| Arc::new(Mutex::new(f)))
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Kills a child we started (by its handle, never by name) and reaps it.
pub fn kill_and_reap(child: &mut Child) {
    child.kill().ok();
    child.wait().ok();
}

/// `Err` naming the command when it did not exit 0.
pub fn check_status(cmd: &Command, status: ExitStatus) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` exited with {status}", describe(cmd)))
    }
}

/// The command line as text (program and arguments; never the environment, which may hold secrets).
pub fn describe(cmd: &Command) -> String {
    let program = std::path::Path::new(cmd.get_program());
    // `$CARGO` is an absolute toolchain path; `cargo` says the same and reads better.
    let mut text = if program.file_name().is_some_and(|n| n == "cargo") {
        "cargo".to_owned()
    } else {
        program.to_string_lossy().into_owned()
    };
    for arg in cmd.get_args() {
        text.push(' ');
        let arg = arg.to_string_lossy();
        if arg.contains([' ', '"', '\'']) || arg.is_empty() {
            text.push_str(&format!("'{}'", arg.replace('\'', "'\\''")));
        } else {
            text.push_str(&arg);
        }
    }
    text
}

fn lock(sink: &Arc<Mutex<File>>) -> std::sync::MutexGuard<'_, File> {
    sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether `program` can be started (`program --version` exits 0).
pub fn tool_works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
