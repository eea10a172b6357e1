//! TC3-HMAC-SHA256 (Tencent Cloud API 3.0 signature v3): canonical request, string-to-sign,
//! derived signing key (cached per secret, UTC date and service) and the `Authorization` value.
//!
//! Signing is data in, data out: [`SigningParams`] describes the request (method, raw query,
//! the headers to sign, the payload or [`Payload::Unsigned`], timestamp, service) and
//! [`sign`] returns a [`Tc3Signature`] holding the `Authorization` header value. Nothing is read
//! from the environment or the clock.
//!
//! Hot path: [`SigningKeyCache`] keeps a pre-keyed HMAC-SHA256 state per (secret, UTC date,
//! service), the canonical request is streamed into SHA-256 without being built as text, hex is
//! written into stack buffers, and the only allocation is the returned `Authorization` string.
//! [`sign_with_stages`] is the slow twin that also returns every intermediate text (for `-v`
//! and golden tests); both share the same writer, so the stages are exactly what was signed.
//!
//! `X-TC-Token` is never signed: it is an ordinary header the caller adds (see `call`).
//!
//! # Layout
//!
//! One file per concern, each depending only on the ones above it (no import loop):
//!
//! | file | holds |
//! |---|---|
//! | `params.rs` | [`SigningParams`], [`Payload`], [`SigningError`], [`Tc3Signature`], [`SigningStages`], the protocol's words |
//! | `check.rs` | input checks and the canonical header order |
//! | `keys.rs` | [`SigningKey`], [`DerivedKeys`] and the store of derived keys |
//! | `canonical.rs` | canonical request and string-to-sign writers, payload hash, `Authorization` prefix, the general streamed signature |
//! | `prepared.rs` | [`PreparedSigner`]: a request shape canonicalised once |
//! | `signer.rs` | [`SigningKeyCache`] (keys + shapes) and [`sign_cached`] |
//! | `floor.rs` | the benchmarks' signing floors (hidden): exactly the hashing a path cannot avoid |
//! | `mod.rs` | [`sign`], [`sign_with_stages`] and the slow text forms |

use sha2::{Digest, Sha256};

mod canonical;
mod check;
mod floor;
mod keys;
mod params;
#[doc(hidden)] // its one item is `tc3::PreparedSigner`
pub mod prepared;
mod signer;

#[cfg(feature = "verify")]
pub(crate) use canonical::{write_canonical_request, write_string_to_sign};
#[doc(hidden)]
pub use floor::{CachedSigningFloor, UncachedSigningFloor};
pub use keys::{DerivedKeys, SigningKey};
pub use params::{
    ALGORITHM, CONTENT_SHA256_HEADER, Payload, SCOPE_TERMINATOR, SigningError, SigningParams,
    SigningStages, Tc3Signature, UNSIGNED_PAYLOAD,
};
pub use prepared::PreparedSigner;
pub use signer::{SigningKeyCache, sign_cached};

use crate::sign::hex;
use crate::time::UtcDate;
use canonical::{canonical_request_text, sign_with_mac, signed_headers_text, string_to_sign_text};
use check::{check_inputs, with_header_order};

/// Signs with an explicit derived key (which must have been derived for the UTC date of
/// `params.timestamp` and for `params.service`).
pub fn sign(
    params: &SigningParams<'_>,
    secret_id: &str,
    key: &SigningKey,
) -> Result<Tc3Signature, SigningError> {
    check_inputs(params, secret_id)?;
    let date = UtcDate::from_unix(params.timestamp);
    sign_with_mac(params, secret_id, &date, key.mac())
}

/// The canonical request as text (slow path, for debugging and golden tests).
pub fn canonical_request(params: &SigningParams<'_>) -> Result<String, SigningError> {
    check_inputs(params, "-")?;
    with_header_order(params.headers, |order| {
        canonical_request_text(params, order)
    })
}

/// The string-to-sign as text (slow path, for debugging and golden tests).
pub fn string_to_sign(params: &SigningParams<'_>) -> Result<String, SigningError> {
    let canonical = canonical_request(params)?;
    Ok(string_to_sign_text(params, &canonical))
}

/// Signs and returns every intermediate text (slow path: allocates freely). The signature and
/// `Authorization` are identical to [`sign`]'s.
pub fn sign_with_stages(
    params: &SigningParams<'_>,
    secret_id: &str,
    key: &SigningKey,
) -> Result<SigningStages, SigningError> {
    let signature = sign(params, secret_id, key)?;
    let (canonical_request, signed_headers) = with_header_order(params.headers, |order| {
        (
            canonical_request_text(params, order),
            signed_headers_text(params, order),
        )
    })?;
    let hashed_canonical_request =
        hex::encode_string(&Sha256::digest(canonical_request.as_bytes()));
    let string_to_sign = string_to_sign_text(params, &canonical_request);
    let date = UtcDate::from_unix(params.timestamp);
    Ok(SigningStages {
        canonical_request,
        hashed_canonical_request,
        credential_scope: format!("{date}/{}/{SCOPE_TERMINATOR}", params.service),
        string_to_sign,
        signed_headers,
        signature: signature.signature().to_owned(),
        authorization: signature.into_authorization(),
    })
}
