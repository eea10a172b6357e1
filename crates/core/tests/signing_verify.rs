//! Verification from raw parts: error precedence, SignedHeaders handling, official spacing,
//! loopback leniency, replays, and the v1 parameter checks.

use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache, SigningParams};
use tcredis_core::sign::v1::{self, SignatureMethod};
use tcredis_core::sign::verify::{
    self, Tc3Request, V1Request, Verified, VerifyError, VerifyErrorKind, VerifyOptions,
};

const ID: &str = "AKIDTESTVERIFY";
const KEY: &str = "verify-test-key";
const NOW: u64 = 1_700_000_000;

fn lookup(id: &str) -> Option<(Secret, Option<Secret>)> {
    (id == ID).then(|| (Secret::new(KEY), None))
}

struct Sent {
    host: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    query: String,
    method: &'static str,
}

impl Sent {
    fn verify(&self, now: u64, options: &VerifyOptions<'_>) -> Result<Verified, VerifyError> {
        let headers: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let request = Tc3Request {
            method: self.method,
            host: &self.host,
            query: &self.query,
            headers: &headers[..],
            body: &self.body,
        };
        verify::verify_tc3(&request, now, options, lookup)
    }
    fn set(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers
            .push((name.to_owned(), value.as_bytes().to_vec()));
    }
}

/// Signs like a client whose signed host / service may differ from what it sends.
fn signed(
    signed_host: &str,
    sent_host: &str,
    service: &str,
    extra_signed: &[(&str, &str)],
) -> Sent {
    let body = br#"{"Limit":20}"#.to_vec();
    let mut to_sign = vec![("Content-Type", "application/json"), ("Host", signed_host)];
    to_sign.extend_from_slice(extra_signed);
    let params = SigningParams {
        method: "POST",
        query: "",
        headers: &to_sign,
        payload: Payload::Bytes(&body),
        timestamp: NOW,
        service,
    };
    let auth = tc3::sign_cached(&params, ID, &Secret::new(KEY), &SigningKeyCache::new()).unwrap();
    let mut headers = vec![
        (
            "Authorization".to_owned(),
            auth.authorization().as_bytes().to_vec(),
        ),
        ("Content-Type".to_owned(), b"application/json".to_vec()),
        ("X-TC-Timestamp".to_owned(), NOW.to_string().into_bytes()),
    ];
    for (n, v) in extra_signed {
        headers.push(((*n).to_owned(), v.as_bytes().to_vec()));
    }
    Sent {
        host: sent_host.to_owned(),
        headers,
        body,
        query: String::new(),
        method: "POST",
    }
}

fn kind(result: Result<Verified, VerifyError>) -> VerifyErrorKind {
    result.unwrap_err().kind()
}

#[test]
fn exact_request_verifies_and_replays_verify_too() {
    let sent = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );
    for _ in 0..3 {
        let v = sent.verify(NOW, &VerifyOptions::strict("redis")).unwrap();
        assert_eq!(
            (v.secret_id.as_str(), v.timestamp, v.service.as_str()),
            (ID, NOW, "redis")
        );
        assert!(v.leniency.is_strict() && !v.unsigned_payload);
    }
}

#[test]
fn any_signed_headers_list_is_rebuilt_including_lowercased_values() {
    // The current CN doc signs x-tc-action; its value is lower-cased in the canonical form.
    let sent = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[
            ("X-TC-Action", "DescribeInstanceBackups"),
            ("X-TC-Region", " ap-guangzhou "),
        ],
    );
    sent.verify(NOW, &VerifyOptions::strict("redis")).unwrap();
    let mut changed = sent;
    changed.set("X-TC-Action", "DescribeInstances");
    assert_eq!(
        kind(changed.verify(NOW, &VerifyOptions::strict("redis"))),
        VerifyErrorKind::SignatureFailure
    );
    changed.headers.retain(|(n, _)| n != "X-TC-Action");
    assert_eq!(
        kind(changed.verify(NOW, &VerifyOptions::strict("redis"))),
        VerifyErrorKind::SignatureFailure
    );
}

