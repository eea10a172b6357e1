//! `--dry-run` through the real binary: spec vector D3 for an empty request, and a request with
//! parameters whose signature was computed outside the project (fixtures/dry_run_signature.py).

mod common;

use common::{DOC_SECRET_ID, DOC_SECRET_KEY, home, run};

const DOC_PAIR: [(&str, &str); 2] = [
    ("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID),
    ("TENCENTCLOUD_SECRET_KEY", DOC_SECRET_KEY),
];

fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
}

#[test]
fn empty_request_reproduces_vector_d3() {
    let home = home();
    let out = run(
        home.path(),
        &[
            "--dry-run",
            "--timestamp",
            "1551113065",
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
        ],
        &DOC_PAIR,
    );
    out.expect_code(0);
    let text = &out.stdout;
    assert!(text.starts_with("POST / HTTP/1.1\n"), "{text}");
    assert_eq!(
        header(text, "Authorization"),
        Some(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/redis/tc3_request, \
             SignedHeaders=content-type;host, Signature=826d018e878df89b32fcfa42b1125fadc6fe3a8b30221245a5c8c3534d0257f2"
        )
    );
    assert_eq!(header(text, "Host"), Some("redis.tencentcloudapi.com"));
    assert_eq!(header(text, "Content-Type"), Some("application/json"));
    assert_eq!(header(text, "X-TC-Action"), Some("DescribeInstanceBackups"));
    assert_eq!(header(text, "X-TC-Version"), Some("2018-04-12"));
    assert_eq!(header(text, "X-TC-Timestamp"), Some("1551113065"));
    assert_eq!(header(text, "X-TC-Region"), Some("ap-guangzhou"));
    assert!(
        text.ends_with("\n\n{}\n"),
        "blank line, then the body: {text}"
    );
    assert!(!text.contains(DOC_SECRET_KEY) && !out.stderr.contains(DOC_SECRET_KEY));
}

#[test]
fn verbose_adds_the_signing_stages_on_stderr_without_the_key() {
    let home = home();
    let out = run(
        home.path(),
        &[
            "backups",
            "list",
            "--dry-run",
            "--timestamp",
            "1551113065",
            "--region",
            "ap-guangzhou",
            "-v",
        ],
        &DOC_PAIR,
    );
    out.expect_code(0);
    assert!(out.stderr.contains("--- canonical request ---\nPOST\n/\n\ncontent-type:application/json\nhost:redis.tencentcloudapi.com\n"));
    assert!(out.stderr.contains(
        "--- string to sign ---\nTC3-HMAC-SHA256\n1551113065\n2019-02-25/redis/tc3_request\n8d58468ae9492a0e072d71ce10f66dfb949aec613a11ab8443d404262ab31fea\n"
    ));
    assert!(!out.stderr.contains(DOC_SECRET_KEY));
}

#[test]
fn a_request_with_parameters_matches_the_independent_python_signature() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/dry_run_signature.json"))
            .expect("fixture is JSON");
    let args: Vec<&str> = fixture["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let home = home();
    let out = run(home.path(), &args, &DOC_PAIR);
    out.expect_code(0);
    let body = out
        .stdout
        .split_once("\n\n")
        .map(|(_, b)| b.trim_end_matches('\n'))
        .unwrap();
    assert_eq!(body, fixture["body"].as_str().unwrap());
    assert_eq!(
        header(&out.stdout, "Authorization"),
        fixture["authorization"].as_str()
    );
}

#[test]
fn the_session_token_is_redacted() {
    let home = home();
    let token = "tcredis-test-secret-DO-NOT-PRINT-cli-token-2Hq7";
    let mut env = DOC_PAIR.to_vec();
    env.push(("TENCENTCLOUD_TOKEN", token));
    let out = run(
        home.path(),
        &["--dry-run", "--region", "ap-guangzhou", "backups", "list"],
        &env,
    );
    out.expect_code(0);
    assert_eq!(header(&out.stdout, "X-TC-Token"), Some("<redacted>"));
    assert!(!out.stdout.contains(token) && !out.stderr.contains(token));
}

#[test]
fn a_long_window_is_split_into_requests_of_at_most_30_days() {
    let home = home();
    let out = run(
        home.path(),
        &[
            "--dry-run",
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
            "--all",
            "--begin-time",
            "2026-01-01 00:00:00",
            "--end-time",
            "2026-03-15 00:00:00",
        ],
        &DOC_PAIR,
    );
    out.expect_code(0);
    let bodies: Vec<serde_json::Value> = out
        .stdout
        .split("POST / HTTP/1.1\n")
        .filter(|r| !r.is_empty())
        .map(|r| serde_json::from_str(r.split_once("\n\n").unwrap().1.trim()).unwrap())
        .collect();
    let windows: Vec<(&str, &str)> = bodies
        .iter()
        .map(|b| {
            (
                b["BeginTime"].as_str().unwrap(),
                b["EndTime"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        windows,
        [
            ("2026-02-13 00:00:00", "2026-03-15 00:00:00"),
            ("2026-01-13 23:59:59", "2026-02-12 23:59:59"),
            ("2026-01-01 00:00:00", "2026-01-13 23:59:58"),
        ]
    );
    assert!(bodies.iter().all(|b| b["Limit"] == 100 && b["Offset"] == 0));
}

#[test]
fn tcredis_now_never_changes_the_signing_time() {
    let home = home();
    let mut env = DOC_PAIR.to_vec();
    // Years before the real clock, yet after 2015 (windows may not reach before then).
    env.push(("TCREDIS_NOW", "2016-01-01T00:00:00Z"));
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let out = run(
        home.path(),
        &[
            "--dry-run",
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
            "--since",
            "1d",
        ],
        &env,
    );
    let after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    out.expect_code(0);
    let ts: u64 = header(&out.stdout, "X-TC-Timestamp")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        before <= ts && ts <= after,
        "signed with the real clock: {ts}"
    );
    assert!(
        out.stdout
            .contains("\"BeginTime\":\"2015-12-31 08:00:00\",\"EndTime\":\"2016-01-01 08:00:00\""),
        "relative times use TCREDIS_NOW: {}",
        out.stdout
    );
}
