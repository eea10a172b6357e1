//! The `tcredis-mock` binary as a real process: the first stdout line, credentials from a file
//! (never argv), seed errors with the field path, TLS with `--ca-out`, graceful stop on SIGTERM
//! and on stdin EOF.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};

use common::Req;
use tcredis_core::credentials::Credentials;

const BIN: &str = env!("CARGO_BIN_EXE_tcredis-mock");

struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
    uri: String,
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Running {
    let mut command = Command::new(BIN);
    command
        .args(args)
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
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    Running { child, stdout, uri }
}

fn addr_of(uri: &str) -> SocketAddr {
    uri.rsplit("://").next().unwrap().parse().unwrap()
}

fn post(addr: SocketAddr, request: http::Request<Vec<u8>>) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "POST / HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        request.body().len()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(request.body()).unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn stop(mut running: Running, signal: &str) -> (std::process::ExitStatus, String) {
    let pid = running.child.id().to_string();
    let status = Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(status.success());
    let status = running.child.wait().unwrap();
    let mut stderr = String::new();
    running
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let mut rest = String::new();
    running.stdout.read_to_string(&mut rest).unwrap();
    (status, stderr)
}

#[test]
fn serves_credentials_from_a_file_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("tcredis-mock-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials.json");
    std::fs::write(
        &file,
        r#"{"credentials": [{"SecretId": "AKIDfile", "SecretKey": "file-secret-key-42"}]}"#,
    )
    .unwrap();
    let running = spawn(
        &[
            "--credentials-file",
            file.to_str().unwrap(),
            "--rate-limit",
            "0",
            "--random-seed",
            "3",
        ],
        &[("TCREDIS_NOW", "2026-05-01T00:00:00Z")],
    );
    assert!(
        running.uri.starts_with("http://127.0.0.1:"),
        "{}",
        running.uri
    );
    let addr = addr_of(&running.uri);
    let host: &'static str = Box::leak(addr.to_string().into_boxed_str());
    let credentials = Credentials::new("AKIDfile", "file-secret-key-42").unwrap();
    let answer = post(
        addr,
        Req {
            host,
            credentials,
            timestamp: now(),
            payload: tcredis_core::call::Payload::Json(b"{\"Limit\": 1}"),
            ..Req::default()
        }
        .build(),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("\"StartTime\":\"2026-05-01 07:59:00\""),
        "demo anchored to TCREDIS_NOW: {answer}"
    );
    // The demo pair is refused once credentials are configured.
    let answer = post(
        addr,
        Req {
            host,
            timestamp: now(),
            ..Req::default()
        }
        .build(),
    );
    assert!(answer.contains("AuthFailure.SecretIdNotFound"), "{answer}");
    let (status, stderr) = stop(running, "-TERM");
    assert!(
        status.success(),
        "graceful exit 0 on SIGTERM: {status:?} {stderr}"
    );
    assert!(!stderr.contains("file-secret-key-42"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tls_writes_the_ca_before_announcing_and_stops_on_sigint() {
    let dir = std::env::temp_dir().join(format!("tcredis-mock-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let running = spawn(
        &[
            "--tls",
            "--ca-out",
            ca.to_str().unwrap(),
            "--generate",
            "1000:4",
        ],
        &[],
    );
    assert!(
        running.uri.starts_with("https://127.0.0.1:"),
        "{}",
        running.uri
    );
    let pem = std::fs::read_to_string(&ca).expect("CA written before the listening line");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let (status, stderr) = stop(running, "-INT");
    assert!(status.success(), "{status:?} {stderr}");
    assert!(stderr.contains("serving 1000 backups"), "{stderr}");
    assert!(
        stderr.contains("AKIDTCREDISDEMO"),
        "the public demo pair is announced: {stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn exits_when_stdin_closes_if_asked() {
    let mut running = spawn(&["--exit-on-stdin-eof"], &[]);
    drop(running.child.stdin.take());
    let status = running.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn bad_settings_exit_2_naming_the_problem() {
    let dir = std::env::temp_dir().join(format!("tcredis-mock-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.json");
    std::fs::write(&seed, r#"{"instances": [{"InstanceId": "crs-1", "InstanceName": "n", "Region": "ap-guangzhou", "Backups": [{"BackupSize": "big"}]}]}"#).unwrap();
    /// Arguments, environment, and a phrase stderr must contain.
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            vec!["--seed".into(), seed.to_str().unwrap().into()],
            vec![],
            "instances[0].Backups[0].BackupSize",
        ),
        (
            vec!["--fault".into(), "explode:0.5".into()],
            vec![],
            "delay=MS",
        ),
        (
            vec!["--fault".into(), "drop:1.5".into()],
            vec![],
            "from 0 to 1",
        ),
        (
            vec!["--generate".into(), "ten".into()],
            vec![],
            "N:INSTANCES",
        ),
        (
            vec!["--credential".into(), "AKIDonly".into()],
            vec![],
            "ID:KEY",
        ),
        (
            vec!["--demo".into(), "--generate".into(), "5".into()],
            vec![],
            "cannot be used with",
        ),
        (vec![], vec![("TCREDIS_NOW", "yesterday")], "RFC 3339"),
        (
            vec!["--clock".into(), "tomorrow".into()],
            vec![],
            "YYYY-MM-DD HH:MM:SS",
        ),
        (
            vec!["--clock-speed".into(), "60".into()],
            vec![],
            "add --clock frozen or --clock TIME",
        ),
        (
            vec![
                "--clock".into(),
                "frozen".into(),
                "--clock-speed".into(),
                "0".into(),
            ],
            vec![],
            "above 0",
        ),
        (
            vec!["--backup-duration".into(), "0s".into()],
            vec![],
            "at least 1 second",
        ),
        (
            vec!["--policy".into(), seed.to_str().unwrap().into()],
            vec![],
            "\"Policies\"",
        ),
        (
            vec!["--replay".into(), seed.to_str().unwrap().into()],
            vec![],
            "line 1",
        ),
    ];
    for (args, env, needle) in cases {
        let mut command = Command::new(BIN);
        command.args(&args).stdin(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "no listening line on failure");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_data_a_busy_address_and_repeated_credentials_exit_2() {
    let dir = std::env::temp_dir().join(format!("tcredis-mock-bad2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let region = dir.join("region.json");
    std::fs::write(&region, r#"{"instances": [{"InstanceId": "crs-1", "InstanceName": "n", "Region": "ap-atlantis", "Backups": []}]}"#).unwrap();
    let start = dir.join("start.json");
    std::fs::write(&start, r#"{"instances": [{"InstanceId": "crs-1", "InstanceName": "n", "Region": "ap-guangzhou", "Backups": [{"BackupId": "b", "StartTime": "2026-06-01T02:00:00Z"}]}]}"#).unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_addr = busy.local_addr().unwrap().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--seed", region.to_str().unwrap()],
            "instances[0].Region",
        ),
        (
            vec!["--seed", start.to_str().unwrap()],
            "instances[0].Backups[0].StartTime",
        ),
        (vec!["--generate", "0"], "N:INSTANCES"),
        (vec!["--generate", "0:3"], "N:INSTANCES"),
        (
            vec![
                "--credential",
                "AKIDtwice:k1",
                "--credential",
                "AKIDtwice:k2",
            ],
            "AKIDtwice is given twice",
        ),
        (vec!["--listen", &busy_addr], "--listen"),
    ];
    for (args, needle) in cases {
        let output = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("k1") && !stderr.contains("k2"),
            "no key printed"
        );
        assert!(output.stdout.is_empty(), "no listening line on failure");
    }
    drop(busy);
    std::fs::remove_dir_all(&dir).ok();
}
