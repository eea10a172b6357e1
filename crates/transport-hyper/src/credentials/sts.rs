//! STS temporary credentials: `AssumeRole` signed with a base pair, and
//! `AssumeRoleWithWebIdentity` (TKE OIDC, sent unsigned with `Authorization: SKIP`), both at
//! `sts.tencentcloudapi.com` (version 2018-08-13) unless `TENCENTCLOUD_STS_ENDPOINT` says
//! otherwise. Request bodies, response parsing and the refresh time (`ExpiredTime -
//! duration/10*9`, as the Go SDK) are the core's.

use std::collections::HashMap;
use std::path::PathBuf;

use std::sync::Arc;

use tcredis_core::credentials::{Credentials, sts};
use tcredis_core::endpoint::Endpoint;
use tcredis_core::retry::RetryPolicy;
use tcredis_core::{Action, Exchange};
use tcredis_core::{CallContext, ErrorKind, Event};

use super::StaticProvider;
use super::cache::{Expiring, RefreshCache, now_unix};
use super::fetch::FetchSettings;
use super::{CredentialsError, ProvideCredentials, ProvideFuture, SharedProvider};
use crate::engine::drive;
use crate::http_stack::HttpStack;

/// The variable overriding the STS endpoint (`host[:port]` or an `http(s)://` URL).
pub const STS_ENDPOINT_VAR: &str = "TENCENTCLOUD_STS_ENDPOINT";
/// The STS host.
pub const DEFAULT_STS_HOST: &str = sts::STS_HOST;
/// Default session length, seconds (as the SDKs).
pub const DEFAULT_DURATION_SECONDS: u32 = sts::DEFAULT_DURATION_SECONDS;

fn sts_endpoint(env: &HashMap<String, String>) -> Result<Endpoint, CredentialsError> {
    match env.get(STS_ENDPOINT_VAR).filter(|v| !v.trim().is_empty()) {
        Some(v) => Endpoint::parse(v)
            .map_err(|e| CredentialsError::invalid(STS_ENDPOINT_VAR, e.to_string())),
        None => Ok(Endpoint::parse(DEFAULT_STS_HOST).expect("constant host parses")),
    }
}

fn default_session_name() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0);
    sts::default_session_name(micros)
}

/// Shared STS plumbing: one call through the core's exchange machine (no retries, as the
/// SDKs' credential providers).
#[derive(Debug)]
struct Sts {
    ctx: CallContext,
    stack: Result<HttpStack, CredentialsError>,
    timeout: std::time::Duration,
}

impl Sts {
    fn new(
        env: &HashMap<String, String>,
        settings: &FetchSettings,
        region: Option<String>,
    ) -> Result<Self, CredentialsError> {
        let region = region
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| sts::STS_DEFAULT_REGION.to_owned());
        let ctx = CallContext::builder(sts_endpoint(env)?)
            .region(region)
            .language(None)
            .request_client(crate::REQUEST_CLIENT)
            .retry(RetryPolicy::no_retries())
            .failover(true)
            .build();
        Ok(Self {
            ctx,
            stack: settings.stack("STS", false),
            timeout: settings.timeout,
        })
    }

    async fn call<A: Action<Output = sts::StsCredentials>>(
        &self,
        source: &str,
        action: &A,
        duration_seconds: u32,
        signer: Option<Credentials>,
    ) -> Result<Expiring, CredentialsError> {
        let stack = self.stack.as_ref().map_err(Clone::clone)?;
        let provider: Option<SharedProvider> =
            signer.map(|c| Arc::new(StaticProvider::new(c)) as SharedProvider);
        let mut call = Exchange::new(
            self.ctx.clone(),
            action,
            tokio::time::Instant::now().into_std(),
        );
        let mut last = None;
        let endpoint = self.ctx.endpoint();
        let parsed = loop {
            let event = drive(
                stack,
                self.timeout,
                &mut call,
                provider.as_ref(),
                now_unix,
                &mut last,
            )
            .await
            .map_err(|e| match e {
                crate::Error::Credentials(c) => c,
                e if e.is_network() => CredentialsError::network(source, e.to_string()),
                e => CredentialsError::unavailable(source, e.to_string()),
            })?;
            match event {
                Event::Done(parsed) => break parsed,
                Event::Failed(e) => {
                    let name = A::NAME;
                    return Err(match e.into_kind() {
                        ErrorKind::Api(error) => CredentialsError::Api {
                            source: source.to_owned(),
                            action: name.to_owned(),
                            error,
                        },
                        ErrorKind::InvalidResponse {
                            status,
                            malformed: None,
                        } => CredentialsError::network(
                            source,
                            format!(
                                "{name} answered HTTP {}",
                                http::StatusCode::from_u16(status)
                                    .map_or_else(|_| status.to_string(), |s| s.to_string())
                            ),
                        ),
                        ErrorKind::InvalidResponse {
                            malformed: Some(m), ..
                        } => CredentialsError::network(source, m.detail().to_owned()),
                        ErrorKind::Transport(_) => match last {
                            Some(e) => CredentialsError::network(
                                source,
                                format!("{name} at {endpoint}: {e}"),
                            ),
                            None => CredentialsError::network(
                                source,
                                format!("{name} at {endpoint} failed"),
                            ),
                        },
                        ErrorKind::Deadline { after } => CredentialsError::network(
                            source,
                            format!("{name} at {endpoint}: no answer within {after:?}"),
                        ),
                        other => CredentialsError::unavailable(source, format!("{name}: {other}")),
                    });
                }
                _ => {}
            }
        };
        let credentials = parsed
            .credentials()
            .map_err(|e| CredentialsError::invalid(source, e.to_string()))?;
        Ok(Expiring {
            credentials,
            expires_at: parsed.expired_time(),
            refresh_at: parsed.refresh_at_unix(duration_seconds),
        })
    }
}

