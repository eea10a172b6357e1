//! What the machines report: [`Transmit`] (a request to send), [`Event`] (a call's progress
//! and end) and [`Note`] (what a driver may trace).

use std::time::Instant;

use super::ExchangeError;
use crate::call::Stages;
use crate::pagination::Drift;
use crate::retry::{AttemptOutcome, TransportFailure};

/// A request the driver must send now, exactly as it is.
#[derive(Debug)]
#[non_exhaustive]
pub struct Transmit {
    /// The complete, signed request (`User-Agent` included).
    pub request: http::Request<Vec<u8>>,
    /// The attempt number of this call, from 1.
    pub attempt: u32,
    /// `X-TC-Timestamp` of the request (skew-corrected).
    pub timestamp: u64,
    /// The signing stages, when the context records them.
    pub stages: Option<Stages>,
}

/// Something a driver may log; no action is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Note {
    /// The attempt failed and the call will be retried at `at`.
    Retrying {
        /// The attempt that failed, from 1.
        attempt: u32,
        /// When the next attempt may start.
        at: Instant,
        /// How the attempt ended.
        outcome: AttemptOutcome,
    },
    /// The request timestamp was refused; the next attempt is signed with the clock corrected
    /// by `offset` seconds (server minus local), measured from the server's `Date`.
    SkewCorrected {
        /// Server minus local, seconds.
        offset: i64,
    },
    /// A server `Date` more than 7 days from the local clock was ignored (a week covers a
    /// restored snapshot or a dead RTC battery; a `Date` of year 0 or 9999 is refused).
    SkewIgnored {
        /// What the `Date` claimed, server minus local, seconds.
        offset: i64,
    },
    /// The listing drifted and restarted from its first page (restart policy).
    Restarted(Drift),
    /// The shared pacer booked this call's next request for `until` (a wait of the rate
    /// limit, not a backoff).
    Paced {
        /// When the request may go.
        until: Instant,
    },
    /// Host `from` could not be reached; the same request goes to host `to` next (endpoint
    /// failover, not a retry).
    FailedOver {
        /// The host that failed.
        from: String,
        /// The host tried next.
        to: String,
        /// How it failed.
        failure: TransportFailure,
    },
}

/// The progress and the end of one call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<T> {
    /// Something to trace.
    Note(Note),
    /// The call succeeded with this answer. Nothing follows.
    Done(T),
    /// The call failed. Nothing follows.
    Failed(ExchangeError),
}
