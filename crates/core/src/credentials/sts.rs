//! STS (`sts`, version `2018-08-13`) `AssumeRole` and `AssumeRoleWithWebIdentity`: request
//! bodies and response parsing.
//!
//! The bodies are signed and sent with [`crate::call`] like any other action (service
//! [`STS_SERVICE`], host [`STS_HOST`] unless overridden, region [`STS_DEFAULT_REGION`]);
//! `AssumeRoleWithWebIdentity` is sent unsigned (`Authorization: SKIP`). Temporary credentials
//! are refreshed at `ExpiredTime - 0.9 × DurationSeconds`, as the official SDKs do (that is, once
//! a tenth of their lifetime has passed — early, to absorb clock differences).
//!
//! ```
//! use tcredis_core::credentials::sts::{self, AssumeRoleRequest};
//!
//! let request = AssumeRoleRequest::new("qcs::cam::uin/100000000001:roleName/reader", "tcredis-1")
//!     .unwrap()
//!     .with_duration_seconds(3600)
//!     .unwrap();
//! assert_eq!(
//!     String::from_utf8(request.to_json()).unwrap(),
//!     r#"{"RoleArn":"qcs::cam::uin/100000000001:roleName/reader","RoleSessionName":"tcredis-1","DurationSeconds":3600}"#
//! );
//! let creds = sts::parse_response(br#"{"Response": {"Credentials": {"Token": "t",
//!     "TmpSecretId": "AKIDtmp", "TmpSecretKey": "not-shown"}, "ExpiredTime": 1700003600,
//!     "Expiration": "2023-11-14T23:13:20Z", "RequestId": "r-1"}}"#).unwrap();
//! assert_eq!(creds.refresh_at_unix(3600), 1700003600 - 3240);
//! assert!(!format!("{creds:?}").contains("not-shown"));
//! ```

use std::fmt;

use serde::Serialize;

use super::json::{self, JsonError};
use super::{Credentials, CredentialsError, Secret};

/// The STS service name (credential scope).
pub const STS_SERVICE: &str = "sts";
/// The STS API version.
pub const STS_VERSION: &str = "2018-08-13";
/// The default STS host.
pub const STS_HOST: &str = "sts.tencentcloudapi.com";
/// The region the SDKs send STS calls to.
pub const STS_DEFAULT_REGION: &str = "ap-guangzhou";
/// Action name of the role assumption with a key pair.
pub const ASSUME_ROLE: &str = "AssumeRole";
/// Action name of the role assumption with an OIDC token (sent unsigned).
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "AssumeRoleWithWebIdentity";
/// Default lifetime of temporary credentials, seconds.
pub const DEFAULT_DURATION_SECONDS: u32 = 7200;
/// Longest lifetime STS grants, seconds.
pub const MAX_DURATION_SECONDS: u32 = 43_200;

/// A refused STS parameter or an unusable STS response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StsError {
    /// `DurationSeconds` outside `1..=43200`.
    InvalidDuration(u32),
    /// `RoleArn` is empty.
    EmptyRoleArn,
    /// `RoleSessionName` is empty, longer than 128 characters, or holds white space or control
    /// characters.
    InvalidSessionName,
    /// `ProviderId` or `WebIdentityToken` is empty.
    EmptyWebIdentity,
    /// `ExternalId` is not 2 to 128 characters of letters, digits and `_+=,.@:/-`.
    InvalidExternalId,
    /// The response is malformed.
    Json(JsonError),
    /// STS answered `Response.Error`.
    Api {
        /// `Error.Code`.
        code: String,
        /// `Error.Message`.
        message: String,
        /// `RequestId` (empty if absent).
        request_id: String,
    },
    /// The temporary credentials were refused.
    Credentials(CredentialsError),
}

impl fmt::Display for StsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidDuration(d) => write!(
                f,
                "role duration {d} s is not accepted: use 1 to {MAX_DURATION_SECONDS} seconds"
            ),
            Self::EmptyRoleArn => f.write_str("the role ARN is empty"),
            Self::InvalidSessionName => f.write_str(
                "the role session name must be 1 to 128 characters without spaces or control characters",
            ),
            Self::EmptyWebIdentity => {
                f.write_str("the OIDC provider id and web identity token must not be empty")
            }
            Self::InvalidExternalId => f.write_str(
                "the role's external id must be 2 to 128 characters of letters, digits and _+=,.@:/-",
            ),
            Self::Json(e) => write!(f, "the STS response is malformed: {e}"),
            Self::Api {
                code,
                message,
                request_id,
            } => {
                write!(
                    f,
                    "STS refused the role: {code}: {message} (RequestId {request_id})"
                )
            }
            Self::Credentials(e) => write!(f, "STS sent unusable credentials: {e}"),
        }
    }
}

