//! The per-run scratch folder (the mock's credentials file, tccli's HOME) and private files in it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A scratch folder for one run (the mock's credentials file, tccli's HOME), removed on every
/// exit path.
pub(super) struct RunDir(pub(super) PathBuf);

impl RunDir {
    pub(super) fn create(path: PathBuf) -> Result<RunDir, String> {
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(RunDir(path))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Writes a file only its owner can read (the mock's credentials).
pub(super) fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| e.to_string())
}
