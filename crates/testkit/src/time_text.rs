//! Time as text for test data: the HTTP `Date` header (IMF-fixdate, RFC 9110 §5.6.7) and the
//! API's Beijing wall time (`YYYY-MM-DD HH:MM:SS`, UTC+8), computed here from the calendar
//! algorithm (Howard Hinnant's `civil_from_days`) and not with the project's own formatters,
//! so tests that use them check those formatters instead of repeating them.

/// The proleptic Gregorian date of a day count since 1970-01-01: (year, month 1..=12, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// `unix` as an HTTP date, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[month as usize - 1],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// `unix` as the API's Beijing wall time, `YYYY-MM-DD HH:MM:SS` (UTC+8, no daylight saving).
pub fn beijing_wall_time(unix: i64) -> String {
    let t = unix + 8 * 3600;
    let (year, month, day) = civil_from_days(t.div_euclid(86_400));
    let rem = t.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_and_the_epoch() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn beijing_is_eight_hours_ahead_across_the_date_line() {
        assert_eq!(beijing_wall_time(0), "1970-01-01 08:00:00");
        // 2026-06-01T12:00:00+08:00
        assert_eq!(beijing_wall_time(1_780_286_400), "2026-06-01 12:00:00");
        // 2026-05-31 16:00 UTC is midnight in Beijing.
        assert_eq!(beijing_wall_time(1_780_243_200), "2026-06-01 00:00:00");
        assert_eq!(beijing_wall_time(1_780_243_199), "2026-05-31 23:59:59");
    }
}
