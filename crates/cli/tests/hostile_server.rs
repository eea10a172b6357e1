//! The `tcredis` binary against hostile servers, files and flags on loopback (issue 17, the CLI
//! items): an endless body (memory measured with GNU time), a deeply nested unknown field, server
//! text full of escape sequences, a TotalCount that lies, windows before 2015, deep `--query`
//! expressions, hostile CA and credential files, a TotalCount past 64 bits, a gzip body and a
//! server `Date` in year 9999 or year 1.
//! Every child is killed after a bound; every server thread ends with the test process.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Run, run_bounded, secret_env, tcredis};
use serde_json::{Value, json};

const BOUND: Duration = Duration::from_secs(60);

/// What the scripted server answers: the whole HTTP answer for a request (its JSON body, the
/// request's number from 0), or `None` to stream an endless body.
type Script = dyn Fn(&Value, usize) -> Answer + Send + Sync;

enum Answer {
    Bytes(Vec<u8>),
    /// `Content-Length: <announced>` (chunked when `None`), then spaces until the client leaves.
    Endless(Option<u64>),
}

struct Server {
    endpoint: String,
    requests: Arc<AtomicUsize>,
}

impl Server {
    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and Content-Length body); `None` at end of stream.
fn read_request(tcp: &mut TcpStream) -> Option<Value> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while seen.len() < end + 4 + length {
                let n = tcp.read(&mut buf).ok().filter(|n| *n > 0)?;
                seen.extend_from_slice(&buf[..n]);
            }
            return Some(
                serde_json::from_slice(&seen[end + 4..end + 4 + length]).unwrap_or(Value::Null),
            );
        }
        let n = tcp.read(&mut buf).ok().filter(|n| *n > 0)?;
        seen.extend_from_slice(&buf[..n]);
    }
}

fn serve(script: Arc<Script>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(mut tcp) = tcp else { continue };
            let (script, counter) = (script.clone(), counter.clone());
            std::thread::spawn(move || {
                tcp.set_read_timeout(Some(BOUND)).ok();
                while let Some(body) = read_request(&mut tcp) {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    match script(&body, n) {
                        Answer::Bytes(bytes) => {
                            if tcp.write_all(&bytes).is_err() {
                                return;
                            }
                        }
                        Answer::Endless(announced) => {
                            let framing = match announced {
                                Some(n) => format!("Content-Length: {n}\r\n"),
                                None => "Transfer-Encoding: chunked\r\n".to_owned(),
                            };
                            let head = format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n"
                            );
                            if tcp.write_all(head.as_bytes()).is_err() {
                                return;
                            }
                            let chunk = vec![b' '; 256 * 1024];
                            loop {
                                let ok = match announced {
                                    Some(_) => tcp.write_all(&chunk),
                                    None => tcp
                                        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                                        .and_then(|()| tcp.write_all(&chunk))
                                        .and_then(|()| tcp.write_all(b"\r\n")),
                                };
                                if ok.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                }
            });
        }
    });
    Server { endpoint, requests }
}

