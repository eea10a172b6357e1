//! Credential providers and the default chain.
//!
//! Every provider is a separate, tested piece implementing [`ProvideCredentials`]. Providers
//! read an injected environment snapshot and home directory — never the process environment —
//! so tests need no `set_var` and the CLI decides what the environment is.
//!
//! | provider | source |
//! |---|---|
//! | [`StaticProvider`] | a pair given in code |
//! | [`EnvProvider`] | `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, `TENCENTCLOUD_TOKEN` (alias `TENCENTCLOUD_SESSION_TOKEN`) |
//! | [`ProfileFileProvider`] | INI `[profile]` of `TENCENTCLOUD_CREDENTIALS_FILE`, `~/.tencentcloud/credentials`, `/etc/tencentcloud/credentials` |
//! | [`TccliProfileProvider`] | `~/.tccli/<profile>.credential` |
//! | [`StsAssumeRoleProvider`] | STS `AssumeRole` over a base pair, refreshed before expiry |
//! | [`WebIdentityProvider`] | STS `AssumeRoleWithWebIdentity` (TKE OIDC), refreshed before expiry |
//! | [`CvmRoleProvider`] | the CVM metadata service, refreshed before expiry; only when asked |
//!
//! [`DefaultChain::resolve`] applies the design card's precedence and records every step.

pub use tcredis_core::credentials::{Credentials, Secret};

mod cache;
mod chain;
mod cvm;
mod env;
mod fetch;
mod files;
mod profile_file;
mod static_provider;
mod sts;
mod tccli;

pub use chain::{ChainConfig, DefaultChain, ResolvedCredentials};
pub use cvm::CvmRoleProvider;
pub use env::EnvProvider;
pub use fetch::{DEFAULT_MAX_CREDENTIALS_BODY, FetchSettings};
pub use profile_file::ProfileFileProvider;
pub use static_provider::StaticProvider;
pub use sts::{StsAssumeRoleProvider, WebIdentityProvider};
pub use tccli::TccliProfileProvider;

pub(crate) use crate::provide::make_credentials;
pub use crate::provide::{
    ChainStep, CredentialsError, ProvideCredentials, ProvideFuture, SharedProvider, StepOutcome,
};
