//! The mock under sustained load: the real `tcredis-mock` binary (its own process, so its memory
//! is measured alone) serves many concurrent keep-alive HTTP/1.1 connections, each sending
//! signed `DescribeInstanceBackups` requests back to back for a bounded time. Every answer must
//! be exactly the page a reference listing got for the same (instance, offset), and the
//! process's resident memory (`VmRSS` from `/proc/PID/status`), measured after a warm-up and at
//! the end, must grow by less than 20 MiB: a bound on growth (not on the process size) that
//! catches a per-request leak, not a few MiB of buffers and journal settling.
//!
//! The gate runs ~10 s; `TCREDIS_LONG=1` (`cargo xtask ci --long`) runs a minute.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tcredis_core::call::{self, CallOptions};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::parse_response;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY};

const INSTANCES: u64 = 4;
const PER_INSTANCE: u64 = 5_000;
const LIMIT: i64 = 50;
const CONNECTIONS: usize = 32;
/// Requests before the baseline is taken in the gate's short form. The request journal (bounded
/// at 10,000 entries by default) is still filling during the measured phase, so its growth is
/// part of what the bound covers.
const WARM_UP_REQUESTS: u64 = 1_500;
/// The long form warms up past the journal's capacity, so the measured phase sees it full.
const LONG_WARM_UP_REQUESTS: u64 = 12_000;
const MAX_GROWTH_KIB: u64 = 20 * 1024;

