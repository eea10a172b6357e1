//! "Now" for relative times: the system clock, or `TCREDIS_NOW` (RFC 3339) so examples and tests
//! are reproducible. Signing never uses this override: it always signs with the real clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcredis_core::time::rfc3339;

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
                unix: rfc3339::parse(text).map_err(|e| format!("{NOW_ENV}: {e}"))?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_wins_over_the_clock() {
        let now = Now::resolve(Some("2026-06-01T00:00:00Z")).unwrap();
        assert!(now.overridden);
        assert_eq!(now.unix, 1_780_272_000);
        assert!(!Now::resolve(None).unwrap().overridden);
        // The parser is core's (`time::rfc3339`); the message names the variable.
        let err = Now::resolve(Some("yesterday")).unwrap_err();
        assert!(
            err.starts_with("TCREDIS_NOW: ") && err.contains("RFC 3339"),
            "{err}"
        );
    }
}