/// STS `AssumeRole` over a base provider.
#[derive(Debug)]
pub struct StsAssumeRoleProvider {
    base: SharedProvider,
    role_arn: String,
    session_name: String,
    duration_seconds: u32,
    external_id: Option<String>,
    sts: Result<Sts, CredentialsError>,
    cache: RefreshCache,
}

impl StsAssumeRoleProvider {
    /// Assumes `role_arn` with the base credentials. `env` supplies `TENCENTCLOUD_STS_ENDPOINT`
    /// (proxies come through `settings`).
    pub fn new(
        base: SharedProvider,
        role_arn: impl Into<String>,
        session_name: Option<String>,
        env: &HashMap<String, String>,
        settings: FetchSettings,
    ) -> Self {
        Self {
            base,
            role_arn: role_arn.into(),
            session_name: session_name.unwrap_or_else(default_session_name),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            external_id: None,
            sts: Sts::new(env, &settings, None),
            cache: RefreshCache::default(),
        }
    }

    /// Session length in seconds (1..=43200, default 7200).
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = seconds.clamp(1, sts::MAX_DURATION_SECONDS);
        self
    }

    /// The role's `ExternalId`, for roles whose trust policy requires one.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    async fn fetch(&self) -> Result<Expiring, CredentialsError> {
        let sts = self.sts.as_ref().map_err(Clone::clone)?;
        let base = self.base.provide().await?;
        let request = sts::AssumeRoleRequest::new(&self.role_arn, &self.session_name)
            .and_then(|r| r.with_duration_seconds(self.duration_seconds))
            .and_then(|r| match &self.external_id {
                Some(id) => r.with_external_id(id.clone()),
                None => Ok(r),
            })
            .map_err(|e| CredentialsError::invalid(self.source(), e.to_string()))?;
        sts.call(&self.source(), &request, self.duration_seconds, Some(base))
            .await
    }
}

impl ProvideCredentials for StsAssumeRoleProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let source = self.source();
            self.cache.get(&source, || self.fetch()).await
        })
    }
    fn source(&self) -> String {
        format!(
            "STS AssumeRole {} over {}",
            self.role_arn,
            self.base.source()
        )
    }
}

/// STS `AssumeRoleWithWebIdentity` (TKE OIDC): the token is read from its file at every fetch.
#[derive(Debug)]
pub struct WebIdentityProvider {
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
    session_name: String,
    duration_seconds: u32,
    sts: Result<Sts, CredentialsError>,
    cache: RefreshCache,
}

/// TKE's OIDC provider id variable.
pub const TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The variable naming the file holding the OIDC token.
pub const TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The variable naming the role to assume.
pub const TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";
/// The cluster's region (sent as `X-TC-Region`).
pub const TKE_REGION: &str = "TKE_REGION";

impl WebIdentityProvider {
    /// From explicit values.
    pub fn new(
        provider_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
        region: Option<String>,
        env: &HashMap<String, String>,
        settings: FetchSettings,
    ) -> Self {
        let sts = Sts::new(env, &settings, region);
        Self {
            provider_id: provider_id.into(),
            token_file: token_file.into(),
            role_arn: role_arn.into(),
            session_name: default_session_name(),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            sts,
            cache: RefreshCache::default(),
        }
    }

    /// From `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN` (and `TKE_REGION`)
    /// in `env`; `None` unless the first three are set.
    pub fn from_env(env: &HashMap<String, String>, settings: FetchSettings) -> Option<Self> {
        let get = |k: &str| env.get(k).filter(|v| !v.trim().is_empty()).cloned();
        Some(Self::new(
            get(TKE_PROVIDER_ID)?,
            get(TKE_WEB_IDENTITY_TOKEN_FILE)?,
            get(TKE_ROLE_ARN)?,
            get(TKE_REGION),
            env,
            settings,
        ))
    }

    async fn fetch(&self) -> Result<Expiring, CredentialsError> {
        let sts = self.sts.as_ref().map_err(Clone::clone)?;
        let token =
            tcredis_files::read_regular_text(&self.token_file, tcredis_files::MAX_TOKEN_FILE_BYTES)
                .map_err(|e| {
                    CredentialsError::invalid(
                        format!(
                            "{TKE_WEB_IDENTITY_TOKEN_FILE}={}",
                            self.token_file.display()
                        ),
                        e.reason(),
                    )
                })?;
        let request = sts::AssumeRoleWithWebIdentityRequest::new(
            &self.provider_id,
            token,
            &self.role_arn,
            &self.session_name,
        )
        .and_then(|r| r.with_duration_seconds(self.duration_seconds))
        .map_err(|e| CredentialsError::invalid(self.source(), e.to_string()))?;
        sts.call(&self.source(), &request, self.duration_seconds, None)
            .await
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let source = self.source();
            self.cache.get(&source, || self.fetch()).await
        })
    }
    fn source(&self) -> String {
        format!("STS AssumeRoleWithWebIdentity {} (TKE OIDC)", self.role_arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_override() {
        let mut env = HashMap::new();
        assert_eq!(sts_endpoint(&env).unwrap().host(), DEFAULT_STS_HOST);
        env.insert(STS_ENDPOINT_VAR.into(), "http://127.0.0.1:9".into());
        assert_eq!(
            sts_endpoint(&env).unwrap().base_uri(),
            "http://127.0.0.1:9/"
        );
        env.insert(STS_ENDPOINT_VAR.into(), "http://h/path".into());
        assert!(sts_endpoint(&env).is_err());
    }
}
