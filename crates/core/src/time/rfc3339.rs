//! RFC 3339 date-times (`2026-06-01T10:00:00Z`, `2026-06-01T18:00:00+08:00`): what
//! `TCREDIS_NOW`, the mock's clock and STS `Expiration` use. [`parse`] is the one reader the CLI
//! and the mock share; [`format_utc`] writes the `Z` form.
//!
//! ```
//! use tcredis_core::time::rfc3339;
//!
//! assert_eq!(rfc3339::parse("2019-02-25T16:44:25Z"), Ok(1_551_113_065));
//! assert_eq!(rfc3339::parse("2019-02-26T00:44:25+08:00"), Ok(1_551_113_065));
//! assert_eq!(rfc3339::parse("2019-02-25t16:44:25.999z"), Ok(1_551_113_065));
//! assert!(rfc3339::parse("2019-02-25 16:44:25").is_err()); // no offset: not RFC 3339
//! assert_eq!(rfc3339::format_utc(1_551_113_065), "2019-02-25T16:44:25Z");
//! ```

use std::fmt;

use super::civil::{CivilDate, SECONDS_PER_DAY, civil_from_days, digits, parse_wall_clock};

/// Text that is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfc3339Error {
    input: String,
}

impl Rfc3339Error {
    /// The refused text.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for Rfc3339Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an RFC 3339 time; use e.g. 2026-06-01T10:00:00Z or \
             2026-06-01T18:00:00+08:00 (a real date in years 0001-9999, `T` or a space before \
             the time, optional fractional seconds, then `Z` or an offset ±HH:MM)",
            self.input.chars().take(64).collect::<String>()
        )
    }
}

impl std::error::Error for Rfc3339Error {}

/// Parses an RFC 3339 date-time into Unix seconds (fractional seconds are dropped, rounding
/// toward the past).
///
/// Accepted: `YYYY-MM-DD`, then `T`, `t` or a space (RFC 3339 §5.6 allows the space), then
/// `HH:MM:SS`, optional `.` and one or more digits, then `Z`, `z` or `±HH:MM` (hours 00..=23,
/// minutes 00..=59). The date must be real (leap years included) in years 0001..=9999; no
/// leap second. Surrounding white space is ignored.
pub fn parse(text: &str) -> Result<i64, Rfc3339Error> {
    parse_bytes(text.trim().as_bytes()).ok_or_else(|| Rfc3339Error {
        input: text.to_owned(),
    })
}

fn parse_bytes(b: &[u8]) -> Option<i64> {
    let wall = parse_wall_clock(b.get(..19)?, b"Tt ")?;
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &fraction[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [
            sign @ (b'+' | b'-'),
            b'0'..=b'9',
            b'0'..=b'9',
            b':',
            b'0'..=b'9',
            b'0'..=b'9',
        ] => {
            let hours = digits::<2>(rest, 1)?;
            let minutes = digits::<2>(rest, 4)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'+' { offset } else { -offset }
        }
        _ => return None,
    };
    Some(wall - offset)
}

/// Formats Unix seconds as RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ` (STS `Expiration`, the mock's
/// clock). Years outside 0..=9999 come out with more digits or a sign, which [`parse`] refuses.
pub fn format_utc(unix: i64) -> String {
    let CivilDate { year, month, day } = civil_from_days(unix.div_euclid(SECONDS_PER_DAY));
    let secs = unix.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_fractions_and_separators() {
        let t = 1_551_113_065; // 2019-02-25T16:44:25Z
        for text in [
            "2019-02-25T16:44:25Z",
            "2019-02-25t16:44:25z",
            "2019-02-25 16:44:25Z",
            "2019-02-26T00:44:25+08:00",
            "2019-02-25T11:44:25-05:00",
            "2019-02-25T16:44:25-00:00",
            "2019-02-25T16:44:25.123456789Z",
            "2019-02-25T16:44:25.5+00:00",
            "  2019-02-25T16:44:25Z\n",
        ] {
            assert_eq!(parse(text), Ok(t), "{text:?}");
        }
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse("1969-12-31T23:59:59.999Z"), Ok(-1));
        assert_eq!(parse("0001-01-01T00:00:00Z"), Ok(-62_135_596_800));
        assert_eq!(parse("9999-12-31T23:59:59Z"), Ok(253_402_300_799));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Ok(1_709_164_800));
    }

    #[test]
    fn refuses_everything_else_with_a_clear_error() {
        for bad in [
            "",
            "yesterday",
            "last tuesday",
            "2019-02-25",
            "2019-02-25T16:44:25",
            "2019-02-25 16:44:25",
            "2019-02-25T16:44:25+0800",
            "2019-02-25T16:44:25+08",
            "2019-02-25T16:44:25+24:00",
            "2019-02-25T16:44:25+08:60",
            "2019-02-25T16:44:25.Z",
            "2019-02-25T16:44:25ZZ",
            "2019-02-25T16:44:60Z",
            "2019-02-25T24:00:00Z",
            "2019-02-29T00:00:00Z",
            "2019-13-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "2019-2-25T16:44:25Z",
            "2019/02/25T16:44:25Z",
            "2019-02-25X16:44:25Z",
            "２０１９-02-25T16:44:25Z",
            "2019-02-25T16:44:25Zé",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.input(), bad);
            assert!(err.to_string().contains("RFC 3339"), "{err}");
        }
    }

    #[test]
    fn format_round_trips() {
        assert_eq!(format_utc(1_551_113_065), "2019-02-25T16:44:25Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
        for unix in [
            0,
            -62_135_596_800,
            253_402_300_799,
            1_709_164_800,
            1_780_272_000,
        ] {
            assert_eq!(parse(&format_utc(unix)), Ok(unix));
        }
    }
}
