//! Property tests: signing and verification never panic on arbitrary input; a signed request
//! always verifies; any change to what is signed is rejected; in unsigned-payload mode a body
//! change is accepted. The same round trip for v1.

use proptest::prelude::*;
use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::credentials::{Credentials, Secret};
use tcredis_core::sign::tc3::{self, SigningKeyCache, SigningParams};
use tcredis_core::sign::v1::{self, SignatureMethod};
use tcredis_core::sign::verify::{
    self, Tc3Request, V1Request, Verified, VerifyError, VerifyErrorKind, VerifyOptions,
};

const ID: &str = "AKIDPROPTEST";
const KEY: &str = "proptest-secret-key";

fn lookup(id: &str) -> Option<(Secret, Option<Secret>)> {
    (id == ID).then(|| (Secret::new(KEY), None))
}

/// A request as it travels: owned parts that tests can tamper with.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    host: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Wire {
    fn from_request(request: &http::Request<Vec<u8>>) -> Self {
        Self {
            method: request.method().as_str().to_owned(),
            host: request.headers()["host"].to_str().unwrap().to_owned(),
            query: request.uri().query().unwrap_or("").to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: request.body().clone(),
        }
    }
    fn set(&mut self, name: &str, value: &[u8]) {
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = value.to_vec();
            }
        }
    }
    fn verify_tc3(&self, now: u64) -> Result<Verified, VerifyError> {
        let headers: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let request = Tc3Request {
            method: &self.method,
            host: &self.host,
            query: &self.query,
            headers: &headers[..],
            body: &self.body,
        };
        verify::verify_tc3(&request, now, &VerifyOptions::strict("redis"), lookup)
    }
    fn verify_v1(&self, now: u64) -> Result<Verified, VerifyError> {
        let request = V1Request {
            method: &self.method,
            host: &self.host,
            query: &self.query,
            body: &self.body,
        };
        verify::verify_v1(&request, now, &VerifyOptions::strict("redis"), lookup)
    }
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,10}(\\.[a-z]{1,10}){0,3}",
        "[a-z]{1,10}\\.[a-z]{2,5}:[1-9][0-9]{0,4}",
        Just("127.0.0.1:8080".to_owned()),
    ]
}

fn build(
    host: &str,
    payload: Payload<'_>,
    signing: SigningMethod,
    timestamp: u64,
) -> http::Request<Vec<u8>> {
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: Some("en-US"),
        request_client: "tcredis-proptest",
        scheme: "https",
        authority: host,
        host,
        payload,
        signing,
        timestamp,
    };
    let credentials = Credentials::new(ID, KEY).unwrap();
    call::build_request(&spec, &credentials, &SigningKeyCache::new())
        .unwrap()
        .request
}

