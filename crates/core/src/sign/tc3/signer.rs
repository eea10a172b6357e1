//! [`SigningKeyCache`]: the signer a client keeps. It owns the store of derived keys and the
//! last few request shapes, each as a [`PreparedSigner`], and signs through them
//! ([`sign_cached`], [`PreparedSigner::sign`]).

use std::fmt;
use std::sync::{Mutex, MutexGuard};

use super::canonical::sign_with_mac;
use super::check::check_inputs;
use super::keys::{HmacSha256, KEY_CAPACITY, KeyStore, SigningKey};
use super::params::{Payload, SigningError, SigningParams, Tc3Signature};
use super::prepared::{PreparedSigner, Started};
use crate::credentials::Secret;
use crate::time::UtcDate;

/// How many request shapes the cache keeps.
const SHAPE_CAPACITY: usize = 8;

/// A request shape [`sign_cached`] has already validated and canonicalised: everything of
/// [`SigningParams`] but the payload and timestamp, plus the SecretId, exactly as given (same
/// header order and case), and the [`PreparedSigner`] built from it.
struct ShapeEntry {
    method: Box<str>,
    headers: Box<[(Box<str>, Box<str>)]>,
    secret_id: Box<str>,
    signer: PreparedSigner,
}

impl ShapeEntry {
    /// Whether `params` (with an empty query) and `secret_id` have exactly this shape.
    fn matches(&self, params: &SigningParams<'_>, secret_id: &str) -> bool {
        *self.method == *params.method
            && *self.secret_id == *secret_id
            && self.signer.service() == params.service
            && self.headers.len() == params.headers.len()
            && self
                .headers
                .iter()
                .zip(params.headers)
                .all(|((name, value), (n, v))| **name == **n && **value == **v)
    }
}

/// What the cache's lock guards.
#[derive(Default)]
struct CacheState {
    keys: KeyStore,
    shapes: Vec<ShapeEntry>,
}

/// Derived keys cached per (secret key, UTC date, service), so a signature costs one SHA-256
/// of the body, one of the canonical request and one HMAC.
///
/// It also remembers the last few request shapes [`sign_cached`] saw (method, headers, service
/// and SecretId of POST requests without a query) as [`PreparedSigner`]s, so repeated requests
/// of one client skip validation, header sorting and canonicalising and start from a SHA-256
/// state that has already absorbed the constant canonical-request prefix.
///
/// Thread safety: the cache is `Sync`; entries sit behind a `Mutex` held only for a lookup
/// (a few comparisons, clones of the pre-keyed HMAC and SHA-256 states, and the
/// `Authorization` prefix copied into the one allocation), never while hashing. It keeps the 8 most recently derived keys (dates roll over
/// daily; a process rarely uses more than a couple of secrets and services at once) and the 8
/// most recently prepared shapes. `Debug` shows only the key count.
#[derive(Default)]
pub struct SigningKeyCache {
    entries: Mutex<CacheState>,
}

impl SigningKeyCache {
    /// How many keys the cache holds before evicting the oldest.
    pub const CAPACITY: usize = KEY_CAPACITY;

    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The signing key for (secret, date, service), derived on a miss.
    pub fn key(&self, secret_key: &Secret, date: &UtcDate, service: &str) -> SigningKey {
        SigningKey::from_mac(self.mac(secret_key, date, service))
    }

    fn state(&self) -> MutexGuard<'_, CacheState> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn mac(&self, secret_key: &Secret, date: &UtcDate, service: &str) -> HmacSha256 {
        self.state().keys.mac(secret_key, date, service)
    }

    /// A signature begun from this shape's prepared signer, with the signing key, under one
    /// lock, when both are cached (the steady state of a client).
    fn prepared(
        &self,
        params: &SigningParams<'_>,
        secret_id: &str,
        secret_key: &Secret,
        date: &UtcDate,
    ) -> Option<(Started, HmacSha256)> {
        let state = self.state();
        let shape = state
            .shapes
            .iter()
            .rev()
            .find(|shape| shape.matches(params, secret_id))?;
        let mac = state.keys.cached_mac(secret_key, date, params.service)?;
        Some((shape.signer.start(date), mac))
    }

    /// Prepares (validating) the shape of `params`, remembers it, and begins a signature from
    /// it with the signing key (derived on a miss).
    fn prepare(
        &self,
        params: &SigningParams<'_>,
        secret_id: &str,
        secret_key: &Secret,
        date: &UtcDate,
    ) -> Result<(Started, HmacSha256), SigningError> {
        let signer = PreparedSigner::new(
            params.method,
            params.query,
            params.headers,
            params.service,
            secret_id,
        )?;
        let started = signer.start(date);
        let mut state = self.state();
        let mac = state.keys.mac(secret_key, date, params.service);
        if !state
            .shapes
            .iter()
            .any(|shape| shape.matches(params, secret_id))
        {
            if state.shapes.len() >= SHAPE_CAPACITY {
                state.shapes.remove(0);
            }
            state.shapes.push(ShapeEntry {
                method: params.method.into(),
                headers: params
                    .headers
                    .iter()
                    .map(|&(name, value)| (name.into(), value.into()))
                    .collect(),
                secret_id: secret_id.into(),
                signer,
            });
        }
        Ok((started, mac))
    }

    /// How many keys are cached.
    pub fn len(&self) -> usize {
        self.state().keys.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("entries", &self.len())
            .finish()
    }
}

/// Signs, taking the derived key from `cache` (deriving it on a miss). The hot path.
///
/// Requests without a query (every POST) are signed through a [`PreparedSigner`] that the cache
/// keeps per shape (method, headers exactly as given, service, SecretId): the first request of a
/// shape validates and canonicalises it, later ones only compare it. Requests with a query (GET,
/// whose query changes from page to page) take the general path. Both give the same bytes.
pub fn sign_cached(
    params: &SigningParams<'_>,
    secret_id: &str,
    secret_key: &Secret,
    cache: &SigningKeyCache,
) -> Result<Tc3Signature, SigningError> {
    let date = UtcDate::from_unix(params.timestamp);
    if params.query.is_empty() {
        let (started, mac) = match cache.prepared(params, secret_id, secret_key, &date) {
            Some(hit) => hit,
            None => cache.prepare(params, secret_id, secret_key, &date)?,
        };
        return Ok(started.finish(params.service, params.payload, params.timestamp, &date, mac));
    }
    check_inputs(params, secret_id)?;
    let mac = cache.mac(secret_key, &date, params.service);
    sign_with_mac(params, secret_id, &date, mac)
}

impl PreparedSigner {
    /// Signs one request: its payload and `X-TC-Timestamp`, with the derived key from `cache`
    /// (derived on a miss).
    pub fn sign(
        &self,
        payload: Payload<'_>,
        timestamp: u64,
        secret_key: &Secret,
        cache: &SigningKeyCache,
    ) -> Tc3Signature {
        let date = UtcDate::from_unix(timestamp);
        let mac = cache.mac(secret_key, &date, self.service());
        self.sign_with_mac(payload, timestamp, &date, mac)
    }
}
