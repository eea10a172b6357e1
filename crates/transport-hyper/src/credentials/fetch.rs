//! HTTP settings for the providers that fetch credentials (STS, CVM metadata), and the small
//! client they share.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use crate::connector::ConnectorSettings;
use crate::http_stack::HttpStack;
use crate::proxy::ProxyConfig;
use crate::tls::{TlsSettings, client_config};

use super::CredentialsError;

/// How credential fetches reach the network.
#[derive(Clone)]
pub struct FetchSettings {
    /// Connection setup limit (default 5 s).
    pub connect_timeout: Duration,
    /// Limit for one fetch (default 10 s).
    pub timeout: Duration,
    /// Extra trusted CA certificates (PEM), e.g. the mock's CA.
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// Use the platform's roots instead of the bundled webpki roots.
    pub native_roots: bool,
    /// Explicit proxy URL for STS (the metadata service is always reached directly).
    pub proxy: Option<String>,
    /// Environment snapshot for `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`.
    pub env: HashMap<String, String>,
    /// `HOST:PORT:ADDR` address overrides (as the client's [`ClientBuilder::resolve`](crate::ClientBuilder::resolve)).
    pub resolve: Vec<crate::ResolveOverride>,
    /// The most bytes one STS or metadata answer may have (default
    /// [`DEFAULT_MAX_CREDENTIALS_BODY`], 1 MiB); a larger answer fails the fetch while it is
    /// read.
    pub max_body_bytes: usize,
}

/// Default cap on an STS or metadata answer: 1 MiB (real answers are under 4 KiB).
pub const DEFAULT_MAX_CREDENTIALS_BODY: usize = 1024 * 1024;

impl fmt::Debug for FetchSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchSettings")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("extra_roots", &self.extra_roots_pem.len())
            .field("native_roots", &self.native_roots)
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            extra_roots_pem: Vec::new(),
            native_roots: false,
            proxy: None,
            env: HashMap::new(),
            resolve: Vec::new(),
            max_body_bytes: DEFAULT_MAX_CREDENTIALS_BODY,
        }
    }
}

impl FetchSettings {
    /// Builds the client; `direct` ignores every proxy setting (metadata service).
    pub(crate) fn stack(&self, source: &str, direct: bool) -> Result<HttpStack, CredentialsError> {
        let tls = client_config(&TlsSettings::new(
            self.native_roots,
            &self.env,
            self.extra_roots_pem.clone(),
        ))
        .map_err(|e| CredentialsError::invalid(source, e))?;
        let proxy = if direct {
            ProxyConfig::none()
        } else {
            ProxyConfig::from_settings(self.proxy.as_deref(), &self.env)
                .map_err(|e| CredentialsError::invalid(source, e.to_string()))?
        };
        if self.max_body_bytes == 0 {
            return Err(CredentialsError::invalid(
                source,
                "the answer body limit must be greater than zero",
            ));
        }
        Ok(HttpStack::new(
            ConnectorSettings {
                connect_to: None,
                resolve: self.resolve.clone(),
                proxy,
                tls: tls.config,
                roots: tls.roots,
                connect_timeout: self.connect_timeout,
            },
            self.max_body_bytes,
        ))
    }
}
