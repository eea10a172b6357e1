//! Where things are: the workspace root and the folders the tasks read and write.

use std::path::{Path, PathBuf};

/// The folder (relative to the workspace root) every stage's output is teed into and that the
/// secret scan reads. Exported to child processes as [`SCAN_DIR_ENV`].
pub const SCAN_DIR: &str = "target/secret-scan";

/// The environment variable that tells tests where to write captured child output for the scan.
pub const SCAN_DIR_ENV: &str = "TCREDIS_SCAN_DIR";

/// Set to `1` for child processes under `--long`: tests may then run their long forms
/// (minute-long load, 1M-item memory runs) that the gate otherwise only samples.
pub const LONG_ENV: &str = "TCREDIS_LONG";

/// The workspace root: the parent of this crate's manifest directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The cargo to run: the one that started us (`$CARGO`), else `cargo` on PATH.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
