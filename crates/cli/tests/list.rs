//! `backups list` end to end: the real binary against a seeded in-process mock over loopback
//! HTTP; every output format parsed back and compared with the seed.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{home, run_seeded, seeded};

fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["BackupSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["BackupId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn all_pages_of_several_instances_in_order_as_json() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--all",
            "--instance-id",
            "crs-seed0002",
            "--instance-id",
            "crs-seed0001",
            "-o",
            "json",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    assert_eq!(doc["TotalCount"], 233, "sum of the instances' TotalCount");
    let mut expected = s.expected_ids("crs-seed0002");
    expected.extend(s.expected_ids("crs-seed0001"));
    assert_eq!(
        ids(&doc),
        expected,
        "instances in the order given, each in server order"
    );
    // Every field as seeded, unknown fields passed through, UTF-8 unescaped.
    assert_eq!(doc["BackupSet"][0], s.expected("crs-seed0002")[0]);
    assert_eq!(doc["BackupSet"][0]["FutureField"]["Nested"][1], 2.5);
    assert!(
        out.stdout.contains("\"InstanceName\": \"orders 订单\""),
        "UTF-8, pretty"
    );
    for (got, want) in doc["BackupSet"].as_array().unwrap()[3..]
        .iter()
        .zip(s.expected("crs-seed0001"))
    {
        assert_eq!(got, &want);
    }
    // --all pages with Limit 100: 3 pages for 230 backups, 1 for 3.
    let limits: Vec<serde_json::Value> = s
        .server
        .journal()
        .iter()
        .map(|e| e.params["Limit"].clone())
        .collect();
    assert_eq!(limits.len(), 4, "{limits:?}");
    assert!(limits.iter().all(|l| l == 100));
}

#[test]
fn ndjson_is_one_compact_object_per_line() {
    let s = seeded();
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
            "--output",
            "ndjson",
        ],
    );
    out.expect_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 230);
    for (line, want) in lines.iter().zip(s.expected("crs-seed0001")) {
        assert!(
            !line.contains(": ") || line.contains("\"quoted\", remark"),
            "compact: {line}"
        );
        let got: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(got, want);
    }
}

#[test]
fn csv_and_tsv_parse_back_to_the_seed() {
    let s = seeded();
    let home = home();
    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
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
                format,
            ],
        );
        out.expect_code(0);
        assert!(out.stdout.contains("\r\n"), "RFC 4180 line ends");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(out.stdout.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            header,
            [
                "StartTime",
                "BackupId",
                "BackupType",
                "Status",
                "Remark",
                "Locked",
                "BackupSize",
                "FullBackup",
                "InstanceType",
                "InstanceId",
                "InstanceName",
                "Region",
                "EndTime",
                "FileType",
                "ExpireTime",
                "Encrypted"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let mut expected = s.expected("crs-seed0001");
        expected.extend(s.expected("crs-seed0002"));
        assert_eq!(rows.len(), expected.len());
        for (row, want) in rows.iter().zip(&expected) {
            for (i, name) in header.iter().enumerate() {
                let cell = match &want[name.as_str()] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(&row[i], cell, "{format} {name} of {}", want["BackupId"]);
            }
        }
    }
}

#[test]
fn table_uses_names_and_human_sizes() {
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
            "-o",
            "table",
        ],
    );
    out.expect_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert!(lines[0].starts_with("INSTANCE"));
    assert!(
        lines[1].contains("b-2-c")
            && lines[1].contains("spec-change")
            && lines[1].contains(" ok ")
            && lines[1].contains("537 B")
    );
    assert!(
        lines[1].contains("tab\\there, newline\\nhere"),
        "control characters shown as escapes: {}",
        lines[1]
    );
    assert!(lines[2].contains("exported") && lines[2].contains("auto"));
    assert!(lines[3].contains("manual") && lines[3].contains("expired"));
}

