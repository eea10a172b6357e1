//! `backups latest` and `backups check` end to end: newest good backup by StartTime, ages,
//! exit codes (0 ok, 1 stale/missing, 3 API error, 4 network; worst wins), every instance
//! printed, the one-line summary.

mod common;

use common::{home, run, run_seeded, seeded};
use tcredis_mock::{Script, Step};

#[test]
fn latest_finds_the_newest_good_backup_per_instance() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "latest",
            "--instance-id",
            "crs-seed0002",
            "--instance-id",
            "crs-seed0001",
            "--instance-id",
            "crs-seed0003",
            "-o",
            "json",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    let ids: Vec<&str> = doc["BackupSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["BackupId"].as_str().unwrap())
        .collect();
    let newest_of_1 = s
        .expected("crs-seed0001")
        .into_iter()
        .find(|b| [2, 3, 4].contains(&b["Status"].as_i64().unwrap()))
        .unwrap();
    assert_eq!(
        ids,
        [
            "b-2-c",
            newest_of_1["BackupId"].as_str().unwrap(),
            "b-3-old"
        ],
        "a running backup is not good"
    );
    assert_eq!(doc["TotalCount"], 3);
    // Every query is bounded by a window.
    for e in s.server.journal() {
        assert!(
            e.params.get("BeginTime").is_some() && e.params.get("EndTime").is_some(),
            "{:?}",
            e.params
        );
    }
}

#[test]
fn latest_does_not_trust_the_listing_order() {
    let s = seeded();
    let home = home();
    let item = |id: &str, start: &str, status: i64| serde_json::json!({"BackupId": id, "StartTime": start, "Status": status, "InstanceId": "crs-seed0002"});
    s.server
        .script(Script::new().then(Step::reply(serde_json::json!({
            "TotalCount": 4,
            "BackupSet": [
                item("older", "2026-05-30 02:00:00", 2),
                item("newest-but-expired", "2026-06-01 11:00:00", -1),
                item("newest-good", "2026-06-01 02:00:00", 4),
                item("middle", "2026-05-31 02:00:00", 2),
            ]
        }))))
        .unwrap();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "latest",
            "--instance-id",
            "crs-seed0002",
            "-o",
            "ndjson",
        ],
    );
    out.expect_code(0);
    let got: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(got["BackupId"], "newest-good");
}

#[test]
fn latest_exits_1_when_an_instance_has_none_and_still_prints_the_others() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "latest",
            "--instance-id",
            "crs-seed0004",
            "--instance-id",
            "crs-seed0002",
            "--lookback",
            "2d",
            "-o",
            "json",
        ],
    );
    out.expect_code(1);
    assert_eq!(out.json()["BackupSet"][0]["BackupId"], "b-2-c");
    assert!(
        out.stderr.contains("crs-seed0004")
            && out.stderr.contains("no good backup")
            && out.stderr.contains("2d"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_reports_every_instance_and_the_worst_exit_code() {
    let s = seeded();
    let home = home();
    let healthy = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-seed0001",
            "--instance-id",
            "crs-seed0002",
            "--max-age",
            "26h",
        ],
    );
    healthy.expect_code(0);
    let lines: Vec<&str> = healthy.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with("OK")
            && lines[0].contains("crs-seed0001")
            && lines[0].contains("(10m old <= 26h)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("OK") && lines[1].contains("b-2-c") && lines[1].contains("(3h old"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "tcredis check: OK ok=2 stale=0 missing=0 missed=0 skipped=0 error=0 instances=2 max_age=26h requests=2 exit=0"
    );

    let mixed = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-seed0003",
            "--instance-id",
            "crs-seed0004",
            "--instance-id",
            "crs-seed0001",
            "--max-age",
            "26h",
        ],
    );
    mixed.expect_code(1);
    let lines: Vec<&str> = mixed.stdout.lines().collect();
    assert!(
        lines[0].starts_with("STALE")
            && lines[0].contains("b-3-old")
            && lines[0].contains("(3d old > 26h)"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("MISSING") && lines[1].contains("no good backup in the last 30d"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("OK"));
    assert_eq!(
        lines[3],
        "tcredis check: MISSING ok=1 stale=1 missing=1 missed=0 skipped=0 error=0 instances=3 max_age=26h requests=5 exit=1"
    );

    let with_error = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-seed0003",
            "--instance-id",
            "crs-nope9999",
            "--max-age",
            "26h",
        ],
    );
    with_error.expect_code(3);
    let lines: Vec<&str> = with_error.stdout.lines().collect();
    assert!(lines[0].starts_with("STALE"));
    assert!(
        lines[1].starts_with("ERROR") && lines[1].contains("ResourceNotFound.InstanceNotExists"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with("error=1 instances=2 max_age=26h requests=3 exit=3"),
        "{}",
        lines[2]
    );
    assert!(
        with_error.stderr.contains("RequestId") && with_error.stderr.contains("hint:"),
        "{}",
        with_error.stderr
    );
}

