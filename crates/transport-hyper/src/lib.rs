//! Async client for Tencent Cloud Redis `DescribeInstanceBackups`: hyper + tokio + rustls I/O
//! around the sans-IO `tcredis-core`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod connector;
pub mod credentials;
mod engine;
mod error;
mod http_stack;
pub mod proxy;
mod signing;
mod tls;

pub use error::{Error, TimeoutKind, TransportErrorKind};

/// The `X-TC-RequestClient` value this crate sends (a custom suffix may be appended).
pub const REQUEST_CLIENT: &str = concat!("tcredis_", env!("CARGO_PKG_VERSION"));
