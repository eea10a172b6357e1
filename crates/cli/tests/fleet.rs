//! The fleet commands end to end against a generated fleet: `instances list` (shapes, selectors,
//! isolated instances), `backups check`/`latest`/`list` without `--instance-id` over every
//! instance of each region (verdicts, request counts agreeing with the mock's journal, the
//! json report's key order, faults with retries), `--region all`, and `--dry-run`.

mod common;

use common::{DOC_SECRET_ID, DOC_SECRET_KEY, home, run};
use tcredis_mock::{BlockingMockServer, FaultKind, FleetSpec, MockConfig};

/// 2026-06-01T12:00:00+08:00, common::NOW.
const NOW_UNIX: i64 = 1_780_286_400;

fn spec() -> FleetSpec {
    FleetSpec::new(24)
        .regions(["ap-guangzhou", "ap-shanghai"])
        .stale(2)
        .without_backups(2)
        .isolated(1)
}

fn start(configure: impl FnOnce(MockConfig) -> MockConfig) -> BlockingMockServer {
    let config = MockConfig::new()
        .fleet(spec())
        .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
        .rate_limit(0)
        .now_override(NOW_UNIX)
        .journal_capacity(100_000);
    BlockingMockServer::start_with(configure(config)).expect("mock starts")
}

/// Runs the CLI against `server`: its endpoint, pacing off, then `args`.
fn run_on(server: &BlockingMockServer, args: &[&str]) -> common::Output {
    let uri = server.uri();
    let mut all = vec!["--endpoint", uri.as_str(), "--rate-limit", "0"];
    all.extend_from_slice(args);
    run(home().path(), &all, &common::doc_env())
}

fn redis_requests(server: &BlockingMockServer) -> u64 {
    server
        .journal()
        .iter()
        .filter(|e| {
            matches!(
                e.action.as_deref(),
                Some("DescribeInstances" | "DescribeInstanceBackups")
            )
        })
        .count() as u64
}

