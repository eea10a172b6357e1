//! Fault soak, long form: one 50,000-backup instance listed sequentially (one stream, every
//! retry's backoff on the critical path) through the same faults as the gate's form, within
//! 300 s. Built only with the `long-tests` feature, so `cargo test` never counts it as a pass
//! it did not run: `cargo xtask ci --long` runs it.

mod soak;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_of_fifty_thousand_sequentially() {
    soak::soak(50_000, 1, 777, Duration::from_secs(300)).await;
}
