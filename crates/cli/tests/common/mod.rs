//! Running the real `tcredis` binary in a clean environment (an empty HOME, only the variables a
//! test passes) and capturing what it prints. Secrets travel in the environment, never in argv.
//! When `TCREDIS_SCAN_DIR` is set, every child's stdout and stderr are also written there for
//! the repository's secret scan.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The documentation's public example pair (Tencent Cloud signature docs); not a secret.
pub const DOC_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The documentation's public example key.
pub const DOC_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The fixed "now" of documentation examples and tests.
pub const NOW: &str = "2026-06-01T12:00:00+08:00";

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts the exit code, showing both streams when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// A clean home directory for one test.
pub fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Runs `tcredis args` with exactly `env` (plus HOME) in its environment.
pub fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_with_stdin(home, args, env, Stdio::null())
}

/// Like [`run`] with a chosen stdin.
pub fn run_with_stdin(home: &Path, args: &[&str], env: &[(&str, &str)], stdin: Stdio) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcredis"));
    cmd.args(args).env_clear().env("HOME", home).stdin(stdin);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tcredis");
    let output = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    record_for_scan(args, &output);
    output
}

fn record_for_scan(args: &[&str], output: &Output) {
    let Some(dir) = std::env::var_os("TCREDIS_SCAN_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let _ = std::fs::create_dir_all(&dir);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let name = format!("cli-{}-{n}", std::process::id());
    let _ = std::fs::write(dir.join(format!("{name}.args")), args.join("\n"));
    let _ = std::fs::write(dir.join(format!("{name}.stdout")), &output.stdout);
    let _ = std::fs::write(dir.join(format!("{name}.stderr")), &output.stderr);
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

/// Beijing wall time of `2026-06-01 12:00:00` minus `secs`.
pub fn beijing_before_now(secs: i64) -> String {
    // NOW is 2026-06-01T12:00:00+08:00 = 1780286400.
    let t = 1_780_286_400 - secs + 8 * 3600;
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    // Civil from days (Howard Hinnant), for test data only.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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
