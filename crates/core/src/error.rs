//! API errors: the `Response.Error` envelope mapped to typed codes, with the RequestId always
//! kept, a retryable classification and human hints; and the errors of response parsing.

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $message:literal; )*) => {
        /// An API error code (`Response.Error.Code`).
        ///
        /// The common codes of Tencent Cloud API 3.0 and the business codes of
        /// `DescribeInstanceBackups` are variants; any other code is kept verbatim in
        /// [`ErrorCode::Other`], so [`ErrorCode::as_str`] always round-trips what the server sent.
        ///
        /// ```
        /// use tcredis_core::error::ErrorCode;
        /// let code = ErrorCode::from("AuthFailure.SignatureExpire");
        /// assert_eq!(code, ErrorCode::AuthFailureSignatureExpire);
        /// assert_eq!(code.as_str(), "AuthFailure.SignatureExpire");
        /// assert_eq!(ErrorCode::from("Brand.New").as_str(), "Brand.New");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code this crate does not know, kept exactly as received.
            Other(String),
        }

        impl ErrorCode {
            /// Every known code (all variants except [`ErrorCode::Other`]), in documentation order.
            pub const KNOWN: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The code exactly as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $code, )*
                    ErrorCode::Other(code) => code,
                }
            }

            /// The documented English description of the code, as the official error-code
            /// tables give it (used by the mock to emit realistic messages). For an unknown
            /// code it is the generic `"An error occurred."`.
            pub fn default_message(&self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $message, )*
                    ErrorCode::Other(_) => "An error occurred.",
                }
            }
        }

        impl From<&str> for ErrorCode {
            fn from(code: &str) -> Self {
                match code {
                    $( $code => ErrorCode::$variant, )*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }
        }
    };
}

