//! The `tcredis-mock` binary.
fn main() {}
