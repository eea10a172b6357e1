//! The mock's clock: the time the mock's *world* is at (backup lifecycles), separate from the
//! real clock that signature checks, the `Date` header and STS expiry keep using.
//!
//! Sans-IO like the handler: every call takes the real time it happened at, and the clock turns
//! it into mock time. `real` follows the real clock; `frozen` stands still until moved; a
//! non-real clock with a speed N runs N times as fast as real time from wherever it was set.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use tcredis_core::time::{BeijingTime, rfc3339};

/// How the mock's clock starts (`--clock real|frozen|TIME`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ClockStart {
    /// Follows the real clock (the default).
    Real,
    /// Stands still at the start instant (the real start time, or `TCREDIS_NOW`).
    Frozen,
    /// Stands still at this Unix time (seconds).
    At(i64),
}

impl ClockStart {
    /// Parses `real`, `frozen`, an RFC 3339 time or a Beijing `YYYY-MM-DD HH:MM:SS`.
    pub fn parse(text: &str) -> Result<Self, ClockError> {
        match text.trim() {
            "real" => Ok(Self::Real),
            "frozen" => Ok(Self::Frozen),
            other => parse_time(other).map(Self::At),
        }
    }
}

/// A clock setting or admin request that cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockError(String);

impl fmt::Display for ClockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClockError {}

/// Parses an RFC 3339 time or a Beijing wall time `YYYY-MM-DD HH:MM:SS` into Unix seconds.
pub(crate) fn parse_time(text: &str) -> Result<i64, ClockError> {
    rfc3339::parse(text)
        .ok()
        .or_else(|| BeijingTime::parse(text).ok().map(BeijingTime::unix))
        .ok_or_else(|| {
        ClockError(format!(
            "{text:?} is not a time: expected RFC 3339 (2026-06-01T02:00:00Z, 2026-06-01T10:00:00+08:00) or Beijing time \"YYYY-MM-DD HH:MM:SS\""
        ))
    })
}

/// Parses a duration to move the clock by: a humantime duration (`90s`, `1d12h`, `2w`), with an
/// optional leading `-` to move backwards. Returns signed milliseconds.
pub(crate) fn parse_advance(text: &str) -> Result<i64, ClockError> {
    let trimmed = text.trim();
    let (sign, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (-1, rest.trim()),
        None => (1, trimmed.strip_prefix('+').unwrap_or(trimmed).trim()),
    };
    let duration = humantime::parse_duration(body).map_err(|e| {
        ClockError(format!(
            "advance {text:?} is not a duration ({e}): expected e.g. \"90s\", \"26h\", \"1d12h\", \"-2d\""
        ))
    })?;
    let millis = i64::try_from(duration.as_millis())
        .ok()
        .filter(|m| *m <= MAX_MOVE_MS)
        .ok_or_else(|| ClockError(format!("advance {text:?} is too large")))?;
    Ok(sign * millis)
}

/// Moves larger than this (about 10,000 years) are refused.
const MAX_MOVE_MS: i64 = 10_000 * 366 * 86_400_000;

/// The clock stays within 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z (the times the API's
/// formats can write); the Rust API clamps, the admin API refuses.
pub(crate) const CLOCK_RANGE_MS: std::ops::RangeInclusive<i64> = 0..=253_402_300_799_999;

/// What `GET /_mock/clock` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClockReading {
    /// Mock now, RFC 3339 UTC.
    pub now: String,
    /// Whether the clock stands still.
    pub frozen: bool,
    /// How many mock seconds pass per real second while it runs.
    pub speed: f64,
    /// Mock now as Unix milliseconds (not part of the admin JSON).
    #[serde(skip)]
    pub unix_ms: i64,
}

/// The mock clock: mock time = `base_mock + (real - base_real) * speed` while running,
/// `base_mock` while frozen.
#[derive(Debug, Clone)]
pub(crate) struct MockClock {
    /// Follows the real clock exactly (never moved).
    real: bool,
    frozen: bool,
    speed: f64,
    base_real_ms: i64,
    base_mock_ms: i64,
    /// Mock time when the mock started: lifecycle slots after it appear.
    start_ms: i64,
}

