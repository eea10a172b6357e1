//! Clock and calendar edges: the UTC date change (the credential-scope date follows the
//! request timestamp's UTC date, and the derived-key cache rolls over), Beijing midnight (00:00 to
//! 08:00 Beijing is still the previous UTC date), and the 30-day window edges of request
//! validation (exactly 30 days accepted, one second more refused).

use tcredis_core::credentials::Secret;
use tcredis_core::request::{DescribeInstanceBackupsRequest, ValidationError};
use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache, SigningParams};
use tcredis_core::sign::verify::{self, Tc3Request, VerifyErrorKind, VerifyOptions};
use tcredis_core::time::{BeijingTime, UtcDate, utc_date};

const SECRET: &str = "tcredis-test-secret-DO-NOT-PRINT-clock-Hq3v";
const ID: &str = "AKIDCLOCK0000000000000000000000000000";
/// 2026-11-27 23:59:59 UTC.
const LAST_SECOND: u64 = 1795823999;

fn lookup(id: &str) -> Option<(Secret, Option<Secret>)> {
    (id == ID).then(|| (Secret::new(SECRET), None))
}

fn params(timestamp: u64) -> SigningParams<'static> {
    SigningParams {
        method: "POST",
        query: "",
        headers: &[
            ("content-type", "application/json"),
            ("host", "redis.tencentcloudapi.com"),
        ],
        payload: Payload::Bytes(b"{}"),
        timestamp,
        service: "redis",
    }
}

fn verify_at(authorization: &str, timestamp: u64, now: u64) -> Result<(), VerifyErrorKind> {
    let ts = timestamp.to_string();
    let headers: &[(&str, &[u8])] = &[
        ("Content-Type", b"application/json"),
        ("X-TC-Timestamp", ts.as_bytes()),
        ("Authorization", authorization.as_bytes()),
    ];
    let request = Tc3Request {
        method: "POST",
        host: "redis.tencentcloudapi.com",
        query: "",
        headers,
        body: b"{}",
    };
    verify::verify_tc3(&request, now, &VerifyOptions::strict("redis"), lookup)
        .map(|_| ())
        .map_err(|e| e.kind())
}

#[test]
fn the_scope_date_changes_at_utc_midnight_and_the_key_cache_rolls_over() {
    assert_eq!(utc_date(LAST_SECOND), "2026-11-27");
    assert_eq!(utc_date(LAST_SECOND + 1), "2026-11-28");
    let cache = SigningKeyCache::new();
    let secret = Secret::new(SECRET);
    let before = tc3::sign_cached(&params(LAST_SECOND), ID, &secret, &cache).unwrap();
    assert!(
        before
            .authorization()
            .contains("/2026-11-27/redis/tc3_request")
    );
    assert_eq!(cache.len(), 1);
    let after = tc3::sign_cached(&params(LAST_SECOND + 1), ID, &secret, &cache).unwrap();
    assert!(
        after
            .authorization()
            .contains("/2026-11-28/redis/tc3_request")
    );
    assert_eq!(cache.len(), 2, "a new UTC date derives a new key");
    // The cached result equals a fresh derivation on both sides of midnight.
    for ts in [LAST_SECOND, LAST_SECOND + 1] {
        let fresh = tc3::sign_cached(&params(ts), ID, &secret, &SigningKeyCache::new()).unwrap();
        let cached = tc3::sign_cached(&params(ts), ID, &secret, &cache).unwrap();
        assert_eq!(fresh.authorization(), cached.authorization());
    }
    assert_eq!(cache.len(), 2, "repeats hit the cache");
    // The key cache is keyed by date: the same day's key is reused, a different day's is not.
    let k1 = cache.key(&secret, &UtcDate::from_unix(LAST_SECOND), "redis");
    let k2 = cache.key(&secret, &UtcDate::from_unix(LAST_SECOND - 86_399), "redis");
    assert_eq!(format!("{k1:?}"), format!("{k2:?}"));
    assert!(
        !format!("{k1:?}").contains(SECRET),
        "a derived key's Debug shows no secret"
    );

    // The server checks the scope against the *request* timestamp, not its own date: a request
    // signed at 23:59:59 and received at 00:00:05 the next UTC day verifies, and so does one
    // signed at 00:00:00 received at 23:59:58 the day before.
    assert_eq!(
        verify_at(before.authorization(), LAST_SECOND, LAST_SECOND + 6),
        Ok(())
    );
    assert_eq!(
        verify_at(after.authorization(), LAST_SECOND + 1, LAST_SECOND - 1),
        Ok(())
    );
    // A scope date that does not match the timestamp's UTC date is refused.
    let lying = before.authorization().replace("2026-11-27", "2026-11-28");
    assert!(verify_at(&lying, LAST_SECOND, LAST_SECOND).is_err());
}

