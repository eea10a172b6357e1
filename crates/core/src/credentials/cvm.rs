//! CVM instance-role metadata responses.
//!
//! The transport first GETs [`SECURITY_CREDENTIALS_PATH`] on the metadata endpoint (default
//! [`METADATA_ENDPOINT`], overridable with `TENCENTCLOUD_METADATA_ENDPOINT`) to learn the role
//! name ([`parse_role_name`]), then GETs [`credentials_path`] of that role and parses the JSON
//! with [`parse_role_credentials`]. Credentials are refreshed [`REFRESH_BEFORE_EXPIRY_SECS`]
//! seconds before `ExpiredTime`, as the official SDKs do.
//!
//! ```
//! use tcredis_core::credentials::cvm;
//!
//! let role = cvm::parse_role_name("reader\n").unwrap();
//! assert_eq!(cvm::credentials_path(&role).unwrap(),
//!            "/latest/meta-data/cam/security-credentials/reader");
//! let creds = cvm::parse_role_credentials(br#"{"TmpSecretId": "AKIDtmp", "TmpSecretKey": "not-shown",
//!     "ExpiredTime": 1700003600, "Expiration": "2023-11-14T23:13:20Z", "Token": "tok", "Code": "Success"}"#).unwrap();
//! assert_eq!(creds.refresh_at_unix(), 1700003300);
//! assert!(creds.needs_refresh(1700003300));
//! assert!(!format!("{creds:?}").contains("not-shown"));
//! ```

use std::fmt;

use super::json::{self, JsonError};
use super::{Credentials, CredentialsError, Secret};

/// The default metadata service of CVM instances.
pub const METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com";
/// The path listing the instance's role name.
pub const SECURITY_CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// Refresh this many seconds before `ExpiredTime`.
pub const REFRESH_BEFORE_EXPIRY_SECS: i64 = 300;

/// A metadata response that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CvmError {
    /// The role-name list is empty: no role is bound to the instance.
    NoRole,
    /// The role name contains characters that cannot appear in a path segment.
    InvalidRoleName,
    /// The credential document is malformed.
    Json(JsonError),
    /// `Code` is not `Success`.
    NotSuccess {
        /// The `Code` sent.
        code: String,
    },
    /// The credentials inside were refused.
    Credentials(CredentialsError),
}

impl fmt::Display for CvmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoRole => f.write_str(
                "the CVM metadata service lists no role: bind a CAM role to the instance",
            ),
            Self::InvalidRoleName => f.write_str(
                "the CVM metadata service sent a role name that is not a single path segment",
            ),
            Self::Json(e) => write!(f, "the CVM role credentials are malformed: {e}"),
            Self::NotSuccess { code } => {
                write!(
                    f,
                    "the CVM metadata service answered Code {code:?} instead of \"Success\""
                )
            }
            Self::Credentials(e) => write!(f, "the CVM role credentials were refused: {e}"),
        }
    }
}

impl std::error::Error for CvmError {}

/// The role name from the role-list response (its first non-empty line).
pub fn parse_role_name(text: &str) -> Result<String, CvmError> {
    let name = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or(CvmError::NoRole)?;
    if name
        .bytes()
        .any(|b| !(b.is_ascii_graphic()) || matches!(b, b'/' | b'?' | b'#' | b'%'))
    {
        return Err(CvmError::InvalidRoleName);
    }
    Ok(name.to_owned())
}

/// The path of a role's credential document.
pub fn credentials_path(role: &str) -> Result<String, CvmError> {
    let role = parse_role_name(role)?;
    Ok(format!("{SECURITY_CREDENTIALS_PATH}{role}"))
}

/// Temporary credentials of the instance role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvmRoleCredentials {
    tmp_secret_id: String,
    tmp_secret_key: Secret,
    token: Secret,
    expired_time: i64,
    expiration: Option<String>,
}

impl CvmRoleCredentials {
    /// `TmpSecretId`.
    pub fn secret_id(&self) -> &str {
        &self.tmp_secret_id
    }
    /// `ExpiredTime`, Unix seconds.
    pub fn expired_time(&self) -> i64 {
        self.expired_time
    }
    /// `Expiration` as sent (ISO 8601), if present.
    pub fn expiration(&self) -> Option<&str> {
        self.expiration.as_deref()
    }
    /// When to fetch new credentials: `ExpiredTime - 300`.
    pub fn refresh_at_unix(&self) -> i64 {
        self.expired_time.saturating_sub(REFRESH_BEFORE_EXPIRY_SECS)
    }
    /// Whether credentials must be refreshed at Unix time `now_unix`.
    pub fn needs_refresh(&self, now_unix: i64) -> bool {
        now_unix >= self.refresh_at_unix()
    }
    /// The credentials to sign with.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        Credentials::new(&self.tmp_secret_id, self.tmp_secret_key.expose())?
            .with_token(self.token.expose())
    }
}

/// Parses a role's credential document.
pub fn parse_role_credentials(bytes: &[u8]) -> Result<CvmRoleCredentials, CvmError> {
    let map = json::parse_object(bytes).map_err(CvmError::Json)?;
    if let Some(code) = json::opt_str(&map, "Code", "Code").map_err(CvmError::Json)?
        && code != "Success"
    {
        return Err(CvmError::NotSuccess {
            code: code.chars().take(64).collect(),
        });
    }
    let get = |key| json::req_str(&map, key, key).map_err(CvmError::Json);
    let out = CvmRoleCredentials {
        tmp_secret_id: get("TmpSecretId")?,
        tmp_secret_key: Secret::new(get("TmpSecretKey")?),
        token: Secret::new(get("Token")?),
        expired_time: json::req_i64(&map, "ExpiredTime", "ExpiredTime").map_err(CvmError::Json)?,
        expiration: json::opt_str(&map, "Expiration", "Expiration").map_err(CvmError::Json)?,
    };
    out.credentials().map_err(CvmError::Credentials)?;
    Ok(out)
}
