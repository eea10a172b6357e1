//! Fault soak through the CLI (the gate's form): `tcredis backups list --all --output ndjson`
//! lists 10 instances × 5,000 generated backups (the CLI fans out 4 at a time) through injected
//! faults (30.0% of requests get one, 23.2% fail; see `soak/mod.rs`). The output must be exactly
//! the generated set, id by id, within 60 s. The long form is `reliability_soak_long.rs`, run by
//! `cargo xtask ci --long`.

mod common;
mod soak;

use std::time::Duration;

#[test]
fn cli_lists_fifty_thousand_backups_through_faults_exactly_once() {
    soak::soak(50_000, 10, 9001, Duration::from_secs(60));
}