impl std::error::Error for StsError {}

/// Only what can be checked without guessing the server's rules: not empty, at most 128
/// characters, no white space or control characters. STS itself has the last word.
fn check_session_name(name: &str) -> Result<(), StsError> {
    let bad_char = |c: char| c.is_whitespace() || c.is_control();
    if !name.is_empty() && name.chars().count() <= 128 && !name.chars().any(bad_char) {
        Ok(())
    } else {
        Err(StsError::InvalidSessionName)
    }
}

fn check_duration(d: u32) -> Result<u32, StsError> {
    if (1..=MAX_DURATION_SECONDS).contains(&d) {
        Ok(d)
    } else {
        Err(StsError::InvalidDuration(d))
    }
}

/// A default session name for a Unix time in microseconds: `tcredis-<µs>` (the SDKs use
/// `tencentcloud-<lang>-sdk-<µs>`).
pub fn default_session_name(unix_micros: u64) -> String {
    format!("tcredis-{unix_micros}")
}

/// The body of an `AssumeRole` call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleRequest {
    role_arn: String,
    role_session_name: String,
    duration_seconds: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
}

impl AssumeRoleRequest {
    /// A request for `role_arn` with the default duration (7200 s).
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> Result<Self, StsError> {
        let role_arn = role_arn.into();
        let role_session_name = role_session_name.into();
        if role_arn.trim().is_empty() {
            return Err(StsError::EmptyRoleArn);
        }
        check_session_name(&role_session_name)?;
        Ok(Self {
            role_arn,
            role_session_name,
            duration_seconds: DEFAULT_DURATION_SECONDS,
            external_id: None,
        })
    }
    /// Sets `DurationSeconds` (1..=43200).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Result<Self, StsError> {
        self.duration_seconds = check_duration(seconds)?;
        Ok(self)
    }
    /// Sets `ExternalId`, the role's external id (2 to 128 characters of letters, digits and
    /// `_+=,.@:/-`), required by roles whose trust policy names one.
    ///
    /// ```
    /// use tcredis_core::credentials::sts::AssumeRoleRequest;
    /// let r = AssumeRoleRequest::new("qcs::cam::uin/1:roleName/r", "s")?.with_external_id("ext-42")?;
    /// assert_eq!(
    ///     String::from_utf8(r.to_json()).unwrap(),
    ///     r#"{"RoleArn":"qcs::cam::uin/1:roleName/r","RoleSessionName":"s","DurationSeconds":7200,"ExternalId":"ext-42"}"#
    /// );
    /// assert!(AssumeRoleRequest::new("a", "s")?.with_external_id("x y").is_err());
    /// # Ok::<(), tcredis_core::credentials::sts::StsError>(())
    /// ```
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Result<Self, StsError> {
        let id = external_id.into();
        let ok_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c);
        if !(2..=128).contains(&id.len()) || !id.chars().all(ok_char) {
            return Err(StsError::InvalidExternalId);
        }
        self.external_id = Some(id);
        Ok(self)
    }
    /// `DurationSeconds`, also needed for [`StsCredentials::refresh_at_unix`].
    pub fn duration_seconds(&self) -> u32 {
        self.duration_seconds
    }
    /// The compact JSON body: `RoleArn`, `RoleSessionName`, `DurationSeconds` and, when set,
    /// `ExternalId`.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The body of an `AssumeRoleWithWebIdentity` call (TKE OIDC).
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithWebIdentityRequest {
    provider_id: String,
    web_identity_token: Secret,
    role_arn: String,
    role_session_name: String,
    duration_seconds: u32,
}

impl fmt::Debug for AssumeRoleWithWebIdentityRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentityRequest")
            .field("provider_id", &self.provider_id)
            .field("web_identity_token", &"***")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WebIdentityBody<'a> {
    provider_id: &'a str,
    web_identity_token: &'a str,
    role_arn: &'a str,
    role_session_name: &'a str,
    duration_seconds: u32,
}

