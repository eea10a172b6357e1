//! Sans-IO protocol core for Tencent Cloud Redis `DescribeInstanceBackups` (service `redis`,
//! version `2018-04-12`).
//!
//! This crate builds and signs requests, parses responses and errors, resolves endpoints and
//! holds the pagination, pacing and retry state. It never opens a socket, never reads the
//! clock and never spawns a task: time is passed in, bytes go in and out, so any runtime (or
//! none) can drive it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod call;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod pacer;
pub mod pagination;
pub mod random;
pub mod request;
pub mod response;
pub mod retry;
pub mod sign;
pub mod skew;
pub mod time;

/// The Tencent Cloud product (service) name, used in the host and in the credential scope.
pub const SERVICE: &str = "redis";
/// The API version of the `DescribeInstanceBackups` action.
pub const VERSION: &str = "2018-04-12";
/// The action this crate implements.
pub const ACTION: &str = "DescribeInstanceBackups";
