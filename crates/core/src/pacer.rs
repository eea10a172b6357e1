//! A token-bucket pacer (default 20 requests/s, burst 1) driven by time passed in.
//!
//! The bucket is implemented as GCRA (the generic cell rate algorithm, a token bucket written
//! with one timestamp): with rate `r` and burst `b`, **any window of length `w` admits at most
//! `b + r·w` requests**, and a steady demand is served at exactly `r` requests per second.
//! With the default burst of 1 requests are evenly spaced `1/r` apart.
//!
//! # Time
//! Time is passed in as [`std::time::Instant`] values; the pacer never reads a clock. Tests use
//! a fixed origin `Instant` plus simulated [`Duration`]s.
//!
//! # Call order
//! For each request, call [`Pacer::reserve`] with the current time; it books the next free slot
//! and returns the instant at which the caller may send (possibly `now`). Alternatively
//! [`Pacer::try_acquire`] books a slot only when one is free right now. A booked slot is spent
//! even when the request is then abandoned (conservative: the rate is never exceeded).
//!
//! # Sharing between concurrent calls
//! The pacer is plain data (`Send + Sync`). A client shares one pacer between all its tasks by
//! wrapping it in a mutex, locking only for the `reserve` call and sleeping (outside the lock)
//! until the returned instant. Each caller gets a distinct slot, so concurrent callers together
//! still respect the rate.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use tcredis_core::pacer::Pacer;
//!
//! let mut pacer = Pacer::default(); // 20 requests/s, burst 1
//! let t0 = Instant::now(); // the driver's clock; the pacer itself never reads one
//! assert_eq!(pacer.reserve(t0), t0); // first request goes at once
//! assert_eq!(pacer.reserve(t0), t0 + Duration::from_millis(50)); // the next one 1/20 s later
//! assert_eq!(pacer.try_acquire(t0), Err(t0 + Duration::from_millis(100)));
//!
//! let mut off = Pacer::new(0.0).unwrap(); // `--rate-limit 0`: no pacing
//! assert_eq!(off.reserve(t0), t0);
//! assert_eq!(off.reserve(t0), t0);
//! ```

use std::fmt;
use std::time::{Duration, Instant};

/// The lowest accepted non-zero rate (one request every 1000 s).
pub const MIN_RATE: f64 = 0.001;

/// A pacer configuration that was refused.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PacerError {
    /// The rate is negative, not a number, infinite, or positive but below [`MIN_RATE`].
    InvalidRate(f64),
    /// The burst is 0.
    ZeroBurst,
}

impl fmt::Display for PacerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRate(r) => write!(
                f,
                "rate limit {r} is not accepted: use 0 to turn pacing off, or a number of \
                 requests per second of at least {MIN_RATE}"
            ),
            Self::ZeroBurst => f.write_str("burst 0 is not accepted: the burst must be at least 1"),
        }
    }
}

impl std::error::Error for PacerError {}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Limit {
    rate: f64,
    burst: u32,
    /// `1/rate`, rounded **up** to whole nanoseconds so the achieved rate never exceeds `rate`.
    interval: Duration,
    /// `(burst - 1) * interval`: how far ahead of the theoretical schedule a request may go.
    tolerance: Duration,
}

/// A token-bucket pacer. See the [module documentation](self) for the call order.
#[derive(Debug, Clone, PartialEq)]
pub struct Pacer {
    limit: Option<Limit>,
    /// Theoretical arrival time of the next request (GCRA's TAT); `None` before the first.
    theoretical_next: Option<Instant>,
}

impl Default for Pacer {
    /// 20 requests per second, burst 1 (the documented limit of `DescribeInstanceBackups`).
    fn default() -> Self {
        Self::with_burst(Self::DEFAULT_RATE, 1).expect("default rate is valid")
    }
}

impl Pacer {
    /// The default rate, in requests per second (the documented API limit): the one
    /// definition the transport's and the CLI's defaults point to.
    pub const DEFAULT_RATE: f64 = 20.0;

    /// A pacer admitting `rate_per_second` requests per second, evenly spaced (burst 1).
    /// `0` turns pacing off.
    pub fn new(rate_per_second: f64) -> Result<Self, PacerError> {
        Self::with_burst(rate_per_second, 1)
    }

