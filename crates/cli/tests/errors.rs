//! Error paths end to end: API errors (code, message, RequestId, hint; exit 3), bad signature,
//! throttling with and without retries, timeouts and refused connections (exit 4), the
//! command deadline; a json listing cut by an error; and no secret in any output. One small
//! paced test.

mod common;

use std::time::{Duration, Instant};

use common::{DOC_SECRET_ID, NOW, home, run, run_seeded, seeded};
use tcredis_mock::{FaultKind, Script, Step};

#[test]
fn an_unknown_instance_is_an_api_error_with_request_id_and_hint() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &["backups", "list", "--instance-id", "crs-nope9999"],
    );
    out.expect_code(3);
    assert!(out.stderr.contains("crs-nope9999"));
    assert!(
        out.stderr.contains("ResourceNotFound.InstanceNotExists"),
        "{}",
        out.stderr
    );
    let request_id = &s.server.journal()[0].request_id;
    assert!(
        out.stderr.contains(request_id.as_str()),
        "RequestId {request_id} in {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: no such instance"),
        "{}",
        out.stderr
    );
    // The other instances are still listed.
    let mixed = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-nope9999",
            "--instance-id",
            "crs-seed0002",
        ],
    );
    mixed.expect_code(3);
    assert_eq!(mixed.json()["BackupSet"].as_array().unwrap().len(), 3);
}

#[test]
fn a_wrong_key_is_a_signature_failure_and_is_never_printed() {
    let s = seeded();
    let home = home();
    let wrong_key = "tcredis-test-secret-DO-NOT-PRINT-cli-wrong-key-5Jd8";
    let out = run(
        home.path(),
        &[
            "--endpoint",
            &s.server.uri(),
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "backups",
            "list",
            "-vvv",
        ],
        &[
            ("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID),
            ("TENCENTCLOUD_SECRET_KEY", wrong_key),
            ("TCREDIS_NOW", NOW),
        ],
    );
    out.expect_code(3);
    assert!(
        out.stderr.contains("AuthFailure.SignatureFailure"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: the signature did not match"));
    assert!(!out.stderr.contains(wrong_key) && !out.stdout.contains(wrong_key));
}

#[test]
fn throttling_is_retried_then_reported_when_retries_run_out() {
    let s = seeded();
    let home = home();
    s.server
        .script(
            Script::new()
                .then(Step::error("RequestLimitExceeded"))
                .then(Step::error("RequestLimitExceeded"))
                .expect(2),
        )
        .unwrap();
    let retried = run_seeded(
        &s,
        home.path(),
        &["backups", "list", "--instance-id", "crs-seed0002"],
    );
    retried.expect_code(0);
    assert_eq!(retried.json()["TotalCount"], 3);
    assert_eq!(
        s.server.journal().len(),
        3,
        "two throttled attempts, then the answer"
    );
    s.server.verify().unwrap();

    s.server.reset();
    s.server
        .script(Script::new().then(Step::error("RequestLimitExceeded")))
        .unwrap();
    let given_up = run_seeded(
        &s,
        home.path(),
        &[
            "--max-retries",
            "0",
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
        ],
    );
    given_up.expect_code(3);
    assert!(
        given_up.stderr.contains("RequestLimitExceeded") && given_up.stderr.contains("rate limit"),
        "{}",
        given_up.stderr
    );
}

#[test]
fn a_timeout_and_a_refused_connection_exit_4() {
    let s = seeded();
    let home = home();
    s.server
        .script(Script::new().then(Step::fault(FaultKind::Stall)))
        .unwrap();
    let timed_out = run_seeded(
        &s,
        home.path(),
        &[
            "--timeout",
            "300ms",
            "--max-retries",
            "0",
            "backups",
            "list",
        ],
    );
    timed_out.expect_code(4);
    assert!(
        timed_out.stderr.contains("elapsed") || timed_out.stderr.contains("timed out"),
        "{}",
        timed_out.stderr
    );

    s.server.reset();
    s.server
        .script(Script::new().then(Step::fault(FaultKind::Stall)))
        .unwrap();
    let deadline = run_seeded(&s, home.path(), &["--deadline", "400ms", "backups", "list"]);
    deadline.expect_code(4);

    let refused = run(
        home.path(),
        &[
            "--endpoint",
            "http://127.0.0.1:1",
            "--region",
            "ap-guangzhou",
            "--max-retries",
            "0",
            "backups",
            "list",
        ],
        &common::doc_env(),
    );
    refused.expect_code(4);
    assert!(refused.stderr.contains("connect"), "{}", refused.stderr);
}

#[test]
fn a_truncated_answer_is_retried() {
    let s = seeded();
    let home = home();
    s.server
        .script(
            Script::new()
                .then(Step::fault(FaultKind::Truncate))
                .expect(1),
        )
        .unwrap();
    let out = run_seeded(
        &s,
        home.path(),
        &["backups", "list", "--instance-id", "crs-seed0002"],
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 3);
}

#[test]
fn pacing_spaces_requests_at_the_rate_limit() {
    // The one paced test: 7 single-page requests (one per 30-day window of --since 210d) at
    // 10 req/s, burst 1, take at least 0.6 s whatever the machine's speed (a lower bound only).
    let s = seeded();
    let home = home();
    let flags = [
        "--endpoint",
        &s.server.uri(),
        "--region",
        "ap-guangzhou",
        "--rate-limit",
        "10",
    ];
    let mut args: Vec<&str> = flags.to_vec();
    args.extend([
        "backups",
        "list",
        "-o",
        "ndjson",
        "--instance-id",
        "crs-seed0002",
        "--since",
        "210d",
    ]);
    let started = Instant::now();
    let out = run(home.path(), &args, &common::doc_env());
    let elapsed = started.elapsed();
    out.expect_code(0);
    assert_eq!(out.stdout.lines().count(), 3);
    assert!(elapsed >= Duration::from_millis(600), "paced: {elapsed:?}");
    let times: Vec<i64> = s.server.journal().iter().map(|e| e.time_unix_ms).collect();
    assert_eq!(times.len(), 7);
    assert!(
        times.last().unwrap() - times.first().unwrap() >= 550,
        "{times:?}"
    );
}

#[test]
fn a_json_listing_cut_by_an_error_exits_3_and_is_left_open() {
    let s = seeded();
    s.server
        .script(
            Script::new()
                .param("InstanceId", serde_json::json!("crs-seed0001"))
                .param("Offset", serde_json::json!(100))
                .then(Step::error("InvalidParameter")),
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
            "--instance-id",
            "crs-seed0002",
            "-o",
            "json",
        ],
    );
    out.expect_code(3);
    assert!(out.stderr.contains("crs-seed0001"), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("{\n  \"BackupSet\": [\n    {"),
        "the head went out before the error: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("TotalCount"), "no total is claimed");
    assert!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).is_err(),
        "must not parse as a whole listing"
    );
    assert!(
        out.stdout.ends_with("\n    }\n"),
        "stops after the last backup"
    );
    // The first page of crs-seed0001 and every backup of crs-seed0002 are there.
    assert_eq!(out.stdout.matches("\"BackupId\"").count(), 103);
}
