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
//! - `record` (default): the binary's record mode (`--record-from`), which forwards to the real
//!   endpoint through `tcredis-transport-hyper`; the library never uses it.
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

mod cassette;
mod clock;
mod config;
#[cfg(feature = "server")]
mod connection_limits;
mod data;
mod exact;
mod forward;
pub mod handler;
mod journal;
mod policy;
mod rate_limit;
mod regions;
mod rng;
mod script;
#[cfg(feature = "server")]
mod server;
#[cfg(feature = "server")]
mod tls;
mod world;

pub use cassette::{Cassette, CassetteEntry, CassetteError};
pub use clock::{ClockError, ClockReading, ClockStart};
pub use config::{ConfigError, FaultKind, FaultParseError, MAX_GENERATED, MockConfig};
#[cfg(feature = "server")]
pub use connection_limits::{
    DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
};
pub use data::auto_backup::AutoBackupConfig;
pub use data::backup::SeedBackup;
pub use data::fleet::{FleetSpec, MAX_FLEET_INSTANCES};
pub use data::instance_fields::InstanceFields;
pub use data::seed::{Seed, SeedError, SeedInstance};
pub use exact::ExactRequest;
pub use forward::{ForwardAnswer, ForwardFuture, ForwardRequest, Upstream};
pub use handler::{DEMO_SECRET_ID, DEMO_SECRET_KEY, ExpectationError, ScriptError};
pub use journal::bounded::{MAX_NAME_BYTES, MAX_PARAM_BYTES, MAX_PARAMS_BYTES};
pub use journal::{
    DEFAULT_JOURNAL_CAPACITY, DEFAULT_JOURNAL_MAX_BYTES, JournalEntry, ParamsTruncation,
    SignatureResult,
};
pub use policy::{DEFAULT_UIN, PolicyError, PolicySet};
pub use script::{
    ErrorReply, Expect, MAX_SCRIPT_BYTES, MAX_SCRIPTS, MAX_STEPS, Matcher, Script, SkipSlot, Step,
};
#[cfg(feature = "server")]
pub use server::{BlockingMockServer, MockServer};
pub use world::DEFAULT_BACKUP_DURATION;

/// The README's examples, compiled and run as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
