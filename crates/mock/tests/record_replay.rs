//! Record and replay end to end: the `tcredis-mock` binary records through a second mock as
//! the upstream (re-signing with that mock's credentials from the environment), then serves the
//! cassette; every answer — status, Content-Type and body — comes back byte for byte, and no
//! secret key appears in the cassette or in any output.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use common::Req;
use tcredis_core::call::Payload;
use tcredis_core::credentials::Credentials;
use tcredis_mock::{
    AutoBackupConfig, BlockingMockServer, MockConfig, Seed, SeedBackup, SeedInstance,
};

const BIN: &str = env!("CARGO_BIN_EXE_tcredis-mock");
const UPSTREAM_ID: &str = "AKIDupstream0000000000000000000000000";
const UPSTREAM_KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-upstream-7f3a";
const PROXY_ID: &str = "AKIDproxyclient00000000000000000000000";
const PROXY_KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-proxy-91bc";

struct Running {
    child: Child,
    addr: SocketAddr,
}

fn spawn(args: &[&str], env: &[(&str, &str)], home: &std::path::Path) -> Running {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .args(["--exit-on-stdin-eof", "--rate-limit", "0"])
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("spawn tcredis-mock");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let uri = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    let addr = uri.parse().unwrap();
    child.stdout = Some(stdout.into_inner());
    Running { child, addr }
}

