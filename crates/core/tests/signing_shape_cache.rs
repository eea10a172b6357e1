//! `tc3::sign_cached` signs query-less requests through a `PreparedSigner` the
//! `SigningKeyCache` keeps per request shape. These tests pin that the cached path gives exactly
//! the bytes of the general path (`tc3::sign` with an explicitly derived key) whatever the
//! sequence of shapes sharing one cache (hits, misses, evictions, shapes that differ only in
//! header order, case, value, service or SecretId), and that invalid input is refused every
//! time, never remembered.

use proptest::prelude::*;
use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{self, Payload, SigningError, SigningKey, SigningParams};
use tcredis_core::sign::tc3::{SigningKeyCache, sign_with_stages};
use tcredis_core::time::UtcDate;

const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// The general path: validation, sorting and canonicalising on every call, explicit key.
fn general(params: &SigningParams<'_>, secret_id: &str, secret: &Secret) -> String {
    let date = UtcDate::from_unix(params.timestamp);
    let key = SigningKey::derive(secret, date.as_str(), params.service);
    tc3::sign(params, secret_id, &key)
        .expect("valid")
        .into_authorization()
}

#[test]
fn official_vector_through_the_cache_hit_and_miss() {
    let cache = SigningKeyCache::new();
    let secret = Secret::new(KEY);
    let body = br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;
    let params = SigningParams {
        method: "POST",
        query: "",
        headers: &[
            ("Content-Type", "application/json"),
            ("Host", "redis.tencentcloudapi.com"),
        ],
        payload: Payload::Bytes(body),
        timestamp: 1_551_113_065,
        service: "redis",
    };
    let id = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    let expected = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/redis/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4";
    // First call prepares the shape, the next ones hit it.
    for _ in 0..3 {
        let signed = tc3::sign_cached(&params, id, &secret, &cache).expect("valid");
        assert_eq!(signed.authorization(), expected);
    }
    assert_eq!(
        cache.len(),
        1,
        "one derived key for one (secret, date, service)"
    );
    let key = cache.key(&secret, &UtcDate::from_unix(params.timestamp), "redis");
    let stages = sign_with_stages(&params, id, &key).expect("valid");
    assert_eq!(stages.authorization, expected);
}

#[test]
fn shapes_that_differ_in_one_part_never_share_a_signer() {
    let cache = SigningKeyCache::new();
    let secret = Secret::new(KEY);
    let body = br#"{"Limit":1}"#;
    let base = [("Content-Type", "application/json"), ("Host", "a.example")];
    let reordered = [("Host", "a.example"), ("Content-Type", "application/json")];
    let upper = [("CONTENT-TYPE", "application/json"), ("host", "a.example")];
    let other_host = [("Content-Type", "application/json"), ("Host", "b.example")];
    let other_type = [("Content-Type", "text/plain"), ("Host", "a.example")];
    let three = [
        ("Content-Type", "application/json"),
        ("Host", "a.example"),
        ("X-TC-Action", "DescribeInstanceBackups"),
    ];
    let header_sets: [&[(&str, &str)]; 6] =
        [&base, &reordered, &upper, &other_host, &other_type, &three];
    // Two rounds over 6 headers x 2 services x 2 ids x 2 methods = 48 shapes in a cache that
    // keeps 8: every kind of hit, miss and eviction happens.
    for round in 0..2 {
        for headers in header_sets {
            for service in ["redis", "sts"] {
                for id in ["AKIDone", "AKIDtwo"] {
                    for method in ["POST", "GET"] {
                        for payload in [Payload::Bytes(body), Payload::Unsigned] {
                            let params = SigningParams {
                                method,
                                query: "",
                                headers,
                                payload,
                                timestamp: 1_551_113_065 + round * 86_400,
                                service,
                            };
                            let got = tc3::sign_cached(&params, id, &secret, &cache)
                                .expect("valid")
                                .into_authorization();
                            assert_eq!(
                                got,
                                general(&params, id, &secret),
                                "{method} {headers:?} {service} {id} {payload:?} round {round}"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Method, headers, service, SecretId and the expected refusal.
type RefusedCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
    SigningError,
);

#[test]
fn invalid_shapes_are_refused_every_time_and_derive_nothing() {
    let cache = SigningKeyCache::new();
    let secret = Secret::new(KEY);
    let cases: [RefusedCase; 5] = [
        (
            "PUT",
            &[("Content-Type", "application/json"), ("Host", "h")],
            "redis",
            "AKID",
            SigningError::UnsupportedMethod,
        ),
        (
            "POST",
            &[("Content-Type", "application/json")],
            "redis",
            "AKID",
            SigningError::MissingRequiredHeader("host"),
        ),
        (
            "POST",
            &[("Content-Type", "application/json"), ("Host", "h\r\nx")],
            "redis",
            "AKID",
            SigningError::InvalidHeaderValue,
        ),
        (
            "POST",
            &[("Content-Type", "application/json"), ("Host", "h")],
            "redis",
            "AKID/x",
            SigningError::InvalidSecretId,
        ),
        (
            "POST",
            &[
                ("Content-Type", "application/json"),
                ("Host", "h"),
                ("host", "h"),
            ],
            "redis",
            "AKID",
            SigningError::DuplicateHeader,
        ),
    ];
    for (method, headers, service, id, expected) in cases {
        for _ in 0..2 {
            let params = SigningParams {
                method,
                query: "",
                headers,
                payload: Payload::Bytes(b"{}"),
                timestamp: 1_551_113_065,
                service,
            };
            assert_eq!(
                tc3::sign_cached(&params, id, &secret, &cache),
                Err(expected.clone())
            );
        }
    }
    assert!(cache.is_empty(), "a refused request derives no key");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any sequence of requests drawn from a few shapes, signed through one shared cache,
    /// matches the general path byte for byte (queries included: those take the general path).
    #[test]
    fn cached_path_matches_general_path(
        steps in proptest::collection::vec(
            (0usize..4, 0usize..3, 0usize..2, proptest::collection::vec(any::<u8>(), 0..200),
             1_500_000_000u64..1_900_000_000, any::<bool>()),
            1..24,
        )
    ) {
        let cache = SigningKeyCache::new();
        let secrets = [Secret::new(KEY), Secret::new("another-secret-key")];
        let header_sets: [&[(&str, &str)]; 4] = [
            &[("Content-Type", "application/json"), ("Host", "redis.tencentcloudapi.com")],
            &[("host", "redis.ap-guangzhou.tencentcloudapi.com"), ("content-type", "application/json")],
            &[("Content-Type", "application/json; charset=utf-8"), ("Host", "127.0.0.1:8443"), ("X-TC-Region", " ap-guangzhou ")],
            &[("Content-Type", "application/x-www-form-urlencoded"), ("Host", "sts.tencentcloudapi.com")],
        ];
        let ids = ["AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "AKIDother", "AKID-3"];
        for (shape, id, secret, body, timestamp, with_query) in &steps {
            let params = SigningParams {
                method: if *with_query { "GET" } else { "POST" },
                query: if *with_query { "Limit=20&Offset=0" } else { "" },
                headers: header_sets[*shape],
                payload: Payload::Bytes(body),
                timestamp: *timestamp,
                service: if *shape == 3 { "sts" } else { "redis" },
            };
            let got = tc3::sign_cached(&params, ids[*id], &secrets[*secret], &cache)
                .expect("valid")
                .into_authorization();
            prop_assert_eq!(got, general(&params, ids[*id], &secrets[*secret]));
        }
    }
}
