//! The capture folder of the gate's secret scan, and the recorder that writes captured child
//! output into it.
//!
//! `cargo xtask ci` exports the folder as `TCREDIS_SCAN_DIR` (`target/secret-scan/`); its last
//! stage scans every file there for test secrets. A test that captures a child's output records
//! it with [`record_run`] (the bounded runner does so for every run) or [`record_text`]. Outside
//! the gate (`TCREDIS_SCAN_DIR` unset) nothing is written. Every write is checked: a recording
//! that cannot be written fails the test, because a scan of a folder that silently missed it
//! would prove nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable naming the capture folder.
pub const SCAN_DIR_ENV: &str = "TCREDIS_SCAN_DIR";

static RECORDINGS: AtomicUsize = AtomicUsize::new(0);

/// The capture folder, when the gate (or a person) set one.
pub fn scan_dir() -> Option<PathBuf> {
    std::env::var_os(SCAN_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// What one recording wrote (absent outside the gate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// The file holding the captured stdout (or the text of [`record_text`]).
    pub stdout: PathBuf,
    /// The file holding the captured stderr (for [`record_text`], the same as `stdout`).
    pub stderr: PathBuf,
}

/// Records one finished child run (its argv, stdout and stderr) as
/// `<scan>/<folder>/<tag>-<pid>-<n>.{args,stdout,stderr}`. Returns where, or `None` when no
/// capture folder is set. Panics, naming the file, when a write fails.
pub fn record_run(
    folder: &str,
    tag: &str,
    args: &[&str],
    stdout: &[u8],
    stderr: &[u8],
) -> Option<Recording> {
    let dir = scan_dir()?.join(folder);
    Some(record_run_in(&dir, tag, args, stdout, stderr))
}

/// [`record_run`] into an explicit folder (for tests of the recorder itself).
pub fn record_run_in(
    dir: &Path,
    tag: &str,
    args: &[&str],
    stdout: &[u8],
    stderr: &[u8],
) -> Recording {
    let name = unique_name(tag);
    write_checked(
        &dir.join(format!("{name}.args")),
        args.join("\n").as_bytes(),
    );
    let recording = Recording {
        stdout: dir.join(format!("{name}.stdout")),
        stderr: dir.join(format!("{name}.stderr")),
    };
    write_checked(&recording.stdout, stdout);
    write_checked(&recording.stderr, stderr);
    recording
}

/// Records free text a test captured (a server's log, a process's combined output) as
/// `<scan>/<folder>/<tag>-<pid>-<n>.txt`. Panics, naming the file, when the write fails.
pub fn record_text(folder: &str, tag: &str, text: &[u8]) -> Option<PathBuf> {
    let dir = scan_dir()?.join(folder);
    let path = dir.join(format!("{}.txt", unique_name(tag)));
    write_checked(&path, text);
    Some(path)
}

fn unique_name(tag: &str) -> String {
    let n = RECORDINGS.fetch_add(1, Ordering::Relaxed);
    format!("{tag}-{}-{n}", std::process::id())
}

fn write_checked(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent()
        && let Err(e) = fs::create_dir_all(dir)
    {
        panic!(
            "cannot create the capture folder {} for the secret scan: {e}",
            dir.display()
        );
    }
    if let Err(e) = fs::write(path, bytes) {
        panic!(
            "cannot record captured output for the secret scan in {}: {e}",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_holds_exactly_what_was_captured() {
        let dir = std::env::temp_dir().join(format!("testkit-scan-{}", std::process::id()));
        let rec = record_run_in(&dir, "unit", &["a", "b c"], b"out\n", b"err\xff\n");
        assert_eq!(fs::read(&rec.stdout).unwrap(), b"out\n");
        assert_eq!(fs::read(&rec.stderr).unwrap(), b"err\xff\n");
        let args = rec.stdout.with_extension("args");
        assert_eq!(fs::read_to_string(args).unwrap(), "a\nb c");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[should_panic(expected = "cannot create the capture folder")]
    fn a_write_that_fails_fails_the_test() {
        // A file where the folder should be: the recorder must not shrug this off.
        let blocker = std::env::temp_dir().join(format!("testkit-blocker-{}", std::process::id()));
        fs::write(&blocker, b"not a folder").unwrap();
        record_run_in(&blocker.join("sub"), "unit", &[], b"", b"");
    }
}
