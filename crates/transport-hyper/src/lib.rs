//! Async client for Tencent Cloud Redis `DescribeInstanceBackups`: hyper + tokio + rustls I/O
//! around the sans-IO `tcredis-core`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod builder;
mod client;
mod connector;
pub mod credentials;
mod engine;
mod error;
mod http_stack;
pub mod proxy;
mod signing;
mod tls;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_RATE_LIMIT,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use client::Client;
pub use error::{Error, TimeoutKind, TransportErrorKind};
pub use futures_util::Stream;

/// The `X-TC-RequestClient` value this crate sends (a custom suffix may be appended).
pub const REQUEST_CLIENT: &str = concat!("tcredis_", env!("CARGO_PKG_VERSION"));