error_codes! {
    /// `ActionOffline`: the API has been deprecated.
    ActionOffline = "ActionOffline", "This API has been deprecated.";
    /// `AuthFailure`: CAM signature or authentication error.
    AuthFailure = "AuthFailure", "CAM signature/authentication error.";
    /// `AuthFailure.InvalidAuthorization`: the `Authorization` header is invalid.
    AuthFailureInvalidAuthorization = "AuthFailure.InvalidAuthorization", "`Authorization` in the request header is invalid.";
    /// `AuthFailure.InvalidSecretId`: not a Tencent Cloud API key.
    AuthFailureInvalidSecretId = "AuthFailure.InvalidSecretId", "Invalid key (not a TencentCloud API key type).";
    /// `AuthFailure.MFAFailure`: MFA failed.
    AuthFailureMfaFailure = "AuthFailure.MFAFailure", "MFA failed.";
    /// `AuthFailure.SecretIdNotFound`: the key does not exist (deleted, disabled, mistyped).
    AuthFailureSecretIdNotFound = "AuthFailure.SecretIdNotFound", "Key does not exist.";
    /// `AuthFailure.SignatureExpire`: the timestamp is more than five minutes from server time.
    AuthFailureSignatureExpire = "AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than five minutes.";
    /// `AuthFailure.SignatureFailure`: the signature does not match.
    AuthFailureSignatureFailure = "AuthFailure.SignatureFailure", "Invalid signature. Signature calculation error.";
    /// `AuthFailure.TokenFailure`: the session token is missing or wrong.
    AuthFailureTokenFailure = "AuthFailure.TokenFailure", "Token error.";
    /// `AuthFailure.UnauthorizedOperation`: the request is not authorized by CAM.
    AuthFailureUnauthorizedOperation = "AuthFailure.UnauthorizedOperation", "The request is not authorized.";
    /// `DryRunOperation`: the request would have succeeded.
    DryRunOperation = "DryRunOperation", "DryRun Operation. It means that the request would have succeeded, but the DryRun parameter was used.";
    /// `FailedOperation`: the operation failed.
    FailedOperation = "FailedOperation", "Operation failed.";
    /// `FailedOperation.SystemError`: internal system error, not business related (this action).
    FailedOperationSystemError = "FailedOperation.SystemError", "Internal system error, which is irrelevant to the business.";
    /// `InternalError`: internal error.
    InternalError = "InternalError", "Internal error.";
    /// `InternalError.DbOperationFailed`: a database operation failed (this action).
    InternalErrorDbOperationFailed = "InternalError.DbOperationFailed", "Unified DB operation error, which may be an UPDATE/INSERT/SELECT error.";
    /// `InternalError.InternalError`: internal error (this action).
    InternalErrorInternalError = "InternalError.InternalError", "Internal error.";
    /// `InvalidAction`: the API does not exist.
    InvalidAction = "InvalidAction", "The API does not exist.";
    /// `InvalidParameter`: incorrect parameter (format, type...).
    InvalidParameter = "InvalidParameter", "Incorrect parameter.";
    /// `InvalidParameter.InvalidParameter`: business parameter error (this action).
    InvalidParameterInvalidParameter = "InvalidParameter.InvalidParameter", "Business parameter error.";
    /// `InvalidParameter.PermissionDenied`: the API has no CAM permission (this action).
    InvalidParameterPermissionDenied = "InvalidParameter.PermissionDenied", "The API has no CAM permission.";
    /// `InvalidParameterValue`: invalid parameter value.
    InvalidParameterValue = "InvalidParameterValue", "Invalid parameter value.";
    /// `InvalidRequest`: the multipart body is malformed.
    InvalidRequest = "InvalidRequest", "The multipart format of the request body is incorrect.";
    /// `IpInBlacklist`: the caller's IP is blacklisted.
    IpInBlacklist = "IpInBlacklist", "Your IP is in uin IP blacklist.";
    /// `IpNotInWhitelist`: the caller's IP is not whitelisted.
    IpNotInWhitelist = "IpNotInWhitelist", "Your IP is not in uin IP whitelist.";
    /// `LimitExceeded`: quota limit exceeded.
    LimitExceeded = "LimitExceeded", "Quota limit exceeded.";
    /// `MissingParameter`: a parameter is missing.
    MissingParameter = "MissingParameter", "A parameter is missing.";
    /// `NoSuchProduct`: the product does not exist.
    NoSuchProduct = "NoSuchProduct", "The product does not exist.";
    /// `NoSuchVersion`: the API version does not exist.
    NoSuchVersion = "NoSuchVersion", "The API version does not exist.";
    /// `RequestLimitExceeded`: too many requests per second.
    RequestLimitExceeded = "RequestLimitExceeded", "The number of requests exceeds the frequency limit.";
    /// `RequestLimitExceeded.GlobalRegionUinLimitExceeded`: account-wide frequency limit.
    RequestLimitExceededGlobalRegionUinLimitExceeded = "RequestLimitExceeded.GlobalRegionUinLimitExceeded", "Uin exceeds the frequency limit.";
    /// `RequestLimitExceeded.IPLimitExceeded`: per-IP frequency limit.
    RequestLimitExceededIpLimitExceeded = "RequestLimitExceeded.IPLimitExceeded", "The number of ip requests exceeds the frequency limit.";
    /// `RequestLimitExceeded.UinLimitExceeded`: per-account frequency limit.
    RequestLimitExceededUinLimitExceeded = "RequestLimitExceeded.UinLimitExceeded", "The number of uin requests exceeds the frequency limit.";
    /// `RequestSizeLimitExceeded`: the request is too large.
    RequestSizeLimitExceeded = "RequestSizeLimitExceeded", "The request size exceeds the upper limit.";
    /// `ResourceInUse`: the resource is in use.
    ResourceInUse = "ResourceInUse", "Resource is in use.";
    /// `ResourceInsufficient`: insufficient resource.
    ResourceInsufficient = "ResourceInsufficient", "Insufficient resource.";
    /// `ResourceNotFound`: the resource does not exist.
    ResourceNotFound = "ResourceNotFound", "The resource does not exist.";
    /// `ResourceNotFound.InstanceNotExists`: no Redis instance with this ID (this action).
    ResourceNotFoundInstanceNotExists = "ResourceNotFound.InstanceNotExists", "No Redis instance found by the serialId.";
    /// `ResourceUnavailable`: the resource is unavailable.
    ResourceUnavailable = "ResourceUnavailable", "Resource is unavailable.";
    /// `ResponseSizeLimitExceeded`: the response would be too large.
    ResponseSizeLimitExceeded = "ResponseSizeLimitExceeded", "The response size exceeds the upper limit.";
    /// `ServiceUnavailable`: the service is unavailable now.
    ServiceUnavailable = "ServiceUnavailable", "Service is unavailable now.";
    /// `UnauthorizedOperation`: unauthorized operation.
    UnauthorizedOperation = "UnauthorizedOperation", "Unauthorized operation.";
    /// `UnauthorizedOperation.NoCAMAuthed`: no CAM permission (this action).
    UnauthorizedOperationNoCamAuthed = "UnauthorizedOperation.NoCAMAuthed", "No CAM permissions.";
    /// `UnknownParameter`: unknown parameter.
    UnknownParameter = "UnknownParameter", "Unknown parameter.";
    /// `UnsupportedOperation`: unsupported operation.
    UnsupportedOperation = "UnsupportedOperation", "Unsupported operation.";
    /// `UnsupportedProtocol`: only GET and POST are supported.
    UnsupportedProtocol = "UnsupportedProtocol", "HTTP(S) request protocol error; only GET and POST requests are supported.";
    /// `UnsupportedRegion`: the API does not support the region.
    UnsupportedRegion = "UnsupportedRegion", "API does not support the requested region.";
}

