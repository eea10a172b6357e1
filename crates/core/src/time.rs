//! Civil time without a clock: Beijing wall time (UTC+8) as the API writes it, and the UTC date
//! of a Unix timestamp as the TC3 credential scope needs it.
//!
//! Nothing here reads the clock: every instant comes in as Unix seconds. The calendar arithmetic
//! is the proleptic Gregorian calendar via Howard Hinnant's `days_from_civil` /
//! `civil_from_days` algorithms (<https://howardhinnant.github.io/date_algorithms.html>), exact
//! for every `i64` day count this module can produce.
//!
//! ```
//! use tcredis_core::time::{utc_date, BeijingTime};
//!
//! let t = BeijingTime::parse("2019-02-26 00:44:25").unwrap();
//! assert_eq!(t.unix(), 1551113065);
//! assert_eq!(t.to_string(), "2019-02-26 00:44:25");
//! // Beijing is already on the 26th, UTC is still on the 25th: the TC3 scope uses UTC.
//! assert_eq!(utc_date(1551113065), "2019-02-25");
//! ```

use std::fmt;
use std::str::FromStr;

/// Seconds in a civil day.
const SECONDS_PER_DAY: i64 = 86_400;
/// Beijing time is UTC+8 all year (no daylight saving time).
const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;

/// A Beijing wall-clock time (UTC+8), the form every API time field uses:
/// `YYYY-MM-DD HH:MM:SS`.
///
/// It is stored as the Unix instant it names, so comparing and subtracting instants is plain
/// integer arithmetic on [`BeijingTime::unix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingTime {
    unix: i64,
}

/// A time string that is not `YYYY-MM-DD HH:MM:SS` or names no real instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeFormatError {
    /// The text that was refused.
    pub input: String,
}

impl fmt::Display for TimeFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a time of the form YYYY-MM-DD HH:MM:SS (Beijing time, a real calendar \
             date in years 0001-9999, hours 00-23, minutes and seconds 00-59)",
            self.input
        )
    }
}
impl std::error::Error for TimeFormatError {}

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    /// The year (astronomical numbering: year 0 is 1 BC).
    pub year: i64,
    /// The month, 1..=12.
    pub month: u8,
    /// The day of the month, 1..=31.
    pub day: u8,
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1..=12) of `year`; 0 for a month outside 1..=12.
pub fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Hinnant's `days_from_civil`).
///
/// The date is not validated; callers pass a real date (month 1..=12, day within the month).
/// Years must lie within ±10^12 so the arithmetic cannot overflow.
pub fn days_from_civil(date: CivilDate) -> i64 {
    let CivilDate { year, month, day } = date;
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
///
/// Exact for every day count whose magnitude is below 10^15 (far beyond any `i64` of seconds
/// divided by 86 400).
pub fn civil_from_days(days: i64) -> CivilDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // The ranges above are guaranteed by the algorithm, so the narrowing cannot truncate.
    CivilDate {
        year,
        month: month as u8,
        day: day as u8,
    }
}