/// The mock process; killed (by its handle) and reaped on drop.
struct MockProcess {
    child: Child,
    endpoint: String,
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_mock() -> MockProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcredis-mock"))
        .args([
            "--generate",
            &format!("{}:{INSTANCES}", INSTANCES * PER_INSTANCE),
            "--rate-limit",
            "0",
            "--random-seed",
            "5",
            "--exit-on-stdin-eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tcredis-mock");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .expect("first line");
    let endpoint = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    MockProcess { child, endpoint }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("VmRSS")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A request for (instance, page) signed now with the public demo pair.
fn signed(
    endpoint: &Endpoint,
    instance: u64,
    page: u64,
    cache: &SigningKeyCache,
) -> http::Request<Full<Bytes>> {
    let request = DescribeInstanceBackupsRequest::builder()
        .instance_id(format!("crs-gen{instance:05}"))
        .limit(LIMIT)
        .offset(page as i64 * LIMIT)
        .build();
    let options = CallOptions {
        region: Some("ap-guangzhou"),
        ..CallOptions::default()
    };
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
    let built = call::describe_instance_backups(
        endpoint,
        &request,
        &options,
        unix_now(),
        &credentials,
        cache,
        false,
    )
    .unwrap()
    .request;
    let (mut parts, body) = built.into_parts();
    // HTTP/1.1 on a connection we opened ourselves: send the path, keep the Host header.
    parts.uri = "/".parse().unwrap();
    http::Request::from_parts(parts, Full::new(Bytes::from(body)))
}

type Reference = HashMap<(u64, u64), Vec<String>>;

/// One keep-alive connection sending requests back to back until `stop`, checking each answer
/// against the reference. Returns the number of requests it completed.
async fn connection_loop(
    endpoint: Arc<Endpoint>,
    reference: Arc<Reference>,
    stop: Arc<dyn Fn(u64) -> bool + Send + Sync>,
    counter: Arc<AtomicU64>,
    seed: u64,
) -> u64 {
    let addr = format!("{}:{}", endpoint.host(), endpoint.effective_port());
    let tcp = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let (mut sender, conn) = http1::handshake(TokioIo::new(tcp))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let cache = SigningKeyCache::new();
    let pages = PER_INSTANCE / LIMIT as u64;
    let mut state = seed;
    let mut done = 0;
    loop {
        let total = counter.load(Ordering::Relaxed);
        if stop(total) {
            return done;
        }
        // xorshift: spread the requests over every (instance, page).
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let instance = 1 + state % INSTANCES;
        let page = (state >> 8) % pages;
        sender
            .ready()
            .await
            .expect("connection stays usable (keep-alive)");
        let response = sender
            .send_request(signed(&endpoint, instance, page, &cache))
            .await
            .expect("an answer on the kept-alive connection");
        assert_eq!(response.status(), 200);
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let parsed = parse_response(&body)
            .unwrap_or_else(|e| panic!("instance {instance} page {page}: {e}"));
        assert_eq!(parsed.total_count, PER_INSTANCE);
        let ids: Vec<String> = parsed
            .backup_set
            .iter()
            .map(|b| b.fields().backup_id.clone().unwrap())
            .collect();
        assert_eq!(
            &ids,
            &reference[&(instance, page)],
            "instance {instance} page {page} differs from the reference listing"
        );
        done += 1;
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_keep_alive_load_is_answered_correctly_with_flat_memory() {
    let long = std::env::var_os("TCREDIS_LONG").is_some();
    let (duration, warm_up) = if long {
        (Duration::from_secs(60), LONG_WARM_UP_REQUESTS)
    } else {
        (Duration::from_secs(10), WARM_UP_REQUESTS)
    };
    let mock = start_mock();
    let pid = mock.child.id();
    let endpoint = Arc::new(Endpoint::parse(&mock.endpoint).unwrap());

    // Reference listing: every page of every instance, once, on one connection.
    let mut reference = Reference::new();
    {
        let addr = format!("{}:{}", endpoint.host(), endpoint.effective_port());
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let (mut sender, conn) = http1::handshake(TokioIo::new(tcp)).await.unwrap();
        tokio::spawn(conn);
        let cache = SigningKeyCache::new();
        for instance in 1..=INSTANCES {
            for page in 0..PER_INSTANCE / LIMIT as u64 {
                sender.ready().await.unwrap();
                let response = sender
                    .send_request(signed(&endpoint, instance, page, &cache))
                    .await
                    .unwrap();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                let parsed = parse_response(&body).unwrap();
                reference.insert(
                    (instance, page),
                    parsed
                        .backup_set
                        .iter()
                        .map(|b| b.fields().backup_id.clone().unwrap())
                        .collect(),
                );
            }
        }
    }
    let distinct: std::collections::HashSet<&String> = reference.values().flatten().collect();
    assert_eq!(distinct.len() as u64, INSTANCES * PER_INSTANCE);
    let reference = Arc::new(reference);

    let run = |stop: Arc<dyn Fn(u64) -> bool + Send + Sync>, counter: Arc<AtomicU64>| {
        (0..CONNECTIONS)
            .map(|i| {
                tokio::spawn(connection_loop(
                    endpoint.clone(),
                    reference.clone(),
                    stop.clone(),
                    counter.clone(),
                    0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1),
                ))
            })
            .collect::<Vec<_>>()
    };

    // Warm-up: let connections, buffers and allocator pools settle.
    let warm = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    for job in run(Arc::new(move |n| n >= warm_up), warm.clone()) {
        job.await.expect("warm-up connection");
    }
    let warm_up_time = started.elapsed();
    let before = rss_kib(pid);

    // Sustained phase.
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut per_connection = Vec::new();
    for job in run(
        Arc::new(move |_| Instant::now() >= deadline),
        counter.clone(),
    ) {
        per_connection.push(job.await.expect("load connection"));
    }
    let elapsed = started.elapsed();
    let after = rss_kib(pid);
    let total = counter.load(Ordering::Relaxed);
    let growth = after.saturating_sub(before);
    eprintln!(
        "mock load: {CONNECTIONS} keep-alive connections, warm-up {} requests in {:.1}s, then {total} requests in {:.1}s ({:.0}/s), all correct; RSS {before} KiB -> {after} KiB (growth {growth} KiB)",
        warm.load(Ordering::Relaxed),
        warm_up_time.as_secs_f64(),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert!(
        per_connection.iter().all(|&n| n > 0),
        "every connection was served: {per_connection:?}"
    );
    assert!(
        total > 1_000,
        "the load was too light to mean anything: {total}"
    );
    assert!(
        growth < MAX_GROWTH_KIB,
        "the mock's RSS grew by {growth} KiB under steady load (bound {MAX_GROWTH_KIB} KiB)"
    );
}
