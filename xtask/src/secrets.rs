//! The secret scan: the project's test secrets, and the final gate stage that proves none of
//! them reached any captured output.
//!
//! Every stage's stdout and stderr is teed into `target/secret-scan/`; tests record captured
//! child output there too (its path is exported as `TCREDIS_SCAN_DIR`; `crates/testkit`'s
//! bounded runner and scan recorder do it for every test). Tests and interop scripts that need
//! a secret key use [`TEST_SECRETS`] or any value starting with [`TEST_SECRET_PREFIX`], so one
//! scan covers them all.
//!
//! **The canary travels the real path.** The test `crates/testkit/tests/scan_canary.rs` runs a
//! child process that prints [`SCAN_CANARY`] through the same bounded runner and recorder every
//! test uses. The scan requires exactly that one hit, in that recording
//! (`runs/canary-*.stdout`): if the print, the capture or the recording is lost, the scan is
//! blind and fails; any other line holding a test secret (the canary included) is a leak.
//!
//! Not secrets (may be printed, and are not scanned for): the mock's public demo pair
//! `AKIDTCREDISDEMO000000000000000000000` / `tcredis-demo-key-public-not-secret`, and the
//! documentation example key of the Tencent Cloud API docs.

use std::fs;
use std::path::{Path, PathBuf};

use crate::outcome::Outcome;
use crate::run::Context;

/// Every test secret starts with this, so a test may mint its own (`…-PREFIX-my-test-42`)
/// and still be covered by the scan.
pub const TEST_SECRET_PREFIX: &str = "tcredis-test-secret-DO-NOT-PRINT";

/// The project's fixed test secret keys (the same list as `tcredis_testkit::secrets`, checked
/// by a test). Use these (or any value with [`TEST_SECRET_PREFIX`]) wherever a test needs a
/// secret key; never a real one.
pub const TEST_SECRETS: &[&str] = &[
    "tcredis-test-secret-DO-NOT-PRINT-7Qm2xV9pL4sK8dR3",
    "tcredis-test-secret-DO-NOT-PRINT-interop-Zt6Hc1Wn5Yb0",
    "tcredis-test-secret-DO-NOT-PRINT-token-Ej3Ua8Gf2Po7",
];

/// The canary the testkit's canary test prints on purpose (`tcredis_testkit::secrets::SCAN_CANARY`).
pub const SCAN_CANARY: &str = "tcredis-test-secret-DO-NOT-PRINT-scan-canary-Lq8Tz3Rk";

/// Where the canary's recording lives inside the scan folder: `runs/canary-<pid>-<n>.stdout`.
const CANARY_FOLDER: &str = "runs";
const CANARY_FILE_PREFIX: &str = "canary-";
const CANARY_FILE_SUFFIX: &str = ".stdout";

/// The secret key the interop run gives the mock (in a credentials file) and the tools (in env).
pub const INTEROP_SECRET_KEY: &str = TEST_SECRETS[1];

/// The SecretId paired with [`INTEROP_SECRET_KEY`] (an id is not secret, but it is ours).
pub const INTEROP_SECRET_ID: &str = "AKIDTCREDISINTEROP000000000000000000";

/// One place a test secret was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The file it is in.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// Whether the line holds the canary.
    pub canary: bool,
}

/// The gate stage: scan, and judge (the canary must be there exactly once, nothing else may).
pub fn scan_stage(ctx: &Context) -> Outcome {
    let hits = match scan_dir(&ctx.scan_dir) {
        Ok(hits) => hits,
        Err(e) => return Outcome::Fail(format!("cannot scan {}: {e}", ctx.scan_dir.display())),
    };
    let files = count_files(&ctx.scan_dir);
    judge(&ctx.scan_dir, &hits, files)
}

/// Whether `path` is the canary test's recording of its child's stdout.
fn is_canary_recording(scan_dir: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(scan_dir) else {
        return false;
    };
    let mut parts = relative.iter();
    let (Some(folder), Some(file), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let file = file.to_string_lossy();
    folder == CANARY_FOLDER
        && file.starts_with(CANARY_FILE_PREFIX)
        && file.ends_with(CANARY_FILE_SUFFIX)
}

fn judge(scan_dir: &Path, hits: &[Hit], files: usize) -> Outcome {
    let (canary_hits, leaks): (Vec<&Hit>, Vec<&Hit>) = hits
        .iter()
        .partition(|h| h.canary && is_canary_recording(scan_dir, &h.path));
    if canary_hits.is_empty() {
        return Outcome::Fail(format!(
            "the canary was NOT found in {}/{CANARY_FOLDER}/{CANARY_FILE_PREFIX}*{CANARY_FILE_SUFFIX}: \
             the canary test (crates/testkit/tests/scan_canary.rs) did not run, or what tests \
             capture does not reach the scan folder; the scan is blind, so its silence proves nothing",
            scan_dir.display()
        ));
    }
    if canary_hits.len() > 1 {
        return Outcome::Fail(format!(
            "the canary was found {} times ({}); exactly one recording of it is expected \
             (a stale scan folder? `cargo xtask ci` starts from an empty one)",
            canary_hits.len(),
            canary_hits
                .iter()
                .map(|h| format!("{}:{}", h.path.display(), h.line))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !leaks.is_empty() {
        for leak in &leaks {
            // Where, never what: printing the value would leak it again.
            eprintln!(
                "secret-scan: a test secret appears in {}:{}",
                leak.path.display(),
                leak.line
            );
        }
        return Outcome::Fail(format!(
            "{} line(s) of captured output contain a test secret (locations above)",
            leaks.len()
        ));
    }
    Outcome::pass_with(format!(
        "{files} files clean; canary found once, in {}",
        canary_hits[0].path.display()
    ))
}

/// Every line under `dir` (recursively) that contains a test secret or the test-secret prefix.
pub fn scan_dir(dir: &Path) -> std::io::Result<Vec<Hit>> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&next)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let bytes = fs::read(&path)?;
                hits.extend(scan_bytes(&bytes).into_iter().map(|(line, canary)| Hit {
                    path: path.clone(),
                    line,
                    canary,
                }));
            }
        }
    }
    Ok(hits)
}

