//! The secret scan: the project's test secrets, and the final gate stage that proves none of
//! them reached any captured output.
//!
//! Every stage's stdout and stderr is teed into `target/secret-scan/`; tests may add captured
//! child output there too (its path is exported as `TCREDIS_SCAN_DIR`). Tests and interop
//! scripts that need a secret key use [`TEST_SECRETS`] or any value starting with
//! [`TEST_SECRET_PREFIX`], so one scan covers them all. The scan first plants a canary file
//! holding a test secret and must find it (proof the scan can see the folder); it then fails on
//! any other hit.
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

/// The project's fixed test secret keys. Use these (or any value with [`TEST_SECRET_PREFIX`])
/// wherever a test needs a secret key; never a real one.
pub const TEST_SECRETS: &[&str] = &[
    "tcredis-test-secret-DO-NOT-PRINT-7Qm2xV9pL4sK8dR3",
    "tcredis-test-secret-DO-NOT-PRINT-interop-Zt6Hc1Wn5Yb0",
    "tcredis-test-secret-DO-NOT-PRINT-token-Ej3Ua8Gf2Po7",
];

/// The secret key the interop run gives the mock (in a credentials file) and the tools (in env).
pub const INTEROP_SECRET_KEY: &str = TEST_SECRETS[1];

/// The SecretId paired with [`INTEROP_SECRET_KEY`] (an id is not secret, but it is ours).
pub const INTEROP_SECRET_ID: &str = "AKIDTCREDISINTEROP000000000000000000";

/// Relative path of the planted canary inside the scan folder.
const CANARY_FILE: &str = "canary/planted-secret.txt";

/// One place a test secret was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The file it is in.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
}

/// The gate stage: plant the canary, scan, and judge.
pub fn scan_stage(ctx: &Context) -> Outcome {
    let canary = ctx.scan_dir.join(CANARY_FILE);
    if let Err(e) = plant_canary(&canary) {
        return Outcome::Fail(format!("cannot plant the canary {}: {e}", canary.display()));
    }
    let hits = match scan_dir(&ctx.scan_dir) {
        Ok(hits) => hits,
        Err(e) => return Outcome::Fail(format!("cannot scan {}: {e}", ctx.scan_dir.display())),
    };
    let files = count_files(&ctx.scan_dir);
    judge(&canary, &hits, files)
}

fn judge(canary: &Path, hits: &[Hit], files: usize) -> Outcome {
    let (canary_hits, leaks): (Vec<&Hit>, Vec<&Hit>) = hits.iter().partition(|h| h.path == canary);
    if canary_hits.is_empty() {
        return Outcome::Fail(format!(
            "the planted canary {} was NOT found: the scan is blind, so its silence proves nothing",
            canary.display()
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
    Outcome::pass_with(format!("{files} files clean; canary found"))
}

fn plant_canary(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    // Built at run time so this source line is not itself a match for a grep of the tree.
    let secret = format!("{}-canary-{}", TEST_SECRET_PREFIX, std::process::id());
    fs::write(
        path,
        format!(
            "This file is planted by `cargo xtask ci`; the scan must find the next line.\nSecretKey={secret}\n"
        ),
    )
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
                hits.extend(scan_bytes(&bytes).into_iter().map(|line| Hit {
                    path: path.clone(),
                    line,
                }));
            }
        }
    }
    Ok(hits)
}

/// 1-based line numbers of `bytes` that contain a test secret (byte search: output need not be UTF-8).
pub fn scan_bytes(bytes: &[u8]) -> Vec<usize> {
    let needles: Vec<&[u8]> = std::iter::once(TEST_SECRET_PREFIX.as_bytes())
        .chain(TEST_SECRETS.iter().map(|s| s.as_bytes()))
        .collect();
    bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, line)| needles.iter().any(|n| contains(line, n)))
        .map(|(i, _)| i + 1)
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
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn every_fixed_secret_carries_the_prefix() {
        for s in TEST_SECRETS {
            assert!(s.starts_with(TEST_SECRET_PREFIX));
        }
    }

    #[test]
    fn finds_each_secret_on_its_line_and_ignores_the_public_demo_pair() {
        let text = format!(
            "ok\nkey={}\nAKIDTCREDISDEMO000000000000000000000 tcredis-demo-key-public-not-secret\n\u{0}\u{ff}{}\n",
            TEST_SECRETS[0], TEST_SECRETS[2]
        );
        assert_eq!(scan_bytes(text.as_bytes()), vec![2, 4]);
    }

    #[test]
    fn clean_folder_with_canary_passes() {
        let dir = temp_dir("clean");
        fs::write(dir.join("a.log"), "nothing to see\n").unwrap();
        let canary = dir.join(CANARY_FILE);
        plant_canary(&canary).unwrap();
        let hits = scan_dir(&dir).unwrap();
        assert!(matches!(judge(&canary, &hits, 2), Outcome::Pass(_)));
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
        let canary = dir.join(CANARY_FILE);
        plant_canary(&canary).unwrap();
        let hits = scan_dir(&dir).unwrap();
        assert!(hits.contains(&Hit {
            path: dir.join("child/out.txt"),
            line: 2
        }));
        assert!(matches!(judge(&canary, &hits, 2), Outcome::Fail(_)));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_canary_fails() {
        let dir = temp_dir("blind");
        let canary = dir.join(CANARY_FILE);
        assert!(matches!(judge(&canary, &[], 0), Outcome::Fail(_)));
        fs::remove_dir_all(&dir).unwrap();
    }
}