fn http_200(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn page(total: &str, items: &[Value]) -> Vec<u8> {
    let items = serde_json::to_string(items).unwrap();
    http_200(
        format!(
            r#"{{"Response":{{"TotalCount":{total},"BackupSet":{items},"RequestId":"req-1"}}}}"#
        )
        .as_bytes(),
    )
}

/// A fixed "now" (2026-06-01 12:00 Beijing) so windows and ages are reproducible.
const NOW: &str = "2026-06-01T04:00:00Z";

fn cli(server: &Server, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    run_in(home.path(), server, args)
}

fn run_in(home: &Path, server: &Server, args: &[&str]) -> Run {
    run_with_retries(home, server, "0", args)
}

fn run_with_retries(home: &Path, server: &Server, retries: &str, args: &[&str]) -> Run {
    let mut argv = vec![
        "--endpoint",
        &server.endpoint,
        "--region",
        "ap-guangzhou",
        "--rate-limit",
        "0",
        "--max-retries",
        retries,
    ];
    argv.extend_from_slice(args);
    let mut env = secret_env();
    env.push(("TCREDIS_NOW", NOW));
    let run = tcredis(home, &argv, &env, BOUND);
    run.assert_no_secret();
    run
}

fn expect(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(run.code, Some(code), "{}", run.both());
    for needle in needles {
        assert!(
            run.stderr().contains(needle),
            "{needle:?} missing\n{}",
            run.both()
        );
    }
}

/// Peak resident memory of a run under GNU time (`Maximum resident set size`), in KiB.
fn peak_kib(run: &Run) -> u64 {
    run.stderr()
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS from /usr/bin/time -v\n{}", run.both()))
}

#[test]
fn an_endless_body_is_refused_at_the_cap_with_bounded_memory() {
    assert!(
        Path::new("/usr/bin/time").exists(),
        "GNU time (/usr/bin/time) is needed to measure peak memory"
    );
    for announced in [Some(10_737_418_240), None] {
        let server = serve(Arc::new(move |_: &Value, _| Answer::Endless(announced)));
        let home = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("/usr/bin/time");
        cmd.arg("-v")
            .arg(env!("CARGO_BIN_EXE_tcredis"))
            .args([
                "--endpoint",
                &server.endpoint,
                "--region",
                "ap-guangzhou",
                "--max-retries",
                "4",
                "backups",
                "list",
                "--output",
                "json",
            ])
            .env_clear()
            .env("HOME", home.path());
        for (k, v) in secret_env() {
            cmd.env(k, v);
        }
        let run = run_bounded("cli-endless", cmd, BOUND, &["endless body"]);
        // GNU time reports the child's exit status in its own words and exits with it.
        assert_eq!(run.code, Some(4), "{}", run.both());
        assert!(
            run.stderr().contains(
                "response too large: the response body is over the limit of 67108864 bytes (64 MiB)"
            ),
            "{}",
            run.both()
        );
        let peak = peak_kib(&run);
        println!(
            "endless body ({}): exit 4 after {:?}, peak RSS {peak} KiB, {} request(s)",
            match announced {
                Some(n) => format!("Content-Length {n}"),
                None => "chunked".to_owned(),
            },
            run.elapsed,
            server.requests()
        );
        assert_eq!(server.requests(), 1, "not retried");
        // The cap (64 MiB) plus the program; without it, 10 GB.
        assert!(peak < 192 * 1024, "peak RSS {peak} KiB");
    }
}

#[test]
fn a_deeply_nested_unknown_field_is_kept_or_fails_loudly_never_dropped() {
    let depth = 130;
    let item = format!(
        r#"{{"BackupId":"b-1","Status":2,"StartTime":"2026-06-01 02:00:00","X":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let body = format!(r#"{{"Response":{{"TotalCount":1,"BackupSet":[{item}],"RequestId":"r"}}}}"#);
    let server = serve(Arc::new(move |_: &Value, _| {
        Answer::Bytes(http_200(body.as_bytes()))
    }));
    for (format, separator) in [("csv", ","), ("tsv", "\t")] {
        let run = cli(&server, &["backups", "list", "-o", format]);
        expect(&run, 0, &[]);
        let row = run.stdout().lines().nth(1).unwrap_or_default().to_owned();
        let cells: Vec<&str> = row.split(separator).collect();
        assert_eq!(
            &cells[..4],
            &["2026-06-01 02:00:00", "b-1", "", "2"],
            "{format}: {row}"
        );
    }
    let run = cli(&server, &["backups", "list", "-o", "json"]);
    expect(&run, 0, &[]);
    let compact: String = run.stdout().split_whitespace().collect();
    assert!(compact.contains(&"[".repeat(depth)), "passed through");
    let run = cli(
        &server,
        &["backups", "list", "--query", "BackupSet[].BackupId"],
    );
    expect(
        &run,
        4,
        &["--query cannot evaluate backup b-1: a field is nested deeper than 128 levels"],
    );
    assert!(
        !run.stdout().contains("[]"),
        "no wrong answer on stdout: {}",
        run.both()
    );
}

#[test]
fn server_text_is_escaped_and_bounded_on_the_terminal_and_exact_in_machine_formats() {
    let message = format!(
        "boom\u{1b}]0;owned\u{7}\r\u{0}\u{202e}txt.exe\nOK crs-forged{}",
        "m".repeat(10 * 1024 * 1024)
    );
    let error = serde_json::to_vec(&json!({"Response": {"Error": {"Code": "Evil\u{1b}[31m.Code", "Message": message}, "RequestId": "req\nforged"}})).unwrap();
    let server = serve(Arc::new(move |_: &Value, _| {
        Answer::Bytes(http_200(&error))
    }));
    let run = cli(&server, &["backups", "list", "-o", "json"]);
    expect(
        &run,
        3,
        &[
            "Evil\\u{1b}[31m.Code",
            "boom\\u{1b}]0;owned\\u{7}\\r\\0\\u{202e}txt.exe\\nOK crs-forged",
            "more characters",
            "req\\nforged",
        ],
    );
    let stderr = run.stderr.clone();
    for bad in [&b"\x1b"[..], b"\x00", b"\r", b"\x07", "\u{202e}".as_bytes()] {
        assert!(
            !tcredis_testkit::secrets::contains(&stderr, bad),
            "raw {bad:?} on stderr"
        );
    }
    assert!(stderr.len() < 4096, "{} bytes of stderr", stderr.len());
    assert!(!run.stderr().lines().any(|l| l.starts_with("OK crs-forged")));

    // check's report: a BackupId with a newline cannot forge a line; json keeps it exact.
    let forged = "b-1\nOK       crs-forged  newest good backup";
    let item = json!({"BackupId": forged, "Status": 2, "StartTime": "2026-06-01 02:00:00", "Remark": "\u{1b}[2J wiped", "InstanceId": "crs-1"});
    let listing = page("1", &[item]);
    let server = serve(Arc::new(move |_: &Value, _| Answer::Bytes(listing.clone())));
    let run = cli(
        &server,
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-1",
            "--max-age",
            "1d",
        ],
    );
    expect(&run, 0, &[]);
    let lines: Vec<String> = run.stdout().lines().map(str::to_owned).collect();
    assert_eq!(
        lines.len(),
        2,
        "one instance line and the summary: {}",
        run.both()
    );
    assert!(
        lines[0].starts_with("OK") && lines[0].contains("b-1\\nOK       crs-forged"),
        "{}",
        lines[0]
    );
    let run2 = cli_ok(
        &server,
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-1",
            "--max-age",
            "1d",
            "-o",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&run2.stdout()).unwrap();
    assert_eq!(doc["Instances"][0]["BackupId"], forged, "exact in json");
    let run3 = cli_ok(
        &server,
        &["backups", "list", "--instance-id", "crs-1", "-o", "table"],
    );
    assert!(run3.stdout().contains("\\u{1b}[2J wiped") && !run3.stdout().contains('\u{1b}'));
    let run4 = cli_ok(
        &server,
        &["backups", "list", "--instance-id", "crs-1", "-o", "ndjson"],
    );
    let back: Value = serde_json::from_str(run4.stdout().trim()).unwrap();
    assert_eq!(back["Remark"], "\u{1b}[2J wiped", "exact in ndjson");
    assert!(!run4.stdout().contains('\u{1b}'), "escaped by JSON");
}

fn cli_ok(server: &Server, args: &[&str]) -> Run {
    let run = cli(server, args);
    assert_eq!(run.code, Some(0), "{}", run.both());
    run
}

/// A server whose TotalCount says 10^12 and that always has a full page of fresh backups
/// (running, so never "good": latest and check keep looking).
fn lying_server() -> Server {
    serve(Arc::new(|body: &Value, _| {
        let offset = body["Offset"].as_u64().unwrap_or(0);
        let items: Vec<Value> = (0..100)
            .map(|i| json!({"BackupId": format!("b-{}", offset + i), "Status": 1, "StartTime": "2026-06-01 02:00:00"}))
            .collect();
        Answer::Bytes(page("1000000000000", &items))
    }))
}

#[test]
fn a_lying_total_count_is_stopped_by_caps_that_do_not_come_from_the_server() {
    let server = lying_server();
    let run = cli(
        &server,
        &[
            "backups",
            "list",
            "--all",
            "--max-items",
            "1000",
            "-o",
            "ndjson",
        ],
    );
    expect(&run, 4, &["stopped after 1000 items", "raise --max-items"]);
    assert_eq!(
        run.stdout().lines().count(),
        1000,
        "everything before the cap was printed"
    );
    assert_eq!(server.requests(), 11);

    let server = lying_server();
    let run = cli(
        &server,
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-1",
            "--max-age",
            "1d",
        ],
    );
    assert_eq!(run.code, Some(4), "{}", run.both());
    assert!(
        run.stdout().contains("ERROR")
            && run
                .stderr()
                .contains("no instance makes more than 1000 backups a day"),
        "{}",
        run.both()
    );
    // The first window (1 day, so 2 calendar days) allows 2,000 items: 21 pages at most.
    assert!(server.requests() <= 21, "{} requests", server.requests());

    let server = lying_server();
    let run = cli(
        &server,
        &[
            "backups",
            "latest",
            "--instance-id",
            "crs-1",
            "--lookback",
            "2d",
        ],
    );
    expect(&run, 4, &["no instance makes more than 1000 backups a day"]);
    assert!(server.requests() <= 31, "{} requests", server.requests());
    println!(
        "lying TotalCount: list --all --max-items 1000 stopped after 11 requests; check --max-age 1d and latest --lookback 2d stopped at the per-day cap ({} requests for latest)",
        server.requests()
    );
}

