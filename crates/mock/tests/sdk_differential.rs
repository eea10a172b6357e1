//! The signing differential of `cargo xtask interop`: the official Python SDK sent a few hundred
//! random `DescribeInstanceBackups` requests (signed with the differential SecretId) to a mock
//! started with `--strict-signing --journal-exact-requests`; the journal kept their exact signed
//! bytes (method, raw query, raw body, the headers `SignedHeaders` names, `X-TC-Timestamp`) and
//! the SDK's `Authorization`. Here core signs those same bytes (`tc3::sign_cached`, the signer the
//! client uses, and `tc3::sign` with a freshly derived key): every `Authorization` must be
//! byte-equal to the SDK's.
//!
//! Built only with the `interop-tests` feature: `cargo xtask interop` runs it with
//! `TCREDIS_INTEROP_JOURNAL` (the journal JSON the suite saved) and
//! `TCREDIS_INTEROP_DIFFERENTIAL_REQUESTS` (how many requests the suite sent); a missing input
//! fails.

use base64::Engine as _;
use serde_json::Value;
use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{self, Payload, SigningKey, SigningKeyCache, SigningParams};
use tcredis_testkit::secrets::INTEROP_SECRET_KEY;

/// The SecretId the differential requests are signed with (xtask writes it into the mock's
/// credentials file with [`INTEROP_SECRET_KEY`]).
const DIFFERENTIAL_SECRET_ID: &str = "AKIDTCREDISDIFFERENTIAL0000000000000";

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: this test runs inside `cargo xtask interop`, which sets it")
    })
}

/// (SecretId, UTC date, service, SignedHeaders) of a TC3 Authorization.
fn credential_parts(authorization: &str) -> (String, String, String) {
    let credential = authorization
        .split("Credential=")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap_or_else(|| panic!("no Credential in {authorization:?}"));
    let parts: Vec<&str> = credential.split('/').collect();
    assert_eq!(parts.len(), 4, "Credential {credential:?}");
    assert_eq!(parts[3], "tc3_request");
    (
        parts[0].to_owned(),
        parts[1].to_owned(),
        parts[2].to_owned(),
    )
}

#[test]
fn core_signs_the_sdks_exact_bytes_to_the_sdks_authorization() {
    let path = required_env("TCREDIS_INTEROP_JOURNAL");
    let expected: usize = required_env("TCREDIS_INTEROP_DIFFERENTIAL_REQUESTS")
        .parse()
        .expect("TCREDIS_INTEROP_DIFFERENTIAL_REQUESTS is a number");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let journal: Value = serde_json::from_slice(&text).expect("the journal is JSON");
    let entries: Vec<&Value> = journal["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["secret_id"] == DIFFERENTIAL_SECRET_ID)
        .collect();
    assert_eq!(
        entries.len(),
        expected,
        "the journal holds one entry per differential request"
    );
    let secret = Secret::new(INTEROP_SECRET_KEY);
    let cache = SigningKeyCache::new();
    let mut methods = std::collections::BTreeMap::new();
    for entry in entries {
        let seq = &entry["seq"];
        assert_eq!(
            entry["style"], "tc3",
            "entry {seq}: the SDK signed with TC3"
        );
        let exact = &entry["exact"];
        assert!(
            exact.is_object(),
            "entry {seq}: no exact bytes (is the mock running with --journal-exact-requests?)"
        );
        let method = entry["method"].as_str().expect("method");
        *methods.entry(method.to_owned()).or_insert(0) += 1;
        let sdk_authorization = exact["authorization"].as_str().expect("Authorization");
        let (secret_id, date, service) = credential_parts(sdk_authorization);
        let body = base64::engine::general_purpose::STANDARD
            .decode(exact["body_base64"].as_str().expect("body_base64"))
            .expect("base64 body");
        let headers: Vec<(String, String)> = exact["signed_headers"]
            .as_array()
            .expect("signed_headers")
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().expect("name").to_owned(),
                    pair[1].as_str().expect("value").to_owned(),
                )
            })
            .collect();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let timestamp: u64 = exact["timestamp"]
            .as_str()
            .expect("X-TC-Timestamp")
            .parse()
            .expect("numeric X-TC-Timestamp");
        let params = SigningParams {
            method,
            query: exact["query"].as_str().expect("query"),
            headers: &headers,
            payload: Payload::Bytes(&body),
            timestamp,
            service: &service,
        };
        let cached = tc3::sign_cached(&params, &secret_id, &secret, &cache)
            .unwrap_or_else(|e| panic!("entry {seq}: core cannot sign the SDK's bytes: {e}"))
            .into_authorization();
        assert_eq!(
            cached, sdk_authorization,
            "entry {seq}: core's Authorization differs from the SDK's for the same bytes ({method}, query {:?})",
            params.query
        );
        let key = SigningKey::derive(&secret, &date, &service);
        let held = tc3::sign(&params, &secret_id, &key)
            .expect("signs")
            .into_authorization();
        assert_eq!(held, sdk_authorization, "entry {seq}: tc3::sign");
        assert_eq!(
            entry["signature"], "valid",
            "entry {seq}: the strict mock accepted it"
        );
        assert_eq!(
            entry["leniency"],
            Value::Array(vec![]),
            "entry {seq}: no leniency"
        );
    }
    eprintln!("sdk differential: {expected} requests, byte-equal Authorization ({methods:?})");
    assert!(
        methods.len() == 2,
        "both POST and GET were exercised: {methods:?}"
    );
}

/// The SDK and tccli suites ran against the same strict mock before the differential: the
/// journal confirms none of their requests (nor any other) was accepted through loopback
/// leniency, and that they are there at all.
#[test]
fn no_request_on_the_strict_mock_used_loopback_leniency() {
    let path = required_env("TCREDIS_INTEROP_JOURNAL");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let journal: Value = serde_json::from_slice(&text).expect("the journal is JSON");
    let entries = journal["entries"].as_array().expect("entries");
    let suites = entries
        .iter()
        .filter(|e| e["secret_id"] != DIFFERENTIAL_SECRET_ID)
        .count();
    assert!(
        suites >= 20,
        "the Python SDK and tccli suites' requests are in the journal (found {suites})"
    );
    for entry in entries {
        assert_eq!(
            entry["leniency"],
            Value::Array(vec![]),
            "entry {} ({} {}) was accepted through loopback leniency",
            entry["seq"],
            entry["method"],
            entry["secret_id"]
        );
    }
}
