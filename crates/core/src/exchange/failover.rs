//! Endpoint failover, the official SDKs' rule: a request whose host cannot be reached (DNS,
//! connection, TLS or timeout failure) is sent again at once, re-signed, to the same host under
//! the next root domain ([`Endpoint::failover_candidates`]); only when every candidate failed
//! does the retry policy see the failure. Each candidate host has a small circuit breaker shared
//! by every call of the client: after [`BREAKER_FAILURES`] failures in a row it is skipped for
//! [`BREAKER_OPEN`], then tried again (one more failure re-opens it); any HTTP answer closes it.
//! When every breaker is open, the primary host is tried anyway.
//!
//! Source: `tencentcloud/common/domain_failover.py` and `abstract_client.py`
//! (`_call_with_domain_failover`) of the official Python SDK, where it is on by default.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::lock;
use crate::endpoint::Endpoint;
use crate::retry::TransportFailure;

/// Failures in a row after which a candidate host is skipped (the SDK's `max_fail_num`).
pub const BREAKER_FAILURES: u32 = 5;
/// How long a candidate host is skipped once its breaker opened (the SDK's `timeout`, 60 s).
pub const BREAKER_OPEN: Duration = Duration::from_secs(60);

/// Whether a transport failure makes a request switch host: a failure to reach or talk to the
/// host (DNS, refused, reset, TLS, timeout), never a local one.
pub fn triggers_failover(failure: TransportFailure) -> bool {
    matches!(
        failure,
        TransportFailure::Connect
            | TransportFailure::Reset
            | TransportFailure::Timeout
            | TransportFailure::Tls
    )
}

#[derive(Debug, Clone, Copy, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

/// The candidate hosts of one client and their breakers.
#[derive(Debug)]
pub(crate) struct Failover {
    candidates: Vec<Endpoint>,
    breakers: Mutex<Vec<Breaker>>,
}

impl Failover {
    /// Failover over `endpoint`'s candidates; `None` when it has no alternative host.
    pub(crate) fn new(endpoint: &Endpoint) -> Option<Self> {
        let candidates = endpoint.failover_candidates();
        (candidates.len() > 1).then(|| Self {
            breakers: Mutex::new(vec![Breaker::default(); candidates.len()]),
            candidates,
        })
    }

    /// The candidate at `index`.
    pub(crate) fn candidate(&self, index: usize) -> &Endpoint {
        &self.candidates[index]
    }

    /// The candidates one attempt may try at `now`, in order: those whose breaker is closed
    /// (or whose open time is over), else the primary alone.
    pub(crate) fn usable(&self, now: Instant) -> Vec<usize> {
        let breakers = lock(&self.breakers);
        let usable: Vec<usize> = breakers
            .iter()
            .enumerate()
            .filter(|(_, b)| b.open_until.is_none_or(|until| now >= until))
            .map(|(i, _)| i)
            .collect();
        if usable.is_empty() { vec![0] } else { usable }
    }

    /// The host at `index` answered (any HTTP answer): its breaker closes.
    pub(crate) fn answered(&self, index: usize) {
        lock(&self.breakers)[index] = Breaker::default();
    }

    /// The host at `index` could not be reached at `now`.
    pub(crate) fn failed(&self, index: usize, now: Instant) {
        let mut breakers = lock(&self.breakers);
        let b = &mut breakers[index];
        b.failures = b.failures.saturating_add(1);
        if b.failures >= BREAKER_FAILURES {
            b.open_until = now.checked_add(BREAKER_OPEN);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breaker_opens_after_five_failures_and_half_opens_after_a_minute() {
        let f = Failover::new(&Endpoint::default()).unwrap();
        let t0 = Instant::now();
        for _ in 0..BREAKER_FAILURES - 1 {
            f.failed(0, t0);
        }
        assert_eq!(f.usable(t0), [0, 1, 2]);
        f.failed(0, t0);
        assert_eq!(f.usable(t0), [1, 2], "primary skipped");
        assert_eq!(f.usable(t0 + BREAKER_OPEN), [0, 1, 2], "tried again");
        f.failed(0, t0 + BREAKER_OPEN);
        assert_eq!(f.usable(t0 + BREAKER_OPEN), [1, 2], "one failure re-opens");
        f.answered(0);
        assert_eq!(f.usable(t0), [0, 1, 2]);
        for i in 0..3 {
            for _ in 0..BREAKER_FAILURES {
                f.failed(i, t0);
            }
        }
        assert_eq!(f.usable(t0), [0], "all open: the primary anyway");
    }

    #[test]
    fn only_the_tencent_cloud_family_fails_over() {
        assert!(Failover::new(&Endpoint::default()).is_some());
        assert!(Failover::new(&Endpoint::for_region("ap-shanghai-fsi")).is_some());
        assert!(Failover::new(&Endpoint::international()).is_none());
        assert!(Failover::new(&Endpoint::parse("http://127.0.0.1:9").unwrap()).is_none());
        assert!(Failover::new(&Endpoint::parse("redis.example.com").unwrap()).is_none());
        assert!(triggers_failover(TransportFailure::Connect));
        assert!(!triggers_failover(TransportFailure::Other));
    }
}
