//! Fuzz target: the mock's whole sans-IO request handler (`Handler::handle`): method, path and
//! query, headers (any bytes, duplicates), body. Half the inputs are raw; the other half are
//! validly TC3-signed with the demo pair over a fuzzed body and fuzzed action/version/region
//! headers, so the parameter, business-rule and listing code is reached past authentication.
//! Every API answer must be HTTP 200, `application/json`, an envelope with a RequestId, and a
//! page or an error that the client's parser reads; admin paths must not panic either.
#![no_main]

use std::sync::LazyLock;
use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::response::parse_response;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_fuzz::inputs::mock_handler::{Input, Raw, Signed};
use tcredis_mock::handler::Handler;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig};

const NOW: u64 = 1_700_000_000;

static MOCK: LazyLock<Handler> = LazyLock::new(|| {
    let config = MockConfig::new()
        .demo()
        .rate_limit(0)
        .random_seed(11)
        .journal_capacity(64)
        .now_override(NOW as i64);
    Handler::new(&config, UNIX_EPOCH + Duration::from_secs(NOW)).expect("mock config")
});

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "BREW",
];
const ACTIONS: &[&str] = &[
    "DescribeInstanceBackups",
    "AssumeRole",
    "AssumeRoleWithWebIdentity",
    "DescribeInstances",
    "",
];
const VERSIONS: &[&str] = &["2018-04-12", "2018-08-13", "2017-03-12", ""];
const REGIONS: &[&str] = &[
    "ap-guangzhou",
    "ap-shanghai",
    "ap-beijing-fsi",
    "mars-north-1",
    "",
];

fn raw_request(raw: &Raw) -> Option<http::Request<Vec<u8>>> {
    let method = METHODS[usize::from(raw.method) % METHODS.len()];
    let uri = if raw.path_and_query.starts_with('/') {
        raw.path_and_query.clone()
    } else {
        format!("/{}", raw.path_and_query)
    };
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in raw.headers.iter().take(32) {
        let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = http::HeaderValue::from_bytes(value).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(raw.body.clone()).ok()
}

fn signed_request(s: &Signed) -> Option<http::Request<Vec<u8>>> {
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).ok()?;
    let action = ACTIONS[usize::from(s.action) % ACTIONS.len()];
    let version = VERSIONS[usize::from(s.version) % VERSIONS.len()];
    let region = s.region.map(|r| REGIONS[usize::from(r) % REGIONS.len()]);
    let payload = match &s.query {
        Some(q) => Payload::Query(q),
        None => Payload::Json(&s.body),
    };
    let service = if action.starts_with("Assume") {
        "sts"
    } else {
        "redis"
    };
    let spec = CallSpec {
        service,
        action,
        version,
        region,
        language: Some("en-US"),
        request_client: "fuzz",
        scheme: "http",
        authority: "127.0.0.1:9",
        host: "127.0.0.1:9",
        payload,
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp: (NOW as i64 + i64::from(s.skew)) as u64,
    };
    let mut request = call::build_request(&spec, &credentials, &SigningKeyCache::new())
        .ok()?
        .request;
    for (name, value) in s.extra_headers.iter().take(8) {
        let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = http::HeaderValue::from_bytes(value).ok()?;
        request.headers_mut().append(name, value);
    }
    Some(request)
}

fn check_api_answer(response: &http::Response<Vec<u8>>) {
    assert_eq!(response.status(), 200, "API answers are always HTTP 200");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let value: serde_json::Value =
        serde_json::from_slice(response.body()).expect("the answer is JSON");
    let request_id = value["Response"]["RequestId"].as_str().unwrap_or("");
    assert!(!request_id.is_empty(), "every answer has a RequestId");
}

fuzz_target!(|input: Input| {
    let now = UNIX_EPOCH + Duration::from_secs(NOW);
    match input {
        Input::Raw(raw) => {
            let Some(request) = raw_request(&raw) else {
                return;
            };
            let outcome = MOCK.handle(&request, now);
            if !request.uri().path().starts_with("/_mock/") {
                check_api_answer(&outcome.response);
            }
        }
        Input::Signed(s) => {
            let Some(request) = signed_request(&s) else {
                return;
            };
            let outcome = MOCK.handle(&request, now);
            check_api_answer(&outcome.response);
            let value: serde_json::Value = serde_json::from_slice(outcome.response.body()).unwrap();
            if value["Response"].get("Error").is_none()
                && request.headers()["x-tc-action"] == "DescribeInstanceBackups"
            {
                let page = parse_response(outcome.response.body())
                    .expect("a listing answer parses with the client's parser");
                assert!(
                    page.backup_set.len() <= 100,
                    "a page holds at most Limit (<= 100) items"
                );
            }
        }
        Input::Admin { post, path, body } => {
            let path = [
                "/_mock/journal",
                "/_mock/script",
                "/_mock/reset",
                "/_mock/nope",
            ][usize::from(path) % 4];
            let request = http::Request::builder()
                .method(if post { "POST" } else { "GET" })
                .uri(path)
                .body(body)
                .unwrap();
            let _ = MOCK.handle(&request, now);
        }
    }
    // Scripts and the journal must not pile up across iterations.
    MOCK.reset();
});