#[test]
fn windows_before_2015_are_refused_before_any_request() {
    let server = serve(Arc::new(|_: &Value, _| Answer::Bytes(page("0", &[]))));
    for args in [
        &["backups", "list", "--since", "99999999999w"][..],
        &["--dry-run", "backups", "list", "--since", "99999999999w"][..],
        &["backups", "list", "--all", "--since", "1000000d"][..],
        &[
            "backups",
            "latest",
            "--instance-id",
            "crs-1",
            "--lookback",
            "100000d",
        ][..],
        &[
            "backups",
            "check",
            "--instance-id",
            "crs-1",
            "--max-age",
            "99999999999w",
        ][..],
        &[
            "backups",
            "check",
            "--max-age",
            "1d",
            "--lookback",
            "100000d",
        ][..],
    ] {
        let run = cli(&server, args);
        expect(
            &run,
            2,
            &["before 2015-01-01 00:00:00 (UTC+8)", "use at most 4169d"],
        );
        assert!(
            run.elapsed < Duration::from_secs(10),
            "{args:?} took {:?}",
            run.elapsed
        );
    }
    let run = cli(
        &server,
        &["backups", "list", "--begin-time", "2014-12-31 23:59:59"],
    );
    expect(
        &run,
        2,
        &[
            "--begin-time",
            "2014-12-31 23:59:59 is before 2015-01-01 00:00:00 (UTC+8)",
        ],
    );
    assert_eq!(server.requests(), 0, "nothing was sent");
}

