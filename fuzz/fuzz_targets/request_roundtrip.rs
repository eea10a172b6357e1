//! Fuzz target: request validation and serialization. A structured request (limit, offset,
//! instance id and name, times, statuses; times often well-formed so the window rules are reached)
//! must:
//! - validate without panicking;
//! - serialize to JSON that parses back to the same request, and to a GET query that decodes
//!   back to the same fields (`Status.N` flattening, RFC 3986 percent-encoding);
//! - build into a signed TC3 request (POST and GET) that the core verifier accepts;
//! - be judged the same way by core validation and by the mock's business rules
//!   (`InvalidParameter.InvalidParameter` exactly when `validate()` refuses it).
#![no_main]

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use tcredis_core::call::{self, CallOptions};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::parse_response;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::time::BeijingTime;
use tcredis_fuzz::inputs::request_roundtrip::{Input, Time};
use tcredis_mock::handler::Handler;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig};

const NOW: u64 = 1_700_000_000;

static MOCK: LazyLock<Handler> = LazyLock::new(|| {
    let config = MockConfig::new()
        .demo()
        .rate_limit(0)
        .random_seed(7)
        .journal_capacity(64)
        .now_override(NOW as i64);
    Handler::new(&config, UNIX_EPOCH + Duration::from_secs(NOW)).expect("mock config")
});
static CACHE: LazyLock<SigningKeyCache> = LazyLock::new(SigningKeyCache::new);

/// A time parameter as the request carries it.
fn render(time: &Time) -> String {
    match time {
        Time::Instant(u) => BeijingTime::from_unix(i64::from(*u)).to_string(),
        Time::NearNow(d) => BeijingTime::from_unix(NOW as i64 + i64::from(*d)).to_string(),
        Time::Text(t) => t.clone(),
    }
}

fn request(input: &Input) -> DescribeInstanceBackupsRequest {
    let mut r = DescribeInstanceBackupsRequest::new();
    r.limit = input.small_limit.map(i64::from).or(input.limit);
    r.offset = input.offset;
    r.instance_id = input.instance_id.clone();
    r.instance_name = input.instance_name.clone();
    r.begin_time = input.begin.as_ref().map(render);
    r.end_time = input.end.as_ref().map(render);
    r.status = input
        .status
        .as_ref()
        .map(|s| s.iter().map(|v| i64::from(*v) % 6).collect());
    r
}

/// Decodes our own GET query back into a request (the inverse of `to_query`).
fn from_query(query: &str) -> DescribeInstanceBackupsRequest {
    let mut r = DescribeInstanceBackupsRequest::new();
    let mut status = Vec::new();
    for (k, v) in form_pairs(query) {
        match k.as_str() {
            "Limit" => r.limit = Some(v.parse().expect("Limit is a number")),
            "Offset" => r.offset = Some(v.parse().expect("Offset is a number")),
            "InstanceId" => r.instance_id = Some(v),
            "BeginTime" => r.begin_time = Some(v),
            "EndTime" => r.end_time = Some(v),
            "InstanceName" => r.instance_name = Some(v),
            k if k.starts_with("Status.") => {
                let index: usize = k["Status.".len()..].parse().expect("Status index");
                assert_eq!(index, status.len(), "Status.N in order from 0");
                status.push(v.parse().expect("Status value"));
            }
            other => panic!("unexpected query key {other:?}"),
        }
    }
    if !status.is_empty() {
        r.status = Some(status);
    }
    r
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    if query.is_empty() {
        return Vec::new();
    }
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("key=value");
            for b in v.bytes() {
                assert!(
                    b.is_ascii_alphanumeric() || b"-._~%".contains(&b),
                    "unencoded byte {b:#x} in the query value"
                );
            }
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            assert_eq!(hex, hex.to_ascii_uppercase(), "upper-case hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("decoded query is the UTF-8 we encoded")
}

fuzz_target!(|input: Input| {
    let req = request(&input);
    let verdict = req.validate();

    // JSON round trip.
    let json = req.to_json();
    let back: DescribeInstanceBackupsRequest =
        serde_json::from_slice(&json).expect("our JSON parses");
    assert_eq!(back, req, "JSON round trip");

    // Query round trip (an empty Status list is not representable in a query: absent).
    let mut expected = req.clone();
    if expected.status.as_ref().is_some_and(Vec::is_empty) {
        expected.status = None;
    }
    assert_eq!(from_query(&req.to_query()), expected, "query round trip");

    // Signed and judged by the mock like by core.
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).expect("demo pair");
    let endpoint = Endpoint::parse("http://127.0.0.1:9").expect("endpoint");
    let options = CallOptions {
        region: Some("ap-guangzhou"),
        get: input.get,
        ..CallOptions::default()
    };
    let signed = call::describe_instance_backups(
        &endpoint,
        &req,
        &options,
        NOW,
        &credentials,
        &CACHE,
        false,
    )
    .expect("any request model can be signed");
    let outcome = MOCK.handle(&signed.request, UNIX_EPOCH + Duration::from_secs(NOW));
    let answer = parse_response(outcome.response.body());
    let mock_code = answer
        .as_ref()
        .err()
        .and_then(|e| e.api_error())
        .map(|e| e.code().as_str().to_owned());
    // Known divergence (docs/reliability.md, finding F1): core refuses an empty BeginTime or
    // EndTime as a format error, while the mock reads an empty string as "not given". Compare
    // the mock with core's verdict on the request without the empty times.
    let verdict = if req.begin_time.as_deref() == Some("") || req.end_time.as_deref() == Some("") {
        assert!(verdict.is_err(), "core accepts an empty time");
        let mut without = req.clone();
        without.begin_time = without.begin_time.filter(|t| !t.is_empty());
        without.end_time = without.end_time.filter(|t| !t.is_empty());
        without.validate()
    } else {
        verdict
    };
    match (&verdict, mock_code.as_deref()) {
        (Ok(_), None) => {}
        // A valid request for an instance the mock does not hold (business rules come first).
        (Ok(_), Some("ResourceNotFound.InstanceNotExists")) if req.instance_id.is_some() => {}
        (Err(_), Some("InvalidParameter.InvalidParameter")) => {}
        (v, code) => panic!(
            "core validation and the mock disagree: core={v:?} mock={code:?} request={req:?}"
        ),
    }
    // Keep each run's allocations balanced (an ever-changing journal makes libFuzzer's leak
    // check scan the heap after every input, 100x slower).
    MOCK.reset();
});
