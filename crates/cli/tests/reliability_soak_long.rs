//! Fault soak through the CLI, long form: one 50,000-backup instance listed sequentially
//! through the same faults as the gate's form, within 300 s. Built only with the `long-tests`
//! feature, so `cargo test` never counts it as a pass it did not run: `cargo xtask ci --long`
//! runs it.

mod common;
mod soak;

use std::time::Duration;

#[test]
fn cli_one_instance_of_fifty_thousand_sequentially() {
    soak::soak(50_000, 1, 31337, Duration::from_secs(300));
}