#[test]
fn instances_list_shapes_and_selectors() {
    let server = start(|c| c);
    let out = run_on(
        &server,
        &[
            "--region",
            "ap-guangzhou",
            "instances",
            "list",
            "-o",
            "json",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    assert_eq!(doc["TotalCount"], 23, "the isolated instance is hidden");
    let first = &doc["InstanceSet"][0];
    assert_eq!(first["InstanceId"], "crs-f0500001");
    assert_eq!(first["Region"], "ap-guangzhou");
    assert!(first["ZoneId"].is_i64() && first["InstanceTags"].is_array());
    let all = run_on(
        &server,
        &[
            "--region",
            "ap-guangzhou",
            "instances",
            "list",
            "--include-isolated",
            "-o",
            "ndjson",
        ],
    );
    all.expect_code(0);
    assert_eq!(all.stdout.lines().count(), 24);
    let csv = run_on(
        &server,
        &[
            "--region",
            "ap-guangzhou",
            "--region",
            "ap-shanghai",
            "instances",
            "list",
            "--tag",
            "team=pay",
            "--tag",
            "env=prod",
            "-o",
            "csv",
        ],
    );
    csv.expect_code(0);
    let lines: Vec<&str> = csv.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "Region,InstanceId,InstanceName,Status,Type,ZoneId,ProjectId,Engine,Size,Createtime,InstanceTags"
    );
    // k % 4 == 0 and k % 3 != 0 for k < 24: 4, 8, 16, 20 in each region; 20 is the isolated
    // one (hidden).
    assert_eq!(lines.len(), 1 + 2 * 3, "{}", csv.stdout);
    assert!(lines[1].starts_with("ap-guangzhou,crs-f0500005,ap-guangzhou-00005,"));
    assert!(lines[1].ends_with(",env=prod;team=pay"), "{}", lines[1]);
    assert!(
        lines[4].starts_with("ap-shanghai,crs-f1200005,"),
        "{}",
        lines[4]
    );
    let query = run_on(
        &server,
        &[
            "--region",
            "ap-shanghai",
            "instances",
            "list",
            "--search",
            "00002",
            "--query",
            "InstanceSet[].InstanceId",
        ],
    );
    query.expect_code(0);
    assert_eq!(query.json(), serde_json::json!(["crs-f1200002"]));
}

#[test]
fn check_every_instance_of_two_regions_json_report() {
    let server = start(|c| c);
    let out = run_on(
        &server,
        &[
            "--region",
            "ap-guangzhou",
            "--region",
            "ap-shanghai",
            "backups",
            "check",
            "--max-age",
            "26h",
            "-o",
            "json",
        ],
    );
    out.expect_code(1);
    let doc = out.json();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // serde_json sorts keys when parsing; the order on the wire is checked on the text.
    assert_eq!(keys.len(), 5);
    let text = &out.stdout;
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(at("ExitCode") < at("MaxAgeSeconds"));
    assert!(at("MaxAgeSeconds") < at("Requests"));
    assert!(at("Requests") < at("Regions"));
    assert!(at("Regions") < at("Instances"));
    assert_eq!(doc["ExitCode"], 1);
    assert_eq!(doc["MaxAgeSeconds"], 26 * 3600);
    assert_eq!(doc["Requests"].as_u64().unwrap(), redis_requests(&server));
    // Per region: 1 instance listing, 1 region-wide page (19 good backups), 4 without one.
    assert_eq!(doc["Requests"], 2 * (1 + 1 + 4));
    assert_eq!(
        doc["Regions"],
        serde_json::json!([
            {"Region": "ap-guangzhou", "Result": "ok"},
            {"Region": "ap-shanghai", "Result": "ok"}
        ])
    );
    let instances = doc["Instances"].as_array().unwrap();
    assert_eq!(instances.len(), 48);
    let count = |r: &str| instances.iter().filter(|i| i["Result"] == r).count();
    assert_eq!(
        (
            count("ok"),
            count("stale"),
            count("missing"),
            count("skipped")
        ),
        (38, 4, 4, 2)
    );
    let ok = instances.iter().find(|i| i["Result"] == "ok").unwrap();
    let item_keys: Vec<&str> = [
        "Region",
        "InstanceId",
        "InstanceName",
        "Result",
        "BackupId",
        "StartTime",
        "AgeSeconds",
    ]
    .into_iter()
    .collect();
    let ok_text = serde_json::to_string(ok).unwrap();
    for key in &item_keys {
        assert!(ok_text.contains(key), "{ok_text}");
    }
    let instances_text = &text[at("Instances")..];
    let item_at = |k: &str| instances_text.find(&format!("\"{k}\": ")).unwrap();
    assert!(item_at("Region") < item_at("InstanceId"));
    assert!(item_at("InstanceName") < item_at("Result"));
    assert!(item_at("Result") < item_at("BackupId"));
    assert!(ok["AgeSeconds"].as_i64().unwrap() < 26 * 3600);
    let skipped = instances.iter().find(|i| i["Result"] == "skipped").unwrap();
    assert!(skipped.get("BackupId").is_none());
}

#[test]
fn check_text_summary_and_verbose_region_notes() {
    let server = start(|c| c);
    let out = run_on(
        &server,
        &[
            "--region",
            "ap-guangzhou",
            "backups",
            "check",
            "--max-age",
            "26h",
            "--include-isolated",
            "-v",
        ],
    );
    out.expect_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 25);
    assert_eq!(
        *lines.last().unwrap(),
        "tcredis check: MISSING ok=19 stale=3 missing=2 missed=0 skipped=0 error=0 instances=24 max_age=26h requests=7 exit=1",
        "the isolated instance's newest backup is 2 days old: STALE when included"
    );
    assert!(
        out.stderr.contains("tcredis: ap-guangzhou: 7 requests"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_is_exact_with_faults_and_retries() {
    let clean = start(|c| c);
    let faulty = start(|c| c.fault(FaultKind::InternalError, 0.3).random_seed(7));
    let args = [
        "--region",
        "ap-guangzhou",
        "--region",
        "ap-shanghai",
        "--max-retries",
        "10",
        "backups",
        "check",
        "--max-age",
        "26h",
        "-o",
        "json",
    ];
    let expected = run_on(&clean, &args);
    let got = run_on(&faulty, &args);
    got.expect_code(1);
    let verdicts = |o: &common::Output| {
        o.json()["Instances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["InstanceId"].as_str().unwrap().to_owned(),
                    i["Result"].as_str().unwrap().to_owned(),
                    i["BackupId"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts(&got), verdicts(&expected));
    let requests = got.json()["Requests"].as_u64().unwrap();
    assert_eq!(requests, redis_requests(&faulty), "retries are counted");
    assert!(requests > expected.json()["Requests"].as_u64().unwrap());
}

#[test]
fn latest_and_list_without_instance_ids() {
    let server = start(|c| c);
    let latest = run_on(
        &server,
        &["--region", "ap-shanghai", "backups", "latest", "-o", "json"],
    );
    latest.expect_code(1);
    let doc = latest.json();
    assert_eq!(doc["TotalCount"], 21, "23 running, 2 without backups");
    let first = &doc["BackupSet"][0];
    assert_eq!(first["InstanceId"], "crs-f1200001");
    assert_eq!(latest.stderr.matches("no good backup").count(), 2);
    let list = run_on(
        &server,
        &[
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
            "--search",
            "ap-guangzhou-0000",
            "--all",
            "-o",
            "json",
        ],
    );
    list.expect_code(0);
    let doc = list.json();
    let items = doc["BackupSet"].as_array().unwrap();
    assert_eq!(doc["TotalCount"].as_u64().unwrap(), items.len() as u64);
    let mut ids: Vec<&str> = items
        .iter()
        .map(|b| b["InstanceId"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert!(
        ids.len() >= 7 && ids.windows(2).all(|w| w[0] < w[1]),
        "instances in InstanceId order: {ids:?}"
    );
    let journal = server.journal();
    assert!(
        journal
            .iter()
            .any(|e| e.action.as_deref() == Some("DescribeInstances"))
    );
}

#[test]
fn list_over_two_regions_is_one_region_wide_listing_each_in_region_order() {
    let server = start(|c| c);
    let out = run_on(
        &server,
        &[
            "--region",
            "ap-shanghai",
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
            "--all",
            "-o",
            "json",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    let items = doc["BackupSet"].as_array().unwrap();
    let seed = spec().seed(NOW_UNIX);
    let total: usize = seed.instances().iter().map(|i| i.backups().len()).sum();
    assert_eq!(items.len(), total);
    assert_eq!(doc["TotalCount"].as_u64().unwrap() as usize, total);
    let first_guangzhou = items
        .iter()
        .position(|b| b["Region"] == "ap-guangzhou")
        .unwrap();
    assert!(
        items[..first_guangzhou]
            .iter()
            .all(|b| b["Region"] == "ap-shanghai")
    );
    assert!(
        items[first_guangzhou..]
            .iter()
            .all(|b| b["Region"] == "ap-guangzhou")
    );
    let journal = server.journal();
    assert!(
        journal
            .iter()
            .all(|e| e.action.as_deref() == Some("DescribeInstanceBackups")
                && e.params.get("InstanceId").is_none()),
        "no DescribeInstances, no InstanceId"
    );
}

#[test]
fn every_region_lists_what_is_there_and_notes_the_rest() {
    let server = start(|c| c);
    let out = run_on(
        &server,
        &["--region", "all", "instances", "list", "-o", "json", "-v"],
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 46);
    assert!(
        out.stderr
            .contains("tcredis: ap-tokyo: not available (no matching instance)"),
        "{}",
        out.stderr
    );
    let check = run_on(
        &server,
        &["--region", "all", "backups", "check", "--max-age", "26h"],
    );
    check.expect_code(1);
    assert!(
        check
            .stdout
            .trim_end()
            .ends_with("instances=48 max_age=26h requests=33 exit=1"),
        "23 instance listings, then 2 regions of 6: {}",
        check.stdout
    );
}

#[test]
fn dry_run_of_a_fleet_command_prints_each_region_s_describe_instances() {
    let out = run(
        home().path(),
        &[
            "--region",
            "ap-guangzhou",
            "--region",
            "ap-shanghai-fsi",
            "--dry-run",
            "--timestamp",
            "1780286400",
            "backups",
            "check",
            "--max-age",
            "26h",
            "--tag",
            "env=prod",
        ],
        &common::doc_env(),
    );
    out.expect_code(0);
    let requests: Vec<&str> = out.stdout.split("POST / HTTP/1.1").skip(1).collect();
    assert_eq!(requests.len(), 2, "{}", out.stdout);
    assert!(requests[0].contains("X-TC-Action: DescribeInstances"));
    assert!(requests[0].contains("Host: redis.tencentcloudapi.com"));
    assert!(requests[1].contains("Host: redis.ap-shanghai-fsi.tencentcloudapi.com"));
    assert!(requests[1].contains("X-TC-Region: ap-shanghai-fsi"));
    assert!(
        requests[0].contains(
            r#"{"Limit":1000,"Offset":0,"InstanceTags":[{"TagKey":"env","TagValue":"prod"}]}"#
        ),
        "{}",
        requests[0]
    );
}
