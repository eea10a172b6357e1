//! Hostile and malformed input to every entry point of the `tcredis` binary, table-driven: flags
//! and values, environment variables, profile files, endpoint URLs, and server answers that are
//! not JSON, huge, deeply nested or of the wrong types (served by a tiny loopback server in
//! this file). Each case must end with its specific exit code and a message that says what was
//! wrong, never a panic, never a hang (every run is killed after a bound), and never a secret.

mod common;

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{Run, SECRET_KEY, run_bounded, secret_env, tcredis};

const BOUND: Duration = Duration::from_secs(30);

/// (case, environment, what stderr must mention).
type EnvCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// Asserts a run ended with `code`, its stderr contains every one of `needles`
/// (case-insensitive; a failing case must list at least one), and nothing panicked or leaked.
fn expect(run: &Run, case: &str, code: i32, needles: &[&str]) {
    assert!(
        code == 0 || !needles.is_empty(),
        "{case}: a failing case must say what its message names, not only its exit code"
    );
    let stderr = run.stderr();
    assert!(
        !stderr.contains("panicked"),
        "{case}: the CLI panicked\n{}",
        run.both()
    );
    run.assert_no_secret();
    assert_eq!(run.code, Some(code), "{case}: exit code\n{}", run.both());
    let lower = stderr.to_lowercase();
    for needle in needles {
        assert!(
            lower.contains(&needle.to_lowercase()),
            "{case}: stderr does not mention {needle:?}\n{}",
            run.both()
        );
    }
}