impl MockClock {
    /// A clock started at real time `real_ms`; `anchor` is the start instant of a `frozen`
    /// clock (`TCREDIS_NOW` or the real start). `speed`, when given, makes a non-real clock run.
    pub(crate) fn new(start: ClockStart, speed: Option<f64>, real_ms: i64, anchor_ms: i64) -> Self {
        let (real, start_ms) = match start {
            ClockStart::Real => (true, real_ms),
            ClockStart::Frozen => (false, anchor_ms),
            ClockStart::At(unix) => (false, unix.saturating_mul(1000)),
        };
        let start_ms = start_ms.clamp(*CLOCK_RANGE_MS.start(), *CLOCK_RANGE_MS.end());
        Self {
            real,
            frozen: !real && speed.is_none(),
            speed: if real { 1.0 } else { speed.unwrap_or(1.0) },
            base_real_ms: real_ms,
            base_mock_ms: start_ms,
            start_ms,
        }
    }

    /// Mock now, Unix milliseconds, at real time `real_ms`.
    pub(crate) fn now_ms(&self, real_ms: i64) -> i64 {
        if self.real {
            return real_ms;
        }
        if self.frozen {
            return self.base_mock_ms;
        }
        let elapsed = (real_ms - self.base_real_ms) as f64 * self.speed;
        self.base_mock_ms
            .saturating_add(elapsed as i64)
            .clamp(*CLOCK_RANGE_MS.start(), *CLOCK_RANGE_MS.end())
    }

    /// The mock time the mock started at (Unix seconds).
    pub(crate) fn start_unix(&self) -> i64 {
        self.start_ms.div_euclid(1000)
    }

    /// Sets mock now to `mock_ms` at real time `real_ms` (the clock keeps running or standing).
    pub(crate) fn set(&mut self, real_ms: i64, mock_ms: i64) {
        self.real = false;
        self.base_real_ms = real_ms;
        self.base_mock_ms = mock_ms.clamp(*CLOCK_RANGE_MS.start(), *CLOCK_RANGE_MS.end());
    }

    /// Stops or starts the clock at real time `real_ms`.
    pub(crate) fn set_frozen(&mut self, real_ms: i64, frozen: bool) {
        let now = self.now_ms(real_ms);
        self.set(real_ms, now);
        self.frozen = frozen;
    }

    /// Changes the speed at real time `real_ms` (mock now is kept).
    pub(crate) fn set_speed(&mut self, real_ms: i64, speed: f64) {
        let now = self.now_ms(real_ms);
        self.set(real_ms, now);
        self.speed = speed;
    }

    /// The admin view at real time `real_ms`.
    pub(crate) fn reading(&self, real_ms: i64) -> ClockReading {
        let unix_ms = self.now_ms(real_ms);
        ClockReading {
            now: rfc3339::format_utc(unix_ms.div_euclid(1000)),
            frozen: self.frozen && !self.real,
            speed: self.speed,
            unix_ms,
        }
    }
}

/// A `POST /_mock/clock` body: `{"set": TIME}` or `{"advance": DURATION}`, optionally with
/// `"frozen": bool` and `"speed": N`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClockCommand {
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    advance: Option<serde_json::Value>,
    #[serde(default)]
    frozen: Option<bool>,
    #[serde(default)]
    speed: Option<f64>,
}

impl ClockCommand {
    /// Carries the command out at real time `real_ms`.
    pub(crate) fn apply(&self, clock: &mut MockClock, real_ms: i64) -> Result<(), ClockError> {
        if self.set.is_some() && self.advance.is_some() {
            return Err(ClockError(
                "give either \"set\" or \"advance\", not both".into(),
            ));
        }
        if self.set.is_none()
            && self.advance.is_none()
            && self.frozen.is_none()
            && self.speed.is_none()
        {
            return Err(ClockError(
                "expected {\"set\": TIME} or {\"advance\": DURATION} (optionally \"frozen\": bool, \"speed\": N)".into(),
            ));
        }
        let target = match (&self.set, &self.advance) {
            (Some(time), _) => Some(parse_time(time)?.saturating_mul(1000)),
            (_, Some(serde_json::Value::String(text))) => {
                Some(clock.now_ms(real_ms).saturating_add(parse_advance(text)?))
            }
            (_, Some(serde_json::Value::Number(n))) => {
                let seconds = n.as_f64().filter(|s| s.abs() * 1000.0 < MAX_MOVE_MS as f64);
                let seconds = seconds.ok_or_else(|| {
                    ClockError(format!("advance {n} is not a usable number of seconds"))
                })?;
                Some(
                    clock
                        .now_ms(real_ms)
                        .saturating_add((seconds * 1000.0) as i64),
                )
            }
            (_, Some(other)) => {
                return Err(ClockError(format!(
                    "\"advance\" must be a duration string such as \"1d\" or a number of seconds, got {other}"
                )));
            }
            (None, None) => None,
        };
        if let Some(speed) = self.speed
            && !(speed > 0.0 && speed.is_finite())
        {
            return Err(ClockError(format!(
                "speed {speed} must be a number above 0"
            )));
        }
        if let Some(target) = target {
            if !CLOCK_RANGE_MS.contains(&target) {
                return Err(ClockError(format!(
                    "that would put the clock at {}, outside 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z",
                    rfc3339::format_utc(target.div_euclid(1000))
                )));
            }
            clock.set(real_ms, target);
        }
        if let Some(speed) = self.speed {
            clock.set_speed(real_ms, speed);
        }
        if let Some(frozen) = self.frozen {
            clock.set_frozen(real_ms, frozen);
        }
        Ok(())
    }
}

