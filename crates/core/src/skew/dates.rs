//! Unit tests of the crate-private skew estimator (moved from `tests/skew_dates.rs`): HTTP
//! dates and skew estimation: a round trip through all three RFC 9110 forms for any
//! instant, `time::http_date::format` agreeing with an independent oracle, and the corrected
//! timestamp landing inside the API's ±300 s window.

use super::{SkewEstimator, describe_offset, estimate_offset};
use crate::time::http_date::{self, parse as parse_http_date};
use proptest::prelude::*;
use tcredis_testkit::time_text::civil_from_days;

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const LONG: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The date and time of `unix` from testkit's independent calendar (the test oracle):
/// (year, month index 0..12, day, hour, minute, second, weekday index from Thursday).
fn civil(unix: i64) -> (i64, usize, i64, i64, i64, i64, usize) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let weekday = days.rem_euclid(7) as usize;
    (
        y,
        m as usize - 1,
        i64::from(d),
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        weekday,
    )
}

proptest! {
    #[test]
    fn all_three_forms_round_trip(unix in 0i64..4_102_444_800) {
        let (y, m, d, hh, mm, ss, wd) = civil(unix);
        let imf = format!("{}, {d:02} {} {y} {hh:02}:{mm:02}:{ss:02} GMT", DAYS[wd], MONTHS[m]);
        prop_assert_eq!(parse_http_date(&imf), Ok(unix));
        prop_assert_eq!(http_date::format(unix), imf);
        let asctime = format!("{} {} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}", DAYS[wd], MONTHS[m]);
        prop_assert_eq!(parse_http_date(&asctime), Ok(unix));
        if (1970..2070).contains(&y) {
            let rfc850 = format!("{}, {d:02}-{}-{:02} {hh:02}:{mm:02}:{ss:02} GMT", LONG[wd], MONTHS[m], y % 100);
            prop_assert_eq!(parse_http_date(&rfc850), Ok(unix));
        }
    }

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,40}") {
        let _ = parse_http_date(&s);
    }

    #[test]
    fn correction_brings_the_timestamp_inside_the_window(
        server_now in 1_500_000_000i64..2_000_000_000,
        client_error in -100_000i64..100_000,
        latency in 0i64..3,
        later in 0i64..60,
    ) {
        // The request was signed with the wrong clock; the server dated its answer `latency`
        // seconds after receiving it.
        let signed_at = server_now + client_error;
        let mut skew = SkewEstimator::new();
        skew.set_offset(estimate_offset(signed_at, server_now + latency));
        // The retry `later` seconds on.
        let local = signed_at + later;
        let corrected = skew.corrected_timestamp(local);
        let server_then = server_now + later;
        prop_assert!((corrected - server_then).abs() <= 3);
    }
}

#[test]
fn offsets_and_words() {
    assert_eq!(estimate_offset(1000, 1412), 412);
    assert_eq!(estimate_offset(1412, 1000), -412);
    assert_eq!(
        describe_offset(-412),
        "your clock is 412 s ahead of the server"
    );
    let mut s = SkewEstimator::new();
    assert_eq!(s.offset(), 0);
    s.set_offset(-7);
    assert_eq!(s.corrected_timestamp(100), 93);
    assert_eq!(
        describe_offset(s.offset()),
        "your clock is 7 s ahead of the server"
    );
}

#[test]
fn offset_from_a_date_header() {
    let server = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
    assert_eq!(server, 784_111_777);
    let mut skew = SkewEstimator::new();
    // The request was signed at local time server - 412: our clock is behind.
    skew.set_offset(estimate_offset(server - 412, server));
    assert_eq!(skew.offset(), 412);
    assert_eq!(skew.corrected_timestamp(server - 400), server + 12);
    assert_eq!(
        describe_offset(skew.offset()),
        "your clock is 412 s behind the server"
    );
    assert!(parse_http_date("yesterday").is_err());
}
