//! `cargo xtask`: project automation (ci, interop, bench, fuzz-smoke, codegen, package).
fn main() {}
