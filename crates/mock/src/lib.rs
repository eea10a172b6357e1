//! A faithful fake of the Tencent Cloud Redis `DescribeInstanceBackups` endpoint (and the STS
//! actions credential providers need), for tests in Rust and any other language.
//!
//! - [`handler::Handler`] is the sans-IO core: request parts and `now` in, response out.
//! - With the default `server` feature, [`MockServer`] (async) and [`BlockingMockServer`]
//!   serve it over real loopback HTTP/1.1 and HTTP/2, optionally HTTPS with a CA made at start.
//!
//! # Features
//!
//! - `server` (default): the hyper/tokio/rustls server types above and the `tcredis-mock`
//!   binary. Without it the crate is the sans-IO handler, data and scripts only (no tokio, no
//!   sockets), for in-memory harnesses.
//!
//! ```no_run
//! # #[cfg(feature = "server")]
//! # async fn demo() -> std::io::Result<()> {
//! use tcredis_mock::{MockServer, Script, Step};
//! let server = MockServer::start().await?; // demo data, demo credentials, 20 req/s
//! server.script(Script::new().then(Step::error("RequestLimitExceeded")).expect(1)).unwrap();
//! println!("point the client at {}", server.uri());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod civil;
mod config;
mod data;
pub mod handler;
mod journal;
mod rate_limit;
pub mod regions;
mod rng;
mod script;
#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
mod tls;

pub use config::{ConfigError, FaultKind, FaultParseError, MAX_GENERATED, MockConfig};
pub use data::backup::SeedBackup;
pub use data::seed::{Seed, SeedError, SeedInstance};
pub use handler::{DEMO_SECRET_ID, DEMO_SECRET_KEY, ExpectationError, ScriptError};
pub use journal::{JournalEntry, SignatureResult};
pub use script::{ErrorReply, Expect, Matcher, Script, Step};
#[cfg(feature = "server")]
pub use server::{BlockingMockServer, MockServer};

/// Parses an RFC 3339 time (as `TCREDIS_NOW` holds it) into Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    civil::parse_rfc3339(text)
}

/// The README's examples, compiled and run as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