impl ErrorCode {
    /// Whether a retry of the same request may succeed: `RequestLimitExceeded` and its
    /// sub-codes, `InternalError` and its sub-codes, `FailedOperation.SystemError` and
    /// `ServiceUnavailable`. `AuthFailure.SignatureExpire` is not included: see
    /// [`ErrorCode::is_clock_skew`].
    pub fn is_retryable(&self) -> bool {
        let code = self.as_str();
        code == "RequestLimitExceeded"
            || code.starts_with("RequestLimitExceeded.")
            || code == "InternalError"
            || code.starts_with("InternalError.")
            || code == "FailedOperation.SystemError"
            || code == "ServiceUnavailable"
    }

    /// Whether the error is `RequestLimitExceeded` or one of its sub-codes (throttling).
    pub fn is_throttling(&self) -> bool {
        let code = self.as_str();
        code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.")
    }

    /// Whether the server refused the request's timestamp (`AuthFailure.SignatureExpire`):
    /// retry once, re-signed, after correcting for the measured clock skew.
    pub fn is_clock_skew(&self) -> bool {
        *self == ErrorCode::AuthFailureSignatureExpire
    }

    /// Whether the code reports a missing CAM permission.
    pub fn is_permission_denied(&self) -> bool {
        matches!(
            self,
            ErrorCode::UnauthorizedOperation
                | ErrorCode::UnauthorizedOperationNoCamAuthed
                | ErrorCode::AuthFailureUnauthorizedOperation
                | ErrorCode::InvalidParameterPermissionDenied
        ) || self.as_str().starts_with("UnauthorizedOperation.")
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for ErrorCode {
    fn from(code: String) -> Self {
        match ErrorCode::from(code.as_str()) {
            ErrorCode::Other(_) => ErrorCode::Other(code),
            known => known,
        }
    }
}

impl std::str::FromStr for ErrorCode {
    type Err = std::convert::Infallible;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Ok(ErrorCode::from(code))
    }
}

/// An error answered by the API (`Response.Error`), with the request's `RequestId`.
///
/// ```
/// use tcredis_core::error::{ApiError, ErrorCode};
/// let err = ApiError::new(ErrorCode::RequestLimitExceeded, "slow down", "req-1");
/// assert!(err.is_retryable());
/// assert_eq!(err.to_string(), "RequestLimitExceeded: slow down (RequestId: req-1)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    request_id: String,
}

/// Extra facts that make [`ApiError::hint_with`] more precise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HintContext {
    /// Measured clock skew in seconds (server time minus local time), if known.
    pub clock_skew_seconds: Option<i64>,
    /// The region the request was sent for.
    pub region: Option<String>,
    /// The signed Host the request was sent to.
    pub host: Option<String>,
}

impl HintContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the measured clock skew (server minus local, seconds).
    pub fn clock_skew_seconds(mut self, skew: i64) -> Self {
        self.clock_skew_seconds = Some(skew);
        self
    }
    /// Sets the region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Sets the signed Host.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }
}