impl AssumeRoleWithWebIdentityRequest {
    /// A request with the default duration (7200 s). The token is the content of
    /// `TKE_WEB_IDENTITY_TOKEN_FILE`, trimmed.
    pub fn new(
        provider_id: impl Into<String>,
        web_identity_token: impl Into<String>,
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> Result<Self, StsError> {
        let provider_id = provider_id.into();
        let token = web_identity_token.into().trim().to_owned();
        let role_arn = role_arn.into();
        let role_session_name = role_session_name.into();
        if provider_id.trim().is_empty() || token.is_empty() {
            return Err(StsError::EmptyWebIdentity);
        }
        if role_arn.trim().is_empty() {
            return Err(StsError::EmptyRoleArn);
        }
        check_session_name(&role_session_name)?;
        Ok(Self {
            provider_id,
            web_identity_token: Secret::new(token),
            role_arn,
            role_session_name,
            duration_seconds: DEFAULT_DURATION_SECONDS,
        })
    }
    /// Sets `DurationSeconds` (1..=43200).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Result<Self, StsError> {
        self.duration_seconds = check_duration(seconds)?;
        Ok(self)
    }
    /// `DurationSeconds`.
    pub fn duration_seconds(&self) -> u32 {
        self.duration_seconds
    }
    /// The compact JSON body: `ProviderId`, `WebIdentityToken`, `RoleArn`, `RoleSessionName`,
    /// `DurationSeconds`. It contains the token: never log it.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(&WebIdentityBody {
            provider_id: &self.provider_id,
            web_identity_token: self.web_identity_token.expose(),
            role_arn: &self.role_arn,
            role_session_name: &self.role_session_name,
            duration_seconds: self.duration_seconds,
        })
        .unwrap_or_default()
    }
}

/// Temporary credentials answered by STS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsCredentials {
    tmp_secret_id: String,
    tmp_secret_key: Secret,
    token: Secret,
    expired_time: i64,
    expiration: Option<String>,
    request_id: Option<String>,
}

impl StsCredentials {
    /// `Credentials.TmpSecretId`.
    pub fn secret_id(&self) -> &str {
        &self.tmp_secret_id
    }
    /// `ExpiredTime`, Unix seconds.
    pub fn expired_time(&self) -> i64 {
        self.expired_time
    }
    /// `Expiration` (ISO 8601), if sent.
    pub fn expiration(&self) -> Option<&str> {
        self.expiration.as_deref()
    }
    /// `RequestId`, if sent.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// When to refresh, for credentials requested with `duration_seconds`:
    /// `ExpiredTime - duration_seconds / 10 * 9` (the Go SDK's integer form).
    pub fn refresh_at_unix(&self, duration_seconds: u32) -> i64 {
        self.expired_time
            .saturating_sub(i64::from(duration_seconds / 10 * 9))
    }
    /// Whether to refresh at Unix time `now_unix`.
    pub fn needs_refresh(&self, now_unix: i64, duration_seconds: u32) -> bool {
        now_unix >= self.refresh_at_unix(duration_seconds)
    }
    /// The credentials to sign with.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Credentials::new(&self.tmp_secret_id, self.tmp_secret_key.expose())?
            .with_token(self.token.expose())
    }
}

/// Parses an `AssumeRole` or `AssumeRoleWithWebIdentity` response body.
pub fn parse_response(bytes: &[u8]) -> Result<StsCredentials, StsError> {
    let top = json::parse_object(bytes).map_err(StsError::Json)?;
    let response = json::object(&top, "Response", "Response")
        .map_err(StsError::Json)?
        .ok_or(StsError::Json(JsonError::Missing {
            field: "Response".to_owned(),
        }))?;
    let request_id =
        json::opt_str(response, "RequestId", "Response.RequestId").map_err(StsError::Json)?;
    if let Some(error) =
        json::object(response, "Error", "Response.Error").map_err(StsError::Json)?
    {
        let code = json::opt_str(error, "Code", "Response.Error.Code").map_err(StsError::Json)?;
        let message =
            json::opt_str(error, "Message", "Response.Error.Message").map_err(StsError::Json)?;
        return Err(StsError::Api {
            code: code.unwrap_or_default(),
            message: message.unwrap_or_default(),
            request_id: request_id.unwrap_or_default(),
        });
    }
    let creds = json::object(response, "Credentials", "Response.Credentials")
        .map_err(StsError::Json)?
        .ok_or(StsError::Json(JsonError::Missing {
            field: "Response.Credentials".to_owned(),
        }))?;
    let get = |key: &str| {
        json::req_str(creds, key, &format!("Response.Credentials.{key}")).map_err(StsError::Json)
    };
    let out = StsCredentials {
        tmp_secret_id: get("TmpSecretId")?,
        tmp_secret_key: Secret::new(get("TmpSecretKey")?),
        token: Secret::new(get("Token")?),
        expired_time: json::req_i64(response, "ExpiredTime", "Response.ExpiredTime")
            .map_err(StsError::Json)?,
        expiration: json::opt_str(response, "Expiration", "Response.Expiration")
            .map_err(StsError::Json)?,
        request_id,
    };
    out.credentials().map_err(StsError::Credentials)?;
    Ok(out)
}
