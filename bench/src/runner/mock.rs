//! Workspace binaries (`tcredis`, `tcredis-mock`) and the bench's bare hyper server, started
//! as child processes; section 3 (mock throughput under wrk, next to the bare hyper server).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use tcredis_core::call::{CallSpec, Payload, SigningMethod, build_request};
use tcredis_core::credentials::Credentials;
use tcredis_core::sign::tc3::SigningKeyCache;

use super::tools::{WRK, ensure_tools, run_capture, run_quiet};
use super::{Context, Section, median, range};

/// The mock's public demo pair (documented; not a secret).
pub const DEMO_SECRET_ID: &str = "AKIDTCREDISDEMO000000000000000000000";
/// The mock's public demo key (documented; not a secret).
pub const DEMO_SECRET_KEY: &str = "tcredis-demo-key-public-not-secret";

static CLI_BUILT: OnceLock<Result<(), String>> = OnceLock::new();
static MOCK_BUILT: OnceLock<Result<(), String>> = OnceLock::new();
static EXAMPLES_BUILT: OnceLock<Result<(), String>> = OnceLock::new();

/// Builds one workspace package in release (once per run); returns the binary's path.
fn workspace_binary(
    ctx: &Context,
    once: &OnceLock<Result<(), String>>,
    package: &str,
    bin: &str,
) -> Result<PathBuf, String> {
    once.get_or_init(|| {
        eprintln!("   building {package} (release)");
        run_quiet(
            Command::new("cargo")
                .args(["build", "--release", "-q", "-p", package])
                .env("CARGO_TARGET_DIR", &ctx.ws_target)
                .current_dir(&ctx.root),
        )
    })
    .clone()?;
    let path = ctx.ws_binary(bin);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("{} was not built", path.display()))
    }
}

/// The release `tcredis` and `tcredis-mock` binaries of the workspace, built once per run.
pub fn workspace_binaries(ctx: &Context) -> Result<(PathBuf, PathBuf), String> {
    let mock = mock_binary(ctx)?;
    let cli = workspace_binary(ctx, &CLI_BUILT, "tcredis-cli", "tcredis")?;
    Ok((cli, mock))
}

/// The release `tcredis-mock` binary, built once per run.
pub fn mock_binary(ctx: &Context) -> Result<PathBuf, String> {
    workspace_binary(ctx, &MOCK_BUILT, "tcredis-mock", "tcredis-mock")
}

/// Builds the bench's examples (bare hyper server) in release, once per run.
fn examples(ctx: &Context) -> Result<(), String> {
    EXAMPLES_BUILT
        .get_or_init(|| {
            run_quiet(
                Command::new("cargo")
                    .args([
                        "build",
                        "--release",
                        "-q",
                        "--manifest-path",
                        "bench/Cargo.toml",
                        "--features",
                        "benches",
                        "--examples",
                    ])
                    .env("CARGO_TARGET_DIR", &ctx.bench_target)
                    .current_dir(&ctx.root),
            )
        })
        .clone()
}

/// A server child process that announced `listening on http://ADDR`; killed on drop.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Starts `program args` and waits for its first stdout line.
    pub fn start(program: &PathBuf, args: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line);
        let Some(url) = line.trim().strip_prefix("listening on ").map(str::to_owned) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "{} did not announce its address (first line {line:?}, {read:?})",
                program.display()
            ));
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = reader.read_to_end(&mut sink);
        });
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        Ok(Self { child, url, addr })
    }

    /// Starts the mock with these extra arguments.
    pub fn mock(ctx: &Context, args: &[&str]) -> Result<Self, String> {
        let mock = mock_binary(ctx)?;
        let mut all = vec!["--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        Self::start(&mock, &all)
    }
}

