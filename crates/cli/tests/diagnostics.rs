//! What reaches stderr, through the real binary: only the final error by default (no log
//! lines), `-v` levels that differ (requests and decisions; attempts, retries and pacing;
//! connections and signing stages), an error text that does not repeat itself, and the core's
//! validation warnings.

mod common;

use common::{closed_endpoint, home, run_seeded, seeded};
use tcredis_mock::{Script, Step};

#[test]
fn without_v_only_the_final_error_is_printed() {
    let home = home();
    let endpoint = closed_endpoint();
    let out = common::run(
        home.path(),
        &[
            "--endpoint",
            &endpoint,
            "--region",
            "ap-guangzhou",
            "--max-retries",
            "1",
            "backups",
            "list",
        ],
        &common::doc_env(),
    );
    out.expect_code(4);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(
        lines[0].starts_with("tcredis: connection failed: "),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("WARN") && !out.stderr.contains("INFO"));
}

fn verbose_run(level: &str) -> String {
    let s = seeded();
    let home = home();
    let uri = s.server.uri();
    let out = common::run(
        home.path(),
        &[
            level,
            "--endpoint",
            &uri,
            "--region",
            "ap-guangzhou",
            // 50 requests/s, burst 1: the two instances' first requests start together, so
            // the second always waits ~20 ms for the pacer, however fast the mock answers.
            "--rate-limit",
            "50",
            "backups",
            "list",
            "--all",
            "--since",
            "40d",
            "--instance-id",
            "crs-seed0002",
            "--instance-id",
            "crs-seed0004",
        ],
        &common::doc_env(),
    );
    out.expect_code(0);
    out.stderr
}

#[test]
fn each_verbosity_level_adds_its_own_detail() {
    let quiet = {
        let s = seeded();
        let home = home();
        let out = run_seeded(&s, home.path(), &["backups", "list"]);
        out.expect_code(0);
        out.stderr
    };
    assert_eq!(quiet, "");
    let v = verbose_run("-v");
    let vv = verbose_run("-vv");
    let vvv = verbose_run("-vvv");
    // -v: every request and the strategy decisions.
    for needle in [
        "request",
        "action=\"DescribeInstanceBackups\"",
        "crs-seed0004",
        "split into windows",
        "plan",
    ] {
        assert!(v.contains(needle), "-v lacks {needle}:\n{v}");
    }
    assert!(!v.contains("attempt finished"), "{v}");
    // -vv: attempts and pacing waits.
    for needle in ["attempt finished", "latency_ms", "pacing: waiting"] {
        assert!(vv.contains(needle), "-vv lacks {needle}:\n{vv}");
    }
    assert!(!vv.contains("connected") && !vv.contains("canonical_request"));
    // -vvv: connections and signing stages, never the key.
    for needle in ["connected", "canonical_request", "string_to_sign"] {
        assert!(vvv.contains(needle), "-vvv lacks {needle}:\n{vvv}");
    }
    assert!(!vvv.contains(common::DOC_SECRET_KEY));
    assert!(
        verbose_run("-vvvv").contains("canonical_request"),
        "-vvvv is -vvv"
    );
}

#[test]
fn a_drift_error_says_what_changed_once() {
    let s = seeded();
    s.server
        .script(
            Script::new()
                .param("InstanceId", serde_json::json!("crs-seed0001"))
                .param("Offset", serde_json::json!(100))
                .then(Step::reply(serde_json::json!({
                    "TotalCount": 250,
                    "BackupSet": []
                }))),
        )
        .unwrap();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--all",
            "--instance-id",
            "crs-seed0001",
            "-o",
            "ndjson",
        ],
    );
    out.expect_code(3);
    assert_eq!(
        out.stderr.matches("changed while paging").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("TotalCount changed from 230 to 250"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_cores_validation_warnings_are_printed() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
            "--status",
            "expired",
            "--limit",
            "20",
            "--offset",
            "5",
        ],
    );
    out.expect_code(0);
    for needle in [
        "tcredis: warning: Offset 5 is not a multiple of Limit 20",
        "tcredis: warning: Status -1 is only in older documentation",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
}

#[test]
fn check_and_latest_print_no_warning_about_the_statuses_they_send_themselves() {
    // They ask for the good statuses 2, 3 and 4 on their own; 3 and 4 are only in older
    // documentation, which the user did not choose and cannot change.
    let s = seeded();
    let home = home();
    for args in [
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-seed0002",
            "--max-age",
            "30d",
        ][..],
        &["backups", "latest", "--instance-id", "crs-seed0002"][..],
    ] {
        let out = run_seeded(&s, home.path(), args);
        assert!(
            !out.stderr.contains("warning"),
            "{args:?} warned:\n{}",
            out.stderr
        );
        assert!(out.stdout.contains("crs-seed0002"), "{}", out.stdout);
    }
}
