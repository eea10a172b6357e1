//! Running `tcredis exporter` in tests: the process (its first stdout line gives the address;
//! SIGTERM and reaped on drop), plain HTTP/1.1 requests, sample lookup, promtool.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{DOC_SECRET_ID, DOC_SECRET_KEY, home};

/// A running exporter; SIGTERM and reaped on drop.
pub struct Exporter {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The first stdout line.
    pub first_line: String,
    _home: tempfile::TempDir,
}

impl Exporter {
    pub fn start(endpoint: &str, extra: &[&str]) -> Self {
        Self::start_at(endpoint, extra, super::NOW)
    }

    /// As [`start`](Self::start) with `TCREDIS_NOW` = `now` (RFC 3339).
    pub fn start_at(endpoint: &str, extra: &[&str], now: &str) -> Self {
        Self::start_with_now(endpoint, extra, Some(now))
    }

    /// As [`start`](Self::start) on the real clock (no `TCREDIS_NOW`).
    pub fn start_real(endpoint: &str, extra: &[&str]) -> Self {
        Self::start_with_now(endpoint, extra, None)
    }

    fn start_with_now(endpoint: &str, extra: &[&str], now: Option<&str>) -> Self {
        let home = home();
        let mut args = vec![
            "--endpoint",
            endpoint,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "exporter",
            "--listen",
            "127.0.0.1:0",
        ];
        args.extend_from_slice(extra);
        let mut command = Command::new(env!("CARGO_BIN_EXE_tcredis"));
        command
            .args(&args)
            .env_clear()
            .env("HOME", home.path())
            .env("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", DOC_SECRET_KEY);
        if let Some(now) = now {
            command.env("TCREDIS_NOW", now);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the exporter");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        let first_line = first_line.trim_end().to_owned();
        let addr = first_line
            .rsplit("://")
            .next()
            .filter(|_| first_line.starts_with("listening on "))
            .unwrap_or_else(|| panic!("first line: {first_line:?}"))
            .to_owned();
        Self {
            child,
            addr,
            first_line,
            _home: home,
        }
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let stream = TcpStream::connect(&self.addr).unwrap();
        exchange(stream, path, headers)
    }

    /// Polls `path` until `done` holds (or fails after 60 s).
    pub fn wait_for(&self, path: &str, done: impl Fn(u16, &str) -> bool) -> (u16, String) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (status, body) = self.get(path, &[]);
            if done(status, &body) {
                return (status, body);
            }
            assert!(Instant::now() < deadline, "{path}: still {status}\n{body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then the exit code (waits at most 30 s).
    pub fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One HTTP/1.1 GET over `stream`; status and body.
pub fn exchange(
    mut stream: impl std::io::Read + std::io::Write,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, format!("{head}\r\n\r\n{body}"))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

pub fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

pub fn sample(text: &str, prefix: &str) -> Option<f64> {
    body(text)
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|v| v.trim().parse().unwrap())
}

pub fn promtool_check(text: &str) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("promtool is needed (Debian package `prometheus`): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
