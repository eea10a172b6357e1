//! "Now" for relative times: the system clock, or `TCREDIS_NOW` (RFC 3339) so examples and tests
//! are reproducible. Signing never uses this override: it always signs with the real clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The environment variable that overrides now for relative times and the mock's data anchor.
pub const NOW_ENV: &str = "TCREDIS_NOW";

/// Where the CLI's notion of now came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Unix seconds.
    pub unix: i64,
    /// True when `TCREDIS_NOW` set it.
    pub overridden: bool,
}

impl Now {
    /// Reads `TCREDIS_NOW` from the environment snapshot, else the system clock.
    pub fn resolve(env_value: Option<&str>) -> Result<Self, String> {
        match env_value {
            Some(text) => Ok(Self {
                unix: parse_rfc3339(text)?,
                overridden: true,
            }),
            None => Ok(Self {
                unix: system_unix(),
                overridden: false,
            }),
        }
    }
}

/// The real clock in Unix seconds (what signing uses).
pub fn system_unix() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

/// Parses an RFC 3339 timestamp with `Z` or a `±HH:MM` offset (`2026-06-01T10:00:00+08:00`),
/// fractional seconds dropped, into Unix seconds.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "{NOW_ENV}={text:?} is not an RFC 3339 time; use e.g. 2026-06-01T10:00:00Z or 2026-06-01T18:00:00+08:00"
        )
    };
    let t = text.trim();
    let (civil, offset_secs) =
        if let Some(rest) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
            (rest, 0i64)
        } else {
            let cut = t.len().checked_sub(6).ok_or_else(bad)?;
            let (civil, offset) = t.split_at_checked(cut).ok_or_else(bad)?;
            let bytes = offset.as_bytes();
            let sign = match bytes[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return Err(bad()),
            };
            if bytes[3] != b':' {
                return Err(bad());
            }
            let hours: i64 = offset[1..3].parse().map_err(|_| bad())?;
            let minutes: i64 = offset[4..6].parse().map_err(|_| bad())?;
            if hours > 23 || minutes > 59 {
                return Err(bad());
            }
            (civil, sign * (hours * 3600 + minutes * 60))
        };
    if civil.len() < 19 || !matches!(civil.as_bytes()[10], b'T' | b't') {
        return Err(bad());
    }
    let as_utc = humantime::parse_rfc3339_weak(civil).map_err(|_| bad())?;
    let secs = match as_utc.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).map_err(|_| bad())?,
        Err(e) => -i64::try_from(e.duration().as_secs()).map_err(|_| bad())?,
    };
    Ok(secs - offset_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_and_offsets() {
        assert_eq!(
            parse_rfc3339("2019-02-25T00:44:25Z").unwrap(),
            1_551_055_465
        );
        assert_eq!(
            parse_rfc3339("2019-02-25T08:44:25+08:00").unwrap(),
            1_551_055_465
        );
        assert_eq!(
            parse_rfc3339("2019-02-24T19:44:25-05:00").unwrap(),
            1_551_055_465
        );
        assert_eq!(
            parse_rfc3339("2019-02-25T00:44:25.750Z").unwrap(),
            1_551_055_465
        );
    }

    #[test]
    fn refuses_other_forms() {
        for text in [
            "",
            "2019-02-25",
            "2019-02-25 00:44:25",
            "2019-02-25T00:44:25",
            "yesterday",
            "2019-02-25T00:44:25+0800",
            "2019-02-25T00:44:25+25:00",
        ] {
            let err = parse_rfc3339(text).unwrap_err();
            assert!(err.contains("RFC 3339"), "{text}: {err}");
        }
    }

    #[test]
    fn override_wins_over_the_clock() {
        let now = Now::resolve(Some("2026-06-01T00:00:00Z")).unwrap();
        assert!(now.overridden);
        assert_eq!(now.unix, 1_780_272_000);
        assert!(!Now::resolve(None).unwrap().overridden);
    }
}
