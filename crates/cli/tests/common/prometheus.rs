//! A real Prometheus server (Debian's `prometheus` package; `cargo xtask ci` and `.ci/run`
//! install it) on loopback, scraping one target with the project's alert rules loaded, and its
//! HTTP API. Prometheus cannot listen on port 0, so a free port is found by binding and
//! releasing one; if another process takes it before Prometheus binds, Prometheus exits and the
//! start is retried with a new port. Missing `prometheus` is a failure, never a skip.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::exporter::{body, exchange};

/// A running Prometheus; killed and reaped on drop.
pub struct Prometheus {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    dir: tempfile::TempDir,
}

/// `docs/monitoring/alerts.yml` in this repository.
pub fn alert_rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/monitoring/alerts.yml")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Prometheus {
    /// Starts Prometheus scraping `target` (`HOST:PORT`) every second and evaluating `rules`
    /// every second; returns once `/-/ready` answers 200 (at most 60 s, over at most 5 ports).
    pub fn start(target: &str, rules: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
                 rule_files:\n  - {rules}\n\
                 scrape_configs:\n  - job_name: tcredis\n    static_configs:\n      - targets: ['{target}']\n",
                rules = rules.display()
            ),
        )
        .expect("write prometheus.yml");
        let log_path = dir.path().join("prometheus.log");
        let mut last_error = String::new();
        for _attempt in 0..5 {
            let addr = format!("127.0.0.1:{}", free_port());
            let log = std::fs::File::create(&log_path).unwrap();
            let mut child = Command::new("prometheus")
                .arg(format!("--config.file={}", config.display()))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    dir.path().join("data").display()
                ))
                .arg(format!("--web.listen-address={addr}"))
                .arg("--log.level=warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "prometheus is needed (Debian package `prometheus`; `cargo xtask ci` and \
                         .ci/run install it): {e}"
                    )
                });
            match wait_ready(&mut child, &addr) {
                Ok(()) => return Self { child, addr, dir },
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_error = format!(
                        "{e}: {}",
                        std::fs::read_to_string(&log_path).unwrap_or_default()
                    );
                }
            }
        }
        panic!("prometheus did not start on 5 ports; the last: {last_error}")
    }

    /// Prometheus' own log (warnings and errors).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// GET `path` on the HTTP API; the JSON body (`status` must be `success`).
    pub fn api(&self, path: &str) -> serde_json::Value {
        let stream = TcpStream::connect(&self.addr).expect("connect to prometheus");
        let (status, answer) = exchange(stream, path, &[]);
        let json: serde_json::Value = serde_json::from_str(body(&answer))
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {answer}"));
        assert_eq!(
            (status, json["status"].as_str()),
            (200, Some("success")),
            "{path}: {answer}"
        );
        json
    }

    /// The result vector of an instant query (`query` must need no URL escaping).
    pub fn query(&self, query: &str) -> Vec<serde_json::Value> {
        self.api(&format!("/api/v1/query?query={query}"))["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The active (pending or firing) alerts.
    pub fn alerts(&self) -> Vec<serde_json::Value> {
        self.api("/api/v1/alerts")["data"]["alerts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Polls until `done` returns `Some` (every 200 ms, at most `limit`); panics with
    /// `what` and Prometheus' log otherwise.
    pub fn wait_for<T>(
        &self,
        what: &str,
        limit: Duration,
        mut done: impl FnMut(&Self) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(t) = done(self) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "waited {limit:?} for {what}\nalerts: {:?}\nprometheus log:\n{}",
                self.alerts(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Waits until Prometheus answers `/-/ready` with 200 (at most 60 s) or exits.
fn wait_ready(child: &mut Child, addr: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Err(format!("exited with {status}"));
        }
        if let Ok(stream) = TcpStream::connect(addr)
            && exchange(stream, "/-/ready", &[]).0 == 200
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("not ready after 60 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
