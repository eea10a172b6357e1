//! The mock's clock edges: the 30-day window (exactly 30 days accepted, 30 days + 1 s refused
//! with `InvalidParameter.InvalidParameter`, as core validation does), the ±300 s signature
//! window checked against the request's own timestamp across the UTC date change, and
//! Beijing-midnight windows (00:00 to 08:00 Beijing is the previous UTC date).

use std::time::{Duration, UNIX_EPOCH};

use tcredis_core::call::{self, CallOptions};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::parse_response;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::time::BeijingTime;
use tcredis_mock::handler::Handler;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig};

/// 2026-11-28 00:00:00 UTC (08:00 Beijing).
const UTC_MIDNIGHT: u64 = 1_795_824_000;

fn mock(now: u64) -> Handler {
    let config = MockConfig::new()
        .demo()
        .rate_limit(0)
        .random_seed(1)
        .now_override(now as i64);
    Handler::new(&config, UNIX_EPOCH + Duration::from_secs(now)).unwrap()
}

/// The error code (None for a page) of `request` signed at `signed_at`, received at `now`.
fn ask(
    mock: &Handler,
    request: &DescribeInstanceBackupsRequest,
    signed_at: u64,
    now: u64,
) -> Option<String> {
    let signed = call::describe_instance_backups(
        &Endpoint::parse("http://127.0.0.1:9").unwrap(),
        request,
        &CallOptions {
            region: Some("ap-guangzhou"),
            ..CallOptions::default()
        },
        signed_at,
        &Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap(),
        &SigningKeyCache::new(),
        false,
    )
    .unwrap();
    let outcome = mock.handle(&signed.request, UNIX_EPOCH + Duration::from_secs(now));
    parse_response(outcome.response.body())
        .err()
        .map(|e| e.api_error().expect("API error").code().as_str().to_owned())
}

fn window(begin: &str, end: &str) -> DescribeInstanceBackupsRequest {
    DescribeInstanceBackupsRequest::builder()
        .begin_time(begin)
        .end_time(end)
        .build()
}

#[test]
fn the_thirty_day_edge_matches_core_validation() {
    assert_eq!(
        BeijingTime::from_unix(UTC_MIDNIGHT as i64).to_string(),
        "2026-11-28 08:00:00"
    );
    let m = mock(UTC_MIDNIGHT);
    let cases = [
        ("2026-10-29 08:00:00", "2026-11-28 08:00:00", true),
        ("2026-10-29 07:59:59", "2026-11-28 08:00:00", false),
        ("2026-10-28 23:59:59", "2026-11-27 23:59:59", true),
        ("2026-10-28 23:59:59", "2026-11-28 00:00:00", false),
        ("2024-02-01 00:00:00", "2024-03-02 00:00:00", true),
        ("2024-02-01 00:00:00", "2024-03-02 00:00:01", false),
        ("2026-11-28 00:00:00", "2026-11-28 00:00:00", true),
    ];
    for (begin, end, accepted) in cases {
        let request = window(begin, end);
        let core = request.validate().is_ok();
        let code = ask(&m, &request, UTC_MIDNIGHT, UTC_MIDNIGHT);
        assert_eq!(core, accepted, "core on {begin} .. {end}");
        if accepted {
            assert_eq!(code, None, "mock on {begin} .. {end}");
        } else {
            assert_eq!(
                code.as_deref(),
                Some("InvalidParameter.InvalidParameter"),
                "mock on {begin} .. {end}"
            );
        }
    }
}

#[test]
fn the_signature_window_follows_the_request_timestamp_across_utc_midnight() {
    let m = mock(UTC_MIDNIGHT);
    let any = DescribeInstanceBackupsRequest::new();
    let last_second = UTC_MIDNIGHT - 1; // 2026-11-27 23:59:59 UTC, scope date 2026-11-27
    // Signed yesterday (UTC), received today: accepted within ±300 s.
    assert_eq!(ask(&m, &any, last_second, UTC_MIDNIGHT + 5), None);
    assert_eq!(ask(&m, &any, UTC_MIDNIGHT, last_second), None);
    assert_eq!(ask(&m, &any, last_second - 299, UTC_MIDNIGHT), None);
    assert_eq!(ask(&m, &any, UTC_MIDNIGHT - 300, UTC_MIDNIGHT), None);
    assert_eq!(
        ask(&m, &any, UTC_MIDNIGHT - 301, UTC_MIDNIGHT).as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    assert_eq!(
        ask(&m, &any, UTC_MIDNIGHT + 301, UTC_MIDNIGHT).as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
    // A client a day off is refused (the transport corrects it; see its clock tests).
    assert_eq!(
        ask(&m, &any, UTC_MIDNIGHT - 86_400, UTC_MIDNIGHT).as_deref(),
        Some("AuthFailure.SignatureExpire")
    );
}

#[test]
fn beijing_early_morning_windows_list_the_right_backups() {
    // Mock "now" at 03:00 Beijing = 19:00 UTC the previous day: the demo data is anchored at
    // Beijing days, and a window of today's Beijing date (still yesterday in UTC) is accepted
    // and answered.
    let now = UTC_MIDNIGHT - 5 * 3600; // 2026-11-28 03:00:00 Beijing
    assert_eq!(
        BeijingTime::from_unix(now as i64).to_string(),
        "2026-11-28 03:00:00"
    );
    let m = mock(now);
    let today = window("2026-11-28 00:00:00", "2026-11-28 03:00:00");
    assert_eq!(ask(&m, &today, now, now), None);
    let month = window("2026-10-29 03:00:00", "2026-11-28 03:00:00");
    assert_eq!(ask(&m, &month, now, now), None);
}