const TS_RANGE: std::ops::Range<u64> = 1_000_000_000..4_000_000_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn signing_never_panics(
        method in "\\PC{0,6}",
        query in "\\PC{0,40}",
        headers in proptest::collection::vec(("\\PC{0,12}", "\\PC{0,20}"), 0..20),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        timestamp in any::<u64>(),
        service in "\\PC{0,8}",
        secret_id in "\\PC{0,12}",
        unsigned in any::<bool>(),
    ) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let params = SigningParams {
            method: &method,
            query: &query,
            headers: &headers,
            payload: if unsigned { tc3::Payload::Unsigned } else { tc3::Payload::Bytes(&body) },
            timestamp,
            service: &service,
        };
        let cache = SigningKeyCache::new();
        let fast = tc3::sign_cached(&params, &secret_id, &Secret::new("k"), &cache);
        let _ = tc3::canonical_request(&params);
        let _ = tc3::string_to_sign(&params);
        if let Ok(fast) = fast {
            let key = tc3::SigningKey::derive(&Secret::new("k"), &tcredis_core::time::utc_date(timestamp), &service);
            let slow = tc3::sign_with_stages(&params, &secret_id, &key).unwrap();
            prop_assert_eq!(fast.authorization(), slow.authorization.as_str());
        }
    }

    #[test]
    fn verification_never_panics(
        method in "\\PC{0,6}",
        host in "\\PC{0,20}",
        query in "\\PC{0,40}",
        authorization in prop_oneof![
            "\\PC{0,80}",
            "TC3-HMAC-SHA256 Credential=[A-Za-z/0-9-]{0,30}, SignedHeaders=[a-z;-]{0,30}, Signature=[0-9a-f]{0,70}",
        ],
        timestamp in "[0-9a-z]{0,22}",
        extra in proptest::collection::vec(("\\PC{0,12}", proptest::collection::vec(any::<u8>(), 0..16)), 0..6),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        now in any::<u64>(),
        lenient in any::<bool>(),
    ) {
        let mut headers: Vec<(&str, &[u8])> = vec![
            ("authorization", authorization.as_bytes()),
            ("x-tc-timestamp", timestamp.as_bytes()),
        ];
        headers.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_slice())));
        let options = if lenient { VerifyOptions::lenient("redis") } else { VerifyOptions::strict("redis") };
        let request = Tc3Request { method: &method, host: &host, query: &query, headers: &headers[..], body: &body };
        let _ = verify::verify_tc3(&request, now, &options, |_| Some((Secret::new("k"), None)));
        let v1_request = V1Request { method: &method, host: &host, query: &query, body: &body };
        let _ = verify::verify_v1(&v1_request, now, &options, |_| Some((Secret::new("k"), Some(Secret::new("t")))));
        let _ = v1::parse_form(&query);
    }

    #[test]
    fn tc3_round_trip_and_tampering(
        host in host(),
        other_host in host(),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        other_body in proptest::collection::vec(any::<u8>(), 0..256),
        timestamp in TS_RANGE,
        skew in 0u64..=300,
        shift in 1u64..=300,
        far in 301u64..100_000,
    ) {
        let request = build(&host, Payload::Json(&body), SigningMethod::Tc3 { unsigned_payload: false }, timestamp);
        let wire = Wire::from_request(&request);
        prop_assert!(wire.verify_tc3(timestamp + skew).is_ok());
        prop_assert!(wire.verify_tc3(timestamp - skew).is_ok());
        prop_assert_eq!(wire.verify_tc3(timestamp + far).unwrap_err().kind(), VerifyErrorKind::SignatureExpire);
        prop_assert_eq!(wire.verify_tc3(timestamp - far).unwrap_err().kind(), VerifyErrorKind::SignatureExpire);

        if other_body != body {
            let mut t = wire.clone();
            t.body = other_body.clone();
            prop_assert_eq!(t.verify_tc3(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
        }
        if other_host != host {
            let mut t = wire.clone();
            t.host = other_host.clone();
            prop_assert_eq!(t.verify_tc3(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
        }
        let mut t = wire.clone();
        t.set("content-type", b"application/json; charset=utf-8");
        prop_assert_eq!(t.verify_tc3(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
        // A different timestamp inside the window: the signature no longer matches.
        let mut t = wire.clone();
        t.set("x-tc-timestamp", (timestamp + shift).to_string().as_bytes());
        prop_assert_eq!(t.verify_tc3(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
    }

    #[test]
    fn unsigned_payload_accepts_any_body(
        host in host(),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        other_body in proptest::collection::vec(any::<u8>(), 0..256),
        timestamp in TS_RANGE,
    ) {
        let request = build(&host, Payload::Json(&body), SigningMethod::Tc3 { unsigned_payload: true }, timestamp);
        let mut wire = Wire::from_request(&request);
        prop_assert!(wire.verify_tc3(timestamp).unwrap().unsigned_payload);
        wire.body = other_body;
        prop_assert!(wire.verify_tc3(timestamp).is_ok(), "the body is not signed in unsigned-payload mode");
        // The host still is.
        wire.host.push('x');
        prop_assert_eq!(wire.verify_tc3(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
    }

    #[test]
    fn tc3_get_query_round_trip(
        host in host(),
        params in proptest::collection::vec(("[A-Z][A-Za-z.0-9]{0,10}", "\\PC{0,12}"), 0..6),
        timestamp in TS_RANGE,
    ) {
        let query = v1::encode_form(&params);
        let request = build(&host, Payload::Query(&query), SigningMethod::Tc3 { unsigned_payload: false }, timestamp);
        let mut wire = Wire::from_request(&request);
        prop_assert!(wire.verify_tc3(timestamp).is_ok());
        wire.query.push_str("&Extra=1");
        prop_assert_eq!(wire.verify_tc3(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
    }

    #[test]
    fn v1_round_trip_and_tampering(
        host in host(),
        params in proptest::collection::vec(("[A-Z][A-Za-z.0-9]{0,10}", "\\PC{0,12}"), 0..6),
        sha256 in any::<bool>(),
        post in any::<bool>(),
        nonce in 1u64..u64::MAX,
        timestamp in TS_RANGE,
        far in 301u64..100_000,
    ) {
        // Names that v1 signing sets itself are not request parameters.
        let params: Vec<(String, String)> = params
            .into_iter()
            .filter(|(k, _)| !["Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "SignatureMethod",
                "Signature", "Token", "Language", "RequestClient"].contains(&k.as_str()))
            .collect();
        let form = v1::encode_form(&params);
        let method = if sha256 { SignatureMethod::HmacSha256 } else { SignatureMethod::HmacSha1 };
        let payload = if post { Payload::Form(&form) } else { Payload::Query(&form) };
        let request = build(&host, payload, SigningMethod::V1 { method, nonce }, timestamp);
        let wire = Wire::from_request(&request);
        prop_assert!(wire.verify_v1(timestamp).is_ok());
        prop_assert_eq!(wire.verify_v1(timestamp + far).unwrap_err().kind(), VerifyErrorKind::SignatureExpire);
        let mut t = wire.clone();
        t.host.push('x');
        prop_assert_eq!(t.verify_v1(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
        let mut t = wire.clone();
        if post { t.body.extend_from_slice(b"&Extra=1") } else { t.query.push_str("&Extra=1") }
        prop_assert_eq!(t.verify_v1(timestamp).unwrap_err().kind(), VerifyErrorKind::SignatureFailure);
    }
}
