//! The UTC date of a Unix timestamp, as the TC3 credential scope needs it, without allocating.

use std::fmt;

use super::civil::{SECONDS_PER_DAY, civil_from_days};

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
    use crate::time::BeijingTime;

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
