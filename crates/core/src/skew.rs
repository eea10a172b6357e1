//! Clock-skew estimation from a response `Date` header, for `AuthFailure.SignatureExpire`
//! recovery.
//!
//! The API refuses a request whose `X-TC-Timestamp` is more than 300 s away from the server's
//! clock. When that happens, the response's HTTP `Date` header tells how far off the local
//! clock is; [`SkewEstimator`] remembers the offset and yields corrected timestamps for the
//! retry (and for later requests of the same client).
//!
//! All times are Unix seconds passed in by the caller; nothing here reads a clock.
//!
//! Crate-private: the exchange machine is its only user (the unit tests in `skew/dates.rs`
//! drive it directly).

/// The clock offset (server minus client, seconds) shown by one exchange: the local Unix time
/// at which the request was signed and the server's `Date` (Unix seconds). Positive means the
/// local clock is behind. The estimate is good to a few seconds (`Date` has one-second
/// resolution and includes the network delay), far inside the API's ±300 s window.
pub fn estimate_offset(signed_at_unix: i64, server_date_unix: i64) -> i64 {
    server_date_unix.saturating_sub(signed_at_unix)
}

/// Words for a clock offset (server minus client): "your clock is 412 s behind the server".
pub fn describe_offset(offset: i64) -> String {
    match offset {
        0 => "your clock agrees with the server".to_owned(),
        o if o > 0 => format!("your clock is {o} s behind the server"),
        o => format!("your clock is {} s ahead of the server", o.unsigned_abs()),
    }
}

/// Remembers the server's clock offset and corrects timestamps with it. One per client: once
/// corrected, every later request is signed with the corrected time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkewEstimator {
    offset: i64,
}

impl SkewEstimator {
    /// No correction yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the offset directly (e.g. from [`crate::retry::RetryDecision::RetryNowWithSkew`]).
    pub fn set_offset(&mut self, offset: i64) {
        self.offset = offset;
    }

    /// The current offset, server minus client, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The timestamp to sign with, given the local Unix time.
    pub fn corrected_timestamp(&self, local_unix: i64) -> i64 {
        local_unix.saturating_add(self.offset)
    }
}

#[cfg(test)]
mod dates;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_offsets() {
        assert_eq!(
            describe_offset(412),
            "your clock is 412 s behind the server"
        );
        assert_eq!(
            describe_offset(-30),
            "your clock is 30 s ahead of the server"
        );
        assert_eq!(describe_offset(0), "your clock agrees with the server");
    }
}
