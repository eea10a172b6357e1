//! Property tests of the pacer: any window `w` admits at most `burst + rate·w` requests, and a
//! steady demand is served at the configured rate.

#[path = "harness/backend.rs"]
mod backend;

use std::time::{Duration, Instant};

use backend::worst_window_excess;
use proptest::prelude::*;
use tcredis_core::pacer::Pacer;

/// Exact form of the bound with the pacer's own (rounded-up) interval, in integer nanoseconds:
/// for every pair of sends i <= j, `(j - i + 1 - burst) * interval <= t_j - t_i`.
fn exact_bound_holds(times: &[Instant], interval: Duration, burst: u32) -> bool {
    let mut times = times.to_vec();
    times.sort();
    for i in 0..times.len() {
        for j in i..times.len() {
            let count = (j - i + 1) as u128;
            let allowed_extra = count.saturating_sub(u128::from(burst));
            if allowed_extra * interval.as_nanos() > (times[j] - times[i]).as_nanos() {
                return false;
            }
        }
    }
    true
}

proptest! {
    #[test]
    fn reserve_never_exceeds_burst_plus_rate_times_window(
        rate in 0.5f64..200.0,
        burst in 1u32..6,
        gaps_us in proptest::collection::vec(0u64..200_000, 1..150),
    ) {
        let mut pacer = Pacer::with_burst(rate, burst).unwrap();
        let t0 = Instant::now();
        let mut arrival = t0;
        let mut sends = Vec::new();
        for gap in gaps_us {
            arrival += Duration::from_micros(gap);
            let send = pacer.reserve(arrival);
            prop_assert!(send >= arrival, "a send before its request arrived");
            sends.push(send);
        }
        prop_assert!(exact_bound_holds(&sends, pacer.interval().unwrap(), burst));
        prop_assert!(worst_window_excess(&sends, rate, burst) <= 1e-6);
    }

    #[test]
    fn try_acquire_never_exceeds_the_bound_and_its_hint_is_exact(
        rate in 0.5f64..200.0,
        burst in 1u32..6,
        polls_us in proptest::collection::vec(0u64..100_000, 1..300),
    ) {
        let mut pacer = Pacer::with_burst(rate, burst).unwrap();
        let t0 = Instant::now();
        let mut now = t0;
        let mut sends = Vec::new();
        for gap in polls_us {
            now += Duration::from_micros(gap);
            match pacer.try_acquire(now) {
                Ok(()) => sends.push(now),
                Err(ready) => {
                    prop_assert!(ready > now);
                    // Polling again exactly at the hint succeeds.
                    let mut probe = pacer.clone();
                    prop_assert_eq!(probe.try_acquire(ready), Ok(()));
                }
            }
        }
        prop_assert!(exact_bound_holds(&sends, pacer.interval().unwrap(), burst));
    }

    #[test]
    fn steady_demand_achieves_the_configured_rate(rate in 1.0f64..1000.0, burst in 1u32..4) {
        let mut pacer = Pacer::with_burst(rate, burst).unwrap();
        let t0 = Instant::now();
        let n = 2000u32;
        let mut last = t0;
        for _ in 0..n {
            last = pacer.reserve(t0); // everyone wants to go now
        }
        // After the initial burst, requests are spaced exactly one interval apart.
        let span = (last - t0).as_secs_f64();
        let achieved = f64::from(n - burst) / span;
        prop_assert!(achieved <= rate * (1.0 + 1e-9), "achieved {} > limit {}", achieved, rate);
        prop_assert!(achieved >= rate * 0.999, "achieved {} well below limit {}", achieved, rate);
    }
}

#[test]
fn concurrent_callers_sharing_a_pacer_get_distinct_slots() {
    use std::sync::{Arc, Mutex};
    let pacer = Arc::new(Mutex::new(Pacer::default()));
    let t0 = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let pacer = Arc::clone(&pacer);
            std::thread::spawn(move || {
                (0..25)
                    .map(|_| pacer.lock().unwrap().reserve(t0))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<Instant> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 200, "every caller got its own slot");
    assert_eq!(*all.last().unwrap() - t0, Duration::from_millis(50) * 199);
    assert!(worst_window_excess(&all, 20.0, 1) <= 1e-9);
}

#[test]
fn disabled_pacer_admits_everything_at_once() {
    let mut pacer = Pacer::new(0.0).unwrap();
    let t0 = Instant::now();
    assert!((0..1000).all(|_| pacer.reserve(t0) == t0));
    assert_eq!(pacer.rate(), None);
    assert_eq!(pacer.try_acquire(t0), Ok(()));
}
