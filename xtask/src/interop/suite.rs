//! One interop suite: a script run against the mock with everything it needs in its
//! environment (never argv), whose `interop-summary:` line says how many cases ran and passed.

use std::path::PathBuf;
use std::process::Command;

use crate::run::Context;
use crate::secrets::{INTEROP_SECRET_ID, INTEROP_SECRET_KEY};

/// Environment variables removed from every suite: the SDKs would route loopback traffic
/// through a proxy (tccli checks NO_PROXY against `http://host:port`, so it cannot help).
const PROXY_VARS: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// One script run against the mock.
pub(super) struct Suite {
    pub(super) name: &'static str,
    /// How many cases the suite must report: fewer (a case deleted or not collected) fails.
    pub(super) expected_cases: usize,
    pub(super) program: PathBuf,
    pub(super) args: Vec<String>,
    pub(super) extra_env: Vec<(String, String)>,
}

impl Suite {
    /// Runs the script; returns (cases ran, cases passed) from its summary line.
    pub(super) fn run(&self, ctx: &Context, url: &str) -> Result<(usize, usize), String> {
        let mut cmd: Command = ctx.command(&self.program);
        cmd.args(&self.args)
            .env("TCREDIS_MOCK_URL", url)
            .env(
                "TCREDIS_INTEROP_SEED",
                ctx.root.join("tests/interop/seed.json"),
            )
            .env("TENCENTCLOUD_SECRET_ID", INTEROP_SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", INTEROP_SECRET_KEY)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONIOENCODING", "utf-8");
        for var in PROXY_VARS {
            cmd.env_remove(var);
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        let captured = ctx.run_captured(&format!("interop-{}", self.name), &mut cmd)?;
        let stdout = String::from_utf8_lossy(&captured.stdout);
        let summary = stdout
            .lines()
            .rev()
            .find_map(parse_summary)
            .ok_or_else(|| {
                let stderr = String::from_utf8_lossy(&captured.stderr);
                let last = stderr
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                format!(
                    "no `interop-summary:` line (exit {}; last stderr line: {last:?})",
                    captured.status
                )
            })?;
        if !captured.status.success() && summary.0 == summary.1 {
            return Err(format!(
                "exited with {} although every case passed",
                captured.status
            ));
        }
        check_case_count(summary.0, self.expected_cases)?;
        Ok(summary)
    }
}

/// A suite that ran another number of cases than it is known to have fails: a deleted or
/// uncollected case must not pass as "all passed".
pub(super) fn check_case_count(ran: usize, expected: usize) -> Result<(), String> {
    if ran == expected {
        Ok(())
    } else {
        Err(format!(
            "ran {ran} cases, expected {expected} (update the expected count in xtask/src/interop/mod.rs only when a case was added or removed on purpose)"
        ))
    }
}

/// Parses `interop-summary: suite=NAME ran=N passed=M` into (N, M).
fn parse_summary(line: &str) -> Option<(usize, usize)> {
    let rest = line.trim().strip_prefix("interop-summary:")?;
    let mut ran = None;
    let mut passed = None;
    for field in rest.split_whitespace() {
        if let Some(v) = field.strip_prefix("ran=") {
            ran = v.parse().ok();
        } else if let Some(v) = field.strip_prefix("passed=") {
            passed = v.parse().ok();
        }
    }
    Some((ran?, passed?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_with_a_case_missing_fails() {
        assert_eq!(check_case_count(12, 12), Ok(()));
        let err = check_case_count(11, 12).unwrap_err();
        assert!(err.contains("ran 11 cases, expected 12"), "{err}");
        assert!(check_case_count(13, 12).is_err());
    }

    #[test]
    fn parses_the_summary_line_and_rejects_others() {
        assert_eq!(
            parse_summary("interop-summary: suite=tccli ran=7 passed=6"),
            Some((7, 6))
        );
        assert_eq!(parse_summary("PASS something"), None);
        assert_eq!(
            parse_summary("interop-summary: suite=x ran=seven passed=1"),
            None
        );
    }
}