impl ApiError {
    /// Builds an API error. `request_id` may be empty when the server sent none.
    pub fn new(
        code: impl Into<ErrorCode>,
        message: impl Into<String>,
        request_id: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            request_id: request_id.into(),
        }
    }
    /// An error carrying the code's documented message ([`ErrorCode::default_message`]), as a
    /// fake endpoint answers.
    pub fn with_default_message(code: ErrorCode, request_id: impl Into<String>) -> Self {
        let message = code.default_message();
        Self::new(code, message, request_id)
    }

    /// The typed error code.
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }
    /// The server's message (its wording may change; do not match on it).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The RequestId, empty only if the server omitted it.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }
    /// See [`ErrorCode::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        self.code.is_retryable()
    }
    /// See [`ErrorCode::is_clock_skew`].
    pub fn is_clock_skew(&self) -> bool {
        self.code.is_clock_skew()
    }
    /// A human hint on what to check, if this code has a common cause.
    pub fn hint(&self) -> Option<String> {
        self.hint_with(&HintContext::default())
    }

    /// Like [`ApiError::hint`], made precise with what the caller knows (measured skew,
    /// region, host).
    pub fn hint_with(&self, context: &HintContext) -> Option<String> {
        let fsi = context.region.as_deref().filter(|r| r.ends_with("-fsi"));
        Some(match &self.code {
            ErrorCode::AuthFailureSignatureExpire => match context.clock_skew_seconds {
                Some(skew) if skew != 0 => format!(
                    "the request timestamp was refused: this machine's clock is {} s {} the server's; \
                     sync it (NTP) or let the client correct for the measured skew",
                    skew.unsigned_abs(),
                    if skew > 0 { "behind" } else { "ahead of" }
                ),
                _ => "the request timestamp is more than 5 minutes from the server's time: \
                      check this machine's clock (NTP, time zone is irrelevant: the timestamp is Unix time)"
                    .to_owned(),
            },
            ErrorCode::AuthFailureSignatureFailure => "the signature did not match: check that the SecretKey belongs \
                 to the SecretId and has no stray whitespace or quotes, that no proxy rewrote the Host, \
                 Content-Type or body, and that the region/endpoint are the ones signed (run with -v to see \
                 the canonical request)"
                .to_owned(),
            ErrorCode::AuthFailureSecretIdNotFound | ErrorCode::AuthFailureInvalidSecretId => {
                "the SecretId is unknown: the key may have been deleted or disabled in the CAM console, \
                 or the value carries whitespace or a typo"
                    .to_owned()
            }
            ErrorCode::AuthFailureTokenFailure => {
                "temporary credentials need their session token (TENCENTCLOUD_TOKEN); it may have expired or belong to other keys"
                    .to_owned()
            }
            code if code.is_permission_denied() => {
                "the credentials lack permission: attach a CAM policy allowing redis:DescribeInstanceBackups \
                 (e.g. QcloudRedisReadOnlyAccess) to the user or role"
                    .to_owned()
            }
            code if code.is_throttling() => {
                "the API's request rate limit was hit: lower --rate-limit or retry later".to_owned()
            }
            ErrorCode::UnsupportedRegion | ErrorCode::ResourceNotFoundInstanceNotExists
                if fsi.is_some() =>
            {
                let region = fsi.unwrap_or_default();
                format!(
                    "financial region {region} is isolated: send it to redis.{region}.tencentcloudapi.com"
                )
            }
            ErrorCode::UnsupportedRegion => {
                "the region is unknown to the service; financial regions (*-fsi) need their own domain \
                 redis.<region>.tencentcloudapi.com"
                    .to_owned()
            }
            ErrorCode::ResourceNotFoundInstanceNotExists => {
                "no such instance in this region: check the instance ID and --region".to_owned()
            }
            _ => return None,
        })
    }

    /// Extracts `Response.Error` from any API 3.0 response body (e.g. STS), whatever the
    /// Content-Type. `None` when the body is not JSON or carries no error.
    pub fn from_body(body: &[u8]) -> Option<ApiError> {
        #[derive(serde::Deserialize)]
        struct Envelope {
            #[serde(rename = "Response")]
            response: Inner,
        }
        #[derive(serde::Deserialize)]
        struct Inner {
            #[serde(rename = "Error")]
            error: Option<ErrorBody>,
            #[serde(rename = "RequestId")]
            request_id: Option<String>,
        }
        let envelope: Envelope = serde_json::from_slice(body).ok()?;
        let error = envelope.response.error?;
        Some(error.into_api_error(envelope.response.request_id))
    }
}

