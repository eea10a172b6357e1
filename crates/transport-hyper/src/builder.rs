//! [`ClientBuilder`]: every client option, checked once in [`ClientBuilder::build`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tcredis_core::CallContext;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::{ConnectAddress, Endpoint};
use tcredis_core::language;
use tcredis_core::pacer::Pacer;
use tcredis_core::pagination::DriftPolicy;
use tcredis_core::retry::{RetryBudget, RetryPolicy};

use crate::client::Client;
use crate::connector::ConnectorSettings;
use crate::credentials::{ProvideCredentials, SharedProvider, StaticProvider};
use crate::engine::Engine;
use crate::error::Error;
use crate::http_stack::HttpStack;
use crate::proxy::ProxyConfig;
use crate::resolve::ResolveOverride;
use crate::tls::{TlsSettings, client_config};

/// Default connect timeout (TCP, proxy tunnel and TLS handshake).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-attempt timeout (the official SDKs' 60 s).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Default pacing rate, requests per second (the documented API limit): core's
/// [`Pacer::DEFAULT_RATE`].
pub const DEFAULT_RATE_LIMIT: f64 = Pacer::DEFAULT_RATE;
/// Default retries after the first attempt: core's [`RetryPolicy::DEFAULT_MAX_RETRIES`].
pub const DEFAULT_MAX_RETRIES: u32 = RetryPolicy::DEFAULT_MAX_RETRIES;
/// Default `X-TC-Language`, sent on every request as the official SDKs do: core's
/// [`language::DEFAULT`].
pub const DEFAULT_LANGUAGE: &str = language::DEFAULT;
/// Default cap on one answer's body: 64 MiB. A full page of 100 backups is about 60 KiB, so
/// this is a thousand times the largest real answer, and it keeps a hostile or broken server
/// (an endless body, a `Content-Length` of 10 GB) from taking the client's memory.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// Builds a [`Client`]. Start with [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: Option<SharedProvider>,
    region: Option<String>,
    endpoint: Option<Endpoint>,
    connect_to: Option<String>,
    resolve: Vec<ResolveOverride>,
    failover: bool,
    language: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    deadline: Option<Duration>,
    rate_limit: f64,
    max_retries: u32,
    retry_budget: Option<RetryBudget>,
    random_seed: Option<u64>,
    proxy: Option<String>,
    env: HashMap<String, String>,
    extra_roots: Vec<Vec<u8>>,
    native_roots: bool,
    request_client: Option<String>,
    user_agent: Option<String>,
    drift_policy: DriftPolicy,
    clock_offset: i64,
    record_signing_stages: bool,
    max_response_body: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &self.credentials.as_ref().map(|c| c.source()),
            )
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("connect_to", &self.connect_to)
            .field("rate_limit", &self.rate_limit)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            region: None,
            endpoint: None,
            connect_to: None,
            resolve: Vec::new(),
            failover: true,
            language: Some(DEFAULT_LANGUAGE.to_owned()),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            deadline: None,
            rate_limit: DEFAULT_RATE_LIMIT,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_budget: None,
            random_seed: None,
            proxy: None,
            env: HashMap::new(),
            extra_roots: Vec::new(),
            native_roots: false,
            request_client: None,
            user_agent: None,
            drift_policy: DriftPolicy::default(),
            clock_offset: 0,
            record_signing_stages: false,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// Where credentials come from (asked before every attempt, so temporary credentials are
    /// refreshed by their provider).
    pub fn credentials_provider(mut self, p: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(p));
        self
    }
    /// A provider already shared (e.g. [`ResolvedCredentials::provider`](crate::credentials::ResolvedCredentials)).
    pub fn shared_credentials_provider(mut self, p: SharedProvider) -> Self {
        self.credentials = Some(p);
        self
    }
    /// Fixed credentials.
    pub fn credentials(self, c: Credentials) -> Self {
        self.credentials_provider(StaticProvider::new(c))
    }
    /// The region (`X-TC-Region`), e.g. `ap-guangzhou`. Required.
    pub fn region(mut self, r: impl Into<String>) -> Self {
        self.region = Some(r.into());
        self
    }
    /// The endpoint; default from the region (`redis.tencentcloudapi.com`, or
    /// `redis.<region>.tencentcloudapi.com` for a `*-fsi` region).
    pub fn endpoint(mut self, e: Endpoint) -> Self {
        self.endpoint = Some(e);
        self
    }
    /// Sends the TCP connection to `host:port` instead of the endpoint's address; the URI
    /// authority, HTTP/2 `:authority`, TLS name and signed Host stay the endpoint's.
    pub fn connect_to(mut self, addr: impl Into<String>) -> Self {
        self.connect_to = Some(addr.into());
        self
    }
    /// Sends connections to `override.host():override.port()` to `override.addr()` instead of
    /// the address DNS gives (curl's `--resolve HOST:PORT:ADDR`); the URI, TLS name and signed
    /// Host are unchanged. Repeat for several hosts; the first match wins.
    pub fn resolve(mut self, r#override: ResolveOverride) -> Self {
        self.resolve.push(r#override);
        self
    }
    /// Endpoint failover (default on), as the official SDKs do it: a request whose host cannot
    /// be reached (DNS, connection, TLS or timeout failure) is re-sent at once, re-signed, to
    /// the same host under `tencentcloudapi.com.cn`, then `tencentcloudapi.cn`; the
    /// international site and custom hosts never switch. `false` turns it off.
    pub fn failover(mut self, on: bool) -> Self {
        self.failover = on;
        self
    }
    /// `X-TC-Language`: `zh-CN` or `en-US` (default [`DEFAULT_LANGUAGE`], `zh-CN`, as the
    /// official SDKs send).
    pub fn language(mut self, l: impl Into<String>) -> Self {
        self.language = Some(l.into());
        self
    }
    /// Limit for connection setup: TCP connect, proxy `CONNECT`, TLS handshake (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Limit for one attempt: send and read the whole answer (default 60 s).
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }
    /// Limit for a whole call, retries and waits included (default: none).
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
    /// Requests per second for this client and all its clones (0 = off, default 20).
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate_limit = per_second;
        self
    }
    /// Retries after the first attempt (default 4, so 5 attempts).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }
    /// A retry budget shared by every call of the client (default: none).
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }
    /// Seed of the jitter random source (deterministic backoff in tests).
    pub fn random_seed(mut self, s: u64) -> Self {
        self.random_seed = Some(s);
        self
    }
    /// An explicit proxy (`http://[user:pass@]host:port`), used for both schemes through
    /// `CONNECT`; `NO_PROXY` from the environment snapshot still applies.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
    /// The environment snapshot for `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
    /// (the client never reads the process environment itself).
    pub fn env(mut self, env: HashMap<String, String>) -> Self {
        self.env = env;
        self
    }
    /// Trusts this CA (PEM, one or more certificates) in addition to the roots.
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.extra_roots.push(pem.to_vec());
        self
    }
    /// Uses the platform's trust store instead of the bundled webpki (Mozilla) roots; with it,
    /// `SSL_CERT_FILE` / `SSL_CERT_DIR` from the [`env`](Self::env) snapshot replace the
    /// platform store (as OpenSSL reads them), and the bundled roots are used when the platform
    /// has none. Added CA certificates are trusted on top either way.
    pub fn native_roots(mut self, yes: bool) -> Self {
        self.native_roots = yes;
        self
    }
    /// Appends `; <s>` to `X-TC-RequestClient` (at most 128 characters of
    /// `0-9 a-z A-Z - _ , ; .` and space).
    pub fn request_client(mut self, s: impl Into<String>) -> Self {
        self.request_client = Some(s.into());
        self
    }
    /// The `User-Agent` header (not signed; default `tcredis/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// What the paginated streams do when the listing changes while paging (default: a
    /// [`Error::Drift`] error).
    pub fn drift_policy(mut self, policy: DriftPolicy) -> Self {
        self.drift_policy = policy;
        self
    }
    /// Traces every attempt's signing stages (canonical request, string to sign, signature;
    /// never the key) at `trace` level (default off: computing them costs time).
    pub fn record_signing_stages(mut self, on: bool) -> Self {
        self.record_signing_stages = on;
        self
    }
    /// The most bytes one answer's body may have (default [`DEFAULT_MAX_RESPONSE_BODY`],
    /// 64 MiB). A larger answer fails the attempt while it is read (as soon as its
    /// `Content-Length` announces it, or once the bytes read pass the cap) with
    /// [`Error::Transport`] of kind
    /// [`BodyTooLarge`](crate::error::TransportErrorKind::BodyTooLarge), a network failure that
    /// is not retried.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }
    /// Test hook: pretends the machine's clock is off by `seconds` (positive = ahead), to
    /// exercise clock-skew correction.
    pub fn clock_offset_for_tests(mut self, seconds: i64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// Checks every option and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let region = self
            .region
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| Error::config("no region given; set one such as ap-guangzhou"))?;
        if region.trim() != region || region.contains(|c: char| c.is_ascii_control()) {
            return Err(Error::config(format!(
                "region {region:?} has white space or control characters"
            )));
        }
        let credentials = self
            .credentials
            .ok_or_else(|| Error::config("no credentials provider given"))?;
        let endpoint_configured = self.endpoint.is_some();
        let endpoint = self
            .endpoint
            .unwrap_or_else(|| Endpoint::for_region(&region));
        endpoint
            .check_region(&region)
            .map_err(|e| Error::config(e.to_string()))?;
        let connect_to = match &self.connect_to {
            None => None,
            Some(a) => {
                let a = ConnectAddress::parse(a)
                    .map_err(|e| Error::config(format!("connect address: {e}")))?;
                Some((a.host().to_owned(), a.port()))
            }
        };
        if let Some(l) = self
            .language
            .as_deref()
            .filter(|l| !language::is_supported(l))
        {
            return Err(Error::config(format!(
                "language {l:?} is not supported; use zh-CN or en-US"
            )));
        }
        let request_client = match &self.request_client {
            None => crate::REQUEST_CLIENT.to_owned(),
            Some(s) => {
                let ok = !s.is_empty()
                    && s.len() <= 128
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_ ,;.".contains(c));
                if !ok {
                    return Err(Error::config(format!(
                        "request client {s:?} must be 1..=128 characters of 0-9 a-z A-Z - _ , ; . and space"
                    )));
                }
                format!("{}; {s}", crate::REQUEST_CLIENT)
            }
        };
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("tcredis/", env!("CARGO_PKG_VERSION")).to_owned());
        if http::HeaderValue::from_str(&user_agent).is_err() {
            return Err(Error::config(format!(
                "user agent {user_agent:?} has characters a header cannot carry"
            )));
        }
        for (name, d) in [
            ("connect timeout", self.connect_timeout),
            ("request timeout", self.request_timeout),
        ] {
            if d.is_zero() {
                return Err(Error::config(format!(
                    "the {name} must be greater than zero"
                )));
            }
        }
        if self.max_response_body == 0 {
            return Err(Error::config(
                "the response body limit must be greater than zero",
            ));
        }
        if self.deadline.is_some_and(|d| d.is_zero()) {
            return Err(Error::config("the deadline must be greater than zero"));
        }
        let tls = client_config(&TlsSettings::new(
            self.native_roots,
            &self.env,
            self.extra_roots,
        ))
        .map_err(Error::config)?;
        let proxy = ProxyConfig::from_settings(self.proxy.as_deref(), &self.env)
            .map_err(|e| Error::config(e.to_string()))?;
        let stack = HttpStack::new(
            ConnectorSettings {
                connect_to,
                resolve: self.resolve,
                proxy,
                tls: tls.config,
                roots: tls.roots,
                connect_timeout: self.connect_timeout,
            },
            self.max_response_body,
        );
        let seed = self.random_seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x5EED)
        });
        let mut ctx = CallContext::builder(endpoint)
            .region(region)
            .language(self.language.as_deref())
            .request_client(request_client)
            .user_agent(user_agent)
            .retry(RetryPolicy::new().with_max_retries(self.max_retries))
            .failover(self.failover)
            .record_stages(self.record_signing_stages)
            .random_seed(seed)
            .rate_limit(self.rate_limit)
            .map_err(|e| Error::config(format!("rate limit: {e}")))?;
        if let Some(d) = self.deadline {
            ctx = ctx.deadline(d);
        }
        if let Some(budget) = self.retry_budget {
            ctx = ctx.retry_budget(budget);
        }
        let engine = Engine {
            stack,
            ctx: ctx.build(),
            credentials,
            request_timeout: self.request_timeout,
            clock_offset: self.clock_offset,
            endpoint_configured,
        };
        Ok(Client::from_parts(Arc::new(engine), self.drift_policy))
    }
}
