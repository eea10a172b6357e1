//! Signing, section 1 of `docs/benchmarks.md`. Each path is timed next to its own floor, the
//! SHA-256 compressions it cannot avoid (counted by core's `sign::tc3::floor` tests; the
//! floors give the path's signature, checked by this crate's tests):
//!
//! - `tc3`: `tc3::sign_cached` with the shape and key cached (the call path), and `floor`
//!   (9 compressions from the same pre-absorbed states);
//! - `uncached`: a fresh key derivation per signature then `tc3::sign`, and `uncached_floor`
//!   (24 compressions);
//! - `aws_sigv4`: `aws-sigv4`'s `sign()` on the equivalent request (same method, host, content
//!   type and body). It derives its key on every call (its API has no cache), so `uncached` is
//!   its like-for-like peer; `tc3` is what tcredis' API allows on top.
//! - `request_uncached` / `request_cached`: a whole request as the Python SDK builds one (the
//!   model serialised to JSON, then `call::build_request`) with a fresh / a warm key cache; the
//!   peers of section 1b.
//!
//! Also, for working on the signer (not in the report): `tc3_prepared` (`PreparedSigner::sign`),
//! `held_key` (a held key, no shape cache) and `with_stages` (every stage kept).
//!
//! Run: `cargo bench --manifest-path bench/Cargo.toml --features benches --bench sign`. The
//! figures and targets are in `docs/benchmarks.md` (section 1), not here.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use divan::{Bencher, black_box};
use tcredis_bench::{
    BODY, HEADERS, SECRET_ID, TIMESTAMP, build_request, cached_floor, derived_key, prepared_signer,
    request_model, secret, sign_tc3, sign_uncached, signing_params, warm_cache,
};
use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache};

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
fn floor(bencher: Bencher<'_, '_>) {
    let floor = cached_floor();
    bencher.bench_local(|| black_box(&floor).run());
}

#[divan::bench]
fn uncached(bencher: Bencher<'_, '_>) {
    let secret = secret();
    bencher.bench_local(|| sign_uncached(black_box(&secret)));
}

#[divan::bench]
fn uncached_floor(bencher: Bencher<'_, '_>) {
    let floor = tcredis_bench::uncached_floor();
    bencher.bench_local(|| black_box(&floor).run());
}

#[divan::bench]
fn request_uncached(bencher: Bencher<'_, '_>) {
    let request = request_model();
    bencher.bench_local(|| build_request(black_box(&request), &SigningKeyCache::new()));
}

#[divan::bench]
fn request_cached(bencher: Bencher<'_, '_>) {
    let request = request_model();
    let cache = warm_cache();
    bencher.bench_local(|| build_request(black_box(&request), black_box(&cache)));
}

#[divan::bench]
fn tc3_prepared(bencher: Bencher<'_, '_>) {
    let signer = prepared_signer();
    let cache = warm_cache();
    let secret = secret();
    bencher.bench_local(|| {
        black_box(&signer)
            .sign(Payload::Bytes(BODY), TIMESTAMP, black_box(&secret), &cache)
            .into_authorization()
    });
}

#[divan::bench]
fn aws_sigv4(bencher: Bencher<'_, '_>) {
    let identity: Identity =
        Credentials::new(SECRET_ID, tcredis_bench::SECRET_KEY, None, None, "bench").into();
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
fn held_key(bencher: Bencher<'_, '_>) {
    let key = derived_key();
    let params = signing_params();
    bencher.bench_local(|| {
        tc3::sign(black_box(&params), black_box(SECRET_ID), &key).expect("valid request")
    });
}

#[divan::bench]
fn with_stages(bencher: Bencher<'_, '_>) {
    let key = derived_key();
    let params = signing_params();
    bencher.bench_local(|| {
        tc3::sign_with_stages(black_box(&params), SECRET_ID, &key).expect("valid request")
    });
}
