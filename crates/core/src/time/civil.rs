//! The proleptic Gregorian calendar: leap years, month lengths, and day counts since
//! 1970-01-01 both ways via Howard Hinnant's `days_from_civil` / `civil_from_days`
//! (<https://howardhinnant.github.io/date_algorithms.html>), exact for every `i64` day count the
//! other time modules can produce. Also the field readers and the civil-date-and-time-of-day to
//! Unix seconds step the parsers share.

use std::fmt;

/// Seconds in a civil day.
pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

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

impl fmt::Display for CivilDate {
    /// `YYYY-MM-DD` (the year zero-padded to four digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A validated calendar date: `None` unless `month` is 1..=12 and `day` exists in that month.
pub(super) fn checked_date(year: i64, month: i64, day: i64) -> Option<CivilDate> {
    if !(1..=12).contains(&month) {
        return None;
    }
    let month = month as u8; // 1..=12 checked above
    if day < 1 || day > i64::from(days_in_month(year, month)) {
        return None;
    }
    Some(CivilDate {
        year,
        month,
        day: day as u8,
    })
}

/// A validated time of day in seconds: `None` unless hours 0..=23, minutes and seconds 0..=59.
pub(super) fn checked_time_of_day(hour: i64, minute: i64, second: i64) -> Option<i64> {
    ((0..24).contains(&hour) && (0..60).contains(&minute) && (0..60).contains(&second))
        .then_some(hour * 3600 + minute * 60 + second)
}

/// Seconds since the epoch of a wall clock reading `date` at `second_of_day` (UTC when the
/// clock is UTC; subtract the zone's offset otherwise).
pub(super) fn wall_seconds(date: CivilDate, second_of_day: i64) -> i64 {
    days_from_civil(date) * SECONDS_PER_DAY + second_of_day
}

/// Reads `YYYY-MM-DD?HH:MM:SS` (exactly 19 bytes, `?` one of `separators`) as a wall-clock
/// reading: a real calendar date in years 0001..=9999, hours 00..=23, minutes and seconds
/// 00..=59 (no leap second). Returns its seconds since the epoch of that wall clock.
pub(super) fn parse_wall_clock(b: &[u8], separators: &[u8]) -> Option<i64> {
    let fixed = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if b.len() != 19 || fixed.iter().any(|&(at, sep)| b[at] != sep) || !separators.contains(&b[10])
    {
        return None;
    }
    let year = digits::<4>(b, 0)?;
    if year < 1 {
        return None;
    }
    let date = checked_date(year, digits::<2>(b, 5)?, digits::<2>(b, 8)?)?;
    let time = checked_time_of_day(
        digits::<2>(b, 11)?,
        digits::<2>(b, 14)?,
        digits::<2>(b, 17)?,
    )?;
    Some(wall_seconds(date, time))
}

/// Reads `N` ASCII digits at `at`; `None` on anything else.
pub(super) fn digits<const N: usize>(bytes: &[u8], at: usize) -> Option<i64> {
    let field = bytes.get(at..at + N)?;
    field.iter().try_fold(0i64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
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
}
