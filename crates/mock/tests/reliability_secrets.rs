//! The mock never echoes a secret: answers to every kind of bad signature, token or timestamp,
//! the journal (in Rust and through the admin API), Debug output of its configuration and
//! handler, errors about a malformed credentials file, and everything the `tcredis-mock`
//! process prints while it is being hit with bad requests. Captured process output also goes
//! to `$TCREDIS_SCAN_DIR` for the gate's secret scan. (Signatures and tokens are compared in
//! constant time by `tcredis_core::sign::verify`, with `subtle::ConstantTimeEq`.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_mock::MockConfig;
use tcredis_mock::handler::Handler;

const ID: &str = "AKIDTCREDISRELIABMOCK000000000000000";
const KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-mock-Vb7n";
const TOKEN: &str = "tcredis-test-secret-DO-NOT-PRINT-mock-token-Wy2c";

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn request(host: &str, key: &str, token: Option<&str>, timestamp: u64) -> http::Request<Vec<u8>> {
    let mut credentials = Credentials::new(ID, key).unwrap();
    if let Some(t) = token {
        credentials = credentials.with_token(t).unwrap();
    }
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: Some("en-US"),
        request_client: "",
        scheme: "http",
        authority: host,
        host,
        payload: Payload::Json(b"{}"),
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp,
    };
    call::build_request(&spec, &credentials, &SigningKeyCache::new())
        .unwrap()
        .request
}

/// Every way to get authentication wrong, as (case, request).
fn bad_requests(host: &str, now: u64) -> Vec<(&'static str, http::Request<Vec<u8>>)> {
    let wrong_key = "tcredis-test-secret-DO-NOT-PRINT-mock-wrong-key";
    let mut tampered = request(host, KEY, Some(TOKEN), now);
    tampered.headers_mut().insert(
        "x-tc-timestamp",
        http::HeaderValue::from_str(&(now + 1).to_string()).unwrap(),
    );
    vec![
        ("wrong key", request(host, wrong_key, Some(TOKEN), now)),
        (
            "wrong token",
            request(
                host,
                KEY,
                Some("tcredis-test-secret-DO-NOT-PRINT-bad-token"),
                now,
            ),
        ),
        ("missing token", request(host, KEY, None, now)),
        ("expired", request(host, KEY, Some(TOKEN), now - 3600)),
        ("tampered timestamp", tampered),
        ("good", request(host, KEY, Some(TOKEN), now)),
    ]
}

fn assert_no_secret(text: &str, what: &str) {
    assert!(
        !tcredis_testkit::secrets::contains_test_secret(text.as_bytes()),
        "{what} contains a test secret"
    );
    assert!(!text.contains(KEY) && !text.contains(TOKEN), "{what} leaks");
}

#[test]
fn answers_journal_and_debug_output_hold_no_secret() {
    let config = MockConfig::new()
        .demo()
        .rate_limit(0)
        .credential(ID, KEY, Some(TOKEN));
    assert_no_secret(&format!("{config:?}"), "MockConfig Debug");
    let now = now_unix();
    let handler = Handler::new(&config, UNIX_EPOCH + Duration::from_secs(now)).unwrap();
    assert_no_secret(&format!("{handler:?}"), "Handler Debug");
    let mut codes = Vec::new();
    for (case, request) in bad_requests("127.0.0.1:9", now) {
        let outcome = handler.handle(&request, UNIX_EPOCH + Duration::from_secs(now));
        let body = String::from_utf8(outcome.response.body().clone()).unwrap();
        assert_no_secret(&body, case);
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        codes.push(
            value["Response"]["Error"]["Code"]
                .as_str()
                .map(str::to_owned),
        );
    }
    assert_eq!(
        codes,
        vec![
            Some("AuthFailure.SignatureFailure".to_owned()),
            Some("AuthFailure.TokenFailure".to_owned()),
            Some("AuthFailure.TokenFailure".to_owned()),
            Some("AuthFailure.SignatureExpire".to_owned()),
            Some("AuthFailure.SignatureFailure".to_owned()),
            None,
        ]
    );
    let journal = handler.journal();
    assert_eq!(journal.len(), 6);
    assert_no_secret(&format!("{journal:?}"), "journal Debug");
    let admin = http::Request::get("/_mock/journal")
        .body(Vec::new())
        .unwrap();
    let admin = handler.handle(&admin, SystemTime::now());
    assert_no_secret(
        &String::from_utf8_lossy(admin.response.body()),
        "GET /_mock/journal",
    );
}

#[test]
fn malformed_credentials_files_are_refused_without_quoting_a_secret() {
    let files = [
        format!(r#"{{"credentials": ["{KEY}"]}}"#),
        format!(r#"{{"credentials": "{KEY}"}}"#),
        format!(r#"{{"credentials": [{{"SecretId": "{ID}", "SecretKey": ["{KEY}"]}}]}}"#),
        format!(r#"{{"credentials": [{{"SecretId": "{ID}", "SecretKey": "{KEY}", "Token": 7}}]}}"#),
        format!(r#"{{"credentials": [{{"SecretId": "{ID}", "SecretKey": "{KEY}""#),
        format!(r#"{{"credentials": [{{"SecretId": "{ID}", "{KEY}": 1}}]}}"#),
        format!(r#"{{"credentials": [{{"SecretId": 5, "SecretKey": "{KEY}"}}]}}"#),
    ];
    for (i, file) in files.iter().enumerate() {
        let err = MockConfig::new()
            .credentials_json(file.as_bytes())
            .expect_err("a malformed credentials file is refused");
        let message = err.to_string();
        assert!(message.contains("credentials"), "file {i}: {message}");
        assert_no_secret(&message, &format!("credentials file {i} error"));
        assert_no_secret(&format!("{err:?}"), &format!("credentials file {i} Debug"));
    }
}

#[test]
fn the_mock_process_prints_no_secret_while_refusing_bad_requests() {
    let dir = tempfile_dir();
    let file = dir.join("creds.json");
    std::fs::write(
        &file,
        format!(r#"{{"credentials": [{{"SecretId": "{ID}", "SecretKey": "{KEY}", "Token": "{TOKEN}"}}]}}"#),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcredis-mock"))
        .args([
            "--demo",
            "--rate-limit",
            "0",
            "--exit-on-stdin-eof",
            "--credentials-file",
        ])
        .arg(&file)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let uri = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    for (case, request) in bad_requests(&uri, now_unix()) {
        let (parts, body) = request.into_parts();
        let mut raw = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (name, value) in &parts.headers {
            raw.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
        }
        raw.push_str("\r\n");
        let mut stream = TcpStream::connect(&uri).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{case}: {answer}");
        assert_no_secret(&answer, case);
    }
    // Stop it (stdin EOF) and collect everything it printed.
    drop(child.stdin.take());
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the mock exits cleanly on stdin EOF");
    let mut all = first.into_bytes();
    all.extend_from_slice(&rest);
    all.extend_from_slice(&stderr);
    tcredis_testkit::scan::record_text("reliability", "mock-process", &all);
    assert_no_secret(&String::from_utf8_lossy(&all), "mock process output");
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tcredis-reliab-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_testkit_demo_pair_is_the_mocks_public_pair() {
    assert_eq!(
        tcredis_testkit::secrets::DEMO_SECRET_ID,
        tcredis_mock::DEMO_SECRET_ID
    );
    assert_eq!(
        tcredis_testkit::secrets::DEMO_SECRET_KEY,
        tcredis_mock::DEMO_SECRET_KEY
    );
}
