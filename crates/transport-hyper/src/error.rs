//! The client's error type: an API answer (code, message, RequestId), or what went wrong on the
//! way (transport, timeout, TLS, credentials, configuration, pagination drift, a response that
//! could not be understood). No secret is ever part of an error.

use std::fmt;
use std::time::Duration;

use tcredis_core::error::ApiError;

use crate::provide::CredentialsError;

/// Which time limit fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (TCP, proxy tunnel, TLS handshake).
    Connect,
    /// One attempt: sending the request and reading the whole response.
    Request,
    /// The whole call, retries and pacing waits included.
    Deadline,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Request => "request timeout",
            TimeoutKind::Deadline => "deadline",
        })
    }
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The TCP connection could not be made (refused, unreachable, name resolution).
    Connect,
    /// The proxy refused or broke the CONNECT tunnel.
    Proxy,
    /// The connection failed while the request or response was in flight (reset, closed).
    Io,
    /// The server broke the HTTP protocol.
    Protocol,
    /// The answer's body was over the client's cap
    /// ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)); reading
    /// stopped there. Not retried: the same server would send the same answer.
    BodyTooLarge,
}

/// An error from a [`Client`](crate::Client) call or its setup.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The API answered an error (`Response.Error`), after any retries.
    Api(ApiError),
    /// The API refused the request's timestamp even after the client corrected its clock by the
    /// skew measured from the server's `Date` header.
    ClockSkew {
        /// The API error of the last attempt.
        error: ApiError,
        /// Measured skew in seconds: server time minus local time.
        skew_seconds: i64,
    },
    /// The network failed (after any retries).
    Transport {
        /// What failed.
        kind: TransportErrorKind,
        /// A description (never contains a secret).
        message: String,
    },
    /// A time limit fired.
    Timeout {
        /// Which limit.
        kind: TimeoutKind,
        /// Its configured value.
        after: Duration,
    },
    /// The TLS handshake failed (untrusted certificate, wrong name, protocol).
    Tls {
        /// A description.
        message: String,
    },
    /// No usable credentials, or the provider failed (STS or the metadata service
    /// unreachable or refusing): see [`CredentialsError`].
    Credentials(CredentialsError),
    /// The client or the request is misconfigured (nothing was sent).
    Config {
        /// What is wrong and what is accepted.
        message: String,
    },
    /// The listing changed under the paginator (see the core's pagination contract).
    Drift {
        /// What was observed.
        message: String,
    },
    /// The server answered something that is not a valid API response.
    InvalidResponse {
        /// HTTP status of the answer.
        status: u16,
        /// What was wrong.
        message: String,
    },
    /// A listing yielded more items than its cap
    /// ([`ListingOptions::max_items`](tcredis_core::ListingOptions::max_items)) and was
    /// stopped: a server whose `TotalCount` never ends is not followed for ever.
    TooManyItems {
        /// The cap that was passed.
        cap: u64,
    },
}

impl Error {
    /// The API error when the server answered one.
    /// The API error when the server answered one (STS's, when fetching credentials failed
    /// that way).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::ClockSkew { error: e, .. } => Some(e),
            Error::Credentials(c) => c.api_error(),
            _ => None,
        }
    }

    /// Whether the failure is a network, TLS or timeout failure (the CLI's exit code 4),
    /// reaching STS or the metadata service included.
    pub fn is_network(&self) -> bool {
        match self {
            Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::Tls { .. }
            | Error::InvalidResponse { .. }
            | Error::TooManyItems { .. } => true,
            Error::Credentials(c) => c.is_network(),
            _ => false,
        }
    }

    /// Whether the error came from a time limit.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "API error {e}"),
            Error::ClockSkew {
                error,
                skew_seconds,
            } => write!(
                f,
                "API error {error}; the local clock is {} s {} the server's even after correction",
                skew_seconds.unsigned_abs(),
                if *skew_seconds >= 0 {
                    "behind"
                } else {
                    "ahead of"
                }
            ),
            Error::Transport { kind, message } => {
                let what = match kind {
                    TransportErrorKind::Connect => "connection failed",
                    TransportErrorKind::Proxy => "proxy failed",
                    TransportErrorKind::Io => "network error",
                    TransportErrorKind::Protocol => "HTTP protocol error",
                    TransportErrorKind::BodyTooLarge => "response too large",
                };
                write!(f, "{what}: {message}")
            }
            Error::Timeout { kind, after } => write!(f, "{kind} of {after:?} elapsed"),
            Error::Tls { message } => write!(f, "TLS error: {message}"),
            Error::Credentials(e) => write!(f, "credentials: {e}"),
            Error::Config { message } => write!(f, "configuration error: {message}"),
            // The message is the core's drift text, which says what changed: not repeated.
            Error::Drift { message } => f.write_str(message),
            Error::InvalidResponse { status, message } => {
                write!(f, "invalid response (HTTP {status}): {message}")
            }
            Error::TooManyItems { cap } => write!(
                f,
                "invalid response: the listing passed {cap} items and was stopped (a server whose \
                 TotalCount never ends is not followed for ever; raise the item cap if the \
                 listing is real)"
            ),
        }
    }
}

impl std::error::Error for Error {}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_and_messages() {
        let api = ApiError::new("RequestLimitExceeded", "slow down", "req-9");
        let e = Error::from(api.clone());
        assert_eq!(e.api_error(), Some(&api));
        assert!(!e.is_network());
        assert_eq!(
            e.to_string(),
            "API error RequestLimitExceeded: slow down (RequestId: req-9)"
        );

        let skew = Error::ClockSkew {
            error: api.clone(),
            skew_seconds: -42,
        };
        assert_eq!(skew.api_error().unwrap().request_id(), "req-9");
        assert!(
            skew.to_string().contains("42 s ahead of the server's"),
            "{skew}"
        );

        let t = Error::Timeout {
            kind: TimeoutKind::Connect,
            after: Duration::from_millis(300),
        };
        assert!(t.is_network() && t.is_timeout());
        assert_eq!(t.to_string(), "connect timeout of 300ms elapsed");
        let cap = Error::TooManyItems { cap: 1000 };
        assert!(cap.is_network() && !cap.is_timeout() && cap.api_error().is_none());
        assert!(
            cap.to_string()
                .starts_with("invalid response: the listing passed 1000 items and was stopped"),
            "{cap}"
        );
        for e in [
            Error::Transport {
                kind: TransportErrorKind::Connect,
                message: "refused".into(),
            },
            Error::Tls {
                message: "unknown issuer".into(),
            },
            Error::InvalidResponse {
                status: 502,
                message: "HTTP status 502".into(),
            },
        ] {
            assert!(e.is_network() && e.api_error().is_none(), "{e}");
        }
        for e in [
            Error::Config {
                message: "x".into(),
            },
            Error::Credentials(CredentialsError::Invalid {
                source: "x".into(),
                reason: "y".into(),
            }),
            Error::Drift {
                message: "x".into(),
            },
        ] {
            assert!(!e.is_network(), "{e}");
        }
    }
}
