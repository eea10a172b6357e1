//! The `tcredis` binary.
fn main() {}
