//! Handler throughput: signed requests per second through the sans-IO `Handler` with full TC3
//! verification (no sockets), for a demo listing page and a generated-million page.
//!
//! Run: `cargo bench --manifest-path bench/Cargo.toml --features benches --bench handler_throughput`
//! (prints one line per case).
//! Requests are signed once up front (identical replays are accepted), so the figure measures
//! the mock: parsing, verification, the rate-limit check (off), the listing and the JSON answer.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_mock::handler::Handler;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig};

fn signed(now: u64, body: &'static [u8]) -> http::Request<Vec<u8>> {
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: Some("zh-CN"),
        request_client: "bench",
        scheme: "http",
        authority: "127.0.0.1:8080",
        host: "127.0.0.1:8080",
        payload: Payload::Json(body),
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp: now,
    };
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
    call::build_request(&spec, &credentials, &SigningKeyCache::new())
        .unwrap()
        .request
}

fn measure(name: &str, handler: &Handler, request: &http::Request<Vec<u8>>, now: SystemTime) {
    // Warm up, then run for about two seconds.
    for _ in 0..200 {
        black_box(handler.handle(request, now));
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        for _ in 0..100 {
            let outcome = handler.handle(black_box(request), now);
            assert_eq!(outcome.response.status(), 200);
            black_box(outcome);
        }
        n += 100;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name:<44} {:>9.0} requests/s  ({:.1} µs/request)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}

fn main() {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = UNIX_EPOCH + Duration::from_secs(unix);
    let demo = Handler::new(&MockConfig::new().rate_limit(0).journal_capacity(1000), now).unwrap();
    measure(
        "demo, Limit 20, TC3 verified",
        &demo,
        &signed(unix, br#"{"Limit": 20}"#),
        now,
    );
    measure(
        "demo, Limit 100 + Status filter, TC3 verified",
        &demo,
        &signed(unix, br#"{"Limit": 100, "Status": [2, -1]}"#),
        now,
    );
    let big = Handler::new(
        &MockConfig::new()
            .generate(1_000_000, 8)
            .rate_limit(0)
            .journal_capacity(1000),
        now,
    )
    .unwrap();
    measure(
        "generated 1M, Limit 100, deep offset",
        &big,
        &signed(unix, br#"{"Limit": 100, "Offset": 900000}"#),
        now,
    );
    let failing = signed(unix, br#"{"Limit": 0}"#);
    measure("business-rule error (Limit 0)", &demo, &failing, now);
}