/// Checks a `--clock-speed` value.
pub(crate) fn check_speed(speed: f64) -> Result<(), ClockError> {
    if speed > 0.0 && speed.is_finite() {
        Ok(())
    } else {
        Err(ClockError(format!(
            "clock speed {speed} must be a number above 0"
        )))
    }
}

/// A `Duration` as whole seconds for the lifecycle (at least 1).
pub(crate) fn whole_seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let mut clock = MockClock::new(ClockStart::At(1_780_000_000), None, 5_000, 0);
        assert_eq!(clock.now_ms(5_000), 1_780_000_000_000);
        assert_eq!(clock.now_ms(99_000), 1_780_000_000_000);
        let advance = ClockCommand {
            advance: Some(serde_json::json!("1d2h")),
            ..ClockCommand::default()
        };
        advance.apply(&mut clock, 100_000).unwrap();
        assert_eq!(clock.now_ms(200_000), 1_780_000_000_000 + 26 * 3_600_000);
        let back = ClockCommand {
            advance: Some(serde_json::json!("-26h")),
            ..ClockCommand::default()
        };
        back.apply(&mut clock, 100_000).unwrap();
        assert_eq!(clock.now_ms(0), 1_780_000_000_000);
        assert!(clock.reading(0).frozen);
        assert_eq!(clock.reading(0).now, "2026-05-28T20:26:40Z");
    }

    #[test]
    fn a_running_clock_keeps_its_speed_across_sets() {
        let mut clock = MockClock::new(ClockStart::At(1_000), Some(60.0), 10_000, 0);
        assert_eq!(clock.now_ms(11_000), 1_000_000 + 60_000);
        let set = ClockCommand {
            set: Some("1970-01-01T00:00:00Z".into()),
            ..ClockCommand::default()
        };
        set.apply(&mut clock, 20_000).unwrap();
        assert_eq!(clock.now_ms(21_000), 60_000);
        let freeze = ClockCommand {
            frozen: Some(true),
            ..ClockCommand::default()
        };
        freeze.apply(&mut clock, 21_000).unwrap();
        assert_eq!(clock.now_ms(99_000), 60_000);
        let reading = clock.reading(99_000);
        assert!(reading.frozen);
        assert_eq!(
            reading.speed, 60.0,
            "freezing keeps the speed for a later start"
        );
    }

    #[test]
    fn bad_settings_say_what_is_accepted() {
        assert!(
            ClockStart::parse("tomorrow")
                .unwrap_err()
                .to_string()
                .contains("RFC 3339")
        );
        assert_eq!(
            ClockStart::parse("2026-06-01 10:00:00").unwrap(),
            ClockStart::At(1_780_279_200)
        );
        assert_eq!(
            ClockStart::parse("2026-06-01T02:00:00Z").unwrap(),
            ClockStart::At(1_780_279_200)
        );
        let mut clock = MockClock::new(ClockStart::Real, None, 0, 0);
        let err = ClockCommand {
            advance: Some(serde_json::json!("soon")),
            ..ClockCommand::default()
        }
        .apply(&mut clock, 0)
        .unwrap_err();
        assert!(err.to_string().contains("1d12h"), "{err}");
        assert!(ClockCommand::default().apply(&mut clock, 0).is_err());
        let before_1970 = ClockCommand {
            advance: Some(serde_json::json!("-1d")),
            ..ClockCommand::default()
        };
        assert!(
            before_1970
                .apply(&mut clock, 0)
                .unwrap_err()
                .to_string()
                .contains("outside")
        );
        clock.set(0, i64::MAX);
        assert_eq!(
            clock.reading(0).now,
            "9999-12-31T23:59:59Z",
            "the Rust API clamps"
        );
        assert!(check_speed(0.0).is_err() && check_speed(f64::NAN).is_err());
    }
}
