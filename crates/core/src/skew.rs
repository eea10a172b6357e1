//! Clock-skew estimation from a response `Date` header, for `AuthFailure.SignatureExpire`
//! recovery.
//!
//! The API refuses a request whose `X-TC-Timestamp` is more than 300 s away from the server's
//! clock. When that happens, the response's HTTP `Date` header tells how far off the local
//! clock is; [`SkewEstimator`] remembers the offset and yields corrected timestamps for the
//! retry (and for later requests of the same client).
//!
//! All times are Unix seconds passed in by the caller; nothing here reads a clock.
//!
//! ```
//! use tcredis_core::skew::{parse_http_date, SkewEstimator};
//!
//! let server = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
//! assert_eq!(server, 784_111_777);
//! let mut skew = SkewEstimator::new();
//! // The request was signed at local time server - 412: our clock is behind.
//! let offset = skew.observe(server - 412, server);
//! assert_eq!(offset, 412);
//! assert_eq!(skew.corrected_timestamp(server - 400), server + 12);
//! assert_eq!(skew.describe(), "your clock is 412 s behind the server");
//! ```

use std::fmt;

/// A `Date` header value that is none of the three HTTP date forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpDateError {
    input: String,
}

impl HttpDateError {
    /// The refused text (a `Date` header is never secret).
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for HttpDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an HTTP date; accepted forms are IMF-fixdate \
             (\"Sun, 06 Nov 1994 08:49:37 GMT\"), RFC 850 (\"Sunday, 06-Nov-94 08:49:37 GMT\") \
             and asctime (\"Sun Nov  6 08:49:37 1994\")",
            self.input.chars().take(64).collect::<String>()
        )
    }
}

impl std::error::Error for HttpDateError {}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SHORT_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Parses an HTTP date (RFC 9110 §5.6.7) to Unix seconds: IMF-fixdate, the obsolete RFC 850
/// form and asctime. Surrounding white space is ignored; the weekday name must be valid but is
/// not cross-checked. RFC 850's two-digit years are read as 1970–2069 (no clock is consulted).
pub fn parse_http_date(input: &str) -> Result<i64, HttpDateError> {
    let err = || HttpDateError {
        input: input.to_owned(),
    };
    let s = input.trim();
    let parsed = if let Some((day, rest)) = s.split_once(", ") {
        if SHORT_DAYS.contains(&day) {
            parse_imf(rest)
        } else if LONG_DAYS.contains(&day) {
            parse_rfc850(rest)
        } else {
            None
        }
    } else {
        parse_asctime(s)
    };
    parsed.ok_or_else(err)
}

fn digits(s: &str, len: usize) -> Option<i64> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn month(s: &str) -> Option<u32> {
    MONTHS.iter().position(|m| *m == s).map(|i| i as u32 + 1)
}

fn clock(s: &str) -> Option<i64> {
    let mut it = s.split(':');
    let (h, m, sec) = (
        digits(it.next()?, 2)?,
        digits(it.next()?, 2)?,
        digits(it.next()?, 2)?,
    );
    if it.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // A leap second (60) is folded into the next minute, as most libraries do.
    Some(h * 3600 + m * 60 + sec)
}

/// `06 Nov 1994 08:49:37 GMT`
fn parse_imf(rest: &str) -> Option<i64> {
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, mon, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    civil_to_unix(digits(year, 4)?, month(mon)?, digits(day, 2)?, clock(time)?)
}

