//! The derived-key cache: shared across threads, keyed by (secret, UTC date, service), bounded.

use std::sync::Arc;

use tcredis_core::credentials::Secret;
use tcredis_core::sign::tc3::{self, Payload, SigningKey, SigningKeyCache, SigningParams};
use tcredis_core::time::{UtcDate, utc_date};

fn params(timestamp: u64, service: &str) -> SigningParams<'_> {
    SigningParams {
        method: "POST",
        query: "",
        headers: &[
            ("content-type", "application/json"),
            ("host", "redis.tencentcloudapi.com"),
        ],
        payload: Payload::Bytes(b"{}"),
        timestamp,
        service,
    }
}

#[test]
fn cache_is_shared_safely_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SigningKeyCache>();
    assert_send_sync::<SigningKey>();

    let cache = Arc::new(SigningKeyCache::new());
    let expected = {
        let key = SigningKey::derive(&Secret::new("k"), &utc_date(1_700_000_000), "redis");
        tc3::sign(&params(1_700_000_000, "redis"), "AKID", &key).unwrap()
    };
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let cache = Arc::clone(&cache);
            std::thread::spawn(move || {
                (0..200)
                    .map(|_| {
                        tc3::sign_cached(
                            &params(1_700_000_000, "redis"),
                            "AKID",
                            &Secret::new("k"),
                            &cache,
                        )
                        .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        for signature in thread.join().unwrap() {
            assert_eq!(signature, expected);
        }
    }
    assert_eq!(cache.len(), 1, "one (secret, date, service) -> one entry");
}

#[test]
fn entries_are_per_secret_date_and_service_and_bounded() {
    let cache = SigningKeyCache::new();
    assert!(cache.is_empty());
    let day = 86_400;
    let a = tc3::sign_cached(
        &params(day * 20_000, "redis"),
        "AKID",
        &Secret::new("k1"),
        &cache,
    )
    .unwrap();
    let b = tc3::sign_cached(
        &params(day * 20_000, "redis"),
        "AKID",
        &Secret::new("k2"),
        &cache,
    )
    .unwrap();
    let c = tc3::sign_cached(
        &params(day * 20_000, "sts"),
        "AKID",
        &Secret::new("k1"),
        &cache,
    )
    .unwrap();
    let d = tc3::sign_cached(
        &params(day * 20_001, "redis"),
        "AKID",
        &Secret::new("k1"),
        &cache,
    )
    .unwrap();
    assert_eq!(cache.len(), 4);
    let all = [&a, &b, &c, &d];
    for (i, x) in all.iter().enumerate() {
        for y in &all[i + 1..] {
            assert_ne!(x.signature(), y.signature());
        }
    }
    // A new UTC day derives a new key, and the cache stays bounded.
    for n in 0..20 {
        tc3::sign_cached(
            &params(day * (30_000 + n), "redis"),
            "AKID",
            &Secret::new("k1"),
            &cache,
        )
        .unwrap();
    }
    assert_eq!(cache.len(), SigningKeyCache::CAPACITY);
    // Keys held by callers give the same signature as the cache.
    let key = cache.key(
        &Secret::new("k1"),
        &UtcDate::from_unix(day * 20_000),
        "redis",
    );
    assert_eq!(
        tc3::sign(&params(day * 20_000, "redis"), "AKID", &key).unwrap(),
        a
    );
    assert_eq!(format!("{key:?}"), "SigningKey(***)");
    assert!(!format!("{cache:?}").contains("k1"));
}
