//! Civil-time arithmetic the mock needs without a clock: Beijing wall time (UTC+8) as the API
//! writes it, UTC dates, and RFC 3339 parsing for `TCREDIS_NOW`.

use tcredis_core::time::{BeijingTime, CivilDate, civil_from_days, days_from_civil, days_in_month};

/// Formats a Unix timestamp as Beijing wall time, `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn format_beijing(unix: i64) -> String {
    BeijingTime::from_unix(unix).to_string()
}

/// Parses `YYYY-MM-DD HH:MM:SS` as Beijing wall time; `None` unless the text is exactly that
/// form and names a real instant.
pub(crate) fn parse_beijing(s: &str) -> Option<i64> {
    BeijingTime::parse(s).ok().map(BeijingTime::unix)
}

/// Formats a Unix timestamp as RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ` (STS `Expiration`).
pub(crate) fn format_rfc3339_utc(unix: i64) -> String {
    let CivilDate { year, month, day } = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Reads exactly `n` ASCII digits.
fn digits(s: &[u8], n: usize) -> Option<(u32, &[u8])> {
    if s.len() < n || !s[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = s[..n]
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    Some((value, &s[n..]))
}

fn expect(s: &[u8], byte: u8) -> Option<&[u8]> {
    s.split_first()
        .filter(|(first, _)| **first == byte)
        .map(|(_, rest)| rest)
}

/// Parses `YYYY-MM-DD?HH:MM:SS` (with `sep` between date and time) into seconds since the epoch
/// of that wall clock, plus what follows.
fn parse_wall<'a>(s: &'a [u8], seps: &[u8]) -> Option<(i64, &'a [u8])> {
    let (year, s) = digits(s, 4)?;
    let s = expect(s, b'-')?;
    let (month, s) = digits(s, 2)?;
    let s = expect(s, b'-')?;
    let (day, s) = digits(s, 2)?;
    let (sep, s) = s.split_first()?;
    if !seps.contains(sep) {
        return None;
    }
    let (hour, s) = digits(s, 2)?;
    let s = expect(s, b':')?;
    let (minute, s) = digits(s, 2)?;
    let s = expect(s, b':')?;
    let (second, s) = digits(s, 2)?;
    let year = i64::from(year);
    if !(1..=12).contains(&month)
        || day == 0
        || day > u32::from(days_in_month(year, month as u8))
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let secs = days_from_civil(CivilDate {
        year,
        month: month as u8,
        day: day as u8,
    }) * 86_400
        + i64::from(hour * 3600 + minute * 60 + second);
    Some((secs, s))
}

/// Parses an RFC 3339 date-time (`2026-05-01T10:00:00Z`, `...+08:00`, fractional seconds
/// ignored) into Unix seconds.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let (secs, mut rest) = parse_wall(s.as_bytes(), b"Tt ")?;
    if let Some(after_dot) = expect(rest, b'.') {
        let n = after_dot.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &after_dot[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (hours, tail) = digits(tail, 2)?;
            let tail = expect(tail, b':')?;
            let (minutes, tail) = digits(tail, 2)?;
            if !tail.is_empty() || hours > 23 || minutes > 59 {
                return None;
            }
            let offset = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'+' { offset } else { -offset }
        }
        _ => return None,
    };
    Some(secs - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_round_trip_and_utc_date_differ_across_midnight() {
        // 1551113065 is 2019-02-26 00:44:25 in Beijing but 2019-02-25 in UTC (TC3 doc example).
        assert_eq!(format_beijing(1_551_113_065), "2019-02-26 00:44:25");
        assert_eq!(parse_beijing("2019-02-26 00:44:25"), Some(1_551_113_065));
    }

    #[test]
    fn beijing_parse_refuses_near_misses() {
        for bad in [
            "2019-02-26T00:44:25",
            "2019-02-30 00:00:00",
            "2019-2-26 00:44:25",
            "2019-02-26 24:00:00",
            "2019-02-26 00:44:25 ",
            "",
        ] {
            assert_eq!(parse_beijing(bad), None, "{bad:?}");
        }
        assert!(parse_beijing("2024-02-29 12:00:00").is_some());
    }

    #[test]
    fn rfc3339_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("2019-02-25T16:44:25Z"), Some(1_551_113_065));
        assert_eq!(
            parse_rfc3339("2019-02-26T00:44:25+08:00"),
            Some(1_551_113_065)
        );
        assert_eq!(
            parse_rfc3339("2019-02-25T16:44:25.123456Z"),
            Some(1_551_113_065)
        );
        assert_eq!(parse_rfc3339("2019-02-25 16:44:25"), None);
        assert_eq!(format_rfc3339_utc(1_551_113_065), "2019-02-25T16:44:25Z");
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