/// The wire form of `Response.Error`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(rename = "Code")]
    pub(crate) code: String,
    #[serde(rename = "Message", default)]
    pub(crate) message: Option<String>,
}

impl ErrorBody {
    pub(crate) fn into_api_error(self, request_id: Option<String>) -> ApiError {
        ApiError::new(
            ErrorCode::from(self.code),
            self.message.unwrap_or_default(),
            request_id.unwrap_or_default(),
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if !self.request_id.is_empty() {
            write!(f, " (RequestId: {})", self.request_id)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Why a response body could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedKind {
    /// The body is empty.
    Empty,
    /// The body is not valid JSON (or not UTF-8).
    NotJson,
    /// The JSON has no `Response` object.
    NoResponseObject,
    /// A field has the wrong JSON type; `path` names it (e.g. `Response.BackupSet[3].Status`).
    WrongType {
        /// Where the field is.
        path: String,
    },
    /// A required field is missing or null.
    MissingField {
        /// Where the field should be.
        path: String,
    },
}

/// A response body that is not a well-formed API answer. Carries a short, printable excerpt of
/// the body (at most [`MalformedResponse::EXCERPT_LEN`] characters) for diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedResponse {
    kind: MalformedKind,
    detail: String,
    excerpt: String,
}

impl MalformedResponse {
    /// The longest excerpt kept, in characters.
    pub const EXCERPT_LEN: usize = 80;

    pub(crate) fn new(kind: MalformedKind, detail: impl Into<String>, body: &[u8]) -> Self {
        Self {
            kind,
            detail: detail.into(),
            excerpt: excerpt(body),
        }
    }
    /// What was wrong.
    pub fn kind(&self) -> &MalformedKind {
        &self.kind
    }
    /// The parser's own explanation (position, expected type).
    pub fn detail(&self) -> &str {
        &self.detail
    }
    /// The start of the body, control characters escaped, truncated.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(MalformedResponse::EXCERPT_LEN * 4)]);
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MalformedResponse::EXCERPT_LEN {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for MalformedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            MalformedKind::Empty => f.write_str("malformed response: the body is empty")?,
            MalformedKind::NotJson => write!(f, "malformed response: not JSON ({})", self.detail)?,
            MalformedKind::NoResponseObject => write!(
                f,
                "malformed response: no \"Response\" object ({})",
                self.detail
            )?,
            MalformedKind::WrongType { path } => write!(
                f,
                "malformed response: {path} has the wrong type ({})",
                self.detail
            )?,
            MalformedKind::MissingField { path } => {
                write!(f, "malformed response: {path} is missing")?
            }
        }
        if !self.excerpt.is_empty() {
            write!(f, "; body starts {:?}", self.excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for MalformedResponse {}

/// Why [`crate::response::parse_response`] gave no page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The API answered an error (`Response.Error`).
    Api(ApiError),
    /// The body is not a well-formed answer.
    Malformed(MalformedResponse),
}

impl ResponseError {
    /// The API error, if that is what this is.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ResponseError::Api(e) => Some(e),
            ResponseError::Malformed(_) => None,
        }
    }
    /// Whether retrying may help: a retryable API code, or a malformed (e.g. truncated) body.
    pub fn is_retryable(&self) -> bool {
        match self {
            ResponseError::Api(e) => e.is_retryable(),
            ResponseError::Malformed(_) => true,
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Api(e) => e.fmt(f),
            ResponseError::Malformed(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ResponseError {}

impl From<ApiError> for ResponseError {
    fn from(e: ApiError) -> Self {
        ResponseError::Api(e)
    }
}
impl From<MalformedResponse> for ResponseError {
    fn from(e: MalformedResponse) -> Self {
        ResponseError::Malformed(e)
    }
}
