//! Signing: one full TC3 signature with a cached derived key (`tc3::sign_cached`, producing the
//! `Authorization` value; and the same through `sign::prepared::PreparedSigner`) next to its
//! floor (SHA-256 of the body, SHA-256 of the canonical request, one HMAC-SHA256 of the
//! string-to-sign from a pre-keyed state: the same bytes, checked by this crate's tests) and
//! next to `aws-sigv4`'s `sign()` on an equivalent request (same method, host, content type and
//! body; SigV4 derives its key on every call, as its API offers no cache).
//!
//! Also, for working on the signer (not in the report): the same signature with the key derived
//! on every call (`uncached`), with a held key and no shape cache (`held_key`), with every stage
//! kept (`with_stages`), and a whole request built by `call::build_request` (`build_request`).
//!
//! Run: `cargo bench --manifest-path bench/Cargo.toml --features benches --bench sign`.
//! Targets (issue 6): tc3 within 1.5x of floor; at least 5x faster than aws_sigv4. The figures
//! are in `docs/benchmarks.md` (section 1), not here.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use divan::{Bencher, black_box};
use tcredis_bench::{
    BODY, FloorInputs, HEADERS, HOST, SECRET_ID, SECRET_KEY, TIMESTAMP, prepared_signer, secret,
    sign_tc3, sign_tc3_prepared, signing_params, warm_cache,
};
use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
use tcredis_core::sign::tc3::{self, SigningKey, SigningKeyCache};
use tcredis_core::time::UtcDate;

fn main() {
    divan::main();
}

#[divan::bench]
fn tc3(bencher: Bencher<'_, '_>) {
    let cache = warm_cache();
    let secret = secret();
    bencher.bench_local(|| sign_tc3(black_box(&cache), black_box(&secret)));
}

#[divan::bench]
fn tc3_prepared(bencher: Bencher<'_, '_>) {
    let signer = prepared_signer();
    let cache = warm_cache();
    let secret = secret();
    bencher.bench_local(|| {
        sign_tc3_prepared(black_box(&signer), black_box(&cache), black_box(&secret))
    });
}

#[divan::bench]
fn floor(bencher: Bencher<'_, '_>) {
    let inputs = FloorInputs::new();
    bencher.bench_local(|| black_box(&inputs).floor());
}

#[divan::bench]
fn aws_sigv4(bencher: Bencher<'_, '_>) {
    let identity: Identity = Credentials::new(
        tcredis_bench::SECRET_ID,
        tcredis_bench::SECRET_KEY,
        None,
        None,
        "bench",
    )
    .into();
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(TIMESTAMP);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("ap-guangzhou")
        .name("redis")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("complete signing params")
        .into();
    bencher.bench_local(|| {
        let request = SignableRequest::new(
            "POST",
            "https://redis.tencentcloudapi.com/",
            HEADERS.iter().copied(),
            SignableBody::Bytes(black_box(BODY)),
        )
        .expect("valid request");
        let (instructions, signature) = sign(request, &params).expect("signs").into_parts();
        black_box((instructions, signature))
    });
}

#[divan::bench]
fn uncached(bencher: Bencher<'_, '_>) {
    let secret = secret();
    let params = signing_params();
    bencher.bench_local(|| {
        let key = SigningKey::derive(&secret, UtcDate::from_unix(TIMESTAMP).as_str(), "redis");
        tc3::sign(black_box(&params), SECRET_ID, &key).expect("valid request")
    });
}

#[divan::bench]
fn held_key(bencher: Bencher<'_, '_>) {
    let key = SigningKey::derive(&secret(), UtcDate::from_unix(TIMESTAMP).as_str(), "redis");
    let params = signing_params();
    bencher.bench_local(|| {
        tc3::sign(black_box(&params), black_box(SECRET_ID), &key).expect("valid request")
    });
}

#[divan::bench]
fn with_stages(bencher: Bencher<'_, '_>) {
    let key = SigningKey::derive(&secret(), UtcDate::from_unix(TIMESTAMP).as_str(), "redis");
    let params = signing_params();
    bencher.bench_local(|| {
        tc3::sign_with_stages(black_box(&params), SECRET_ID, &key).expect("valid request")
    });
}

#[divan::bench]
fn build_request(bencher: Bencher<'_, '_>) {
    let credentials =
        tcredis_core::credentials::Credentials::new(SECRET_ID, SECRET_KEY).expect("valid pair");
    let cache = SigningKeyCache::new();
    let spec = CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: Some("zh-CN"),
        request_client: "tcredis",
        scheme: "https",
        authority: HOST,
        host: HOST,
        payload: Payload::Json(BODY),
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp: TIMESTAMP,
    };
    bencher.bench_local(|| {
        call::build_request(black_box(&spec), &credentials, &cache).expect("valid request")
    });
}
