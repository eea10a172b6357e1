//! Civil-time arithmetic the mock needs without a clock: Beijing wall time (UTC+8) as the API
//! writes it, UTC dates, and RFC 3339 parsing for `TCREDIS_NOW`.

/// Seconds east of UTC of Beijing time, which the API uses in every region.
const BEIJING_OFFSET: i64 = 8 * 3600;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Formats a Unix timestamp as Beijing wall time, `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn format_beijing(unix: i64) -> String {
    let local = unix + BEIJING_OFFSET;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp.
pub(crate) fn utc_date(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Formats a Unix timestamp as RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ` (STS `Expiration`).
pub(crate) fn format_rfc3339_utc(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
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
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let secs =
        days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some((secs, s))
}

/// Parses `YYYY-MM-DD HH:MM:SS` as Beijing wall time; `None` unless the text is exactly that
/// form and names a real instant.
pub(crate) fn parse_beijing(s: &str) -> Option<i64> {
    match parse_wall(s.as_bytes(), b" ")? {
        (secs, []) => Some(secs - BEIJING_OFFSET),
        _ => None,
    }
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
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
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
