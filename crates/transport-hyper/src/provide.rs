//! The credentials interface the engine consumes: [`ProvideCredentials`], [`SharedProvider`]
//! and [`CredentialsError`]. The providers themselves live in [`crate::credentials`], which
//! re-exports these names; keeping the interface apart lets the STS providers drive the engine
//! without an import loop between the two.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tcredis_core::credentials::Credentials;

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials. Implementations cache and refresh temporary credentials themselves;
/// the client calls [`ProvideCredentials::provide`] before signing every attempt.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The current credentials.
    fn provide(&self) -> ProvideFuture<'_>;
    /// A short human name of where the credentials come from (for `config show`), e.g.
    /// `env TENCENTCLOUD_SECRET_ID`. Never contains a secret.
    fn source(&self) -> String;
}

/// A provider behind an `Arc`, as the client and the chain hold it.
pub type SharedProvider = Arc<dyn ProvideCredentials>;

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide(&self) -> ProvideFuture<'_> {
        (**self).provide()
    }
    fn source(&self) -> String {
        (**self).source()
    }
}

/// Why no credentials could be provided. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// Nothing in the chain had credentials; every step tried is listed.
    NotFound {
        /// The steps, in order, with why each did not apply.
        tried: Vec<ChainStep>,
    },
    /// A source exists but its content is unusable (empty key, malformed file, ...).
    Invalid {
        /// The source (variable or file name).
        source: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// A remote source (STS, CVM metadata) answered, but not with credentials (no role bound,
    /// an unexpected HTTP status or body).
    Unavailable {
        /// The source.
        source: String,
        /// What happened.
        reason: String,
    },
    /// A remote source (STS, CVM metadata) could not be reached: connection, TLS or timeout
    /// failure.
    Network {
        /// The source.
        source: String,
        /// What happened (the failing address included).
        reason: String,
    },
    /// STS answered an API error (code, message and RequestId kept).
    Api {
        /// The source.
        source: String,
        /// The STS action that was refused, e.g. `AssumeRole`.
        action: String,
        /// The error.
        error: tcredis_core::ApiError,
    },
}

impl CredentialsError {
    pub(crate) fn invalid(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            source: source.into(),
            reason: reason.into(),
        }
    }
    pub(crate) fn unavailable(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Unavailable {
            source: source.into(),
            reason: reason.into(),
        }
    }
    pub(crate) fn network(source: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Network {
            source: source.into(),
            reason: reason.into(),
        }
    }

    /// The API error when STS refused the request.
    pub fn api_error(&self) -> Option<&tcredis_core::ApiError> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether a remote source could not be reached (network, TLS or timeout).
    pub fn is_network(&self) -> bool {
        matches!(self, Self::Network { .. })
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound { tried } => {
                f.write_str("no credentials found; tried, in order:")?;
                for step in tried {
                    write!(f, "\n  - {step}")?;
                }
                f.write_str(
                    "\nset TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, write ~/.tencentcloud/credentials \
                     ([default] secret_id/secret_key), or use --profile / --use-cvm-role",
                )
            }
            Self::Invalid { source, reason }
            | Self::Unavailable { source, reason }
            | Self::Network { source, reason } => write!(f, "{source}: {reason}"),
            Self::Api {
                source,
                action,
                error,
            } => write!(f, "{source}: {action} was refused: {error}"),
        }
    }
}

impl std::error::Error for CredentialsError {}

/// Checks a pair with the core's rules, naming the source on failure.
pub(crate) fn make_credentials(
    source: &str,
    secret_id: &str,
    secret_key: &str,
    token: Option<&str>,
) -> Result<Credentials, CredentialsError> {
    let c = Credentials::new(secret_id, secret_key)
        .map_err(|e| CredentialsError::invalid(source, e.to_string()))?;
    match token {
        Some(t) => c
            .with_token(t)
            .map_err(|e| CredentialsError::invalid(source, e.to_string())),
        None => Ok(c),
    }
}

/// What happened at one step of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepOutcome {
    /// This source provided the credentials.
    Used,
    /// The source had nothing (why).
    NotFound(String),
    /// The source was not consulted (why).
    Skipped(String),
}

/// One step of the chain: a source name (never a secret) and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStep {
    /// E.g. `env TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY`, `/home/u/.tencentcloud/credentials [default]`.
    pub source: String,
    /// What happened.
    pub outcome: StepOutcome,
}

impl ChainStep {
    pub(crate) fn new(source: impl Into<String>, outcome: StepOutcome) -> Self {
        Self {
            source: source.into(),
            outcome,
        }
    }
}

impl fmt::Display for ChainStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            StepOutcome::Used => write!(f, "{}: used", self.source),
            StepOutcome::NotFound(why) => write!(f, "{}: {why}", self.source),
            StepOutcome::Skipped(why) => write!(f, "{}: skipped ({why})", self.source),
        }
    }
}