#[test]
fn beijing_early_morning_is_the_previous_utc_date() {
    // 2026-11-28 00:00:00 .. 07:59:59 Beijing = 2026-11-27 16:00:00 .. 23:59:59 UTC.
    let bj_midnight = BeijingTime::parse("2026-11-28 00:00:00").unwrap();
    assert_eq!(bj_midnight.unix(), LAST_SECOND as i64 + 1 - 8 * 3600);
    for offset in [0, 1, 3600, 7 * 3600 + 3599] {
        let t = bj_midnight.unix() + offset;
        assert!(
            BeijingTime::from_unix(t)
                .to_string()
                .starts_with("2026-11-28 0")
        );
        assert_eq!(utc_date(t as u64), "2026-11-27", "Beijing +{offset}s");
        let signed = tc3::sign_cached(
            &params(t as u64),
            ID,
            &Secret::new(SECRET),
            &SigningKeyCache::new(),
        )
        .unwrap();
        assert!(signed.authorization().contains("/2026-11-27/redis/"));
        assert_eq!(
            verify_at(signed.authorization(), t as u64, t as u64),
            Ok(())
        );
    }
    // 08:00 Beijing is the UTC date change.
    let eight = BeijingTime::parse("2026-11-28 08:00:00").unwrap().unix() as u64;
    assert_eq!(eight, LAST_SECOND + 1);
    assert_eq!(utc_date(eight), "2026-11-28");
    // Round trip of the Beijing wall time over the whole boundary hour.
    for t in (bj_midnight.unix() - 3600)..(bj_midnight.unix() + 3600) {
        let text = BeijingTime::from_unix(t).to_string();
        assert_eq!(BeijingTime::parse(&text).unwrap().unix(), t);
    }
}

#[test]
fn the_thirty_day_window_edge_is_exact() {
    let window = |begin: &str, end: &str| {
        let mut r = DescribeInstanceBackupsRequest::new();
        r.begin_time = Some(begin.to_owned());
        r.end_time = Some(end.to_owned());
        r.validate()
    };
    // Exactly 30 days, across the Beijing/UTC date lines and a month end.
    assert!(window("2026-10-29 00:00:00", "2026-11-28 00:00:00").is_ok());
    assert!(window("2026-10-28 23:59:59", "2026-11-27 23:59:59").is_ok());
    assert!(
        window("2024-02-01 08:00:00", "2024-03-02 08:00:00").is_ok(),
        "leap February"
    );
    // 30 days + 1 s.
    match window("2026-10-28 23:59:59", "2026-11-28 00:00:00") {
        Err(ValidationError::WindowTooLong { seconds, .. }) => assert_eq!(seconds, 30 * 86_400 + 1),
        other => panic!("expected WindowTooLong, got {other:?}"),
    }
    let err = window("2024-02-01 08:00:00", "2024-03-02 08:00:01").unwrap_err();
    assert!(
        err.to_string().contains("accepted at most 30 days"),
        "{err}"
    );
    // A zero-length window is fine; a reversed one is not.
    assert!(window("2026-11-28 00:00:00", "2026-11-28 00:00:00").is_ok());
    assert!(matches!(
        window("2026-11-28 00:00:01", "2026-11-28 00:00:00"),
        Err(ValidationError::BeginAfterEnd { .. })
    ));
}

#[test]
fn the_plus_minus_300_second_window_is_inclusive() {
    let t = LAST_SECOND;
    let signed = tc3::sign_cached(
        &params(t),
        ID,
        &Secret::new(SECRET),
        &SigningKeyCache::new(),
    )
    .unwrap();
    assert_eq!(verify_at(signed.authorization(), t, t + 300), Ok(()));
    assert_eq!(verify_at(signed.authorization(), t, t - 300), Ok(()));
    assert_eq!(
        verify_at(signed.authorization(), t, t + 301),
        Err(VerifyErrorKind::SignatureExpire)
    );
    assert_eq!(
        verify_at(signed.authorization(), t, t - 301),
        Err(VerifyErrorKind::SignatureExpire)
    );
}