#[test]
fn check_json_report() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-seed0002",
            "--instance-id",
            "crs-seed0003",
            "--max-age",
            "1d",
            "-o",
            "json",
        ],
    );
    out.expect_code(1);
    let doc = out.json();
    assert_eq!(doc["ExitCode"], 1);
    assert_eq!(doc["MaxAgeSeconds"], 86_400);
    assert_eq!(doc["Instances"][0]["Result"], "ok");
    assert_eq!(doc["Instances"][0]["AgeSeconds"], 3 * 3600);
    assert_eq!(doc["Instances"][1]["Result"], "stale");
    assert_eq!(doc["Instances"][1]["BackupId"], "b-3-old");
}

#[test]
fn check_exits_4_when_the_network_fails() {
    let home = home();
    let out = run(
        home.path(),
        &[
            "--endpoint",
            "http://127.0.0.1:1",
            "--region",
            "ap-guangzhou",
            "--max-retries",
            "0",
            "--rate-limit",
            "0",
            "backups",
            "check",
            "--instance-id",
            "crs-a",
            "--max-age",
            "1d",
        ],
        &common::doc_env(),
    );
    out.expect_code(4);
    assert!(out.stdout.starts_with("ERROR"));
    assert!(out.stdout.trim_end().ends_with("exit=4"));
}

#[test]
fn check_with_the_mock_demo_data() {
    let home = home();
    let env = [("TCREDIS_NOW", common::NOW)];
    let ok = run(
        home.path(),
        &[
            "--mock",
            "backups",
            "check",
            "--instance-id",
            "crs-demo0001",
            "--max-age",
            "26h",
        ],
        &env,
    );
    ok.expect_code(0);
    let stale = run(
        home.path(),
        &[
            "--mock",
            "--region",
            "ap-beijing",
            "backups",
            "check",
            "--instance-id",
            "crs-demo0004",
            "--max-age",
            "26h",
        ],
        &env,
    );
    stale.expect_code(1);
    assert!(stale.stdout.starts_with("STALE"), "{}", stale.stdout);
}

/// A mock with two instances whose only good backups are 29 and 31 days old.
fn aged() -> tcredis_mock::BlockingMockServer {
    let backup = |id: &str, days: i64| {
        serde_json::json!({
            "StartTime": common::beijing_before_now(days * 86_400),
            "BackupId": id,
            "BackupType": "1",
            "Status": 2
        })
    };
    let seed = serde_json::json!({"instances": [
        {"InstanceId": "crs-age00029", "InstanceName": "a", "Region": "ap-guangzhou",
         "Backups": [backup("b-29", 29)]},
        {"InstanceId": "crs-age00031", "InstanceName": "b", "Region": "ap-guangzhou",
         "Backups": [backup("b-31", 31)]}
    ]});
    let seed = tcredis_mock::Seed::from_json(seed.to_string().as_bytes()).unwrap();
    tcredis_mock::BlockingMockServer::start_with(
        tcredis_mock::MockConfig::new()
            .seed(seed)
            .credential(common::DOC_SECRET_ID, common::DOC_SECRET_KEY, None)
            .rate_limit(0),
    )
    .unwrap()
}

#[test]
fn check_looks_back_30_days_from_now_as_the_guide_says() {
    // docs/cli.md: STALE is "older, but within `--lookback`, default 30d, or `--max-age` when
    // that is longer". A backup 29 days old is STALE, one 31 days old is not found (MISSING).
    let server = aged();
    let home = home();
    let uri = server.uri();
    let out = run(
        home.path(),
        &[
            "--endpoint",
            &uri,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "backups",
            "check",
            "--instance-id",
            "crs-age00029",
            "--instance-id",
            "crs-age00031",
            "--max-age",
            "26h",
        ],
        &common::doc_env(),
    );
    out.expect_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("STALE    ap-guangzhou  crs-age00029"),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("MISSING  ap-guangzhou  crs-age00031")
            && lines[1].contains("in the last 30d"),
        "{}",
        out.stdout
    );
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    assert!(
        guide.contains("default 30d, or `--max-age` when that is longer"),
        "the guide describes this behaviour"
    );
    assert!(!guide.contains("looks up to 30 days further back"));
}
