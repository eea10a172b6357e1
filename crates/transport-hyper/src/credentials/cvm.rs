//! Credentials of the CAM role bound to a CVM instance, from the metadata service
//! (`http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/`), refreshed 5
//! minutes before they expire. Contacted only when asked for (the chain never probes it).

use std::collections::HashMap;

use super::cache::{Expiring, RefreshCache};
use super::fetch::FetchSettings;
use tcredis_core::credentials::cvm;

use super::{CredentialsError, ProvideCredentials, ProvideFuture};
use crate::http_stack::HttpStack;

/// The variable overriding the metadata endpoint (tests serve it on loopback).
pub const METADATA_ENDPOINT_VAR: &str = "TENCENTCLOUD_METADATA_ENDPOINT";
/// The real metadata service.
pub const DEFAULT_METADATA_ENDPOINT: &str = cvm::METADATA_ENDPOINT;

/// Fetches and caches the role's temporary credentials.
#[derive(Debug)]
pub struct CvmRoleProvider {
    endpoint: String,
    role: Option<String>,
    stack: Result<HttpStack, CredentialsError>,
    cache: RefreshCache,
    settings: FetchSettings,
}

impl CvmRoleProvider {
    /// Uses `TENCENTCLOUD_METADATA_ENDPOINT` from `env` when set, else the real service.
    pub fn from_env(env: &HashMap<String, String>, settings: FetchSettings) -> Self {
        let endpoint = env
            .get(METADATA_ENDPOINT_VAR)
            .filter(|v| !v.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned());
        Self::new(endpoint, settings)
    }

    /// Uses the metadata service at `endpoint` (`http://host[:port]`).
    pub fn new(endpoint: impl Into<String>, settings: FetchSettings) -> Self {
        let endpoint = endpoint.into().trim_end_matches('/').to_owned();
        let stack = settings.stack("CVM role", true);
        Self {
            endpoint,
            role: None,
            stack,
            cache: RefreshCache::default(),
            settings,
        }
    }

    /// Uses this role name instead of asking the metadata service which role is bound.
    pub fn role_name(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    async fn get(
        &self,
        stack: &HttpStack,
        path: &str,
    ) -> Result<(u16, bytes::Bytes), CredentialsError> {
        let uri = format!("{}{path}", self.endpoint);
        let req = http::Request::get(&uri).body(Vec::new()).map_err(|e| {
            CredentialsError::invalid(self.source(), format!("bad metadata endpoint {uri:?}: {e}"))
        })?;
        let answer = stack
            .send(req, self.settings.timeout)
            .await
            .map_err(|e| CredentialsError::network(self.source(), format!("GET {uri}: {e}")))?;
        Ok((answer.status.as_u16(), answer.body))
    }

    async fn fetch(&self) -> Result<Expiring, CredentialsError> {
        let stack = self.stack.as_ref().map_err(Clone::clone)?;
        let role = match &self.role {
            Some(r) => r.clone(),
            None => {
                let (status, body) = self.get(stack, cvm::SECURITY_CREDENTIALS_PATH).await?;
                if status == 404 {
                    return Err(CredentialsError::unavailable(
                        self.source(),
                        "no CAM role is bound to this instance",
                    ));
                }
                if status != 200 {
                    return Err(CredentialsError::unavailable(
                        self.source(),
                        format!("role name query answered HTTP {status}"),
                    ));
                }
                cvm::parse_role_name(&String::from_utf8_lossy(&body))
                    .map_err(|e| CredentialsError::unavailable(self.source(), e.to_string()))?
            }
        };
        let path = cvm::credentials_path(&role)
            .map_err(|e| CredentialsError::invalid(self.source(), e.to_string()))?;
        let (status, body) = self.get(stack, &path).await?;
        if status != 200 {
            return Err(CredentialsError::unavailable(
                self.source(),
                format!("credentials of role {role:?} answered HTTP {status}"),
            ));
        }
        let parsed = cvm::parse_role_credentials(&body)
            .map_err(|e| CredentialsError::unavailable(self.source(), e.to_string()))?;
        let credentials = parsed
            .credentials()
            .map_err(|e| CredentialsError::invalid(self.source(), e.to_string()))?;
        Ok(Expiring {
            credentials,
            expires_at: parsed.expired_time(),
            refresh_at: parsed.refresh_at_unix(),
        })
    }
}

impl ProvideCredentials for CvmRoleProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let source = self.source();
            self.cache.get(&source, || self.fetch()).await
        })
    }
    fn source(&self) -> String {
        format!(
            "CVM role ({}{})",
            self.endpoint,
            cvm::SECURITY_CREDENTIALS_PATH
        )
    }
}