    /// A pacer admitting `rate_per_second` requests per second with up to `burst` requests at
    /// once after an idle period. `rate_per_second == 0` turns pacing off (the burst is then
    /// ignored).
    pub fn with_burst(rate_per_second: f64, burst: u32) -> Result<Self, PacerError> {
        if burst == 0 {
            return Err(PacerError::ZeroBurst);
        }
        if rate_per_second == 0.0 {
            return Ok(Self::unlimited());
        }
        if !rate_per_second.is_finite() || rate_per_second < MIN_RATE {
            return Err(PacerError::InvalidRate(rate_per_second));
        }
        let nanos = (1e9 / rate_per_second).ceil().max(1.0) as u64;
        let interval = Duration::from_nanos(nanos);
        let tolerance = interval * (burst - 1);
        Ok(Self {
            limit: Some(Limit {
                rate: rate_per_second,
                burst,
                interval,
                tolerance,
            }),
            theoretical_next: None,
        })
    }

    /// A pacer that admits everything at once.
    pub fn unlimited() -> Self {
        Self {
            limit: None,
            theoretical_next: None,
        }
    }

    /// The configured rate in requests per second, `None` when pacing is off.
    pub fn rate(&self) -> Option<f64> {
        self.limit.map(|l| l.rate)
    }

    /// The burst (requests admitted at once after idling); `None` when pacing is off.
    pub fn burst(&self) -> Option<u32> {
        self.limit.map(|l| l.burst)
    }

    /// The spacing between requests under steady demand (`1/rate`, rounded up to whole
    /// nanoseconds); `None` when pacing is off.
    pub fn interval(&self) -> Option<Duration> {
        self.limit.map(|l| l.interval)
    }

    /// The earliest instant a request could be sent, without booking it.
    pub fn poll_ready_at(&self, now: Instant) -> Instant {
        match (self.limit, self.theoretical_next) {
            (Some(limit), Some(next)) => match next.checked_sub(limit.tolerance) {
                Some(allowed) => allowed.max(now),
                None => now,
            },
            _ => now,
        }
    }

    /// Books the next free slot and returns when the caller may send: `now` when a token is
    /// available, otherwise a later instant. Never fails; each call books a distinct slot.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let Some(limit) = self.limit else {
            return now;
        };
        let send_at = self.poll_ready_at(now);
        let base = self
            .theoretical_next
            .map_or(send_at, |next| next.max(send_at));
        self.theoretical_next = Some(base.checked_add(limit.interval).unwrap_or(base));
        send_at
    }

    /// Books a slot only when one is free at `now`. On refusal nothing is booked and the error
    /// holds the earliest instant at which a slot will be free.
    pub fn try_acquire(&mut self, now: Instant) -> Result<(), Instant> {
        let ready = self.poll_ready_at(now);
        if ready > now {
            return Err(ready);
        }
        self.reserve(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_rates_and_bursts() {
        assert_eq!(Pacer::new(-1.0), Err(PacerError::InvalidRate(-1.0)));
        assert!(matches!(
            Pacer::new(f64::NAN),
            Err(PacerError::InvalidRate(_))
        ));
        assert!(matches!(
            Pacer::new(f64::INFINITY),
            Err(PacerError::InvalidRate(_))
        ));
        assert!(matches!(
            Pacer::new(0.0001),
            Err(PacerError::InvalidRate(_))
        ));
        assert_eq!(Pacer::with_burst(1.0, 0), Err(PacerError::ZeroBurst));
        let msg = PacerError::InvalidRate(-1.0).to_string();
        assert!(msg.contains("use 0 to turn pacing off"), "{msg}");
    }

    #[test]
    fn interval_is_rounded_up() {
        let p = Pacer::new(3.0).unwrap();
        assert_eq!(p.interval(), Some(Duration::from_nanos(333_333_334)));
        assert_eq!(Pacer::default().interval(), Some(Duration::from_millis(50)));
        assert_eq!(Pacer::unlimited().interval(), None);
    }

    #[test]
    fn burst_then_even_spacing_then_refill_after_idle() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut p = Pacer::with_burst(10.0, 3).unwrap();
        assert_eq!(p.reserve(t0), t0);
        assert_eq!(p.reserve(t0), t0);
        assert_eq!(p.reserve(t0), t0);
        assert_eq!(p.reserve(t0), t0 + ms(100));
        assert_eq!(p.reserve(t0), t0 + ms(200));
        // After a long idle period the full burst is available again.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(p.try_acquire(later), Ok(()));
        assert_eq!(p.try_acquire(later), Ok(()));
        assert_eq!(p.try_acquire(later), Ok(()));
        assert_eq!(p.try_acquire(later), Err(later + ms(100)));
        // A refusal books nothing.
        assert_eq!(p.try_acquire(later), Err(later + ms(100)));
        assert_eq!(p.reserve(later + ms(100)), later + ms(100));
    }
}
