//! A custom runtime: the same `DescribeInstanceBackups` listing driven by `tcredis-core` from
//! plain blocking `std::net` code — no tokio, no hyper, no async. It proves the core is sans-IO:
//! the core builds and signs the request, parses the answer, decides pagination, pacing and
//! retries; this file only writes bytes to a socket, reads bytes back and sleeps.
//!
//! Plain `http://` endpoints only (add TLS with e.g. rustls' blocking `StreamOwned` the same
//! way). Run it against the mock:
//!
//! ```text
//! cargo run -p tcredis-mock -- --demo &          # prints "listening on http://127.0.0.1:PORT"
//! cargo run -p tcredis-transport-hyper --example blocking_std_net -- http://127.0.0.1:PORT crs-demo0001
//! ```
//!
//! Credentials come from `TENCENTCLOUD_SECRET_ID`/`TENCENTCLOUD_SECRET_KEY`, else the mock's
//! public demo pair.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::{Endpoint, Scheme};
use tcredis_core::error::ApiError;
use tcredis_core::pacer::Pacer;
use tcredis_core::pagination::{PaginationOptions, Paginator};
use tcredis_core::random::SplitMix64;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::{RedisBackupSet, parse_response};
use tcredis_core::retry::{AttemptOutcome, RetryDecision, RetryPolicy, TransportFailure};
use tcredis_core::sign::tc3::SigningKeyCache;

/// One raw HTTP/1.1 exchange over a fresh connection (`Connection: close`).
fn exchange(
    endpoint: &Endpoint,
    request: &http::Request<Vec<u8>>,
    timeout: Duration,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect((endpoint.host(), endpoint.effective_port()))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut head = format!("{} / HTTP/1.1\r\n", request.method());
    for (name, value) in request.headers() {
        head.push_str(&format!(
            "{}: {}\r\n",
            name,
            value.to_str().unwrap_or_default()
        ));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body().len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(request.body())?;

    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad status line"))?;
    let (mut length, mut chunked) = (None, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse::<usize>().ok(),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "bad chunk size")
                })?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(&mut body)?; // a short read is an error: truncated body
    } else {
        reader.read_to_end(&mut body)?;
    }
    Ok((status, body))
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Lists every backup of one instance: paced, retried and paginated by the core.
pub fn list_all(
    endpoint: &Endpoint,
    credentials: &Credentials,
    region: &str,
    instance_id: &str,
    limit: u32,
    rate_per_second: f64,
) -> Result<Vec<RedisBackupSet>, String> {
    if endpoint.scheme() != Scheme::Http {
        return Err("this example speaks plain http:// only".into());
    }
    let keys = SigningKeyCache::new();
    let mut pacer = if rate_per_second > 0.0 {
        Pacer::new(rate_per_second).map_err(|e| e.to_string())?
    } else {
        Pacer::unlimited()
    };
    let policy = RetryPolicy::new();
    let mut rng = SplitMix64::new(now_unix());
    let base = DescribeInstanceBackupsRequest::builder()
        .instance_id(instance_id)
        .build();
    let options = PaginationOptions::new()
        .with_limit(limit)
        .map_err(|e| e.to_string())?;
    let mut pager = Paginator::new(base, options).map_err(|e| e.to_string())?;
    let host = endpoint.host_header();
    let mut all = Vec::new();

    while let Some(request) = pager.poll_request() {
        let body = request.to_json();
        let mut retry = policy.start();
        let page = loop {
            // Pace: the core books a slot, we sleep until it.
            let send_at = pacer.reserve(Instant::now());
            std::thread::sleep(send_at.saturating_duration_since(Instant::now()));
            // Sign afresh for every attempt.
            let spec = CallSpec {
                service: tcredis_core::SERVICE,
                action: tcredis_core::ACTION,
                version: tcredis_core::VERSION,
                region: Some(region),
                language: None,
                request_client: "tcredis-blocking-example",
                scheme: "http",
                authority: &host,
                host: &host,
                payload: Payload::Json(&body),
                signing: SigningMethod::Tc3 {
                    unsigned_payload: false,
                },
                timestamp: now_unix(),
            };
            let signed =
                call::build_request(&spec, credentials, &keys).map_err(|e| e.to_string())?;
            let (outcome, result) =
                match exchange(endpoint, &signed.request, Duration::from_secs(30)) {
                    Err(e) => {
                        let failure = if e.kind() == std::io::ErrorKind::WouldBlock
                            || e.kind() == std::io::ErrorKind::TimedOut
                        {
                            TransportFailure::Timeout
                        } else if e.kind() == std::io::ErrorKind::ConnectionRefused {
                            TransportFailure::Connect
                        } else {
                            TransportFailure::Reset
                        };
                        (
                            AttemptOutcome::Transport(failure),
                            Err(format!("network: {e}")),
                        )
                    }
                    Ok((status, bytes)) => match (ApiError::from_body(&bytes), status) {
                        (Some(api), _) => (
                            AttemptOutcome::api(api.code().as_str()),
                            Err(api.to_string()),
                        ),
                        (None, 200) => match parse_response(&bytes) {
                            Ok(page) => (AttemptOutcome::Success, Ok(page)),
                            Err(e) => (AttemptOutcome::MalformedBody, Err(e.to_string())),
                        },
                        (None, other) => (
                            AttemptOutcome::HttpStatus(other),
                            Err(format!("HTTP {other}")),
                        ),
                    },
                };
            match retry.handle_outcome(&outcome, Instant::now(), &mut rng, None) {
                RetryDecision::Succeeded => break result?,
                RetryDecision::RetryAt(at) => {
                    std::thread::sleep(at.saturating_duration_since(Instant::now()))
                }
                RetryDecision::GiveUp(reason) => {
                    return Err(format!("{} ({reason})", result.err().unwrap_or_default()));
                }
                _ => return Err(result.err().unwrap_or_default()),
            }
        };
        let items: Vec<RedisBackupSet> =
            page.backup_set.iter().map(|b| b.fields().clone()).collect();
        let accepted = pager
            .handle_page(page.total_count, items)
            .map_err(|drift| drift.to_string())?;
        all.extend(accepted.items);
    }
    Ok(all)
}

/// The mock's public demo pair (documented, not a secret), used when the environment has none.
const DEMO_SECRET_ID: &str = "AKIDTCREDISDEMO000000000000000000000";
const DEMO_SECRET_KEY: &str = "tcredis-demo-key-public-not-secret";

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        eprintln!(
            "usage: blocking_std_net http://HOST:PORT [INSTANCE_ID]   (e.g. a running tcredis-mock)"
        );
        std::process::exit(2);
    };
    let endpoint = Endpoint::parse(url)?;
    let instance = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "crs-demo0001".into());
    let credentials = match (
        std::env::var("TENCENTCLOUD_SECRET_ID"),
        std::env::var("TENCENTCLOUD_SECRET_KEY"),
    ) {
        (Ok(id), Ok(key)) => Credentials::new(id, key)?,
        _ => Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)?,
    };
    let started = Instant::now();
    let backups = list_all(
        &endpoint,
        &credentials,
        "ap-guangzhou",
        &instance,
        100,
        20.0,
    )?;
    for b in &backups {
        println!(
            "{}  {}  status={}",
            b.start_time.as_deref().unwrap_or("-"),
            b.backup_id.as_deref().unwrap_or("-"),
            b.status.map(|s| s.to_string()).unwrap_or_default()
        );
    }
    eprintln!(
        "{} backups of {instance} in {:?}, without any async runtime",
        backups.len(),
        started.elapsed()
    );
    Ok(())
}
