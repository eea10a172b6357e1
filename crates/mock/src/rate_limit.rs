//! Server-side rate limiting: a token bucket per (SecretId, action) (capacity N, refilled at N
//! per second), as the API limits each action of an account separately; driven by the time
//! passed in.

use std::collections::HashMap;

/// Token buckets keyed by (SecretId, action).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_second: u32,
    buckets: HashMap<(String, String), Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: f64,
}

impl RateLimiter {
    /// `per_second` = 0 turns limiting off.
    pub(crate) fn new(per_second: u32) -> Self {
        Self {
            per_second,
            buckets: HashMap::new(),
        }
    }

    pub(crate) fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Takes one token for (`secret_id`, `action`) at `now` (seconds, any epoch); `false` when
    /// the bucket is empty.
    pub(crate) fn admit(&mut self, secret_id: &str, action: &str, now: f64) -> bool {
        if self.per_second == 0 {
            return true;
        }
        let capacity = f64::from(self.per_second);
        let key = (secret_id.to_owned(), action.to_owned());
        let bucket = self.buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = (now - bucket.updated).max(0.0);
        bucket.tokens = (bucket.tokens + elapsed * capacity).min(capacity);
        bucket.updated = bucket.updated.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub(crate) fn reset(&mut self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_of_capacity_then_refill_at_rate() {
        const D: &str = "DescribeInstanceBackups";
        let mut limiter = RateLimiter::new(5);
        assert!((0..5).all(|_| limiter.admit("a", D, 100.0)));
        assert!(!limiter.admit("a", D, 100.0));
        assert!(limiter.admit("b", D, 100.0), "buckets are per SecretId");
        assert!(
            limiter.admit("a", "DescribeInstances", 100.0),
            "and per action"
        );
        assert!(!limiter.admit("a", D, 100.1));
        assert!(limiter.admit("a", D, 100.2));
        assert!(!limiter.admit("a", D, 100.2));
        assert!((0..5).all(|_| limiter.admit("a", D, 200.0)));
        assert!(
            !limiter.admit("a", D, 200.0),
            "refill is capped at capacity"
        );
    }

    #[test]
    fn zero_means_off() {
        let mut limiter = RateLimiter::new(0);
        assert!((0..10_000).all(|_| limiter.admit("a", "DescribeInstances", 0.0)));
    }
}
