//! A faithful fake of the Tencent Cloud Redis `DescribeInstanceBackups` endpoint (and the STS
//! actions credential providers need), for tests in Rust and any other language.
//!
//! - [`handler::Handler`] is the sans-IO core: request parts and `now` in, response out.
//! - With the default `server` feature, [`MockServer`] (async) and [`BlockingMockServer`]
//!   serve it over real loopback HTTP/1.1 and HTTP/2, optionally HTTPS with a CA made at start.
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

mod cassette;
mod civil;
mod clock;
mod config;
mod data;
mod forward;
pub mod handler;
mod journal;
mod policy;
mod rate_limit;
pub mod regions;
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
pub use data::auto_backup::AutoBackupConfig;
pub use data::backup::SeedBackup;
pub use data::seed::{Seed, SeedError, SeedInstance};
pub use forward::{ForwardAnswer, ForwardFuture, ForwardRequest, Upstream};
pub use handler::{DEMO_SECRET_ID, DEMO_SECRET_KEY, ExpectationError, ScriptError};
pub use journal::{JournalEntry, SignatureResult};
pub use policy::{DEFAULT_UIN, PolicyError, PolicySet};
pub use script::{ErrorReply, Expect, Matcher, Script, SkipSlot, Step};
#[cfg(feature = "server")]
pub use server::{BlockingMockServer, MockServer};
pub use world::DEFAULT_BACKUP_DURATION;

/// Parses an RFC 3339 time (as `TCREDIS_NOW` holds it) into Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    civil::parse_rfc3339(text)
}