#[test]
fn official_doc_b_request_verifies_with_its_spacing() {
    // Doc B: charset content type, cvm service, timestamp 1551113065.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/tc3/doc-b/");
    let auth = std::fs::read_to_string(format!("{dir}authorization.txt")).unwrap();
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}input.json")).unwrap())
            .unwrap();
    let body = input["payload"].as_str().unwrap().as_bytes();
    let headers: &[(&str, &[u8])] = &[
        ("authorization", auth.as_bytes()),
        ("content-type", b"application/json; charset=utf-8"),
        ("x-tc-timestamp", b"1551113065"),
    ];
    let request = Tc3Request {
        method: "POST",
        host: "cvm.tencentcloudapi.com",
        query: "",
        headers,
        body,
    };
    let lookup = |id: &str| {
        (id == "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE")
            .then(|| (Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"), None))
    };
    verify::verify_tc3(
        &request,
        1_551_113_065,
        &VerifyOptions::strict("cvm"),
        lookup,
    )
    .unwrap();
    assert_eq!(
        verify::verify_tc3(
            &request,
            1_551_113_065,
            &VerifyOptions::strict("redis"),
            lookup
        )
        .unwrap_err()
        .kind(),
        VerifyErrorKind::SignatureFailure,
        "a cvm scope is not accepted by a redis endpoint"
    );
}

#[test]
fn precedence_invalid_then_expired_then_unknown_then_mismatch_then_token() {
    let strict = VerifyOptions::strict("redis");
    let base = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );

    let mut s = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );
    s.headers.retain(|(n, _)| n != "Authorization");
    assert_eq!(
        kind(s.verify(NOW + 10_000, &strict)),
        VerifyErrorKind::InvalidAuthorization
    );

    let mut s = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );
    s.set("Authorization", "SKIP");
    assert_eq!(
        kind(s.verify(NOW, &strict)),
        VerifyErrorKind::InvalidAuthorization
    );

    let mut s = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );
    s.set("X-TC-Timestamp", "17e8");
    assert_eq!(
        kind(s.verify(NOW, &strict)),
        VerifyErrorKind::InvalidAuthorization
    );

    // Expired beats unknown SecretId and mismatch.
    let mut s = signed("redis.tencentcloudapi.com", "other.host", "redis", &[]);
    let auth = String::from_utf8(s.headers[0].1.clone())
        .unwrap()
        .replace(ID, "AKIDUNKNOWN");
    s.set("Authorization", &auth);
    assert_eq!(
        kind(s.verify(NOW + 301, &strict)),
        VerifyErrorKind::SignatureExpire
    );
    assert_eq!(
        kind(s.verify(NOW - 301, &strict)),
        VerifyErrorKind::SignatureExpire
    );
    assert_eq!(
        kind(s.verify(NOW + 300, &strict)),
        VerifyErrorKind::SecretIdNotFound
    );

    // Mismatch (wrong host) beats token problems.
    let s = signed("redis.tencentcloudapi.com", "other.host", "redis", &[]);
    let with_token = |id: &str| (id == ID).then(|| (Secret::new(KEY), Some(Secret::new("t"))));
    let headers: Vec<(&str, &[u8])> = s
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let request = Tc3Request {
        method: "POST",
        host: &s.host,
        query: "",
        headers: &headers[..],
        body: &s.body,
    };
    assert_eq!(
        verify::verify_tc3(&request, NOW, &strict, with_token)
            .unwrap_err()
            .kind(),
        VerifyErrorKind::SignatureFailure
    );
    let headers: Vec<(&str, &[u8])> = base
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let request = Tc3Request {
        method: "POST",
        host: &base.host,
        query: "",
        headers: &headers[..],
        body: &base.body,
    };
    let err = verify::verify_tc3(&request, NOW, &strict, with_token).unwrap_err();
    assert_eq!(err.kind(), VerifyErrorKind::TokenFailure);
    assert_eq!(err.code(), "AuthFailure.TokenFailure");
    assert!(!err.to_string().contains(KEY));
}

#[test]
fn loopback_leniency_host_without_port_and_node_service_label() {
    // Node signs the hostname without port and derives service "127" from the endpoint.
    let node = signed("127.0.0.1", "127.0.0.1:8080", "127", &[]);
    assert_eq!(
        kind(node.verify(NOW, &VerifyOptions::strict("redis"))),
        VerifyErrorKind::SignatureFailure
    );
    let v = node.verify(NOW, &VerifyOptions::lenient("redis")).unwrap();
    assert!(v.leniency.host_without_port && v.leniency.service_from_host_label);

    let port_only = signed("localhost", "localhost:9000", "redis", &[]);
    let v = port_only
        .verify(NOW, &VerifyOptions::lenient("redis"))
        .unwrap();
    assert!(v.leniency.host_without_port && !v.leniency.service_from_host_label);

    // tccli sends (and signs) a Host with a scheme: verified exactly as received.
    let tccli = signed(
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080",
        "redis",
        &[],
    );
    assert!(
        tccli
            .verify(NOW, &VerifyOptions::strict("redis"))
            .unwrap()
            .leniency
            .is_strict()
    );

    // No leniency for real host names.
    let remote = signed("example.com", "example.com:8080", "example", &[]);
    assert_eq!(
        kind(remote.verify(NOW, &VerifyOptions::lenient("redis"))),
        VerifyErrorKind::SignatureFailure
    );
}

