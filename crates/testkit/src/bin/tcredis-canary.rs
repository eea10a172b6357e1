//! Prints the secret-scan canary on stdout (and a harmless line on stderr). Only the canary
//! test in `crates/testkit/tests/scan_canary.rs` runs it, through the bounded runner, so the
//! canary reaches the scan folder by the same path as every test's captured output.

#![forbid(unsafe_code)]

fn main() {
    println!("canary: {}", tcredis_testkit::secrets::SCAN_CANARY);
    eprintln!("canary: printed on stdout");
}
