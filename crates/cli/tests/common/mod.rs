//! Shared helpers of the CLI's integration tests, on top of `tcredis-testkit`: run the real
//! `tcredis` binary in a clean environment (an empty HOME, only the variables a test passes)
//! with a hard time bound (a hang is a failure, not a stuck test), secrets passed in the
//! environment or files only (never argv), every captured stream recorded in
//! `$TCREDIS_SCAN_DIR` for the gate's secret scan (the testkit's bounded runner does it); and a
//! seeded mock with its expected listings.
#![allow(dead_code)] // each test file uses a different part

pub mod exporter;
pub mod missed_night;
pub mod prometheus;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub use tcredis_testkit::Run;
pub use tcredis_testkit::run_bounded;
// Not every test file uses every name.
#[allow(unused_imports)]
pub use tcredis_testkit::secrets::{DOC_SECRET_ID, DOC_SECRET_KEY, SECRET_ID, SECRET_KEY, TOKEN};

/// The fixed "now" of documentation examples and tests.
pub const NOW: &str = "2026-06-01T12:00:00+08:00";

/// How long an ordinary CLI run may take before it counts as a hang.
pub const RUN_LIMIT: Duration = Duration::from_secs(120);

/// What a run printed and how it ended (text streams; the binary always writes UTF-8).
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
    /// stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A clean home directory for one test.