#[test]
fn scope_date_must_match_the_timestamp() {
    let mut s = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );
    let auth = String::from_utf8(s.headers[0].1.clone()).unwrap();
    let date = tcredis_core::time::utc_date(NOW);
    s.set("Authorization", &auth.replace(&date, "2001-01-01"));
    assert_eq!(
        kind(s.verify(NOW, &VerifyOptions::strict("redis"))),
        VerifyErrorKind::SignatureFailure
    );
}

#[test]
fn http_header_map_is_a_header_source() {
    let s = signed(
        "redis.tencentcloudapi.com",
        "redis.tencentcloudapi.com",
        "redis",
        &[],
    );
    let mut map = http::HeaderMap::new();
    for (n, v) in &s.headers {
        map.insert(
            http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
            http::HeaderValue::from_bytes(v).unwrap(),
        );
    }
    let request = Tc3Request {
        method: "POST",
        host: &s.host,
        query: "",
        headers: &map,
        body: &s.body,
    };
    verify::verify_tc3(&request, NOW, &VerifyOptions::strict("redis"), lookup).unwrap();
}

fn v1_query(host: &str, extra: &[(&str, &str)], drop: &str) -> String {
    let mut params: Vec<(String, String)> = [
        ("Action", "DescribeInstanceBackups"),
        ("Version", "2018-04-12"),
        ("Nonce", "42"),
        ("Timestamp", "1700000000"),
        ("SecretId", ID),
        ("SignatureMethod", "HmacSHA256"),
        ("Limit", "20"),
    ]
    .iter()
    .chain(extra)
    .filter(|(k, _)| *k != drop)
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let signature = v1::sign(
        "GET",
        host,
        &params,
        &Secret::new(KEY),
        SignatureMethod::HmacSha256,
    );
    params.push(("Signature".into(), signature));
    v1::encode_form(&params)
}

#[test]
fn v1_checks_in_order() {
    let strict = VerifyOptions::strict("redis");
    let check = |query: &str, host: &str, now: u64, options: &VerifyOptions<'_>| {
        verify::verify_v1(
            &V1Request {
                method: "GET",
                host,
                query,
                body: b"",
            },
            now,
            options,
            lookup,
        )
    };
    let host = "redis.tencentcloudapi.com";
    check(&v1_query(host, &[], ""), host, NOW, &strict).unwrap();
    for missing in ["SecretId", "Nonce", "Timestamp"] {
        assert_eq!(
            check(&v1_query(host, &[], missing), host, NOW, &strict)
                .unwrap_err()
                .kind(),
            VerifyErrorKind::InvalidAuthorization,
            "{missing}"
        );
    }
    assert_eq!(
        check("Action=X&Signature=%zz", host, NOW, &strict)
            .unwrap_err()
            .kind(),
        VerifyErrorKind::InvalidAuthorization
    );
    assert_eq!(
        check(&v1_query(host, &[], ""), host, NOW + 301, &strict)
            .unwrap_err()
            .kind(),
        VerifyErrorKind::SignatureExpire
    );
    let tampered = v1_query(host, &[], "").replace("Limit=20", "Limit=21");
    assert_eq!(
        check(&tampered, host, NOW, &strict).unwrap_err().kind(),
        VerifyErrorKind::SignatureFailure
    );
    let unknown = v1_query(host, &[], "").replace(ID, "AKIDOTHER");
    assert_eq!(
        check(&unknown, host, NOW, &strict).unwrap_err().kind(),
        VerifyErrorKind::SecretIdNotFound
    );
    // Loopback leniency: signed without the port.
    let q = v1_query("127.0.0.1", &[], "");
    assert_eq!(
        check(&q, "127.0.0.1:8080", NOW, &strict)
            .unwrap_err()
            .kind(),
        VerifyErrorKind::SignatureFailure
    );
    assert!(
        check(&q, "127.0.0.1:8080", NOW, &VerifyOptions::lenient("redis"))
            .unwrap()
            .leniency
            .host_without_port
    );
}