#[test]
fn hostile_flags_and_values_are_usage_errors_that_name_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "limit 0",
            &["backups", "list", "--limit", "0"],
            &["--limit"],
        ),
        (
            "limit 101",
            &["backups", "list", "--limit", "101"],
            &["--limit"],
        ),
        (
            "limit text",
            &["backups", "list", "--limit", "ten"],
            &["--limit"],
        ),
        (
            "limit huge",
            &["backups", "list", "--limit", "99999999999999999999999"],
            &["--limit"],
        ),
        (
            "negative offset",
            &["backups", "list", "--offset", "-1"],
            &["--offset"],
        ),
        (
            "unknown status",
            &["backups", "list", "--status", "bogus"],
            &["--status"],
        ),
        (
            "status out of range",
            &["backups", "list", "--status", "7"],
            &["--status"],
        ),
        (
            "month 13",
            &["backups", "list", "--begin-time", "2026-13-01 00:00:00"],
            &["--begin-time"],
        ),
        (
            "february 30",
            &["backups", "list", "--end-time", "2026-02-30 00:00:00"],
            &["--end-time"],
        ),
        (
            "iso time",
            &["backups", "list", "--begin-time", "2026-01-01T00:00:00Z"],
            &["--begin-time"],
        ),
        (
            "since garbage",
            &["backups", "list", "--since", "5 parsecs"],
            &["--since"],
        ),
        (
            "since zero",
            &["backups", "list", "--since", "0s"],
            &["--since"],
        ),
        (
            "negative rate",
            &["--rate-limit", "-1", "backups", "list"],
            &["--rate-limit"],
        ),
        (
            "rate NaN",
            &["--rate-limit", "NaN", "backups", "list"],
            &["--rate-limit"],
        ),
        (
            "timeout text",
            &["--timeout", "soon", "backups", "list"],
            &["--timeout"],
        ),
        (
            "retries negative",
            &["--max-retries", "-3", "backups", "list"],
            &["--max-retries"],
        ),
        (
            "output xml",
            &["backups", "list", "--output", "xml"],
            &["--output"],
        ),
        (
            "language",
            &["--language", "fr-FR", "backups", "list"],
            &["--language"],
        ),
        (
            "unknown flag",
            &["backups", "list", "--frobnicate"],
            &["--frobnicate"],
        ),
        (
            "check without max-age",
            &["backups", "check", "--instance-id", "crs-1"],
            &["--max-age"],
        ),
        (
            "tag without a value separator",
            &["instances", "list", "--tag", "env"],
            &["--tag", "KEY=VALUE"],
        ),
        (
            "instance ids over several regions",
            &[
                "--region",
                "ap-beijing",
                "--region",
                "ap-shanghai",
                "backups",
                "latest",
                "--instance-id",
                "crs-a",
            ],
            &["--instance-id", "single --region"],
        ),
        (
            "lookback garbage",
            &[
                "backups",
                "latest",
                "--instance-id",
                "crs-1",
                "--lookback",
                "1 fortnight",
            ],
            &["--lookback"],
        ),
        (
            "endpoint scheme",
            &[
                "--endpoint",
                "ftp://redis.example.com",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["ftp"],
        ),
        (
            "endpoint path",
            &[
                "--endpoint",
                "https://redis.example.com/v3",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["path"],
        ),
        (
            "endpoint userinfo",
            &[
                "--endpoint",
                "https://u:p@redis.example.com",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["user"],
        ),
        (
            "endpoint port",
            &[
                "--endpoint",
                "https://redis.example.com:99999",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["port"],
        ),
        (
            "endpoint empty",
            &[
                "--endpoint",
                "",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["--endpoint"],
        ),
        (
            "endpoint control",
            &[
                "--endpoint",
                "redis.example.com\u{7}",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["--endpoint"],
        ),
        (
            "connect-to no port",
            &[
                "--connect-to",
                "127.0.0.1",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["--connect-to"],
        ),
        (
            "fsi mismatch",
            &[
                "--region",
                "ap-shanghai-fsi",
                "--endpoint",
                "redis.ap-guangzhou.tencentcloudapi.com",
                "backups",
                "list",
            ],
            &["ap-shanghai-fsi"],
        ),
        (
            "ca file missing",
            &[
                "--ca-file",
                "/nonexistent/ca.pem",
                "--region",
                "ap-guangzhou",
                "backups",
                "list",
            ],
            &["/nonexistent/ca.pem"],
        ),
    ];
    for (case, args, needles) in cases {
        let run = tcredis(home.path(), args, &secret_env(), BOUND);
        expect(&run, case, 2, needles);
    }
}

#[test]
fn invalid_utf8_in_argv_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcredis"));
    cmd.env_clear()
        .env("HOME", home.path())
        .args(["backups", "list", "--instance-id"])
        .arg(OsStr::from_bytes(b"crs-\xff\xfe"));
    let run = run_bounded(
        "cli",
        cmd,
        BOUND,
        &["backups list --instance-id <invalid UTF-8>"],
    );
    expect(&run, "invalid UTF-8 argument", 2, &["utf-8"]);
}

#[test]
fn hostile_environment_variables_are_named() {
    let home = tempfile::tempdir().unwrap();
    let list = ["--region", "ap-guangzhou", "backups", "list", "--dry-run"];
    let cases: &[EnvCase<'_>] = &[
        (
            "id without key",
            &[("TENCENTCLOUD_SECRET_ID", "AKIDonly")],
            &["TENCENTCLOUD_SECRET_KEY"],
        ),
        (
            "key without id",
            &[("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)],
            &["TENCENTCLOUD_SECRET_ID"],
        ),
        (
            "TCREDIS_NOW garbage",
            &[
                ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
                ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY),
                ("TCREDIS_NOW", "yesterday-ish"),
            ],
            &["TCREDIS_NOW"],
        ),
        (
            "credentials file missing",
            &[("TENCENTCLOUD_CREDENTIALS_FILE", "/nonexistent/creds")],
            &["/nonexistent/creds"],
        ),
        (
            "cvm metadata endpoint garbage",
            &[
                ("TENCENTCLOUD_USE_CVM_ROLE", "1"),
                ("TENCENTCLOUD_METADATA_ENDPOINT", "not a url"),
            ],
            &["metadata endpoint", "not a url"],
        ),
    ];
    for (case, env, needles) in cases {
        let run = tcredis(home.path(), &list, env, BOUND);
        expect(&run, case, 2, needles);
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn malformed_profile_files_are_named_with_their_line_and_no_secret() {
    let cases: &[(&str, &str, &[u8], &[&str])] = &[
        (
            "ini unclosed section",
            ".tencentcloud/credentials",
            b"[default\nsecret_id = AKIDx\n",
            &["credentials", "line 1"],
        ),
        (
            "ini duplicate key",
            ".tencentcloud/credentials",
            b"[default]\nsecret_key = tcredis-test-secret-DO-NOT-PRINT-dup-1\nsecret_key = tcredis-test-secret-DO-NOT-PRINT-dup-2\n",
            &["credentials", "line 3"],
        ),
        (
            "ini not text",
            ".tencentcloud/credentials",
            b"\xff\xfe\x00[default]\x00",
            &["credentials"],
        ),
        (
            "tccli not json",
            ".tccli/default.credential",
            b"secretId=AKIDx\nsecretKey=tcredis-test-secret-DO-NOT-PRINT-tccli\n",
            &["default.credential"],
        ),
        (
            "tccli wrong type",
            ".tccli/default.credential",
            b"{\"secretId\": 42, \"secretKey\": \"tcredis-test-secret-DO-NOT-PRINT-tccli-2\"}",
            &["default.credential", "secretId"],
        ),
    ];
    for (case, file, content, needles) in cases {
        let home = tempfile::tempdir().unwrap();
        write(&home.path().join(file), content);
        let run = tcredis(
            home.path(),
            &["--region", "ap-guangzhou", "backups", "list", "--dry-run"],
            &[],
            BOUND,
        );
        expect(&run, case, 2, needles);
    }
}

/// A tiny HTTP/1.1 server on loopback that answers every request with `response` (raw bytes,
/// status line included) and closes. Runs until the test process ends.
fn serve(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let response = response.clone();
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // Read the head and a Content-Length body, then answer.
                loop {
                    let Ok(n) = stream.read(&mut buf) else { return };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&seen[..end]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = stream.write_all(&response);
                let _ = stream.flush();
            });
        }
    });
    format!("http://{addr}")
}

fn http_200(body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn hostile_server_answers_get_specific_errors_without_hanging() {
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(
        "{{\"Response\":{{\"TotalCount\":1,\"BackupSet\":[{}1{}],\"RequestId\":\"r\"}}}}",
        "{\"a\":".repeat(50_000),
        "}".repeat(50_000)
    );
    let mut huge = b"{\"Response\":{\"TotalCount\":1,\"RequestId\":\"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 24 * 1024 * 1024));
    let cases: Vec<(&str, Vec<u8>, i32, &[&str])> = vec![
        ("html", http_200(b"<html><body>502 Bad Gateway</body></html>"), 4, &["json"]),
        ("empty body", http_200(b""), 4, &["empty"]),
        (
            "deeply nested array",
            http_200(nested.as_bytes()),
            4,
            &["malformed response", "recursion limit"],
        ),
        // Unknown fields pass through, however deep (finding F4: pretty output used to grow
        // with the square of the depth and took minutes); the code is 0.
        ("deeply nested item", http_200(deep_object.as_bytes()), 0, &[]),
        (
            "huge unterminated",
            http_200(&huge),
            4,
            &["malformed response", "EOF while parsing"],
        ),
        (
            "TotalCount a string",
            http_200(br#"{"Response":{"TotalCount":"many","BackupSet":[],"RequestId":"r1"}}"#),
            4,
            &["TotalCount"],
        ),
        (
            "BackupSet an object",
            http_200(br#"{"Response":{"TotalCount":1,"BackupSet":{"a":1},"RequestId":"r2"}}"#),
            4,
            &["BackupSet"],
        ),
        (
            "Status a string",
            http_200(br#"{"Response":{"TotalCount":1,"BackupSet":[{"BackupId":"b","Status":"ok"}],"RequestId":"r3"}}"#),
            4,
            &["Status"],
        ),
        (
            "no Response",
            http_200(br#"{"TotalCount":1}"#),
            4,
            &["Response"],
        ),
        (
            "error envelope, unknown code",
            http_200(br#"{"Response":{"Error":{"Code":"Weird.Code","Message":"strange"},"RequestId":"req-77"}}"#),
            3,
            &["Weird.Code", "req-77"],
        ),
        (
            "HTTP 500 html",
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\n<h1/>".to_vec(),
            4,
            &["500"],
        ),
        (
            "not HTTP",
            b"SSH-2.0-OpenSSH_9.6\r\n".to_vec(),
            4,
            &["HTTP protocol error"],
        ),
        (
            "content-length lies",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"Response\":".to_vec(),
            4,
            &["network error", "message length"],
        ),
    ];
    for (case, response, code, needles) in cases {
        eprintln!("case: {case}");
        let endpoint = serve(response);
        let home = tempfile::tempdir().unwrap();
        let run = tcredis(
            home.path(),
            &[
                "--endpoint",
                &endpoint,
                "--region",
                "ap-guangzhou",
                "--max-retries",
                "0",
                "--timeout",
                "10s",
                "backups",
                "list",
                "--output",
                "json",
            ],
            &secret_env(),
            BOUND,
        );
        expect(&run, case, code, needles);
        if code == 0 {
            // The pass-through case: a clean listing, nothing on stderr, the item printed.
            assert_eq!(run.stderr(), "", "{case}: nothing on stderr");
            // Too deep for serde_json's default limit to re-read: count the levels instead.
            let stdout = run.stdout();
            assert!(
                stdout.contains("\"TotalCount\": 1"),
                "{case}: {stdout:.300}"
            );
            assert_eq!(
                stdout.matches("\"a\":").count(),
                50_000,
                "{case}: every level of the unknown field passed through"
            );
        }
        assert!(
            run.stdout.len() < 4 * 1024 * 1024,
            "{case}: output stays proportional to the input ({} bytes)",
            run.stdout.len()
        );
        // Finding F3 (docs/reliability.md, fixed): a failed single-instance listing prints
        // nothing on stdout, not even an empty document.
        if code != 0 {
            assert!(
                run.stdout().is_empty(),
                "{case}: nothing is printed for a failed listing\n{}",
                run.both()
            );
        }
    }
}
