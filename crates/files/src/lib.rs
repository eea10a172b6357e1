//! Bounded reads of the small regular files tcredis reads: credentials (INI, tccli), tccli
//! configuration, CA bundles, the TKE web-identity token, the mock's seed and credentials files.
//!
//! [`read_regular_file`] opens the path without blocking (on Unix with `O_NONBLOCK`, so a FIFO
//! never waits for a writer), checks the opened file — not the name, so a file swapped between
//! a check and the open cannot slip through — and refuses anything that is not a regular file
//! (a directory, a FIFO, a character or block device such as `/dev/zero`, a socket; symbolic
//! links are followed to what they name). A file over the limit is refused before a byte is
//! read, and reading stops at the limit should the file grow meanwhile, so memory never holds
//! more than the limit. Every error names the path.
//!
//! ```
//! use tcredis_files::{FileError, MAX_CREDENTIALS_FILE_BYTES, read_regular_text};
//!
//! let dir = std::env::temp_dir();
//! let err = read_regular_text(&dir, MAX_CREDENTIALS_FILE_BYTES).unwrap_err();
//! assert!(matches!(err, FileError::NotRegular { .. }));
//! assert!(err.to_string().ends_with("is a directory, not a regular file"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Limit for credential files: the INI `credentials` file, tccli `.credential` files, the
/// mock's `--credentials-file` (1 MiB; real ones are under 1 KiB per profile).
pub const MAX_CREDENTIALS_FILE_BYTES: u64 = 1024 * 1024;
/// Limit for configuration files: tccli `<profile>.configure` (1 MiB).
pub const MAX_CONFIG_FILE_BYTES: u64 = 1024 * 1024;
/// Limit for a CA bundle (PEM) given with `--ca-file` (16 MiB; the whole Mozilla bundle is
/// about 220 KiB).
pub const MAX_CA_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Limit for the TKE web-identity token file (1 MiB; a token is a few KiB).
pub const MAX_TOKEN_FILE_BYTES: u64 = 1024 * 1024;
/// Limit for the mock's `--seed` file (256 MiB, about 600,000 backups; use `--generate` for
/// more).
pub const MAX_SEED_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// Nothing exists at the path (a dangling symbolic link included).
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// The path names something other than a regular file.
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is: `a directory`, `a FIFO (named pipe)`, `a character device`, ...
        kind: &'static str,
    },
    /// The file is larger than the limit.
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size in bytes (at least `limit + 1` when it grew while read).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not UTF-8 text (from [`read_regular_text`]).
    NotUtf8 {
        /// The path.
        path: PathBuf,
    },
    /// Opening or reading failed (permissions, I/O).
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl FileError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::NotFound { path }
            | FileError::NotRegular { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::NotUtf8 { path }
            | FileError::Io { path, .. } => path,
        }
    }

    /// Whether nothing exists at the path (callers that treat a missing file as "not
    /// configured" check this).
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::NotFound { .. })
    }

    /// The message without the path, for callers that name the file their own way
    /// (`--ca-file /x: ...`).
    pub fn reason(&self) -> String {
        match self {
            FileError::NotFound { .. } => "does not exist".to_owned(),
            FileError::NotRegular { kind, .. } => format!("is {kind}, not a regular file"),
            FileError::TooLarge { size, limit, .. } => format!(
                "is {size} bytes, over the limit of {limit} bytes ({})",
                human(*limit)
            ),
            FileError::NotUtf8 { .. } => "is not UTF-8 text".to_owned(),
            FileError::Io { source, .. } => format!("cannot be read: {source}"),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.reason())
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `1 MiB`, `16 MiB`, `512 KiB`, `100 bytes`.
fn human(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

fn kind_of(file_type: std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

fn open_without_blocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // A FIFO opened for reading would wait for a writer; a regular file ignores the flag.
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Reads a regular file of at most `limit` bytes (see the crate docs).
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let io_error = |source: io::Error| {
        if source.kind() == io::ErrorKind::NotFound {
            FileError::NotFound {
                path: path.to_owned(),
            }
        } else {
            FileError::Io {
                path: path.to_owned(),
                source,
            }
        }
    };
    let file = open_without_blocking(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if !metadata.is_file() {
        return Err(FileError::NotRegular {
            path: path.to_owned(),
            kind: kind_of(metadata.file_type()),
        });
    }
    let too_large = |size| FileError::TooLarge {
        path: path.to_owned(),
        size,
        limit,
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// [`read_regular_file`], then UTF-8 (a leading byte-order mark is kept; parsers strip it).
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, FileError> {
    let bytes = read_regular_file(path, limit)?;
    String::from_utf8(bytes).map_err(|_| FileError::NotUtf8 {
        path: path.to_owned(),
    })
}

/// [`read_regular_text`], with `Ok(None)` when nothing exists at the path.
pub fn read_optional_text(path: &Path, limit: u64) -> Result<Option<String>, FileError> {
    match read_regular_text(path, limit) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The README's examples, compiled and run as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_up_to_the_limit_is_read_and_one_byte_more_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_regular_file(&path, 5).unwrap(), b"12345");
        let err = read_regular_file(&path, 4).unwrap_err();
        assert!(matches!(
            err,
            FileError::TooLarge {
                size: 5,
                limit: 4,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            format!(
                "{}: is 5 bytes, over the limit of 4 bytes (4 bytes)",
                path.display()
            )
        );
    }

    #[test]
    fn missing_directories_and_bad_text_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = read_regular_file(&missing, 10).unwrap_err();
        assert!(err.is_not_found() && err.to_string().contains("missing: does not exist"));
        assert!(read_optional_text(&missing, 10).unwrap().is_none());
        let err = read_regular_file(dir.path(), 10).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("is a directory, not a regular file"),
            "{err}"
        );
        let binary = dir.path().join("bin");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        let err = read_regular_text(&binary, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: is not UTF-8 text", binary.display())
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_links_to_them_are_refused_without_reading_or_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let err = read_regular_file(&zero, MAX_CREDENTIALS_FILE_BYTES).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("zero: is a character device, not a regular file"),
            "{err}"
        );
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo is needed for this test");
        // Without O_NONBLOCK this open would wait for a writer for ever.
        let err = read_regular_file(&fifo, MAX_CREDENTIALS_FILE_BYTES).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("is a FIFO (named pipe), not a regular file"),
            "{err}"
        );
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(read_regular_file(&dangling, 10).unwrap_err().is_not_found());
        let link = dir.path().join("link");
        std::fs::write(dir.path().join("target"), b"ok").unwrap();
        std::os::unix::fs::symlink(dir.path().join("target"), &link).unwrap();
        assert_eq!(read_regular_file(&link, 10).unwrap(), b"ok");
    }

    #[test]
    fn a_sparse_2_gib_file_is_refused_by_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let file = File::create(&path).unwrap();
        file.set_len(2 * 1024 * 1024 * 1024).unwrap();
        let err = read_regular_file(&path, MAX_CONFIG_FILE_BYTES).unwrap_err();
        assert_eq!(
            err.reason(),
            "is 2147483648 bytes, over the limit of 1048576 bytes (1 MiB)"
        );
    }
}
