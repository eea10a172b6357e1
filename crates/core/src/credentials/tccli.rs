//! tccli's per-profile files: `~/.tccli/<profile>.credential` and `~/.tccli/<profile>.configure`
//! (JSON).
//!
//! ```
//! use tcredis_core::credentials::tccli;
//!
//! let credential = tccli::parse_credential(
//!     br#"{"secretId": "AKIDexample", "secretKey": "not-shown", "token": ""}"#,
//! ).unwrap();
//! assert_eq!(credential.kind(), &tccli::CredentialKind::Keys);
//! assert!(credential.token().is_none()); // tccli writes "" for "no token"
//! assert!(!format!("{credential:?}").contains("not-shown"));
//!
//! let sso = tccli::parse_credential(
//!     br#"{"type": "sso", "secretId": "AKIDtmp", "secretKey": "k", "token": "t", "expiresAt": 1780290000}"#,
//! ).unwrap();
//! assert_eq!((sso.kind(), sso.expires_at()), (&tccli::CredentialKind::Sso, Some(1_780_290_000)));
//! assert_eq!(sso.login_command(), Some("tccli sso login"));
//!
//! let configure = tccli::parse_configure(
//!     br#"{"_sys_param": {"region": "ap-shanghai", "output": "json"},
//!          "redis": {"endpoint": "redis.ap-shanghai.tencentcloudapi.com"}}"#,
//! ).unwrap();
//! assert_eq!(configure.region(), Some("ap-shanghai"));
//! assert_eq!(configure.redis_endpoint(), Some("redis.ap-shanghai.tencentcloudapi.com"));
//! ```

use super::json::{self, JsonError};
use super::{Credentials, ProfileError, Secret, profile_credentials};

/// The `type` of a tccli credential.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialKind {
    /// No `type`: a key pair (possibly with a role to assume).
    Keys,
    /// `"type": "cvm-role"`: use the CVM instance role (the file holds no keys).
    CvmRole,
    /// `"type": "oauth"`: temporary keys from `tccli auth login`, valid until `expiresAt`.
    OAuth,
    /// `"type": "sso"`: temporary keys from `tccli sso login`, valid until `expiresAt`.
    Sso,
    /// Any other `type` value, kept as written.
    Other(String),
}

/// A parsed `<profile>.credential`. Empty strings count as absent (tccli writes `""`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TccliCredential {
    secret_id: Option<String>,
    secret_key: Option<Secret>,
    token: Option<Secret>,
    role_arn: Option<String>,
    role_session_name: Option<String>,
    kind: CredentialKind,
    expires_at: Option<i64>,
}

impl TccliCredential {
    /// `secretId`.
    pub fn secret_id(&self) -> Option<&str> {
        self.secret_id.as_deref()
    }
    /// `secretKey`.
    pub fn secret_key(&self) -> Option<&Secret> {
        self.secret_key.as_ref()
    }
    /// `token`.
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }
    /// `role-arn`.
    pub fn role_arn(&self) -> Option<&str> {
        self.role_arn.as_deref()
    }
    /// `role-session-name`.
    pub fn role_session_name(&self) -> Option<&str> {
        self.role_session_name.as_deref()
    }
    /// `type`.
    pub fn kind(&self) -> &CredentialKind {
        &self.kind
    }
    /// `expiresAt`, Unix seconds: when the keys of an `oauth` or `sso` login expire.
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }
    /// The command that renews the keys of a login credential (`oauth`: `tccli auth login`,
    /// `sso`: `tccli sso login`).
    pub fn login_command(&self) -> Option<&'static str> {
        match self.kind {
            CredentialKind::OAuth => Some("tccli auth login"),
            CredentialKind::Sso => Some("tccli sso login"),
            _ => None,
        }
    }
    /// The key pair (with token) of this file; `profile` names it in errors.
    pub fn credentials(&self, profile: &str) -> Result<Credentials, ProfileError> {
        profile_credentials(
            profile,
            self.secret_id.as_deref(),
            self.secret_key.as_ref(),
            self.token.as_ref(),
        )
    }
}

/// Parses the bytes of a `<profile>.credential` file.
pub fn parse_credential(bytes: &[u8]) -> Result<TccliCredential, JsonError> {
    let map = json::parse_object(bytes)?;
    let kind = match json::opt_str(&map, "type", "type")?.as_deref() {
        None => CredentialKind::Keys,
        Some("cvm-role") => CredentialKind::CvmRole,
        Some("oauth") => CredentialKind::OAuth,
        Some("sso") => CredentialKind::Sso,
        Some(other) => CredentialKind::Other(other.to_owned()),
    };
    let expires_at = match map.get("expiresAt") {
        None | Some(serde_json::Value::Null) => None,
        Some(_) => Some(json::req_i64(&map, "expiresAt", "expiresAt")?),
    };
    Ok(TccliCredential {
        secret_id: json::opt_str(&map, "secretId", "secretId")?,
        secret_key: json::opt_str(&map, "secretKey", "secretKey")?.map(Secret::new),
        token: json::opt_str(&map, "token", "token")?.map(Secret::new),
        role_arn: json::opt_str(&map, "role-arn", "role-arn")?,
        role_session_name: json::opt_str(&map, "role-session-name", "role-session-name")?,
        kind,
        expires_at,
    })
}

/// A parsed `<profile>.configure`: the settings tcredis uses. Other keys are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TccliConfigure {
    region: Option<String>,
    language: Option<String>,
    redis_endpoint: Option<String>,
    sts_endpoint: Option<String>,
}

impl TccliConfigure {
    /// `_sys_param.region`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    /// `_sys_param.language` (or a top-level `language`), e.g. `zh-CN`, `en-US`.
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }
    /// `redis.endpoint`.
    pub fn redis_endpoint(&self) -> Option<&str> {
        self.redis_endpoint.as_deref()
    }
    /// `sts.endpoint`.
    pub fn sts_endpoint(&self) -> Option<&str> {
        self.sts_endpoint.as_deref()
    }
}

/// Parses the bytes of a `<profile>.configure` file.
pub fn parse_configure(bytes: &[u8]) -> Result<TccliConfigure, JsonError> {
    let map = json::parse_object(bytes)?;
    let mut out = TccliConfigure::default();
    if let Some(sys) = json::object(&map, "_sys_param", "_sys_param")? {
        out.region = json::opt_str(sys, "region", "_sys_param.region")?;
        out.language = json::opt_str(sys, "language", "_sys_param.language")?;
    }
    if out.language.is_none() {
        out.language = json::opt_str(&map, "language", "language")?;
    }
    if let Some(redis) = json::object(&map, "redis", "redis")? {
        out.redis_endpoint = json::opt_str(redis, "endpoint", "redis.endpoint")?;
    }
    if let Some(sts) = json::object(&map, "sts", "sts")? {
        out.sts_endpoint = json::opt_str(sts, "endpoint", "sts.endpoint")?;
    }
    Ok(out)
}
