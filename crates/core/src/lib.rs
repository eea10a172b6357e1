//! Sans-IO protocol core for Tencent Cloud Redis `DescribeInstanceBackups` (service `redis`,
//! version `2018-04-12`).
//!
//! This crate builds and signs requests, parses responses and errors, resolves endpoints and
//! holds the pagination, pacing and retry state. It never opens a socket, never reads the
//! clock and never spawns a task: time is passed in, bytes go in and out, so any runtime (or
//! none) can drive it.
//!
//! # One call, end to end
//!
//! Build and validate a request, sign it for an endpoint at a timestamp you supply, hand the
//! plain `http::Request` to any client, then parse whatever bytes come back:
//!
//! ```
//! use tcredis_core::call::{self, CallOptions};
//! use tcredis_core::credentials::Credentials;
//! use tcredis_core::endpoint::Endpoint;
//! use tcredis_core::request::DescribeInstanceBackupsRequest;
//! use tcredis_core::response::{self, ResponseError};
//! use tcredis_core::sign::tc3::SigningKeyCache;
//!
//! let request = DescribeInstanceBackupsRequest::builder()
//!     .instance_id("crs-5a4py64p")
//!     .limit(20)
//!     .offset(0)
//!     .status([2, 4])
//!     .build();
//! request.validate().expect("valid parameters");
//!
//! let credentials = Credentials::new(
//!     "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
//!     "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", // the public documentation example key
//! )?;
//! let endpoint = Endpoint::for_region("ap-guangzhou");
//! let options = CallOptions { region: Some("ap-guangzhou"), ..CallOptions::default() };
//! let cache = SigningKeyCache::new();
//! let now = 1_551_113_065; // Unix seconds: the caller reads its clock, the core never does
//! let signed = call::describe_instance_backups(
//!     &endpoint, &request, &options, now, &credentials, &cache, false,
//! )?;
//! let http_request = signed.request; // http::Request<Vec<u8>>, ready for any HTTP client
//! assert_eq!(http_request.headers()["host"], "redis.tencentcloudapi.com");
//! assert!(http_request.headers()["authorization"]
//!     .to_str()?
//!     .starts_with("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/redis/tc3_request"));
//!
//! // ... send it, read the body bytes, then:
//! let body = br#"{"Response":{"TotalCount":1,"BackupSet":[{"BackupId":"b-1","StartTime":"2026-06-01 02:00:48","Status":2,"BackupType":"1"}],"RequestId":"r-1"}}"#;
//! let page = response::parse_response(body)?;
//! assert_eq!(page.total_count, 1);
//! assert_eq!(page.backup_set[0].backup_id.as_deref(), Some("b-1"));
//!
//! // Errors arrive as HTTP 200 with an error envelope; they come back typed:
//! let err = response::parse_response(br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"r-2"}}"#)
//!     .unwrap_err();
//! let ResponseError::Api(api) = err else { panic!("an API error") };
//! assert_eq!(api.code().as_str(), "AuthFailure.SignatureExpire");
//! assert_eq!(api.request_id(), "r-2");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Cargo features
//!
//! - `verify` (off): `sign::verify`, checking TC3 and v1 signatures of received requests (the
//!   mock's side), with constant-time compares.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auto_backup;
pub mod call;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod fleet;
pub mod freshness;
pub mod instances;
pub mod request;
pub mod response;
pub mod sign;
pub mod time;
pub mod window;

// The machine itself: private modules, every name users need re-exported below.
mod action;
mod exchange;
mod listing;
mod skew;

// The machine's building blocks. Their user-facing names are re-exported below; the modules
// themselves are for tcredis' own crates, benches and tests: **not part of the public API**,
// hidden from the documentation and from `crates/core/public-api.txt`, with no semver promise
// (rustls keeps its `internal` module the same way). See docs/architecture.md, "Public API".
#[doc(hidden)]
pub mod language;
#[doc(hidden)]
pub mod pacer;
#[doc(hidden)]
pub mod pagination;
#[doc(hidden)]
pub mod random;
#[doc(hidden)]
pub mod retry;

pub use action::{Action, Page, PagedAction, Signing};
pub use credentials::Credentials;
pub use endpoint::Endpoint;
pub use error::{ApiError, ErrorCode, ResponseError};
pub use exchange::{
    BREAKER_FAILURES, BREAKER_OPEN, CallContext, CallContextBuilder, ErrorKind, Event, Exchange,
    ExchangeError, Note, SharedPacer, Transmit,
};
pub use listing::{Listing, ListingEvent, ListingOptions};
pub use pacer::{Pacer, PacerError};
pub use pagination::{Drift, DriftKind, DriftPolicy, PageItem, PaginationConfigError};
pub use request::DescribeInstanceBackupsRequest;
pub use response::{Backup, DescribeInstanceBackupsResponse, RedisBackupSet};
pub use retry::{
    AttemptOutcome, GiveUpReason, RetryBudget, RetryConfigError, RetryPolicy, TransportFailure,
};

/// The Tencent Cloud product (service) name, used in the host and in the credential scope.
pub const SERVICE: &str = "redis";
/// The API version of the `DescribeInstanceBackups` action.
pub const VERSION: &str = "2018-04-12";
/// The action this crate implements.
pub const ACTION: &str = "DescribeInstanceBackups";

/// The README's examples, compiled and run as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
