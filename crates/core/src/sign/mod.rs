//! Request signing: TC3-HMAC-SHA256 (signature v3, [`tc3`]), the legacy v1 signature
//! (HmacSHA1 / HmacSHA256, [`v1`]), and, behind the `verify` cargo feature, the verification
//! side used by the mock (`verify`).
//!
//! Everything here is data in, data out: no clock, no randomness, no I/O. Timestamps and nonces
//! are arguments.
//!
//! ```
//! use tcredis_core::credentials::Secret;
//! use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache, SigningParams};
//!
//! let cache = SigningKeyCache::new();
//! let body = br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;
//! let params = SigningParams {
//!     method: "POST",
//!     query: "",
//!     headers: &[("Content-Type", "application/json"), ("Host", "redis.tencentcloudapi.com")],
//!     payload: Payload::Bytes(body),
//!     timestamp: 1551113065,
//!     service: "redis",
//! };
//! let secret = Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
//! let signed = tc3::sign_cached(&params, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", &secret, &cache)?;
//! assert_eq!(
//!     signed.authorization(),
//!     "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/redis/tc3_request, \
//!      SignedHeaders=content-type;host, \
//!      Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4"
//! );
//! # Ok::<(), tc3::SigningError>(())
//! ```

mod hex;
pub mod tc3;
pub mod v1;
#[cfg(feature = "verify")]
pub mod verify;

/// The prepared signer's former path (`sign::prepared::PreparedSigner`); it is
/// [`tc3::PreparedSigner`] now.
#[doc(hidden)]
pub use tc3::prepared;

pub(crate) use hex::decimal;
