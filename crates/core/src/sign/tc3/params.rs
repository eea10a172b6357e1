//! The data of a TC3 signature: what goes in ([`SigningParams`], [`Payload`]), what comes out
//! ([`Tc3Signature`], [`SigningStages`]), why it can fail ([`SigningError`]) and the protocol's
//! fixed words. Nothing here computes anything.

use std::fmt;

/// The algorithm name, first word of the `Authorization` header and of the string-to-sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The payload marker of unsigned-payload mode (also the `X-TC-Content-SHA256` header value).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The header announcing unsigned-payload mode.
pub const CONTENT_SHA256_HEADER: &str = "X-TC-Content-SHA256";
/// The last element of every TC3 credential scope.
pub const SCOPE_TERMINATOR: &str = "tc3_request";

/// What the `HashedRequestPayload` line of the canonical request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// The exact body bytes sent (empty for GET).
    Bytes(&'a [u8]),
    /// Unsigned-payload mode: the hash of the text `UNSIGNED-PAYLOAD` is signed instead, and the
    /// request must carry `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// Everything that goes into a TC3 signature, as plain data.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The raw query string exactly as it goes on the URL (without `?`); empty for POST.
    pub query: &'a str,
    /// The headers to sign, any order and case. Names are lower-cased and sorted, values trimmed
    /// and lower-cased, as the protocol says. Must include `content-type` and `host`; the
    /// official SDKs sign exactly those two.
    pub headers: &'a [(&'a str, &'a str)],
    /// The payload to hash.
    pub payload: Payload<'a>,
    /// `X-TC-Timestamp`: Unix seconds. Its UTC date goes into the credential scope.
    pub timestamp: u64,
    /// The product name of the credential scope, e.g. `redis` or `sts`.
    pub service: &'a str,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The method is not `GET` or `POST`.
    UnsupportedMethod,
    /// `content-type` or `host` (named) is not among the signed headers.
    MissingRequiredHeader(&'static str),
    /// A header name is empty or has a character outside the HTTP token set.
    InvalidHeaderName,
    /// A header value contains a control character (e.g. a line break).
    InvalidHeaderValue,
    /// The same header name (case-insensitively) is listed twice.
    DuplicateHeader,
    /// The service is empty or contains a character other than `A-Z a-z 0-9 - _ .`.
    InvalidService,
    /// The SecretId is empty or contains `/`, `,`, white space or a control character.
    InvalidSecretId,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedMethod => f.write_str("the method must be GET or POST"),
            Self::MissingRequiredHeader(name) => {
                write!(f, "the signed headers must include {name:?} (content-type and host are required)")
            }
            Self::InvalidHeaderName => f.write_str(
                "a header name to sign is empty or has a character outside the HTTP token set",
            ),
            Self::InvalidHeaderValue => {
                f.write_str("a header value to sign contains a control character such as a line break")
            }
            Self::DuplicateHeader => {
                f.write_str("a header name appears twice in the headers to sign (names are case-insensitive)")
            }
            Self::InvalidService => f.write_str(
                "the service name must be non-empty and contain only letters, digits, '-', '_' or '.'",
            ),
            Self::InvalidSecretId => f.write_str(
                "the SecretId must be non-empty and contain no '/', ',', white space or control characters",
            ),
        }
    }
}

impl std::error::Error for SigningError {}

/// A finished TC3 signature: the `Authorization` header value, whose last 64 characters are the
/// signature in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Signature {
    authorization: String,
}

impl Tc3Signature {
    /// Wraps a finished `Authorization` value (it must end with the 64-digit signature).
    pub(super) fn from_authorization(authorization: String) -> Self {
        Self { authorization }
    }

    /// The `Authorization` header value:
    /// `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..., Signature=...`.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signature, 64 lower-case hex digits.
    pub fn signature(&self) -> &str {
        &self.authorization[self.authorization.len() - 64..]
    }

    /// The `Authorization` header value, owned.
    pub fn into_authorization(self) -> String {
        self.authorization
    }
}

/// Every intermediate text of a TC3 signature, for `-v` output and golden tests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningStages {
    /// The canonical request.
    pub canonical_request: String,
    /// Lower-case hex SHA-256 of the canonical request.
    pub hashed_canonical_request: String,
    /// `DATE/SERVICE/tc3_request`.
    pub credential_scope: String,
    /// The string-to-sign.
    pub string_to_sign: String,
    /// The `SignedHeaders` list (`content-type;host`).
    pub signed_headers: String,
    /// The signature, lower-case hex.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}