/// Closes stdin, waits, and returns everything the process printed.
fn stop(mut running: Running) -> String {
    drop(running.child.stdin.take());
    let status = running.child.wait().unwrap();
    assert!(status.success(), "{status}");
    let mut out = String::new();
    running
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    running
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// One exchange over a fresh connection: (status, Content-Type, body bytes).
fn exchange(addr: SocketAddr, request: &http::Request<Vec<u8>>) -> (u16, String, Vec<u8>) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let target = request
        .uri()
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        request.method(),
        request.body().len()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(request.body()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head[9..12].parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    (status, content_type, raw[split + 4..].to_vec())
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The requests of the round trip: POST and GET listings, a page, a repeated request, an API
/// error, and the schedule.
fn requests(addr: SocketAddr) -> Vec<http::Request<Vec<u8>>> {
    let host: &'static str = Box::leak(addr.to_string().into_boxed_str());
    let credentials = Credentials::new(PROXY_ID, PROXY_KEY).unwrap();
    let req = |action, payload| {
        Req {
            action,
            host,
            region: Some("ap-guangzhou"),
            credentials: credentials.clone(),
            timestamp: now(),
            payload,
            ..Req::default()
        }
        .build()
    };
    vec![
        req(
            "DescribeInstanceBackups",
            Payload::Json(br#"{"InstanceId":"crs-rec","Limit":2}"#),
        ),
        req(
            "DescribeInstanceBackups",
            Payload::Query("InstanceId=crs-rec&Limit=2&Offset=2"),
        ),
        req(
            "DescribeInstanceBackups",
            Payload::Json(br#"{"InstanceId":"crs-rec","Limit":2}"#),
        ),
        req(
            "DescribeInstanceBackups",
            Payload::Json(br#"{"InstanceId":"crs-missing"}"#),
        ),
        req(
            "DescribeAutoBackupConfig",
            Payload::Json(br#"{"InstanceId":"crs-rec"}"#),
        ),
    ]
}

#[test]
fn a_recorded_session_replays_byte_for_byte_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut instance = SeedInstance::new("crs-rec", "recorded 记录", "ap-guangzhou")
        .auto_backup(AutoBackupConfig::new(&["Monday"], "03:00-04:00", 5).unwrap());
    for day in 1..=5 {
        instance = instance.backup(
            SeedBackup::new(format!("b{day}"), format!("2026-05-0{day} 02:00:00")).status(2),
        );
    }
    let upstream = BlockingMockServer::start_with(
        MockConfig::new()
            .seed(Seed::new().instance(instance))
            .credential(UPSTREAM_ID, UPSTREAM_KEY, None)
            .rate_limit(0),
    )
    .unwrap();
    let credentials = dir.path().join("credentials.json");
    std::fs::write(
        &credentials,
        format!(r#"{{"credentials": [{{"SecretId": "{PROXY_ID}", "SecretKey": "{PROXY_KEY}"}}]}}"#),
    )
    .unwrap();
    let cassette = dir.path().join("session.jsonl");
    let proxy = spawn(
        &[
            "--credentials-file",
            credentials.to_str().unwrap(),
            "--record-from",
            &upstream.uri(),
            "--record-to",
            cassette.to_str().unwrap(),
        ],
        &[
            ("TENCENTCLOUD_SECRET_ID", UPSTREAM_ID),
            ("TENCENTCLOUD_SECRET_KEY", UPSTREAM_KEY),
        ],
        dir.path(),
    );
    let recorded: Vec<_> = requests(proxy.addr)
        .iter()
        .map(|r| exchange(proxy.addr, r))
        .collect();
    let proxy_output = stop(proxy);

    // The proxy passed on the upstream's own answers: their RequestIds are the upstream's.
    let journal = upstream.journal();
    assert_eq!(journal.len(), recorded.len());
    for ((status, content_type, body), entry) in recorded.iter().zip(&journal) {
        assert_eq!((*status, content_type.as_str()), (200, "application/json"));
        let text = std::str::from_utf8(body).unwrap();
        assert!(text.contains(&entry.request_id), "{text}");
        assert_eq!(
            entry.secret_id.as_deref(),
            Some(UPSTREAM_ID),
            "re-signed upstream"
        );
    }
    let first = String::from_utf8_lossy(&recorded[0].2);
    assert!(
        first.contains("\"TotalCount\":5") && first.contains("\"b5\""),
        "{first}"
    );
    assert!(String::from_utf8_lossy(&recorded[3].2).contains("ResourceNotFound.InstanceNotExists"));
    assert!(String::from_utf8_lossy(&recorded[4].2).contains("\"TimePeriod\":\"03:00-04:00\""));

    let tape = std::fs::read_to_string(&cassette).unwrap();
    assert_eq!(tape.lines().count(), recorded.len());
    for secret in [UPSTREAM_KEY, PROXY_KEY] {
        assert!(!tape.contains(secret), "a key in the cassette");
        assert!(
            !proxy_output.contains(secret),
            "a key in the proxy's output: {proxy_output}"
        );
    }
    assert!(!tape.contains("Authorization") && !tape.contains("Signature"));
    // No test secret of any kind (the scanned prefix), in the cassette or the proxy's output.
    assert!(!tcredis_testkit::secrets::contains_test_secret(
        tape.as_bytes()
    ));
    assert!(!tcredis_testkit::secrets::contains_test_secret(
        proxy_output.as_bytes()
    ));

    // Replay: the same requests get the same bytes; the repeated one its two answers in order.
    let replay = spawn(
        &[
            "--credentials-file",
            credentials.to_str().unwrap(),
            "--replay",
            cassette.to_str().unwrap(),
        ],
        &[],
        dir.path(),
    );
    let replayed: Vec<_> = requests(replay.addr)
        .iter()
        .map(|r| exchange(replay.addr, r))
        .collect();
    assert_eq!(replayed, recorded);
    assert_ne!(
        recorded[0].2, recorded[2].2,
        "two answers to one request, different RequestIds"
    );
    // A miss names the closest recorded request.
    let host: &'static str = Box::leak(replay.addr.to_string().into_boxed_str());
    let miss = Req {
        host,
        region: Some("ap-guangzhou"),
        credentials: Credentials::new(PROXY_ID, PROXY_KEY).unwrap(),
        timestamp: now(),
        payload: Payload::Json(br#"{"InstanceId":"crs-rec","Limit":3}"#),
        ..Req::default()
    }
    .build();
    let (_, _, body) = exchange(replay.addr, &miss);
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("FailedOperation.ReplayMiss"), "{body}");
    assert!(body.contains("closest recorded request is #1"), "{body}");
    assert!(body.contains("Limit: recorded 2, asked 3"), "{body}");
    let replay_output = stop(replay);
    for secret in [UPSTREAM_KEY, PROXY_KEY] {
        assert!(!replay_output.contains(secret));
    }
    assert!(!tcredis_testkit::secrets::contains_test_secret(
        replay_output.as_bytes()
    ));
}

#[test]
fn record_mode_needs_real_credentials_and_a_cassette() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["--record-from", "http://127.0.0.1:9", "--record-to"])
        .arg(dir.path().join("c.jsonl"))
        .env_clear()
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--record-from needs real credentials"),
        "{stderr}"
    );
    let output = Command::new(BIN)
        .args(["--record-from", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(BIN)
        .arg("--replay")
        .arg(dir.path().join("absent.jsonl"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--replay"));
}
