//! A prepared TC3 signer for many requests that differ only in payload and timestamp: the
//! constant parts (method, query, headers, service, SecretId) are validated and canonicalised
//! once, and the constant prefix of the canonical request is absorbed into a SHA-256 state
//! that every signature starts from.
//!
//! Signatures are byte-identical to [`tc3::sign_cached`](super::sign_cached) for the same
//! inputs; only the per-request work is smaller (no validation, sorting or canonicalising of
//! headers, one SHA-256 block of the canonical request already done).
//!
//! A prepared signer signs with a derived [`SigningKey`] ([`PreparedSigner::sign_with_key`]);
//! [`PreparedSigner::sign`] takes the key from a [`SigningKeyCache`](super::SigningKeyCache)
//! instead (that method lives with the cache, in `signer.rs`).
//!
//! ```
//! use tcredis_core::credentials::Secret;
//! use tcredis_core::sign::tc3::{self, Payload, PreparedSigner, SigningKey, SigningKeyCache};
//!
//! let headers = [("Content-Type", "application/json"), ("Host", "redis.tencentcloudapi.com")];
//! let signer = PreparedSigner::new("POST", "", &headers, "redis", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE")?;
//! let (cache, secret) = (SigningKeyCache::new(), Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"));
//! let body = br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;
//! let signed = signer.sign(Payload::Bytes(body), 1551113065, &secret, &cache);
//! assert!(signed.authorization().ends_with(
//!     "Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4"
//! ));
//! // The same with a key derived for the request's UTC date and service.
//! let key = SigningKey::derive(&secret, "2019-02-25", "redis");
//! assert_eq!(signer.sign_with_key(Payload::Bytes(body), 1551113065, &key), signed);
//! # Ok::<(), tc3::SigningError>(())
//! ```

use std::fmt;

use sha2::{Digest, Sha256};

use super::canonical::{
    Buffered, authorization_prefix, ordered, payload_hash, write_canonical_request,
    write_string_to_sign,
};
use super::check::{check_inputs, with_header_order};
use super::keys::{HmacSha256, SigningKey};
use super::params::{Payload, SigningError, SigningParams, Tc3Signature};
use crate::sign::hex;
use crate::time::UtcDate;

/// A TC3 signer prepared for one method, query, header set, service and SecretId. The
/// `Authorization` value is assembled as `head + DATE + tail + SIGNATURE`. `Debug` shows only
/// the service.
#[derive(Clone)]
pub struct PreparedSigner {
    service: String,
    /// SHA-256 state after `METHOD\n/\nQUERY\nheaders...\n\nSIGNED_HEADERS\n`.
    canonical_prefix: Sha256,
    /// `TC3-HMAC-SHA256 Credential=SECRET_ID/`.
    authorization_head: String,
    /// `/SERVICE/tc3_request, SignedHeaders=..., Signature=`.
    authorization_tail: String,
}

impl PreparedSigner {
    /// Validates and canonicalises the parts every request shares. Fails as
    /// [`tc3::sign`](super::sign) would for the same method, query, headers, service and
    /// SecretId.
    pub fn new(
        method: &str,
        query: &str,
        headers: &[(&str, &str)],
        service: &str,
        secret_id: &str,
    ) -> Result<Self, SigningError> {
        let params = SigningParams {
            method,
            query,
            headers,
            payload: Payload::Unsigned,
            timestamp: 0,
            service,
        };
        check_inputs(&params, secret_id)?;
        with_header_order(headers, |order| {
            // The date is a placeholder of the right length, cut out below.
            let date = UtcDate::from_unix(0);
            let (authorization, names) = authorization_prefix(&params, secret_id, &date, order);
            let mut prefix = Vec::with_capacity(256);
            write_canonical_request(
                &mut prefix,
                method.as_bytes(),
                query.as_bytes(),
                ordered(headers, order),
                authorization[names].as_bytes(),
                b"",
            );
            let head_len = "TC3-HMAC-SHA256 Credential=".len() + secret_id.len() + 1;
            let tail_start = head_len + date.as_str().len();
            Self {
                service: service.to_owned(),
                canonical_prefix: Sha256::new().chain_update(&prefix),
                authorization_head: authorization[..head_len].to_owned(),
                authorization_tail: format!("{}, Signature=", &authorization[tail_start..]),
            }
        })
    }

    /// Signs one request, its payload and `X-TC-Timestamp`, with `key`, which must have been
    /// derived for the UTC date of `timestamp` and this signer's service.
    pub fn sign_with_key(
        &self,
        payload: Payload<'_>,
        timestamp: u64,
        key: &SigningKey,
    ) -> Tc3Signature {
        let date = UtcDate::from_unix(timestamp);
        self.sign_with_mac(payload, timestamp, &date, key.mac())
    }

    /// The service of the credential scope.
    pub(super) fn service(&self) -> &str {
        &self.service
    }

    /// The SHA-256 state after the constant canonical-request prefix.
    pub(super) fn canonical_prefix(&self) -> &Sha256 {
        &self.canonical_prefix
    }

    /// Signs with a pre-keyed MAC already derived for `date` (the UTC date of `timestamp`) and
    /// this signer's service.
    pub(super) fn sign_with_mac(
        &self,
        payload: Payload<'_>,
        timestamp: u64,
        date: &UtcDate,
        mac: HmacSha256,
    ) -> Tc3Signature {
        let started = self.start(date);
        started.finish(&self.service, payload, timestamp, date, mac)
    }

    /// The per-request state that depends only on this signer and the date: the SHA-256 state
    /// after the constant canonical-request prefix, and the `Authorization` value up to
    /// `Signature=` (with room for the signature). Cheap enough to run under the cache's lock.
    pub(super) fn start(&self, date: &UtcDate) -> Started {
        let mut authorization = String::with_capacity(
            self.authorization_head.len()
                + date.as_str().len()
                + self.authorization_tail.len()
                + 64,
        );
        authorization.push_str(&self.authorization_head);
        authorization.push_str(date.as_str());
        authorization.push_str(&self.authorization_tail);
        Started {
            canonical: self.canonical_prefix.clone(),
            authorization,
        }
    }
}

/// A signature begun by [`PreparedSigner::start`].
pub(super) struct Started {
    canonical: Sha256,
    authorization: String,
}

impl Started {
    /// Hashes the payload, finishes the canonical request, signs the string-to-sign with `mac`
    /// (derived for `date` and `service`) and completes the `Authorization` value.
    pub(super) fn finish(
        self,
        service: &str,
        payload: Payload<'_>,
        timestamp: u64,
        date: &UtcDate,
        mut mac: HmacSha256,
    ) -> Tc3Signature {
        let Self {
            canonical: mut hasher,
            mut authorization,
        } = self;
        hasher.update(payload_hash(payload));
        let canonical_hex = hex::encode_32(&hasher.finalize().into());
        let (ts, ts_start) = hex::decimal(timestamp);
        let mut staged = Buffered::new(&mut mac);
        write_string_to_sign(
            &mut staged,
            &ts[ts_start..],
            date.as_bytes(),
            service.as_bytes(),
            &canonical_hex,
        );
        staged.finish();
        let signature = hex::encode_32(&hmac::Mac::finalize(mac).into_bytes().into());
        authorization.push_str(hex::as_str(&signature));
        Tc3Signature::from_authorization(authorization)
    }
}

impl fmt::Debug for PreparedSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedSigner")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}