#[test]
fn query_runs_over_the_json_shape() {
    let s = seeded();
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
            "--query",
            "BackupSet[?Status==`-1`].BackupId",
        ],
    );
    out.expect_code(0);
    let got: Vec<String> = serde_json::from_value(out.json()).unwrap();
    let want: Vec<String> = s
        .expected("crs-seed0001")
        .iter()
        .filter(|b| b["Status"] == -1)
        .map(|b| b["BackupId"].as_str().unwrap().to_owned())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let total = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-seed0001",
            "--query",
            "TotalCount",
        ],
    );
    assert_eq!(total.stdout.trim(), "230");
}

#[test]
fn a_single_page_is_one_request_as_given() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-seed0001",
            "--limit",
            "10",
            "--offset",
            "20",
        ],
    );
    out.expect_code(0);
    let doc = out.json(); // json is the default when stdout is not a terminal
    assert_eq!(doc["TotalCount"], 230);
    assert_eq!(ids(&doc), s.expected_ids("crs-seed0001")[20..30]);
    let journal = s.server.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(
        journal[0].params,
        serde_json::json!({"Limit": 10, "Offset": 20, "InstanceId": "crs-seed0001"})
    );
}

#[test]
fn filters_reach_the_api() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--all",
            "--instance-name",
            "订单",
            "--status",
            "expired",
            "--status",
            "3",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    let want: Vec<String> = s
        .expected("crs-seed0001")
        .iter()
        .filter(|b| b["Status"] == -1 || b["Status"] == 3)
        .map(|b| b["BackupId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids(&doc), want);
    let params = &s.server.journal()[0].params;
    assert_eq!(params["Status"], serde_json::json!([-1, 3]));
    assert_eq!(params["InstanceName"], "订单");
}

#[test]
fn a_window_longer_than_30_days_is_split_and_merged() {
    let s = seeded();
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
            "--since",
            "80d",
            "-o",
            "json",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    assert_eq!(
        ids(&doc),
        s.expected_ids("crs-seed0001"),
        "every backup once, in order"
    );
    assert_eq!(doc["TotalCount"], 230);
    let journal = s.server.journal();
    assert!(journal.len() >= 3, "three windows");
    for entry in &journal {
        assert_eq!(
            entry.code, None,
            "the mock accepted every window: {:?}",
            entry.params
        );
        let begin = entry.params["BeginTime"].as_str().unwrap();
        let end = entry.params["EndTime"].as_str().unwrap();
        assert!(begin < end);
    }
    // A single page across windows: offset counted over the merged listing.
    s.server.reset();
    let page = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-seed0001",
            "--since",
            "80d",
            "--limit",
            "30",
            "--offset",
            "90",
        ],
    );
    page.expect_code(0);
    let doc = page.json();
    assert_eq!(ids(&doc), s.expected_ids("crs-seed0001")[90..120]);
    assert_eq!(doc["TotalCount"], 230);
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_with_success() {
    let s = seeded();
    let home = home();
    let mut args = s.flags();
    args.extend(
        [
            "backups",
            "list",
            "--all",
            "--instance-id",
            "crs-seed0001",
            "-o",
            "ndjson",
        ]
        .map(String::from),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcredis"))
        .args(&args)
        .env_clear()
        .env("HOME", home.path())
        .envs(common::doc_env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap(); // reader dropped: pipe closed
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("BackupId"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn mock_flag_lists_the_demo_data() {
    let home = home();
    let out = common::run(
        home.path(),
        &["--mock", "backups", "list", "--all", "--rate-limit", "0"],
        &[("TCREDIS_NOW", common::NOW)],
    );
    out.expect_code(0);
    let doc = out.json();
    let n = doc["BackupSet"].as_array().unwrap().len();
    assert!(n > 100, "demo data spans several pages: {n}");
    assert_eq!(doc["TotalCount"], n);
    assert!(
        doc["BackupSet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["Region"] == "ap-guangzhou")
    );
    let again = common::run(
        home.path(),
        &["--mock", "backups", "list", "--all", "--rate-limit", "0"],
        &[("TCREDIS_NOW", common::NOW)],
    );
    assert_eq!(
        again.stdout, out.stdout,
        "TCREDIS_NOW makes the demo data reproducible"
    );
}

#[test]
fn a_failing_query_is_a_usage_error() {
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
            "--query",
            "abs(TotalCount, BackupSet)",
        ],
    );
    out.expect_code(2);
    assert!(out.stderr.contains("--query"), "{}", out.stderr);
}

#[test]
fn mock_ignores_proxy_variables() {
    let home = home();
    let out = common::run(
        home.path(),
        &["--mock", "backups", "list", "--limit", "1"],
        &[
            ("TCREDIS_NOW", common::NOW),
            ("HTTPS_PROXY", "http://127.0.0.1:1"),
            ("HTTP_PROXY", "http://127.0.0.1:1"),
        ],
    );
    out.expect_code(0);
    assert_eq!(out.json()["BackupSet"].as_array().unwrap().len(), 1);
}

#[test]
fn connect_to_keeps_the_endpoint_host_and_dials_elsewhere() {
    let s = seeded();
    let home = home();
    let port = s.server.addr().port();
    let endpoint = format!("http://redis.unresolvable.invalid:{port}");
    let connect = format!("127.0.0.1:{port}");
    let out = common::run(
        home.path(),
        &[
            "--endpoint",
            &endpoint,
            "--connect-to",
            &connect,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
        ],
        &common::doc_env(),
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 3);
    assert_eq!(
        s.server.journal()[0].signature,
        tcredis_mock::SignatureResult::Valid,
        "signed over the endpoint's Host"
    );
}

#[test]
fn a_key_from_a_profile_file_signs_and_is_never_printed() {
    const KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-cli-profile-4Rt6";
    const ID: &str = "AKIDTCREDISCLIPROFILE0000000000000000";
    let s = common::seeded_with(|c| c.credential(ID, KEY, None));
    let home = home();
    std::fs::create_dir_all(home.path().join(".tencentcloud")).unwrap();
    std::fs::write(
        home.path().join(".tencentcloud/credentials"),
        format!("[ops]\nsecret_id = {ID}\nsecret_key = {KEY}\nregion = ap-guangzhou\n"),
    )
    .unwrap();
    let uri = s.server.uri();
    let out = common::run(
        home.path(),
        &[
            "--profile",
            "ops",
            "--endpoint",
            &uri,
            "--rate-limit",
            "0",
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
            "-vvv",
        ],
        &[("TCREDIS_NOW", common::NOW)],
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 3);
    assert_eq!(s.server.journal()[0].secret_id.as_deref(), Some(ID));
    assert!(!out.stdout.contains(KEY) && !out.stderr.contains(KEY));
    let show = common::run(home.path(), &["--profile", "ops", "config", "show"], &[]);
    assert!(
        show.stdout.contains("ap-guangzhou") && show.stdout.contains("[ops]"),
        "{}",
        show.stdout
    );
    assert!(!show.stdout.contains(KEY));
}

#[test]
fn progress_is_drawn_on_a_terminal_and_nowhere_else() {
    // `script` (util-linux/bsdutils, essential on Debian) gives the child a pseudo-terminal.
    let home = home();
    let cmdline = format!(
        "env -i HOME={} TCREDIS_NOW={} {} --mock backups list --all --rate-limit 0 > /dev/null",
        home.path().display(),
        common::NOW,
        env!("CARGO_BIN_EXE_tcredis")
    );
    let out = Command::new("script")
        .args(["-qec", &cmdline, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains("1 pages, 100 backups"),
        "progress drawn: {terminal:?}"
    );
    assert!(
        terminal.ends_with("\r\x1b[2K"),
        "and cleared at the end: {terminal:?}"
    );

    let piped = common::run(
        home.path(),
        &["--mock", "backups", "list", "--all", "--rate-limit", "0"],
        &[("TCREDIS_NOW", common::NOW)],
    );
    piped.expect_code(0);
    assert_eq!(piped.stderr, "", "silent when stderr is not a terminal");
}

#[test]
fn a_named_role_is_assumed_through_sts_first() {
    let s = seeded();
    let home = home();
    let uri = s.server.uri();
    let mut env = common::doc_env();
    env.push(("TENCENTCLOUD_STS_ENDPOINT", &uri));
    let out = common::run(
        home.path(),
        &[
            "--endpoint",
            &uri,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "--role-arn",
            "qcs::cam::uin/100000000001:roleName/backup-reader",
            "--role-session-name",
            "tcredis-test",
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
        ],
        &env,
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 3);
    let journal = s.server.journal();
    let actions: Vec<&str> = journal
        .iter()
        .map(|e| e.action.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(actions, ["AssumeRole", "DescribeInstanceBackups"]);
    assert_eq!(journal[0].secret_id.as_deref(), Some(common::DOC_SECRET_ID));
    assert_ne!(
        journal[1].secret_id.as_deref(),
        Some(common::DOC_SECRET_ID),
        "temporary credentials sign the call"
    );
    let show = common::run(
        home.path(),
        &[
            "--role-arn",
            "qcs::cam::uin/1:roleName/r",
            "--role-session-name",
            "s",
            "config",
            "show",
        ],
        &env,
    );
    assert!(show.stdout.contains("STS AssumeRole"), "{}", show.stdout);
}

#[test]
fn mock_reaches_a_financial_region() {
    let home = home();
    let out = common::run(
        home.path(),
        &[
            "--mock",
            "--region",
            "ap-shanghai-fsi",
            "backups",
            "list",
            "--instance-id",
            "crs-demo0003",
            "--rate-limit",
            "0",
        ],
        &[("TCREDIS_NOW", common::NOW)],
    );
    out.expect_code(0);
    let doc = out.json();
    assert!(doc["TotalCount"].as_i64().unwrap() > 0, "{}", out.stdout);
    assert_eq!(doc["BackupSet"][0]["Region"], "ap-shanghai-fsi");
}

#[test]
fn a_failed_single_query_prints_nothing_on_stdout() {
    let s = seeded();
    let home = home();
    for format in ["json", "ndjson", "csv", "tsv", "table"] {
        // An unknown instance (the API refuses) and an unknown region (likewise).
        let out = run_seeded(
            &s,
            home.path(),
            &[
                "backups",
                "list",
                "--instance-id",
                "crs-nope9999",
                "-o",
                format,
            ],
        );
        out.expect_code(3);
        assert_eq!(out.stdout, "", "{format}");
        let out = run_seeded(
            &s,
            home.path(),
            &["backups", "list", "--region", "xx-nowhere", "-o", format],
        );
        out.expect_code(3);
        assert_eq!(out.stdout, "", "{format}");
    }
    // A network failure.
    let endpoint = common::closed_endpoint();
    let out = common::run(
        home.path(),
        &[
            "--endpoint",
            &endpoint,
            "--region",
            "ap-guangzhou",
            "--max-retries",
            "0",
            "backups",
            "list",
            "--query",
            "TotalCount",
        ],
        &common::doc_env(),
    );
    out.expect_code(4);
    assert_eq!(out.stdout, "");
}

#[test]
fn all_with_limit_sets_the_page_size() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--all",
            "--limit",
            "50",
            "--instance-id",
            "crs-seed0001",
        ],
    );
    out.expect_code(0);
    assert_eq!(ids(&out.json()), s.expected_ids("crs-seed0001"));
    let paging: Vec<(i64, i64)> = s
        .server
        .journal()
        .iter()
        .map(|e| {
            (
                e.params["Limit"].as_i64().unwrap(),
                e.params["Offset"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(paging, [(50, 0), (50, 50), (50, 100), (50, 150), (50, 200)]);
}

#[test]
fn null_fields_from_the_server_are_absent() {
    let s = seeded();
    let home = home();
    for format in ["json", "ndjson"] {
        s.server.script(reply_with_nulls()).unwrap();
        let out = run_seeded(
            &s,
            home.path(),
            &[
                "backups",
                "list",
                "--instance-id",
                "crs-seed0002",
                "-o",
                format,
            ],
        );
        out.expect_code(0);
        assert!(
            !out.stdout.contains("\"BackupSize\""),
            "{format}: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("\"Remark\""),
            "{format}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains("\"Nested\""),
            "{format}: {}",
            out.stdout
        );
    }
    s.server.script(reply_with_nulls()).unwrap();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
            "--query",
            "keys(BackupSet[0])",
        ],
    );
    out.expect_code(0);
    let keys: Vec<String> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(keys, ["BackupId", "StartTime", "Unknown"]);
}

fn reply_with_nulls() -> tcredis_mock::Script {
    tcredis_mock::Script::new().then(tcredis_mock::Step::reply(serde_json::json!({
        "TotalCount": 1,
        "BackupSet": [{
            "BackupId": "b-null",
            "StartTime": "2026-06-01 10:00:00",
            "BackupSize": null,
            "Remark": null,
            "Unknown": {"Nested": null}
        }]
    })))
}

#[test]
fn a_repeated_instance_id_is_fetched_once() {
    let s = seeded();
    let home = home();
    let out = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--all",
            "--instance-id",
            "crs-seed0002",
            "--instance-id",
            "crs-seed0003",
            "--instance-id",
            "crs-seed0002",
        ],
    );
    out.expect_code(0);
    let doc = out.json();
    assert_eq!(doc["TotalCount"], 5);
    let mut expected = s.expected_ids("crs-seed0002");
    expected.extend(s.expected_ids("crs-seed0003"));
    assert_eq!(ids(&doc), expected);
    assert_eq!(s.server.journal().len(), 2);
}

