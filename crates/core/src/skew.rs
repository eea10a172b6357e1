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
//! ```
//! use tcredis_core::skew::SkewEstimator;
//! use tcredis_core::time::http_date;
//!
//! let server = http_date::parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
//! assert_eq!(server, 784_111_777);
//! let mut skew = SkewEstimator::new();
//! // The request was signed at local time server - 412: our clock is behind.
//! let offset = skew.observe(server - 412, server);
//! assert_eq!(offset, 412);
//! assert_eq!(skew.corrected_timestamp(server - 400), server + 12);
//! assert_eq!(skew.describe(), "your clock is 412 s behind the server");
//! ```

use crate::time::http_date;

/// The clock offset (server minus client, seconds) shown by one exchange: the local Unix time
/// at which the request was signed and the server's `Date` (Unix seconds). Positive means the
/// local clock is behind. The estimate is good to a few seconds (`Date` has one-second
/// resolution and includes the network delay), far inside the API's ±300 s window.
pub fn estimate_offset(signed_at_unix: i64, server_date_unix: i64) -> i64 {
    server_date_unix.saturating_sub(signed_at_unix)
}

/// The clock offset shown by a response's `Date` header value, if there is one and it parses.
pub fn offset_from_date_header(signed_at_unix: i64, date_header: Option<&str>) -> Option<i64> {
    let server = http_date::parse(date_header?).ok()?;
    Some(estimate_offset(signed_at_unix, server))
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

    /// Records an exchange (local signing time and server `Date`, both Unix seconds) and
    /// returns the new offset.
    pub fn observe(&mut self, signed_at_unix: i64, server_date_unix: i64) -> i64 {
        self.offset = estimate_offset(signed_at_unix, server_date_unix);
        self.offset
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

    /// [`describe_offset`] of the current offset.
    pub fn describe(&self) -> String {
        describe_offset(self.offset)
    }
}

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
