//! Fault soak (the gate's form): the client lists a 50,000-backup data set (10 instances ×
//! 5,000, one paginated stream per instance on one shared client) from the real mock server
//! over loopback while the mock injects faults: 30.0% of requests get one, 23.2% fail (the
//! rest are 5 ms delays; see `soak/mod.rs`). The listing must be exactly the generated set, id
//! by id in the mock's order, within 60 s; the measured failing rate must match.
//!
//! Instances are listed concurrently because each retried page waits a jittered backoff
//! (250 ms base). The long form (one 50,000-backup instance, sequentially) is
//! `reliability_soak_long.rs`, run by `cargo xtask ci --long`. The figures are printed and
//! recorded in `docs/reliability.md`.

mod soak;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_backups_through_faults_exactly_once() {
    soak::soak(50_000, 10, 4242, Duration::from_secs(60)).await;
}
