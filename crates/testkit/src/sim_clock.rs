//! A simulated clock for socket-free tests: a monotonic origin plus simulated time, a server
//! wall clock that starts at a chosen Unix second, and a client wall clock that may disagree
//! with it. Nothing ever sleeps; time moves only when a test moves it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Simulated time for drivers (`Instant`), the server (`SystemTime`, Unix seconds) and the
/// client's wall clock (Unix seconds, server time plus a skew).
#[derive(Debug, Clone)]
pub struct SimClock {
    origin: Instant,
    elapsed: Duration,
    server_unix_at_origin: i64,
    client_skew: i64,
}

impl SimClock {
    /// A clock whose server (and, until [`SimClock::set_client_skew`], client) wall time is
    /// `unix_at_origin` at the origin.
    pub fn new(unix_at_origin: i64) -> Self {
        Self {
            origin: Instant::now(),
            elapsed: Duration::ZERO,
            server_unix_at_origin: unix_at_origin,
            client_skew: 0,
        }
    }

    /// The simulated monotonic now.
    pub fn now(&self) -> Instant {
        self.origin + self.elapsed
    }

    /// The monotonic origin.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// Simulated time since the origin.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Moves forward by `by`.
    pub fn advance(&mut self, by: Duration) {
        self.elapsed += by;
    }

    /// Moves forward to `at`; an instant in the past leaves the clock where it is.
    pub fn advance_to(&mut self, at: Instant) {
        if at > self.now() {
            self.elapsed = at - self.origin;
        }
    }

    /// Sets the client's wall clock to server time plus `seconds` (negative: behind).
    pub fn set_client_skew(&mut self, seconds: i64) {
        self.client_skew = seconds;
    }

    /// The server's wall clock.
    pub fn server_time(&self) -> SystemTime {
        let origin = if self.server_unix_at_origin >= 0 {
            UNIX_EPOCH + Duration::from_secs(self.server_unix_at_origin.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(self.server_unix_at_origin.unsigned_abs())
        };
        origin + self.elapsed
    }

    /// The server's wall clock in whole Unix seconds.
    pub fn server_unix(&self) -> i64 {
        self.server_unix_at_origin + whole_seconds(self.elapsed)
    }

    /// The client's wall clock in whole Unix seconds.
    pub fn client_unix(&self) -> i64 {
        self.server_unix() + self.client_skew
    }
}

fn whole_seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_only_when_told_and_never_backwards() {
        let mut clock = SimClock::new(1_780_000_000);
        let start = clock.now();
        assert_eq!(clock.server_unix(), 1_780_000_000);
        clock.advance(Duration::from_millis(1_500));
        assert_eq!(clock.now() - start, Duration::from_millis(1_500));
        assert_eq!(clock.server_unix(), 1_780_000_001);
        clock.advance_to(start);
        assert_eq!(
            clock.elapsed(),
            Duration::from_millis(1_500),
            "no going back"
        );
        clock.advance_to(start + Duration::from_secs(10));
        assert_eq!(clock.server_unix(), 1_780_000_010);
        assert_eq!(
            clock.server_time(),
            UNIX_EPOCH + Duration::from_secs(1_780_000_010)
        );
        clock.set_client_skew(-301);
        assert_eq!(clock.client_unix(), 1_780_000_010 - 301);
    }
}
