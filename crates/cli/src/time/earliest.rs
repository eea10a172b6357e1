//! The earliest instant a backup window may reach: 2015-01-01 00:00:00 Beijing time. Tencent
//! Cloud Redis did not exist before 2015, so a window reaching further back can only be a typo
//! (`--since 99999999999w` took 3 GB splitting itself into 30-day windows; `--since 1000000d`
//! sent 24,665 requests before the API refused a BeginTime). Such windows are refused before
//! anything is planned or sent, with exit 2.

use tcredis_core::time::BeijingTime;

/// 2015-01-01 00:00:00 UTC+8, in Unix seconds.
pub const EARLIEST_UNIX: i64 = 1_420_041_600;

/// How the earliest instant is written in messages and docs.
pub const EARLIEST_TEXT: &str = "2015-01-01 00:00:00 (UTC+8)";

/// Refuses a window that starts before [`EARLIEST_UNIX`]: `begin` is what `flag` asked for.
fn check_begin(flag: &str, given: &str, begin: i64, now: i64) -> Result<(), String> {
    if begin >= EARLIEST_UNIX {
        return Ok(());
    }
    let reach = if begin < -62_135_596_800 {
        "before year 1".to_owned()
    } else {
        format!("to {}", BeijingTime::from_unix(begin))
    };
    let most = now.saturating_sub(EARLIEST_UNIX).max(0) / 86_400;
    Err(format!(
        "{flag} {given} reaches back {reach}, before {EARLIEST_TEXT}, the earliest time a Tencent \
         Cloud Redis backup can have; use at most {most}d (or a --begin-time from 2015 on)"
    ))
}

/// Refuses a window of length `d` ending at `now` that starts before [`EARLIEST_UNIX`]; `flag`
/// names the option that asked for it.
pub fn reach(flag: &str, d: std::time::Duration, now: i64) -> Result<(), String> {
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    check_begin(
        flag,
        &super::duration::format_compact(d.as_secs()),
        now.saturating_sub(secs),
        now,
    )
}

/// Refuses a `--begin-time` before [`EARLIEST_UNIX`] (at parse time: no clock needed).
pub fn check_begin_time(begin: i64) -> Result<(), String> {
    if begin < EARLIEST_UNIX {
        return Err(format!(
            "{} is before {EARLIEST_TEXT}, the earliest time a Tencent Cloud Redis backup can have",
            BeijingTime::from_unix(begin)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const NOW: i64 = 1_780_000_000; // 2026-05-28

    #[test]
    fn the_earliest_instant_is_2015_in_beijing() {
        assert_eq!(
            BeijingTime::from_unix(EARLIEST_UNIX).to_string(),
            "2015-01-01 00:00:00"
        );
    }

    #[test]
    fn windows_reaching_before_2015_are_refused_with_the_longest_that_works() {
        let most = (NOW - EARLIEST_UNIX) / 86_400;
        assert!(reach("--since", Duration::from_secs(most as u64 * 86_400), NOW).is_ok());
        let e = reach(
            "--since",
            Duration::from_secs((most as u64 + 1) * 86_400),
            NOW,
        )
        .unwrap_err();
        assert!(
            e.contains("before 2015-01-01 00:00:00 (UTC+8)")
                && e.contains(&format!("at most {most}d")),
            "{e}"
        );
        let huge = humantime::parse_duration("99999999999w").unwrap();
        let e = reach("--lookback", huge, NOW).unwrap_err();
        assert!(
            e.starts_with("--lookback ") && e.contains("before year 1"),
            "{e}"
        );
        let e = reach("--max-age", Duration::from_secs(100_000 * 86_400), NOW).unwrap_err();
        assert!(
            e.starts_with("--max-age 100000d reaches back to 1752-"),
            "{e}"
        );
        assert!(check_begin_time(EARLIEST_UNIX).is_ok());
        assert!(
            check_begin_time(EARLIEST_UNIX - 1)
                .unwrap_err()
                .contains("2014-12-31 23:59:59")
        );
    }
}