/// Runs `tcredis ARGS` with stdout and stderr on a pseudo-terminal (`script`), returning what
/// the terminal showed.
fn on_a_terminal(home: &std::path::Path, args: &str) -> String {
    let cmdline = format!(
        "env -i HOME={} TCREDIS_NOW={} {} {args}",
        home.display(),
        common::NOW,
        env!("CARGO_BIN_EXE_tcredis")
    );
    let out = Command::new("script")
        .args(["-qec", &cmdline, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn one_page_on_a_terminal_says_how_many_more_there_are() {
    let home = home();
    let terminal = on_a_terminal(
        home.path(),
        "--mock --rate-limit 0 backups list --instance-id crs-demo0001",
    );
    assert!(
        terminal.contains("tcredis: 20 of 137 — use --all"),
        "{terminal:?}"
    );
    let all = on_a_terminal(
        home.path(),
        "--mock --rate-limit 0 backups list --instance-id crs-demo0001 --all",
    );
    assert!(!all.contains(" of 137"), "{all:?}");
    // Piped: no hint.
    let piped = common::run(
        home.path(),
        &[
            "--mock",
            "--rate-limit",
            "0",
            "backups",
            "list",
            "--instance-id",
            "crs-demo0001",
        ],
        &[("TCREDIS_NOW", common::NOW)],
    );
    piped.expect_code(0);
    assert_eq!(piped.stderr, "");
}

#[test]
fn raw_query_output_and_query_with_a_non_json_format_is_refused() {
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
            "--query",
            "BackupSet[].BackupId",
            "--raw",
        ],
    );
    out.expect_code(0);
    assert_eq!(out.stdout, "b-2-c\nb-2-b\nb-2-a\n");
    let one = run_seeded(
        &s,
        home.path(),
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
            "--query",
            "BackupSet[0].Remark",
            "--raw",
        ],
    );
    // Unquoted, but a control character in the server's text is a visible escape: it cannot
    // add a line (one item a line) or drive the terminal.
    assert_eq!(one.stdout, "tab\\there, newline\\nhere\n");
    for format in ["csv", "tsv", "table"] {
        let out = run_seeded(
            &s,
            home.path(),
            &["backups", "list", "--query", "TotalCount", "-o", format],
        );
        out.expect_code(2);
        assert!(
            out.stderr
                .contains(&format!("cannot be combined with --output {format}")),
            "{}",
            out.stderr
        );
    }
}
