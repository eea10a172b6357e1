//! Beijing wall time (UTC+8, no daylight saving time), the form every API time field uses:
//! `YYYY-MM-DD HH:MM:SS`.

use std::fmt;
use std::str::FromStr;

use super::civil::{CivilDate, SECONDS_PER_DAY, civil_from_days, parse_wall_clock};

/// Beijing time is UTC+8 all year (no daylight saving time).
pub(crate) const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;

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
        let local = parse_wall_clock(b, b" ")?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