/// 1-based line numbers of `bytes` that contain a test secret, each with whether it holds the
/// canary (byte search: output need not be UTF-8).
pub fn scan_bytes(bytes: &[u8]) -> Vec<(usize, bool)> {
    let needles: Vec<&[u8]> = std::iter::once(TEST_SECRET_PREFIX.as_bytes())
        .chain(TEST_SECRETS.iter().map(|s| s.as_bytes()))
        .collect();
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| needles.iter().any(|n| contains(line, n)))
        .map(|(i, line)| (i + 1, contains(line, SCAN_CANARY.as_bytes())))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn count_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => count_files(&e.path()),
            Ok(t) if t.is_file() => 1,
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-secrets-{name}-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        fs::create_dir_all(dir.join(CANARY_FOLDER)).unwrap();
        dir
    }

    /// What the canary test records: its child's stdout, through the testkit recorder.
    fn record_canary(dir: &Path, n: usize) -> PathBuf {
        let path = dir
            .join(CANARY_FOLDER)
            .join(format!("canary-77-{n}.stdout"));
        fs::write(&path, format!("canary: {SCAN_CANARY}\n")).unwrap();
        path
    }

    #[test]
    fn the_lists_agree_with_the_testkit() {
        assert_eq!(TEST_SECRETS, tcredis_testkit::secrets::TEST_SECRETS);
        assert_eq!(
            TEST_SECRET_PREFIX,
            tcredis_testkit::secrets::TEST_SECRET_PREFIX
        );
        assert_eq!(SCAN_CANARY, tcredis_testkit::secrets::SCAN_CANARY);
        assert_eq!(CANARY_FOLDER, tcredis_testkit::run_bin::RECORD_FOLDER);
        for s in TEST_SECRETS.iter().chain([&SCAN_CANARY]) {
            assert!(s.starts_with(TEST_SECRET_PREFIX));
        }
    }

    #[test]
    fn finds_each_secret_on_its_line_and_ignores_the_public_demo_pair() {
        let text = format!(
            "ok\nkey={}\nAKIDTCREDISDEMO000000000000000000000 tcredis-demo-key-public-not-secret\n\u{0}\u{ff}{}\n{SCAN_CANARY}\n",
            TEST_SECRETS[0], TEST_SECRETS[2]
        );
        assert_eq!(
            scan_bytes(text.as_bytes()),
            vec![(2, false), (4, false), (5, true)]
        );
    }

    #[test]
    fn clean_folder_with_the_recorded_canary_passes() {
        let dir = temp_dir("clean");
        fs::write(dir.join("a.log"), "nothing to see\n").unwrap();
        record_canary(&dir, 0);
        let hits = scan_dir(&dir).unwrap();
        assert!(
            matches!(judge(&dir, &hits, 2), Outcome::Pass(_)),
            "{hits:?}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_leak_in_a_nested_file_fails() {
        let dir = temp_dir("leak");
        fs::create_dir_all(dir.join("child")).unwrap();
        fs::write(
            dir.join("child/out.txt"),
            format!("x\ny {}\n", INTEROP_SECRET_KEY),
        )
        .unwrap();
        record_canary(&dir, 0);
        let hits = scan_dir(&dir).unwrap();
        assert!(hits.contains(&Hit {
            path: dir.join("child/out.txt"),
            line: 2,
            canary: false,
        }));
        assert!(matches!(judge(&dir, &hits, 2), Outcome::Fail(_)));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_canary_fails_even_when_everything_else_is_clean() {
        let dir = temp_dir("blind");
        fs::write(dir.join("a.log"), "nothing to see\n").unwrap();
        let hits = scan_dir(&dir).unwrap();
        let Outcome::Fail(reason) = judge(&dir, &hits, 1) else {
            panic!("a scan without the canary must fail");
        };
        assert!(reason.contains("canary was NOT found"), "{reason}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_canary_anywhere_but_its_recording_is_a_leak() {
        let dir = temp_dir("planted");
        // Written straight into a log (as the old planted canary was): not the real path.
        fs::write(dir.join("test.log"), format!("{SCAN_CANARY}\n")).unwrap();
        let hits = scan_dir(&dir).unwrap();
        assert!(matches!(judge(&dir, &hits, 1), Outcome::Fail(_)));
        record_canary(&dir, 0);
        let hits = scan_dir(&dir).unwrap();
        let Outcome::Fail(reason) = judge(&dir, &hits, 2) else {
            panic!("the canary echoed into a log is a leak");
        };
        assert!(reason.contains("1 line(s)"), "{reason}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn two_canary_recordings_fail() {
        let dir = temp_dir("twice");
        record_canary(&dir, 0);
        record_canary(&dir, 1);
        let hits = scan_dir(&dir).unwrap();
        let Outcome::Fail(reason) = judge(&dir, &hits, 2) else {
            panic!("exactly one canary is expected");
        };
        assert!(reason.contains("2 times"), "{reason}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