pub fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Runs `tcredis args` with exactly `env` (plus HOME) in its environment, bounded by
/// [`RUN_LIMIT`]; both streams must be UTF-8.
#[track_caller]
pub fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let run = tcredis(home, args, env, RUN_LIMIT);
    Output {
        code: run.code.unwrap_or(-1),
        stdout: String::from_utf8(run.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(run.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `tcredis args` with exactly `env` (plus HOME), killing it after `limit`.
#[track_caller]
pub fn tcredis(home: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcredis"));
    cmd.args(args).env_clear().env("HOME", home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_bounded("cli", cmd, limit, args)
}

/// The environment that hands `tcredis` the test credentials (never argv).
pub fn secret_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TENCENTCLOUD_SECRET_ID", SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY),
    ]
}

/// Beijing wall time of `2026-06-01 12:00:00` minus `secs`.
pub fn beijing_before_now(secs: i64) -> String {
    // NOW is 2026-06-01T12:00:00+08:00 = 1780286400.
    tcredis_testkit::time_text::beijing_wall_time(1_780_286_400 - secs)
}

/// A seeded mock accepting the documentation pair, pacing off, with its seed's expected
/// listing per instance (StartTime descending, then BackupId descending).
pub struct Seeded {
    pub server: tcredis_mock::BlockingMockServer,
    pub seed: serde_json::Value,
}

impl Seeded {
    /// The backups of one instance in listing order.
    pub fn expected(&self, instance: &str) -> Vec<serde_json::Value> {
        let inst = self.seed["instances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["InstanceId"] == instance)
            .unwrap();
        let mut backups: Vec<serde_json::Value> = inst["Backups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                let mut b = b.clone();
                for key in ["InstanceId", "InstanceName", "Region"] {
                    if b.get(key).is_none() {
                        b[key] = inst[key].clone();
                    }
                }
                b
            })
            .collect();
        backups.sort_by(|a, b| {
            (b["StartTime"].as_str(), b["BackupId"].as_str())
                .cmp(&(a["StartTime"].as_str(), a["BackupId"].as_str()))
        });
        backups
    }

    /// The expected BackupIds of one instance in listing order.
    pub fn expected_ids(&self, instance: &str) -> Vec<String> {
        self.expected(instance)
            .iter()
            .map(|b| b["BackupId"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Flags pointing the CLI at this mock, pacing off.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--endpoint".into(),
            self.server.uri(),
            "--region".into(),
            "ap-guangzhou".into(),
            "--rate-limit".into(),
            "0".into(),
        ]
    }
}

/// The seed the list/check tests share: crs-seed0001 has 230 backups over 70 days (pages and
/// 30-day windows), crs-seed0002 a handful with unusual content, crs-seed0003 only old or bad
/// backups, crs-seed0004 none.
pub fn seed_json() -> serde_json::Value {
    use serde_json::json;
    let mut many = Vec::new();
    for i in 0..230_i64 {
        let start = beijing_before_now(i * 7 * 3600 + 600);
        let status = match i % 23 {
            5 => 1,
            7 => -1,
            11 => 3,
            13 => 4,
            17 => -2,
            _ => 2,
        };
        many.push(json!({
            "StartTime": start,
            "BackupId": format!("1657{i:05}-58322-{}", 1_600_000_000 + i),
            "BackupType": if i % 5 == 0 { "0" } else { "1" },
            "Status": status,
            "Remark": if i % 9 == 0 { "手动 \"quoted\", remark" } else { "" },
            "Locked": i64::from(status == 1),
            "BackupSize": 4_294_967_296 + i * 1024,
            "FullBackup": 0,
            "InstanceType": 16,
            "EndTime": beijing_before_now(i * 7 * 3600 + 480),
            "FileType": "RDB-Redis 6.2",
            "ExpireTime": beijing_before_now(i * 7 * 3600 - 7 * 86_400),
            "Encrypted": i % 2 == 0
        }));
    }
    json!({
        "instances": [
            { "InstanceId": "crs-seed0001", "InstanceName": "orders 订单", "Region": "ap-guangzhou", "Backups": many },
            { "InstanceId": "crs-seed0002", "InstanceName": "sessions", "Region": "ap-guangzhou", "Backups": [
                { "StartTime": beijing_before_now(3 * 3600), "BackupId": "b-2-c", "BackupType": "2", "Status": 2, "Remark": "tab\there, newline\nhere", "BackupSize": 537, "FutureField": {"Nested": [1, 2.50, "x"]} },
                { "StartTime": beijing_before_now(3 * 3600), "BackupId": "b-2-b", "BackupType": "1", "Status": 4, "Remark": "same second, lower id" },
                { "StartTime": beijing_before_now(40 * 3600), "BackupId": "b-2-a", "BackupType": "manualBackupInstance", "Status": -1 }
            ]},
            { "InstanceId": "crs-seed0003", "InstanceName": "stale", "Region": "ap-guangzhou", "Backups": [
                { "StartTime": beijing_before_now(2 * 3600), "BackupId": "b-3-running", "BackupType": "1", "Status": 1 },
                { "StartTime": beijing_before_now(3 * 86_400), "BackupId": "b-3-old", "BackupType": "1", "Status": 2 }
            ]},
            { "InstanceId": "crs-seed0004", "InstanceName": "empty", "Region": "ap-guangzhou", "Backups": [] }
        ]
    })
}

/// Starts the seeded mock (pacing off, the documentation pair accepted).
pub fn seeded() -> Seeded {
    seeded_with(|c| c)
}

/// Starts the seeded mock with extra configuration.
pub fn seeded_with(
    configure: impl FnOnce(tcredis_mock::MockConfig) -> tcredis_mock::MockConfig,
) -> Seeded {
    let seed = seed_json();
    let parsed = tcredis_mock::Seed::from_json(seed.to_string().as_bytes()).expect("seed is valid");
    let config = tcredis_mock::MockConfig::new()
        .seed(parsed)
        .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
        .rate_limit(0);
    let server =
        tcredis_mock::BlockingMockServer::start_with(configure(config)).expect("mock starts");
    Seeded { server, seed }
}

/// The documentation pair as environment, plus the fixed now.
pub fn doc_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", DOC_SECRET_KEY),
        ("TCREDIS_NOW", NOW),
    ]
}

/// Runs the CLI against a seeded mock: its flags first, then `args`.
pub fn run_seeded(seeded: &Seeded, home: &Path, args: &[&str]) -> Output {
    let flags = seeded.flags();
    let mut all: Vec<&str> = flags.iter().map(String::as_str).collect();
    all.extend_from_slice(args);
    run(home, &all, &doc_env())
}

/// An `http://127.0.0.1:PORT` endpoint where nothing listens: the port was bound, then
/// released, so a connection is refused (a network failure).
pub fn closed_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}