#[test]
fn a_deep_query_is_a_usage_error_not_a_crash() {
    let server = serve(Arc::new(|_: &Value, _| Answer::Bytes(page("0", &[]))));
    let deep = "[".repeat(100_000);
    let run = cli(&server, &["backups", "list", "--query", &deep]);
    expect(&run, 2, &["--query", "over the limit of 4096"]);
    let nested = format!("{}a{}", "(".repeat(65), ")".repeat(65));
    let run = cli(&server, &["backups", "list", "--query", &nested]);
    expect(&run, 2, &["--query", "nests 65 levels deep"]);
    let fine = format!("{}TotalCount{}", "(".repeat(64), ")".repeat(64));
    let run = cli(&server, &["backups", "list", "--query", &fine]);
    expect(&run, 0, &[]);
    assert_eq!(run.stdout().trim(), "0");
}

#[cfg(unix)]
#[test]
fn hostile_ca_and_credential_files_are_refused_with_their_path() {
    let server = serve(Arc::new(|_: &Value, _| Answer::Bytes(page("0", &[]))));
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.pem");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fifo = dir.path().join("fifo.pem");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success(),
        "mkfifo is needed"
    );
    let big = dir.path().join("big.pem");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024)
        .unwrap();
    for (path, reason) in [
        (&zero, "is a character device, not a regular file"),
        (&fifo, "is a FIFO (named pipe), not a regular file"),
        (
            &big,
            "is 2147483648 bytes, over the limit of 16777216 bytes (16 MiB)",
        ),
    ] {
        let run = cli(
            &server,
            &["--ca-file", path.to_str().unwrap(), "backups", "list"],
        );
        expect(
            &run,
            2,
            &[&format!("--ca-file {}: {reason}", path.display())],
        );
    }
    // A credentials file that is a FIFO, found in a temporary home (no credentials in env).
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".tencentcloud")).unwrap();
    let credentials = home.path().join(".tencentcloud/credentials");
    assert!(
        Command::new("mkfifo")
            .arg(&credentials)
            .status()
            .unwrap()
            .success()
    );
    let argv = [
        "--endpoint",
        &server.endpoint,
        "--region",
        "ap-guangzhou",
        "backups",
        "list",
    ];
    let run = tcredis(home.path(), &argv, &[], BOUND);
    assert_eq!(run.code, Some(2), "{}", run.both());
    assert!(
        run.stderr().contains(&format!("{}", credentials.display()))
            && run.stderr().contains("is a FIFO"),
        "{}",
        run.both()
    );
    assert_eq!(server.requests(), 0);
}

