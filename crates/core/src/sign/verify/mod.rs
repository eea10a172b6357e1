//! Verifying signed requests from their raw parts (the mock server's side): TC3 from the
//! `Authorization` header, v1 from the `Signature`/`SecretId`/... parameters. Only with the
//! `verify` cargo feature.
//!
//! The verifier rebuilds the canonical request from whatever `SignedHeaders` lists (it must
//! include `content-type` and `host`), uses the raw query and raw body bytes exactly as
//! received, honours `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`, compares in constant time and
//! accepts timestamps within ±300 s of `now` (passed in). Identical replays verify: there is no
//! nonce tracking.
//!
//! Checks run in this order and the first failure answers ([`VerifyErrorKind`], with the
//! Tencent Cloud error code from [`VerifyErrorKind::code`]): malformed or missing
//! authorization → `AuthFailure.InvalidAuthorization`; timestamp outside the window →
//! `AuthFailure.SignatureExpire`; unknown SecretId → `AuthFailure.SecretIdNotFound`; signature
//! mismatch → `AuthFailure.SignatureFailure`; token missing for a token credential, or wrong, or
//! sent with a permanent key → `AuthFailure.TokenFailure`.
//!
//! Loopback leniency ([`VerifyOptions::loopback_leniency`]): when the Host is an IP address or
//! `localhost`, a signature over the Host without its port, and a credential-scope service equal
//! to the Host's first dot-separated label (the Node SDK computes `endpoint.split(".")[0]`,
//! e.g. `127`), are accepted too; [`Verified::leniency`] reports which one matched.
//!
//! ```
//! use tcredis_core::credentials::{Credentials, Secret};
//! use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache, SigningParams};
//! use tcredis_core::sign::verify::{self, Tc3Request, VerifyOptions};
//!
//! let body = b"{}";
//! let params = SigningParams {
//!     method: "POST",
//!     query: "",
//!     headers: &[("content-type", "application/json"), ("host", "127.0.0.1:8080")],
//!     payload: Payload::Bytes(body),
//!     timestamp: 1_700_000_000,
//!     service: "redis",
//! };
//! let secret = Secret::new("demo-key");
//! let signed = tc3::sign_cached(&params, "AKIDdemo", &secret, &SigningKeyCache::new())?;
//! let headers: &[(&str, &[u8])] = &[
//!     ("Content-Type", b"application/json"),
//!     ("X-TC-Timestamp", b"1700000000"),
//!     ("Authorization", signed.authorization().as_bytes()),
//! ];
//! let request = Tc3Request { method: "POST", host: "127.0.0.1:8080", query: "", headers, body };
//! let verified = verify::verify_tc3(&request, 1_700_000_100, &VerifyOptions::strict("redis"), |id| {
//!     (id == "AKIDdemo").then(|| (secret.clone(), None))
//! })
//! .expect("valid");
//! assert_eq!(verified.secret_id, "AKIDdemo");
//! assert!(verified.leniency.is_strict());
//! # Ok::<(), tc3::SigningError>(())
//! ```

mod authorization;
mod outcome;
mod rules;
mod tc3;
mod v1;

/// Whether a Host names an IP address or `localhost` (moved to [`crate::endpoint`]).
pub use crate::endpoint::is_loopback_host;
pub use authorization::{Tc3Authorization, parse_tc3_authorization};
pub use outcome::{
    DEFAULT_WINDOW_SECONDS, Leniency, Verified, VerifyError, VerifyErrorKind, VerifyOptions,
};
pub use tc3::{HeaderSource, Tc3Request, verify_tc3};
pub use v1::{V1Request, verify_v1};
