//! An independent signing oracle: a small TC3-HMAC-SHA256 signer written here from the
//! protocol text (`spec/tencentcloud-api3-protocol.md` §1.1: canonical request, string to sign,
//! key derivation, Authorization) with `sha2` and `hmac` only — nothing from tcredis-core's
//! signer, canonical writer, hex encoder or calendar — compared byte for byte with core.
//!
//! The mock verifies with core code that shares the signer's canonical writer, so a bug there
//! would pass every client-against-mock test and the verify∘sign properties; this test (and
//! the Python-SDK differential stage of `cargo xtask interop`) would catch it. Inputs: GET and
//! POST, headers in any case, order and padding (extra signed headers too), queries, bodies
//! around SHA-256 block boundaries (55/56/63/64/65 bytes and multiples), unsigned payloads,
//! services, and timestamps around midnight UTC (the credential scope's date).

use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{self, Payload, SigningKey, SigningKeyCache, SigningParams};
use tcredis_testkit::time_text::civil_from_days;

type HmacSha256 = Hmac<Sha256>;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// `Date`: the UTC date of the timestamp, `YYYY-MM-DD`.
fn utc_date(timestamp: u64) -> String {
    let days = i64::try_from(timestamp / 86_400).expect("timestamp in range");
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// What the reference signs: the same inputs as core's `SigningParams`.
#[derive(Debug, Clone)]
struct Input {
    method: &'static str,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    unsigned: bool,
    timestamp: u64,
    service: String,
    secret_id: String,
    secret_key: String,
}

/// The TC3 algorithm, step by step as the protocol text states it.
fn reference_authorization(input: &Input) -> String {
    // CanonicalHeaders: lowercase(key) ":" lowercase(trim(value)) "\n", sorted by lower-case key.
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_ascii_lowercase(),
                v.trim_matches([' ', '\t']).to_ascii_lowercase(),
            )
        })
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let hashed_payload = if input.unsigned {
        hex(&Sha256::digest(b"UNSIGNED-PAYLOAD"))
    } else {
        hex(&Sha256::digest(&input.body))
    };
    let canonical_request = format!(
        "{}\n/\n{}\n{canonical_headers}\n{signed_headers}\n{hashed_payload}",
        input.method, input.query
    );
    let date = utc_date(input.timestamp);
    let scope = format!("{date}/{}/tc3_request", input.service);
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{}\n{scope}\n{}",
        input.timestamp,
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let secret_date = hmac(
        format!("TC3{}", input.secret_key).as_bytes(),
        date.as_bytes(),
    );
    let secret_service = hmac(&secret_date, input.service.as_bytes());
    let secret_signing = hmac(&secret_service, b"tc3_request");
    let signature = hex(&hmac(&secret_signing, string_to_sign.as_bytes()));
    format!(
        "TC3-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        input.secret_id
    )
}

/// Core's signature of the same input: through a held key, and through the cached hot path.
fn core_authorizations(input: &Input) -> (String, String) {
    let headers: Vec<(&str, &str)> = input
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let params = SigningParams {
        method: input.method,
        query: &input.query,
        headers: &headers,
        payload: if input.unsigned {
            Payload::Unsigned
        } else {
            Payload::Bytes(&input.body)
        },
        timestamp: input.timestamp,
        service: &input.service,
    };
    let secret = Secret::new(input.secret_key.clone());
    let key = SigningKey::derive(&secret, &utc_date(input.timestamp), &input.service);
    let held = tc3::sign(&params, &input.secret_id, &key)
        .expect("core signs every input the reference signs")
        .into_authorization();
    let cache = SigningKeyCache::new();
    let cached = tc3::sign_cached(&params, &input.secret_id, &secret, &cache)
        .expect("core signs every input the reference signs")
        .into_authorization();
    // Twice through the cache: the second reuses the cached key and request shape.
    let again = tc3::sign_cached(&params, &input.secret_id, &secret, &cache)
        .expect("core signs every input the reference signs")
        .into_authorization();
    assert_eq!(cached, again, "a cache hit signs the same bytes");
    (held, cached)
}

/// Header names from the token set, in mixed case.
fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("X-TC-Action".to_owned()),
        Just("x-tc-region".to_owned()),
        Just("X-TC-Timestamp".to_owned()),
        "[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,12}",
    ]
}

/// Header values: printable ASCII in mixed case, sometimes padded with spaces and tabs.
fn header_value() -> impl Strategy<Value = String> {
    ("[ \t]{0,2}", "[!-~]([ -~]{0,20}[!-~])?", "[ \t]{0,2}")
        .prop_map(|(pre, core, post)| format!("{pre}{core}{post}"))
}

