//! Async client for Tencent Cloud Redis `DescribeInstanceBackups`: hyper + tokio + rustls I/O
//! around the sans-IO `tcredis-core`.
//!
//! Every protocol decision stays in the core (signing, parsing, pagination, pacing, retries,
//! clock skew); this crate moves bytes and waits. See `docs/client.md` for every option.
//!
//! ```no_run
//! use futures_util::StreamExt as _;
//! use tcredis_core::request::DescribeInstanceBackupsRequest;
//! use tcredis_transport_hyper::Client;
//! use tcredis_transport_hyper::credentials::{ChainConfig, DefaultChain};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let env: std::collections::HashMap<String, String> = std::env::vars().collect();
//! let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
//! let resolved = DefaultChain::resolve(&ChainConfig::new(env.clone(), home))?;
//! let client = Client::builder()
//!     .shared_credentials_provider(resolved.provider)
//!     .region("ap-guangzhou")
//!     .env(env) // HTTPS_PROXY / NO_PROXY
//!     .build()?;
//!
//! // One page.
//! let request = DescribeInstanceBackupsRequest::builder().instance_id("crs-5a4py64p").build();
//! let page = client.describe_instance_backups(&request).await?;
//! println!("{} backups in total", page.total_count);
//!
//! // Every backup, page by page (Limit 100), exactly once.
//! let mut backups = std::pin::pin!(client.backups(request));
//! while let Some(backup) = backups.next().await {
//!     println!("{}", backup?.raw_json());
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod attempts;
mod builder;
mod client;
mod connector;
pub mod credentials;
mod engine;
mod error;
pub mod fan_out;
pub mod fleet;
mod http_stack;
mod provide;
pub mod proxy;
mod resolve;
mod tls;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_LANGUAGE, DEFAULT_MAX_RESPONSE_BODY,
    DEFAULT_MAX_RETRIES, DEFAULT_RATE_LIMIT, DEFAULT_REQUEST_TIMEOUT,
};
pub use client::Client;
pub use error::{Error, TimeoutKind, TransportErrorKind};
pub use futures_util::Stream;
pub use resolve::{ResolveOverride, ResolveOverrideError};

/// The `X-TC-RequestClient` value this crate sends (a custom suffix may be appended).
pub const REQUEST_CLIENT: &str = concat!("tcredis_", env!("CARGO_PKG_VERSION"));

/// The README's examples, compiled and run as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
