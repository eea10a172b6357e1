//! `sign::tc3::PreparedSigner` signs exactly as `tc3::sign_cached` does, for every shape of
//! request, and refuses what `tc3::sign` refuses.

use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{
    self, Payload, PreparedSigner, SigningError, SigningKeyCache, SigningParams,
};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn same_as_sign_cached(
    method: &str,
    query: &str,
    headers: &[(&str, &str)],
    service: &str,
    payloads: &[Payload<'_>],
) {
    let secret = Secret::new(KEY);
    let cache = SigningKeyCache::new();
    let signer = PreparedSigner::new(method, query, headers, service, ID).expect("valid");
    // Timestamps across several UTC days (the date is in the scope and the derived key).
    for timestamp in [
        1_551_113_065u64,
        1_551_139_199,
        1_551_139_200,
        1_780_000_000,
    ] {
        for &payload in payloads {
            let params = SigningParams {
                method,
                query,
                headers,
                payload,
                timestamp,
                service,
            };
            let expected = tc3::sign_cached(&params, ID, &secret, &cache).expect("valid");
            let got = signer.sign(payload, timestamp, &secret, &cache);
            assert_eq!(
                got, expected,
                "{method} {query:?} {headers:?} {service} {timestamp}"
            );
        }
    }
}

#[test]
fn official_vector() {
    let headers = [
        ("Content-Type", "application/json"),
        ("Host", "redis.tencentcloudapi.com"),
    ];
    let signer = PreparedSigner::new("POST", "", &headers, "redis", ID).unwrap();
    let body = br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;
    let signed = signer.sign(
        Payload::Bytes(body),
        1_551_113_065,
        &Secret::new(KEY),
        &SigningKeyCache::new(),
    );
    assert_eq!(
        signed.authorization(),
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/redis/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4"
    );
}

#[test]
fn post_json_bodies_of_every_size() {
    let long = vec![b'x'; 1000];
    same_as_sign_cached(
        "POST",
        "",
        &[
            ("content-type", "application/json"),
            ("host", "redis.tencentcloudapi.com"),
        ],
        "redis",
        &[
            Payload::Bytes(b""),
            Payload::Bytes(br#"{"Limit":100,"Offset":0}"#),
            Payload::Bytes(&long),
            Payload::Unsigned,
        ],
    );
}

#[test]
fn get_query_extra_headers_any_order_and_case() {
    same_as_sign_cached(
        "GET",
        "Limit=10&Offset=0&Status.0=2",
        &[
            ("X-TC-Action", "DescribeInstanceBackups"),
            ("Host", "  Redis.Ap-Guangzhou.TencentCloudAPI.com  "),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        "redis",
        &[Payload::Bytes(b"")],
    );
}

#[test]
fn long_header_prefix_and_other_service() {
    // A canonical prefix longer than two SHA-256 blocks.
    let value = "v".repeat(150);
    same_as_sign_cached(
        "POST",
        "",
        &[
            ("Content-Type", "application/json"),
            ("Host", "127.0.0.1:8080"),
            ("X-Custom", &value),
        ],
        "sts",
        &[Payload::Bytes(
            br#"{"RoleArn":"qcs::cam::uin/1:roleName/r"}"#,
        )],
    );
}

#[test]
fn refuses_what_sign_refuses() {
    let ok = [("Content-Type", "application/json"), ("Host", "h")];
    type Case<'a> = (
        &'a str,
        &'a [(&'a str, &'a str)],
        &'a str,
        &'a str,
        SigningError,
    );
    let cases: [Case<'_>; 4] = [
        ("PUT", &ok, "redis", ID, SigningError::UnsupportedMethod),
        (
            "POST",
            &ok[..1],
            "redis",
            ID,
            SigningError::MissingRequiredHeader("host"),
        ),
        ("POST", &ok, "re/dis", ID, SigningError::InvalidService),
        (
            "POST",
            &ok,
            "redis",
            "AKID/x",
            SigningError::InvalidSecretId,
        ),
    ];
    for (method, headers, service, id, expected) in cases {
        assert_eq!(
            PreparedSigner::new(method, "", headers, service, id).unwrap_err(),
            expected
        );
    }
}

#[test]
fn debug_shows_no_secret_id() {
    let signer = PreparedSigner::new(
        "POST",
        "",
        &[("Content-Type", "application/json"), ("Host", "h")],
        "redis",
        ID,
    )
    .unwrap();
    let debug = format!("{signer:?}");
    assert!(debug.contains("redis") && !debug.contains(ID), "{debug}");
}
