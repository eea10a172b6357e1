//! [`ExchangeError`]: why a call or a listing ended without its answer, typed end to end.

use std::fmt;
use std::time::Duration;

use crate::call::CallError;
use crate::error::{ApiError, MalformedResponse};
use crate::pagination::Drift;
use crate::retry::{GiveUpReason, TransportFailure};
use crate::skew::describe_offset;

/// What ended a call or a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The API answered an error (`Response.Error`) that is not retried, or retries ran out.
    Api(ApiError),
    /// The API refused the request's timestamp even after the clock was corrected by the skew
    /// measured from the server's `Date` header.
    ClockSkew {
        /// The last attempt's error.
        error: ApiError,
        /// The measured skew, server minus local, seconds.
        skew_seconds: i64,
    },
    /// The last attempt got no complete HTTP answer (the driver holds the details).
    Transport(TransportFailure),
    /// The server answered something that is not a valid API answer.
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// What was wrong with a 200 body; `None` when the status itself was the problem.
        malformed: Option<MalformedResponse>,
    },
    /// The whole-call deadline passed.
    Deadline {
        /// The configured deadline.
        after: Duration,
    },
    /// The request could not be built (nothing was sent).
    Request(CallError),
    /// A signed action was driven without credentials.
    NoCredentials,
    /// The listing changed while paging (see the pagination contract).
    Drift(Drift),
    /// The listing yielded more items than its cap allows (a server whose `TotalCount` never
    /// ends is not followed for ever).
    TooManyItems {
        /// The cap.
        cap: u64,
    },
}

/// Why a call or a listing ended without its answer: the [`ErrorKind`] plus how many attempts
/// the last call made and why it stopped retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeError {
    kind: ErrorKind,
    attempts: u32,
    gave_up: Option<GiveUpReason>,
}

impl ExchangeError {
    pub(crate) fn new(kind: ErrorKind, attempts: u32, gave_up: Option<GiveUpReason>) -> Self {
        Self {
            kind,
            attempts,
            gave_up,
        }
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
    /// What happened, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }
    /// Attempts made by the call that failed (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// Why the retry policy stopped, when it was the one to stop.
    pub fn give_up_reason(&self) -> Option<GiveUpReason> {
        self.gave_up
    }
    /// The API error, when the server answered one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.kind {
            ErrorKind::Api(e) | ErrorKind::ClockSkew { error: e, .. } => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(e) => e.fmt(f),
            Self::ClockSkew {
                error,
                skew_seconds,
            } => write!(
                f,
                "{error}; the local clock is {} (set the system clock right)",
                describe_offset(*skew_seconds)
            ),
            Self::Transport(kind) => write!(f, "network failure ({kind:?})"),
            Self::InvalidResponse {
                status,
                malformed: None,
            } => write!(f, "the server answered HTTP {status}, not an API response"),
            Self::InvalidResponse {
                status,
                malformed: Some(m),
            } => write!(f, "the server answered HTTP {status} with {m}"),
            Self::Deadline { after } => write!(f, "the deadline of {after:?} passed"),
            Self::Request(e) => write!(f, "the request could not be built: {e}"),
            Self::NoCredentials => f.write_str("no credentials to sign the request with"),
            Self::Drift(d) => d.fmt(f),
            Self::TooManyItems { cap } => write!(
                f,
                "the listing passed {cap} items and was stopped (a server whose TotalCount never \
                 ends is not followed for ever; raise the item cap if the listing is real)"
            ),
        }
    }
}

impl fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for ExchangeError {}
