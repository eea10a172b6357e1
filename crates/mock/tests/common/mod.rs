//! Shared test helpers: signing requests with core's `call` module and reading envelopes.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::sign::v1::SignatureMethod;
use tcredis_mock::handler::{Handler, Outcome};
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig};

/// The fixed "now" of handler tests (2026-05-28 in UTC).
pub const NOW: u64 = 1_780_000_000;

pub fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

pub fn demo_handler(config: MockConfig) -> Handler {
    Handler::new(&config.now_override(NOW as i64).random_seed(7), at(NOW)).expect("valid config")
}

pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap()
}

/// What to send; defaults are a valid TC3 POST for DescribeInstanceBackups.
#[derive(Clone)]
pub struct Req<'a> {
    pub action: &'a str,
    pub version: &'a str,
    pub service: &'a str,
    pub region: Option<&'a str>,
    pub host: &'a str,
    pub payload: Payload<'a>,
    pub signing: SigningMethod,
    pub timestamp: u64,
    pub credentials: Credentials,
}

impl Default for Req<'_> {
    fn default() -> Self {
        Self {
            action: "DescribeInstanceBackups",
            version: "2018-04-12",
            service: "redis",
            region: None,
            host: "127.0.0.1:8080",
            payload: Payload::Json(b"{}"),
            signing: SigningMethod::Tc3 {
                unsigned_payload: false,
            },
            timestamp: NOW,
            credentials: demo_credentials(),
        }
    }
}

impl Req<'_> {
    pub fn build(&self) -> http::Request<Vec<u8>> {
        let spec = CallSpec {
            service: self.service,
            action: self.action,
            version: self.version,
            region: self.region,
            language: Some("zh-CN"),
            request_client: "tcredis-mock-tests",
            scheme: "http",
            authority: "127.0.0.1:8080",
            host: self.host,
            payload: self.payload,
            signing: self.signing,
            timestamp: self.timestamp,
        };
        call::build_request(&spec, &self.credentials, &SigningKeyCache::new())
            .expect("buildable")
            .request
    }
}

pub fn v1(method: SignatureMethod) -> SigningMethod {
    SigningMethod::V1 {
        method,
        nonce: 4242,
    }
}

/// Checks the wire invariants of every API answer and returns `Response`.
pub fn envelope(outcome: &Outcome) -> Value {
    assert_eq!(outcome.response.status(), 200, "API answers are HTTP 200");
    assert_eq!(
        outcome.response.headers()["content-type"],
        "application/json",
        "Content-Type exactly"
    );
    let body: Value = serde_json::from_slice(outcome.response.body()).expect("JSON body");
    let response = body["Response"].clone();
    let request_id = response["RequestId"].as_str().expect("RequestId");
    assert!(uuid_like(request_id), "{request_id}");
    response
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The error code of an answer, `None` on success.
pub fn code(outcome: &Outcome) -> Option<String> {
    envelope(outcome)["Error"]["Code"]
        .as_str()
        .map(str::to_owned)
}

pub fn message(outcome: &Outcome) -> String {
    envelope(outcome)["Error"]["Message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn send(handler: &Handler, req: &Req<'_>) -> Outcome {
    handler.handle(&req.build(), at(NOW))
}

pub fn json_req(body: &[u8]) -> Req<'_> {
    Req {
        payload: Payload::Json(body),
        ..Req::default()
    }
}