/// Reads `N` ASCII digits at `at`; `None` on anything else.
fn digits<const N: usize>(bytes: &[u8], at: usize) -> Option<i64> {
    let field = bytes.get(at..at + N)?;
    field.iter().try_fold(0i64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

impl BeijingTime {
    /// Parses `YYYY-MM-DD HH:MM:SS` as Beijing time (UTC+8).
    ///
    /// Strict: exactly 19 characters, ASCII digits of exact width, `-`, ` ` and `:` separators,
    /// a real calendar date (leap years included) in years 0001..=9999, hours 00..=23, minutes
    /// and seconds 00..=59 (no leap seconds, no `T`, no fractional part, no zone suffix).
    pub fn parse(s: &str) -> Result<Self, TimeFormatError> {
        Self::parse_fields(s.as_bytes()).ok_or_else(|| TimeFormatError {
            input: s.to_owned(),
        })
    }

    fn parse_fields(b: &[u8]) -> Option<Self> {
        let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
        if b.len() != 19 || separators.iter().any(|&(at, sep)| b[at] != sep) {
            return None;
        }
        let year = digits::<4>(b, 0)?;
        let month = digits::<2>(b, 5)?;
        let day = digits::<2>(b, 8)?;
        let hour = digits::<2>(b, 11)?;
        let minute = digits::<2>(b, 14)?;
        let second = digits::<2>(b, 17)?;
        if year < 1 || !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let month = month as u8; // 1..=12 checked above
        if day < 1 || day > i64::from(days_in_month(year, month)) {
            return None;
        }
        let date = CivilDate {
            year,
            month,
            day: day as u8,
        };
        let local = days_from_civil(date) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
        Some(Self {
            unix: local - BEIJING_OFFSET_SECONDS,
        })
    }

    /// The Beijing time of a Unix timestamp (seconds). Every `i64` is accepted.
    pub fn from_unix(unix: i64) -> Self {
        Self { unix }
    }

    /// Unix seconds.
    pub fn unix(self) -> i64 {
        self.unix
    }

    /// The Beijing calendar date and the seconds into that day (0..86 400).
    pub fn civil(self) -> (CivilDate, u32) {
        // i128 so that i64::MAX + 8 h cannot overflow.
        let local = i128::from(self.unix) + i128::from(BEIJING_OFFSET_SECONDS);
        let day_seconds = i128::from(SECONDS_PER_DAY);
        let days = local.div_euclid(day_seconds);
        let secs = local.rem_euclid(day_seconds);
        // |days| < 2^63 / 86400 + 1, so it fits an i64; secs < 86400 fits a u32.
        (civil_from_days(days as i64), secs as u32)
    }
}

impl FromStr for BeijingTime {
    type Err = TimeFormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for BeijingTime {
    /// `YYYY-MM-DD HH:MM:SS` in Beijing time (years outside 0..=9999 print with more digits
    /// or a sign and are then not parseable back).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (date, secs) = self.civil();
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            date,
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

impl fmt::Display for CivilDate {
    /// `YYYY-MM-DD` (the year zero-padded to four digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Capacity of [`UtcDate`]: a `u64` of seconds reaches year 584 554 051 223 (12 digits), plus
/// `-MM-DD`.
const UTC_DATE_CAPACITY: usize = 18;

/// The UTC date of a Unix timestamp as `YYYY-MM-DD` text, held on the stack.
///
/// This is the non-allocating form of [`utc_date`], used on the signing hot path.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UtcDate {
    buf: [u8; UTC_DATE_CAPACITY],
    len: u8,
}

impl UtcDate {
    /// The UTC calendar date of `unix` (seconds since 1970-01-01T00:00:00Z).
    pub fn from_unix(unix: u64) -> Self {
        // u64 / 86400 < 2^47, so the i64 conversion is exact.
        let date = civil_from_days((unix / SECONDS_PER_DAY as u64) as i64);
        let mut buf = [b'0'; UTC_DATE_CAPACITY];
        if date.year <= 9999 {
            // The usual case, without loops: YYYY-MM-DD.
            let y = date.year as u16; // 1970..=9999 for u64 input
            buf[..10].copy_from_slice(&[
                b'0' + (y / 1000) as u8,
                b'0' + (y / 100 % 10) as u8,
                b'0' + (y / 10 % 10) as u8,
                b'0' + (y % 10) as u8,
                b'-',
                b'0' + date.month / 10,
                b'0' + date.month % 10,
                b'-',
                b'0' + date.day / 10,
                b'0' + date.day % 10,
            ]);
            return Self { buf, len: 10 };
        }
        // Year: at least four digits, zero-padded.
        let mut year_digits = [0u8; 12];
        let mut n = 0;
        let mut y = date.year as u64; // never negative for u64 input
        loop {
            year_digits[n] = b'0' + (y % 10) as u8;
            n += 1;
            y /= 10;
            if y == 0 {
                break;
            }
        }
        let width = n.max(4);
        for i in 0..n {
            buf[width - 1 - i] = year_digits[i];
        }
        let mut at = width;
        for (sep, value) in [(b'-', date.month), (b'-', date.day)] {
            buf[at] = sep;
            buf[at + 1] = b'0' + value / 10;
            buf[at + 2] = b'0' + value % 10;
            at += 3;
        }
        Self { buf, len: at as u8 }
    }

    /// The date as `YYYY-MM-DD`.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and '-' are ever written.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The date as ASCII bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

impl fmt::Display for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UtcDate({})", self.as_str())
    }
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp, as the TC3 credential scope uses.
///
/// See [`UtcDate::from_unix`] for a form that does not allocate.
pub fn utc_date(unix: u64) -> String {
    UtcDate::from_unix(unix).as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_many_years() {
        // Every day from 1600-01-01 to 2500-12-31 round-trips and advances by exactly one.
        let start = days_from_civil(CivilDate {
            year: 1600,
            month: 1,
            day: 1,
        });
        let end = days_from_civil(CivilDate {
            year: 2500,
            month: 12,
            day: 31,
        });
        let mut prev = civil_from_days(start - 1);
        for days in start..=end {
            let date = civil_from_days(days);
            assert_eq!(days_from_civil(date), days);
            assert!(date > prev, "{date} after {prev}");
            assert!(date.day >= 1 && date.day <= days_in_month(date.year, date.month));
            prev = date;
        }
    }

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(
            days_from_civil(CivilDate {
                year: 1970,
                month: 1,
                day: 1
            }),
            0
        );
        assert_eq!(
            civil_from_days(0),
            CivilDate {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            civil_from_days(-1),
            CivilDate {
                year: 1969,
                month: 12,
                day: 31
            }
        );
        assert_eq!(
            days_from_civil(CivilDate {
                year: 2000,
                month: 3,
                day: 1
            }),
            11_017
        );
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
    }

    #[test]
    fn parse_accepts_real_times_as_utc_plus_8() {
        let t = BeijingTime::parse("1970-01-01 08:00:00").unwrap();
        assert_eq!(t.unix(), 0);
        assert_eq!(
            BeijingTime::parse("2019-02-26 00:44:25").unwrap().unix(),
            1_551_113_065
        );
        assert_eq!(
            BeijingTime::parse("2024-02-29 23:59:59")
                .unwrap()
                .to_string(),
            "2024-02-29 23:59:59"
        );
        assert_eq!(
            BeijingTime::parse("2000-02-29 00:00:00")
                .unwrap()
                .to_string(),
            "2000-02-29 00:00:00"
        );
        assert_eq!(
            BeijingTime::parse("0001-01-01 00:00:00")
                .unwrap()
                .to_string(),
            "0001-01-01 00:00:00"
        );
        assert_eq!(
            BeijingTime::parse("9999-12-31 23:59:59")
                .unwrap()
                .to_string(),
            "9999-12-31 23:59:59"
        );
        assert_eq!(
            "1970-01-01 07:59:59".parse::<BeijingTime>().unwrap().unix(),
            -1
        );
    }

    #[test]
    fn parse_refuses_everything_else() {
        for bad in [
            "",
            "2024-02-30 00:00:00",
            "2023-02-29 00:00:00",
            "1900-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-00-01 00:00:00",
            "2024-01-00 00:00:00",
            "2024-04-31 00:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01 23:60:00",
            "2024-01-01 23:59:60",
            "0000-01-01 00:00:00",
            "2024-1-01 00:00:00",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00 ",
            " 2024-01-01 00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01 00:00",
            "2024/01/01 00:00:00",
            "+024-01-01 00:00:00",
            "2024-01-01 0-:00:00",
            "２０２４-01-01 00:00",
        ] {
            let err = BeijingTime::parse(bad).unwrap_err();
            assert_eq!(err.input, bad);
            assert!(err.to_string().contains("YYYY-MM-DD HH:MM:SS"));
        }
    }

    #[test]
    fn display_round_trips_and_never_panics_at_extremes() {
        for unix in [
            0,
            1,
            -1,
            1_551_113_065,
            253_402_300_799 - 8 * 3600,
            -62_135_596_800 - 8 * 3600,
        ] {
            let t = BeijingTime::from_unix(unix);
            assert_eq!(BeijingTime::parse(&t.to_string()).unwrap(), t);
        }
        assert!(!BeijingTime::from_unix(i64::MAX).to_string().is_empty());
        assert!(!BeijingTime::from_unix(i64::MIN).to_string().is_empty());
    }

    #[test]
    fn beijing_midnight_to_eight_is_the_previous_utc_date() {
        // 2024-03-01 00:00:00 .. 07:59:59 Beijing is still 2024-02-29 in UTC (leap day).
        let midnight = BeijingTime::parse("2024-03-01 00:00:00").unwrap().unix();
        for offset in [0, 1, 3600, 7 * 3600 + 3599] {
            assert_eq!(utc_date((midnight + offset) as u64), "2024-02-29");
        }
        assert_eq!(utc_date((midnight + 8 * 3600) as u64), "2024-03-01");
        // The official example: 2019-02-26 00:44:25 Beijing is dated 2019-02-25 in the scope.
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        // Year boundary.
        let new_year = BeijingTime::parse("2025-01-01 05:00:00").unwrap().unix();
        assert_eq!(utc_date(new_year as u64), "2024-12-31");
    }

    #[test]
    fn utc_date_edges() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(86_399), "1970-01-01");
        assert_eq!(utc_date(86_400), "1970-01-02");
        assert_eq!(utc_date(1_640_995_200), "2022-01-01");
        assert_eq!(utc_date(253_402_300_799), "9999-12-31");
        assert_eq!(utc_date(253_402_300_800), "10000-01-01");
        let max = UtcDate::from_unix(u64::MAX);
        assert_eq!(max.as_str(), "584554051223-11-09");
        assert_eq!(format!("{max:?}"), format!("UtcDate({max})"));
    }
}