/// `06-Nov-94 08:49:37 GMT`
fn parse_rfc850(rest: &str) -> Option<i64> {
    let parts: Vec<&str> = rest.split(' ').collect();
    let [date, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let dparts: Vec<&str> = date.split('-').collect();
    let [day, mon, yy] = dparts.as_slice() else {
        return None;
    };
    let yy = digits(yy, 2)?;
    let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
    civil_to_unix(year, month(mon)?, digits(day, 2)?, clock(time)?)
}

/// `Sun Nov  6 08:49:37 1994` (day padded with a space to two characters)
fn parse_asctime(s: &str) -> Option<i64> {
    let (wday, rest) = s.split_at_checked(4)?;
    if !SHORT_DAYS.contains(&wday.strip_suffix(' ')?) {
        return None;
    }
    let (mon, rest) = rest.split_at_checked(4)?;
    let mon = month(mon.strip_suffix(' ')?)?;
    let (day, rest) = rest.split_at_checked(3)?;
    let day = day.strip_suffix(' ')?;
    let day = match day.strip_prefix(' ') {
        Some(single) => digits(single, 1)?,
        None => digits(day, 2)?,
    };
    let (time, year) = rest.split_once(' ')?;
    civil_to_unix(digits(year, 4)?, mon, day, clock(time)?)
}

fn days_in_month(year: i64, month: u32) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix seconds of a UTC civil date and a second of the day (Hinnant's days-from-civil).
fn civil_to_unix(year: i64, month: u32, day: i64, second_of_day: i64) -> Option<i64> {
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + second_of_day)
}

/// The clock offset (server minus client, seconds) shown by one exchange: the local Unix time
/// at which the request was signed and the server's `Date` (Unix seconds). Positive means the
/// local clock is behind. The estimate is good to a few seconds (`Date` has one-second
/// resolution and includes the network delay), far inside the API's ±300 s window.
pub fn estimate_offset(signed_at_unix: i64, server_date_unix: i64) -> i64 {
    server_date_unix.saturating_sub(signed_at_unix)
}

/// The clock offset shown by a response's `Date` header value, if there is one and it parses.
pub fn offset_from_date_header(signed_at_unix: i64, date_header: Option<&str>) -> Option<i64> {
    let server = parse_http_date(date_header?).ok()?;
    Some(estimate_offset(signed_at_unix, server))
}

/// Words for a clock offset (server minus client): "your clock is 412 s behind the server".
pub fn describe_offset(offset: i64) -> String {
    match offset {
        0 => "your clock agrees with the server".to_owned(),
        o if o > 0 => format!("your clock is {o} s behind the server"),
        o => format!("your clock is {} s ahead of the server", o.unsigned_abs()),
    }
}

/// Remembers the server's clock offset and corrects timestamps with it. One per client: once
/// corrected, every later request is signed with the corrected time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkewEstimator {
    offset: i64,
}

impl SkewEstimator {
    /// No correction yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an exchange (local signing time and server `Date`, both Unix seconds) and
    /// returns the new offset.
    pub fn observe(&mut self, signed_at_unix: i64, server_date_unix: i64) -> i64 {
        self.offset = estimate_offset(signed_at_unix, server_date_unix);
        self.offset
    }

    /// Sets the offset directly (e.g. from [`crate::retry::RetryDecision::RetryNowWithSkew`]).
    pub fn set_offset(&mut self, offset: i64) {
        self.offset = offset;
    }

    /// The current offset, server minus client, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The timestamp to sign with, given the local Unix time.
    pub fn corrected_timestamp(&self, local_unix: i64) -> i64 {
        local_unix.saturating_add(self.offset)
    }

    /// [`describe_offset`] of the current offset.
    pub fn describe(&self) -> String {
        describe_offset(self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_of_rfc_9110() {
        let expected = 784_111_777;
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Ok(expected)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Ok(expected)
        );
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Ok(expected));
        assert_eq!(
            parse_http_date("Sun Nov 16 08:49:37 1994"),
            Ok(expected + 10 * 86_400)
        );
    }

    #[test]
    fn known_instants() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Ok(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT"),
            Ok(951_825_600)
        );
        assert_eq!(
            parse_http_date("Fri, 27 Nov 2026 22:52:33 GMT"),
            Ok(1_795_819_953)
        );
        assert_eq!(
            parse_http_date("Friday, 27-Nov-26 22:52:33 GMT"),
            Ok(1_795_819_953)
        );
        assert_eq!(parse_http_date("  Wed, 31 Dec 1969 23:59:59 GMT "), Ok(-1));
    }

    #[test]
    fn refuses_malformed_dates() {
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun Nov  6 08:49:37",
            "Sun Nov 6 08:49:37 1994",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "1994-11-06T08:49:37Z",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
        ] {
            let e = parse_http_date(bad).unwrap_err();
            assert!(e.to_string().contains("IMF-fixdate"), "{bad}");
        }
    }

    #[test]
    fn describes_offsets() {
        assert_eq!(
            describe_offset(412),
            "your clock is 412 s behind the server"
        );
        assert_eq!(
            describe_offset(-30),
            "your clock is 30 s ahead of the server"
        );
        assert_eq!(describe_offset(0), "your clock agrees with the server");
    }
}
