//! HTTP dates (RFC 9110 §5.6.7): [`parse`] reads the three forms a `Date` header may take,
//! [`format()`] writes the preferred one (IMF-fixdate), as a server's `Date` header carries it.
//!
//! ```
//! use tcredis_core::time::http_date;
//!
//! assert_eq!(http_date::parse("Sun, 06 Nov 1994 08:49:37 GMT"), Ok(784_111_777));
//! assert_eq!(http_date::parse("Sunday, 06-Nov-94 08:49:37 GMT"), Ok(784_111_777));
//! assert_eq!(http_date::parse("Sun Nov  6 08:49:37 1994"), Ok(784_111_777));
//! assert_eq!(http_date::format(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
//! ```

use std::fmt;

use super::civil::{CivilDate, SECONDS_PER_DAY, checked_date, civil_from_days, days_from_civil};

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
pub fn parse(input: &str) -> Result<i64, HttpDateError> {
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

/// Unix seconds of a UTC civil date and a second of the day; `None` for a day the month lacks.
fn civil_to_unix(year: i64, month: u32, day: i64, second_of_day: i64) -> Option<i64> {
    let date = checked_date(year, i64::from(month), day)?;
    Some(days_from_civil(date) * SECONDS_PER_DAY + second_of_day)
}

/// Formats Unix seconds as an IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (what a `Date`
/// header carries). Years outside 0..=9999 come out with more digits or a sign, which no HTTP
/// date form allows; [`parse`] refuses them.
pub fn format(unix: i64) -> String {
    let days = unix.div_euclid(SECONDS_PER_DAY);
    let secs = unix.rem_euclid(SECONDS_PER_DAY);
    let CivilDate { year, month, day } = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 3 with Monday = 0).
    let weekday = SHORT_DAYS[(days + 3).rem_euclid(7) as usize];
    format!(
        "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        MONTHS[usize::from(month) - 1],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms_of_rfc_9110() {
        let expected = 784_111_777;
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Ok(expected));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Ok(expected));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Ok(expected));
        assert_eq!(
            parse("Sun Nov 16 08:49:37 1994"),
            Ok(expected + 10 * 86_400)
        );
    }

    #[test]
    fn known_instants() {
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), Ok(0));
        assert_eq!(parse("Tue, 29 Feb 2000 12:00:00 GMT"), Ok(951_825_600));
        assert_eq!(parse("Fri, 27 Nov 2026 22:52:33 GMT"), Ok(1_795_819_953));
        assert_eq!(parse("Friday, 27-Nov-26 22:52:33 GMT"), Ok(1_795_819_953));
        assert_eq!(parse("  Wed, 31 Dec 1969 23:59:59 GMT "), Ok(-1));
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
            let e = parse(bad).unwrap_err();
            assert!(e.to_string().contains("IMF-fixdate"), "{bad}");
        }
    }

    #[test]
    fn formats_imf_fixdate_with_the_right_weekday() {
        assert_eq!(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(format(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(format(951_825_600), "Tue, 29 Feb 2000 12:00:00 GMT");
        assert_eq!(format(1_795_819_953), "Fri, 27 Nov 2026 22:52:33 GMT");
        // Every day for 1,100 years, at a varying second: format then parse is the identity.
        let start = -2_208_988_800; // 1900-01-01
        for day in 0..(1100 * 366) {
            let unix = start + day * SECONDS_PER_DAY + (day * 7919) % SECONDS_PER_DAY;
            if unix > 253_402_300_799 {
                break; // past 9999-12-31
            }
            assert_eq!(parse(&format(unix)), Ok(unix), "{unix}");
        }
    }
}