impl Server {
    /// CPU seconds (user + system) the server process has used so far.
    pub fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name (which is in parentheses and may contain spaces).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        // USER_HZ is 100 on Linux.
        Some((utime + stime) / 100.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Header (name, value) pairs.
pub type Headers = Vec<(String, String)>;

/// A signed `DescribeInstanceBackups` request for the demo credentials, timestamped now:
/// (headers, body).
pub fn signed_request(authority: &str, body: &[u8]) -> Result<(Headers, Vec<u8>), String> {
    let credentials =
        Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).map_err(|e| e.to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: None,
        request_client: "tcredis-bench",
        scheme: "http",
        authority,
        host: authority,
        payload: Payload::Json(body),
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp: now,
    };
    let signed =
        build_request(&spec, &credentials, &SigningKeyCache::new()).map_err(|e| e.to_string())?;
    let headers = signed
        .request
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    Ok((headers, signed.request.into_body()))
}

/// One HTTP/1.1 POST over a fresh connection (std only); returns the response body.
pub fn post_once(addr: &str, headers: &[(String, String)], body: &[u8]) -> Result<String, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let mut req = String::from("POST / HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("host: {addr}\r\n"));
    }
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("connection") {
            continue;
        }
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    stream
        .write_all(req.as_bytes())
        .map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&response).into_owned();
    Ok(text
        .split_once("\r\n\r\n")
        .map_or(text.clone(), |(_, b)| b.to_owned()))
}

fn lua_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The wrk script: the same pre-signed request every time (identical replays are accepted).
fn wrk_script(headers: &[(String, String)], body: &[u8]) -> String {
    let mut s = String::from("wrk.method = \"POST\"\n");
    s.push_str(&format!(
        "wrk.body = {}\n",
        lua_quote(&String::from_utf8_lossy(body))
    ));
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("content-length") {
            continue;
        }
        s.push_str(&format!(
            "wrk.headers[{}] = {}\n",
            lua_quote(k),
            lua_quote(v)
        ));
    }
    s
}

/// Connections wrk keeps open.
const CONNECTIONS: &str = "16";
/// Seconds per wrk run.
const SECONDS: &str = "5";
/// Alternating rounds (mock, bare) of wrk runs.
const ROUNDS: usize = 3;

/// One wrk run: (requests/s, server CPU µs per request).
fn wrk(server: &Server, script: &PathBuf) -> Result<(f64, f64), String> {
    let url = &server.url;
    let cpu_before = server.cpu_seconds().unwrap_or(f64::NAN);
    let mut cmd = Command::new("wrk");
    // Keep in step with the command printed in `throughput`.
    cmd.args(["-t1", "-c", CONNECTIONS, "-d", &format!("{SECONDS}s")]);
    cmd.arg("-s").arg(script);
    cmd.arg(format!("{url}/"));
    let out = run_capture(&mut cmd)?;
    if let Some(line) = out.lines().find(|l| l.contains("Non-2xx")) {
        return Err(format!("wrk saw failures: {line}"));
    }
    let cpu = server.cpu_seconds().unwrap_or(f64::NAN) - cpu_before;
    let requests: f64 = out
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no request count in wrk's output:\n{out}"))?;
    let rps = out
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{out}"))?;
    Ok((rps, cpu / requests * 1e6))
}

/// Sends the pre-signed request once; returns the mock's answer body when it is a page.
fn check_accepted(addr: &str, headers: &[(String, String)], body: &[u8]) -> Result<String, String> {
    let answer = post_once(addr, headers, body)?;
    if answer.contains("\"Error\"") || !answer.contains("\"TotalCount\"") {
        return Err(format!(
            "the mock did not accept the pre-signed request: {answer}"
        ));
    }
    Ok(answer)
}

