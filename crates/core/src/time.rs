//! Civil time without a clock: Beijing wall time (UTC+8) as the API writes it, and the UTC date
//! of a Unix timestamp as the TC3 credential scope needs it.
//!
//! Owner: signing work (issue 2). Stub: signatures are the contract, bodies are filled in.

use std::fmt;

/// A Beijing wall-clock time (UTC+8), the form every API time field uses:
/// `YYYY-MM-DD HH:MM:SS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BeijingTime {
    unix: i64,
}

/// A time string that is not `YYYY-MM-DD HH:MM:SS` or names no real instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeFormatError {
    /// The text that was refused.
    pub input: String,
}

impl fmt::Display for TimeFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a time of the form YYYY-MM-DD HH:MM:SS",
            self.input
        )
    }
}
impl std::error::Error for TimeFormatError {}

impl BeijingTime {
    /// Parses `YYYY-MM-DD HH:MM:SS` as Beijing time.
    pub fn parse(_s: &str) -> Result<Self, TimeFormatError> {
        unimplemented!("stub")
    }
    /// The Beijing time of a Unix timestamp (seconds).
    pub fn from_unix(unix: i64) -> Self {
        Self { unix }
    }
    /// Unix seconds.
    pub fn unix(self) -> i64 {
        self.unix
    }
}

impl fmt::Display for BeijingTime {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        unimplemented!("stub")
    }
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp, as the TC3 credential scope uses.
pub fn utc_date(_unix: u64) -> String {
    unimplemented!("stub")
}