#[test]
fn a_total_count_past_64_bits_and_a_gzip_body_are_named() {
    let server = serve(Arc::new(|_: &Value, _| {
        Answer::Bytes(page("18446744073709551615", &[]))
    }));
    let run = cli(&server, &["backups", "list", "-o", "json"]);
    expect(
        &run,
        4,
        &["TotalCount 18446744073709551615 is over 9223372036854775807"],
    );
    let gzip = [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n".as_slice(),
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3],
    ]
    .concat();
    let server = serve(Arc::new(move |_: &Value, _| Answer::Bytes(gzip.clone())));
    let run = cli(&server, &["backups", "list", "-o", "json"]);
    expect(&run, 4, &["compressed (Content-Encoding: gzip)"]);
}

/// `AuthFailure.SignatureExpire` with the given `Date` header: the answer that asks a client to
/// correct its clock.
fn signature_expired(date: &str) -> Vec<u8> {
    let body = br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"the signature expired"},"RequestId":"req-skew"}}"#;
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

#[test]
fn a_server_date_in_year_9999_or_year_1_is_not_trusted_to_re_sign() {
    // One retry allowed, so a trusted correction shows as a second request. The client signs
    // with the machine's clock (TCREDIS_NOW only moves the windows), so the control's `Date` is
    // two days ahead of the real clock: a plausible skew, corrected by re-signing.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let ahead = tcredis_core::time::http_date::format(now + 2 * 86_400);
    let plausible = serve(Arc::new(move |_: &Value, _| {
        Answer::Bytes(signature_expired(&ahead))
    }));
    let args = ["-v", "backups", "list", "--instance-id", "crs-1"];
    let home = tempfile::tempdir().unwrap();
    let run = run_with_retries(home.path(), &plausible, "1", &args);
    assert_ne!(run.code, Some(0), "{}", run.both());
    assert_eq!(plausible.requests(), 2, "re-signed once\n{}", run.both());

    // A `Date` years away is ignored: no request is re-signed for it, and -v says why.
    for date in [
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 01 Jan 0001 00:00:00 GMT",
    ] {
        let server = serve(Arc::new(move |_: &Value, _| {
            Answer::Bytes(signature_expired(date))
        }));
        let run = run_with_retries(home.path(), &server, "1", &args);
        assert_ne!(run.code, Some(0), "{}", run.both());
        assert!(
            run.stderr().contains("AuthFailure.SignatureExpire"),
            "the server's error is reported\n{}",
            run.both()
        );
        assert_eq!(
            server.requests(),
            1,
            "{date}: not re-signed\n{}",
            run.both()
        );
        assert!(
            run.stderr().contains("implausible server Date"),
            "{date}: -v says the Date was ignored\n{}",
            run.both()
        );
    }
}