/// Section 3: requests/s of the mock with full TC3 verification, next to a bare hyper server.
pub fn throughput(ctx: &Context) -> Result<Section, String> {
    ensure_tools(&[WRK])?;
    examples(ctx)?;
    let mock = Server::mock(ctx, &["--generate", "1000", "--rate-limit", "0"])?;
    let body = br#"{"Limit":1,"Offset":0,"InstanceId":"crs-gen00001"}"#;
    let (headers, body) = signed_request(&mock.addr, body)?;
    let answer = check_accepted(&mock.addr, &headers, &body)?;
    // The bare server answers with the mock's own answer (same size; the RequestId differs per
    // request at the mock but not in length).
    let answer_file = ctx.scratch.join("mock-answer.json");
    std::fs::write(&answer_file, &answer).map_err(|e| e.to_string())?;
    let answer_path = answer_file.display().to_string();
    let bare = Server::start(&ctx.sibling("examples/hello"), &[answer_path.as_str()])?;
    let bare_answer = post_once(&bare.addr, &headers, &body)?;
    if bare_answer.len() != answer.len() {
        return Err(format!(
            "the bare server answers {} bytes, the mock {}",
            bare_answer.len(),
            answer.len()
        ));
    }
    // One script for both servers: the same POST, headers and body.
    let script = ctx.scratch.join("mock.lua");
    std::fs::write(&script, wrk_script(&headers, &body)).map_err(|e| e.to_string())?;
    let mut mock_rps = Vec::new();
    let mut bare_rps = Vec::new();
    let mut mock_cpu = Vec::new();
    let mut bare_cpu = Vec::new();
    for _ in 0..ROUNDS {
        let (rps, cpu) = wrk(&mock, &script)?;
        mock_rps.push(rps);
        mock_cpu.push(cpu);
        let (rps, cpu) = wrk(&bare, &script)?;
        bare_rps.push(rps);
        bare_cpu.push(cpu);
    }
    // The last replay must still be accepted: nothing in between was throttled or refused.
    check_accepted(&mock.addr, &headers, &body)?;
    let ratios: Vec<f64> = mock_rps.iter().zip(&bare_rps).map(|(m, b)| m / b).collect();
    let mut s = Section {
        command: format!(
            "tcredis-mock --listen 127.0.0.1:0 --generate 1000 --rate-limit 0\n\
             target/release/examples/hello mock-answer.json   # bench/examples/hello.rs, answering the mock's own answer ({} bytes)\n\
             wrk -t1 -c {CONNECTIONS} -d {SECONDS}s -s mock.lua URL/   # both servers, {ROUNDS} alternating rounds, mock then bare\n\
             # mock.lua: POST, the {}-byte signed body and its headers (the same for both)",
            answer.len(),
            body.len()
        ),
        header: vec![
            "Server".into(),
            "Median requests/s".into(),
            "Spread (range of rounds)".into(),
            "Server CPU per request (median)".into(),
        ],
        ..Section::default()
    };
    let (lo, hi) = range(&mock_rps);
    s.row(&[
        "tcredis-mock: signed `DescribeInstanceBackups` (Limit 1), full TC3 verification, keep-alive",
        &format!("{:.0}", median(&mock_rps)),
        &format!("{lo:.0} – {hi:.0}"),
        &format!("{:.1} µs", median(&mock_cpu)),
    ]);
    let (lo, hi) = range(&bare_rps);
    s.row(&[
        "bare hyper 1.x server: same POST read in full, answered with a body of the same size (same runtime shape)",
        &format!("{:.0}", median(&bare_rps)),
        &format!("{lo:.0} – {hi:.0}"),
        &format!("{:.1} µs", median(&bare_cpu)),
    ]);
    let (lo, hi) = range(&ratios);
    s.row(&[
        "ratio mock / bare (per round)",
        &format!("{:.0}%", median(&ratios) * 100.0),
        &format!("{:.0}% – {:.0}%", lo * 100.0, hi * 100.0),
        "",
    ]);
    s.notes.push(
        "wrk (1 thread) shares the 2 cores with the server under test. The same pre-signed request is replayed \
         (the mock accepts identical replays within the ±300 s window); one request before and one after the load \
         are checked to be answered with a page, not an error."
            .into(),
    );
    s.check(
        "mock throughput vs bare hyper",
        format!("{:.0}%", median(&ratios) * 100.0),
        ">= 70%",
        median(&ratios) >= 0.70,
    );
    Ok(s)
}
