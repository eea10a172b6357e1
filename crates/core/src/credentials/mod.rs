//! Credentials as data: a secret pair (with an optional session token) whose `Debug` never shows
//! the secret, plus parsers for the credential files other tools write.

//!
//! The parsers turn file and response *contents* into data; reading files, contacting the
//! metadata service or STS, and choosing between sources is the transport's and the CLI's job.
//! - [`ini`]: `~/.tencentcloud/credentials` (the SDKs' profile file);
//! - [`tccli`]: tccli's `~/.tccli/<profile>.credential` and `<profile>.configure`;
//! - [`cvm`]: CVM role metadata responses;
//! - [`sts`]: STS `AssumeRole` / `AssumeRoleWithWebIdentity` request bodies and responses;
//! - [`locate`]: *where* those files are, for one profile: a pure function of the environment
//!   snapshot and the home directory, shared by the transport's chain and the CLI.
//!
//! Every parsed structure's `Debug` redacts secrets, and no error message ever contains a
//! secret value (errors name the line, the field and what is accepted).

pub mod cvm;
pub mod ini;
mod json;
pub mod locate;
pub mod sts;
pub mod tccli;

pub use json::JsonError;

use std::fmt;

/// A secret string (secret key or session token). `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself; call only where the value is really needed (signing).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A SecretId / SecretKey pair, with a token when the pair is temporary (STS, CVM role).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: Secret,
    token: Option<Secret>,
}

/// Why a credential pair was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The SecretId is empty.
    EmptySecretId,
    /// The SecretKey is empty.
    EmptySecretKey,
    /// The SecretId has leading or trailing white space (a common copy-paste error).
    SecretIdWhitespace,
    /// The SecretKey has leading or trailing white space (a common copy-paste error).
    SecretKeyWhitespace,
    /// The token contains a character that cannot be sent in an HTTP header.
    InvalidToken,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmptySecretId => "the SecretId is empty",
            Self::EmptySecretKey => "the SecretKey is empty",
            Self::SecretIdWhitespace => {
                "the SecretId has leading or trailing white space; remove it"
            }
            Self::SecretKeyWhitespace => {
                "the SecretKey has leading or trailing white space; remove it"
            }
            Self::InvalidToken => {
                "the session token contains characters that cannot be sent in an HTTP header"
            }
        })
    }
}

impl std::error::Error for CredentialsError {}

impl Credentials {
    /// A long-term pair. Empty values and values padded with white space are refused, as the
    /// official SDKs refuse them.
    pub fn new(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        let secret_id = secret_id.into();
        let secret_key = secret_key.into();
        if secret_id.is_empty() {
            return Err(CredentialsError::EmptySecretId);
        }
        if secret_key.is_empty() {
            return Err(CredentialsError::EmptySecretKey);
        }
        if secret_id.trim() != secret_id {
            return Err(CredentialsError::SecretIdWhitespace);
        }
        if secret_key.trim() != secret_key {
            return Err(CredentialsError::SecretKeyWhitespace);
        }
        Ok(Self {
            secret_id,
            secret_key: Secret(secret_key),
            token: None,
        })
    }

    /// Adds a session token (temporary credentials); it is sent as `X-TC-Token`.
    /// An empty token means "no token".
    pub fn with_token(mut self, token: impl Into<String>) -> Result<Self, CredentialsError> {
        let token = token.into();
        if token.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return Err(CredentialsError::InvalidToken);
        }
        self.token = if token.is_empty() {
            None
        } else {
            Some(Secret(token))
        };
        Ok(self)
    }

    /// The SecretId (not a secret: it appears in every Authorization header).
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }
    /// The SecretKey.
    pub fn secret_key(&self) -> &Secret {
        &self.secret_key
    }
    /// The session token, when the credentials are temporary.
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"***")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Why a parsed profile does not give a usable credential pair.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// The profile has no `secret_id` (INI) / `secretId` (tccli).
    MissingSecretId {
        /// The profile name.
        profile: String,
    },
    /// The profile has no `secret_key` (INI) / `secretKey` (tccli).
    MissingSecretKey {
        /// The profile name.
        profile: String,
    },
    /// The values are present but refused.
    Invalid {
        /// The profile name.
        profile: String,
        /// What was wrong.
        reason: CredentialsError,
    },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSecretId { profile } => {
                write!(
                    f,
                    "profile {profile:?} has no secret id (secret_id / secretId)"
                )
            }
            Self::MissingSecretKey { profile } => {
                write!(
                    f,
                    "profile {profile:?} has no secret key (secret_key / secretKey)"
                )
            }
            Self::Invalid { profile, reason } => write!(f, "profile {profile:?}: {reason}"),
        }
    }
}

impl std::error::Error for ProfileError {}

/// Builds credentials from optional parts, naming the profile in errors.
pub(crate) fn profile_credentials(
    profile: &str,
    secret_id: Option<&str>,
    secret_key: Option<&Secret>,
    token: Option<&Secret>,
) -> Result<Credentials, ProfileError> {
    let secret_id = secret_id.ok_or_else(|| ProfileError::MissingSecretId {
        profile: profile.to_owned(),
    })?;
    let secret_key = secret_key.ok_or_else(|| ProfileError::MissingSecretKey {
        profile: profile.to_owned(),
    })?;
    let invalid = |reason| ProfileError::Invalid {
        profile: profile.to_owned(),
        reason,
    };
    let credentials = Credentials::new(secret_id, secret_key.expose()).map_err(invalid)?;
    match token {
        Some(token) => credentials.with_token(token.expose()).map_err(invalid),
        None => Ok(credentials),
    }
}