fn case_mix(text: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<bool>(), text.len()).prop_map(move |upper| {
        text.chars()
            .zip(upper)
            .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        case_mix("content-type"),
        header_value(),
        case_mix("host"),
        header_value(),
        proptest::collection::vec((header_name(), header_value()), 0..4),
        any::<proptest::sample::Index>(),
    )
        .prop_map(|(ct, ct_value, host, host_value, extra, rotate)| {
            let mut all = vec![(ct, ct_value), (host, host_value)];
            for (name, value) in extra {
                let lower = name.to_ascii_lowercase();
                if !all.iter().any(|(n, _)| n.eq_ignore_ascii_case(&lower)) {
                    all.push((name, value));
                }
            }
            // Any order: core sorts, and so does the reference.
            let shift = rotate.index(all.len());
            all.rotate_left(shift);
            all
        })
}

/// Bodies around SHA-256's 64-byte blocks (and the 55/56-byte padding edge), or any length.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let edge = prop_oneof![
        Just(0usize),
        Just(1),
        Just(55),
        Just(56),
        Just(63),
        Just(64),
        Just(65),
        Just(119),
        Just(120),
        Just(127),
        Just(128),
        Just(129),
        Just(1023),
        Just(1024),
        Just(1025),
        0usize..600,
    ];
    edge.prop_flat_map(|len| proptest::collection::vec(any::<u8>(), len))
}

/// Queries as an SDK puts them on the URL: `k=v` pairs with percent-encoded values.
fn query() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        ("[A-Za-z][A-Za-z0-9.]{0,10}", "[A-Za-z0-9%+._~-]{0,16}"),
        0..6,
    )
    .prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Timestamps: within a few seconds of a UTC midnight between 2000 and 2100, or anywhere.
fn timestamp() -> impl Strategy<Value = u64> {
    prop_oneof![
        (10_957u64..47_482, -3i64..=3)
            .prop_map(|(day, off)| (day * 86_400).saturating_add_signed(off)),
        946_684_800u64..4_102_444_800,
    ]
}

fn input() -> impl Strategy<Value = Input> {
    (
        prop_oneof![Just("GET"), Just("POST")],
        query(),
        headers(),
        body(),
        any::<bool>(),
        timestamp(),
        prop_oneof![
            Just("redis".to_owned()),
            Just("sts".to_owned()),
            "[a-z][a-z0-9_.-]{0,10}"
        ],
        "AKID[A-Za-z0-9]{4,32}",
        "[ -~]{1,40}",
    )
        .prop_map(
            |(
                method,
                query,
                headers,
                body,
                unsigned,
                timestamp,
                service,
                secret_id,
                secret_key,
            )| {
                let get = method == "GET";
                Input {
                    method,
                    // POST: empty query; GET: an empty body.
                    query: if get { query } else { String::new() },
                    headers,
                    body: if get { Vec::new() } else { body },
                    unsigned,
                    timestamp,
                    service,
                    secret_id,
                    secret_key,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn core_signs_every_request_exactly_as_the_reference(input in input()) {
        let expected = reference_authorization(&input);
        let (held, cached) = core_authorizations(&input);
        prop_assert_eq!(&held, &expected, "tc3::sign");
        prop_assert_eq!(&cached, &expected, "tc3::sign_cached");
    }
}

/// The reference itself is right: it reproduces the published vectors (spec §1.3 B and D1).
#[test]
fn the_reference_reproduces_the_published_vectors() {
    let doc_b = Input {
        method: "POST",
        query: String::new(),
        headers: vec![
            (
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            ),
            ("Host".into(), "cvm.tencentcloudapi.com".into()),
        ],
        body: br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#.to_vec(),
        unsigned: false,
        timestamp: 1_551_113_065,
        service: "cvm".into(),
        secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE".into(),
        secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".into(),
    };
    assert_eq!(
        reference_authorization(&doc_b),
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );

    let d1 = Input {
        service: "redis".into(),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Host".into(), "redis.tencentcloudapi.com".into()),
        ],
        body: br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#
            .to_vec(),
        ..doc_b
    };
    assert!(
        reference_authorization(&d1).ends_with(
            "Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4"
        )
    );
    assert_eq!(utc_date(1_551_113_065), "2019-02-25");
    assert_eq!(utc_date(1_780_271_999), "2026-05-31");
    assert_eq!(utc_date(1_780_272_000), "2026-06-01");
}
