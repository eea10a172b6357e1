//! What a verification is asked ([`VerifyOptions`]) and what it answers: [`Verified`] with the
//! [`Leniency`] it needed, or a [`VerifyError`] whose [`VerifyErrorKind`] maps to the Tencent
//! Cloud error code.

use std::fmt;

/// The default accepted distance between the request timestamp and `now`, in seconds.
pub const DEFAULT_WINDOW_SECONDS: u64 = 300;

/// How strict verification is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions<'a> {
    /// The credential-scope service the endpoint serves (`redis`, `sts`); `None` accepts any.
    pub service: Option<&'a str>,
    /// Accepted |timestamp − now| in seconds (default 300).
    pub window_seconds: u64,
    /// Accept the Node SDK's loopback quirks (see the module docs).
    pub loopback_leniency: bool,
}

impl<'a> VerifyOptions<'a> {
    /// Exact checks for `service`, ±300 s, no leniency.
    pub fn strict(service: &'a str) -> Self {
        Self {
            service: Some(service),
            window_seconds: DEFAULT_WINDOW_SECONDS,
            loopback_leniency: false,
        }
    }

    /// As [`VerifyOptions::strict`] plus loopback leniency (the mock's default).
    pub fn lenient(service: &'a str) -> Self {
        Self {
            loopback_leniency: true,
            ..Self::strict(service)
        }
    }
}

/// Which loopback leniencies a successful verification needed (all `false` = exact match).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Leniency {
    /// The signature covered the Host without its port.
    pub host_without_port: bool,
    /// The credential-scope service was the Host's first dot-separated label.
    pub service_from_host_label: bool,
}

impl Leniency {
    /// Whether no leniency was needed.
    pub fn is_strict(&self) -> bool {
        !self.host_without_port && !self.service_from_host_label
    }
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The SecretId that signed.
    pub secret_id: String,
    /// The request timestamp (Unix seconds).
    pub timestamp: u64,
    /// The credential-scope service (TC3) or empty (v1).
    pub service: String,
    /// Whether the payload was unsigned (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD`).
    pub unsigned_payload: bool,
    /// The leniencies that were needed.
    pub leniency: Leniency,
}

/// The class of a verification failure, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// The authorization (header, or v1 parameters) is missing or malformed, or its timestamp
    /// is not a decimal number.
    InvalidAuthorization,
    /// The timestamp is outside the accepted window.
    SignatureExpire,
    /// The SecretId is unknown.
    SecretIdNotFound,
    /// The signature does not match.
    SignatureFailure,
    /// The session token is missing, wrong, or sent with a permanent key.
    TokenFailure,
}

impl VerifyErrorKind {
    /// The Tencent Cloud error code for this failure, e.g. `AuthFailure.SignatureFailure`.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidAuthorization => "AuthFailure.InvalidAuthorization",
            Self::SignatureExpire => "AuthFailure.SignatureExpire",
            Self::SecretIdNotFound => "AuthFailure.SecretIdNotFound",
            Self::SignatureFailure => "AuthFailure.SignatureFailure",
            Self::TokenFailure => "AuthFailure.TokenFailure",
        }
    }
}

/// Why a request failed verification. The detail never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    kind: VerifyErrorKind,
    detail: String,
}

impl VerifyError {
    pub(super) fn new(kind: VerifyErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// The failure class.
    pub fn kind(&self) -> VerifyErrorKind {
        self.kind
    }

    /// The Tencent Cloud error code (see [`VerifyErrorKind::code`]).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// What exactly was wrong, for the error message.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.detail)
    }
}

impl std::error::Error for VerifyError {}

/// An [`VerifyErrorKind::InvalidAuthorization`] failure.
pub(super) fn invalid(detail: impl Into<String>) -> VerifyError {
    VerifyError::new(VerifyErrorKind::InvalidAuthorization, detail)
}

/// The signature did not match (the same words for TC3 and v1).
pub(super) fn mismatch() -> VerifyError {
    VerifyError::new(
        VerifyErrorKind::SignatureFailure,
        "the provided credentials could not be validated; check the signature is computed over the exact Host, Content-Type, query and body sent",
    )
}
