//! TC3 signing keys: the derivation chain (`SecretDate` -> `SecretService` -> `SecretSigning`),
//! a derived key held as a pre-keyed HMAC-SHA256 state, and the small store of derived keys
//! that [`SigningKeyCache`](super::SigningKeyCache) keeps per (secret, UTC date, service).
//! `Debug` never shows key material.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::params::SCOPE_TERMINATOR;
use crate::credentials::Secret;
use crate::time::UtcDate;

/// HMAC-SHA256, the MAC of every TC3 stage.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// How many derived keys the store holds before evicting the oldest.
pub(super) const KEY_CAPACITY: usize = 8;

/// A derived TC3 signing key, held as a pre-keyed HMAC-SHA256 state so each signature skips the
/// key schedule. `Debug` never shows it.
#[derive(Clone)]
pub struct SigningKey {
    mac: HmacSha256,
}

impl SigningKey {
    /// Derives `SecretSigning` for a secret key, a UTC date (`YYYY-MM-DD`) and a service.
    pub fn derive(secret_key: &Secret, date: &str, service: &str) -> Self {
        let keys = DerivedKeys::derive(secret_key, date, service);
        Self {
            mac: new_mac(&keys.secret_signing),
        }
    }

    /// Wraps a pre-keyed MAC (one the store handed out).
    pub(super) fn from_mac(mac: HmacSha256) -> Self {
        Self { mac }
    }

    /// A fresh copy of the pre-keyed MAC.
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

pub(super) fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; this never fails.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    }
}

fn hmac_bytes(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = new_mac(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Longest `"TC3" + SecretKey` kept on the stack while deriving (an HMAC-SHA256 key block).
const FIRST_KEY_INLINE: usize = 64;

/// The three intermediate keys of the TC3 key derivation (raw bytes), exposed for golden tests
/// and debugging. `Debug` never shows them.
#[derive(Clone)]
pub struct DerivedKeys {
    /// `HMAC_SHA256("TC3" + SecretKey, Date)`.
    pub secret_date: [u8; 32],
    /// `HMAC_SHA256(SecretDate, service)`.
    pub secret_service: [u8; 32],
    /// `HMAC_SHA256(SecretService, "tc3_request")`.
    pub secret_signing: [u8; 32],
}

impl DerivedKeys {
    /// Runs the derivation.
    pub fn derive(secret_key: &Secret, date: &str, service: &str) -> Self {
        let secret = secret_key.expose().as_bytes();
        let secret_date = if secret.len() <= FIRST_KEY_INLINE - 3 {
            // The usual case: "TC3" + SecretKey on the stack (no allocation on an uncached
            // signature), wiped after use.
            let mut first_key = [0u8; FIRST_KEY_INLINE];
            first_key[..3].copy_from_slice(b"TC3");
            first_key[3..3 + secret.len()].copy_from_slice(secret);
            let secret_date = hmac_bytes(&first_key[..3 + secret.len()], date.as_bytes());
            std::hint::black_box(&mut first_key).fill(0);
            secret_date
        } else {
            let mut first_key = Vec::with_capacity(3 + secret.len());
            first_key.extend_from_slice(b"TC3");
            first_key.extend_from_slice(secret);
            let secret_date = hmac_bytes(&first_key, date.as_bytes());
            first_key.fill(0);
            secret_date
        };
        let secret_service = hmac_bytes(&secret_date, service.as_bytes());
        let secret_signing = hmac_bytes(&secret_service, SCOPE_TERMINATOR.as_bytes());
        Self {
            secret_date,
            secret_service,
            secret_signing,
        }
    }
}

impl fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKeys(***)")
    }
}

/// Cache entry: the secret is kept only to compare; it is never printed.
struct KeyEntry {
    secret: Secret,
    date: UtcDate,
    service: String,
    key: SigningKey,
}

/// The most recently derived keys, oldest first.
#[derive(Default)]
pub(super) struct KeyStore {
    entries: Vec<KeyEntry>,
}

impl KeyStore {
    /// The pre-keyed MAC for (secret, date, service) when it is stored.
    pub(super) fn cached_mac(
        &self,
        secret_key: &Secret,
        date: &UtcDate,
        service: &str,
    ) -> Option<HmacSha256> {
        self.entries
            .iter()
            .find(|e| e.date == *date && e.service == service && e.secret == *secret_key)
            .map(|entry| entry.key.mac())
    }

    /// The pre-keyed MAC for (secret, date, service), derived and stored on a miss.
    pub(super) fn mac(&mut self, secret_key: &Secret, date: &UtcDate, service: &str) -> HmacSha256 {
        if let Some(mac) = self.cached_mac(secret_key, date, service) {
            return mac;
        }
        // Derive inside the lock: misses are rare (once a day per secret and service) and this
        // keeps two threads from deriving the same key twice.
        let key = SigningKey::derive(secret_key, date.as_str(), service);
        let mac = key.mac();
        if self.entries.len() >= KEY_CAPACITY {
            self.entries.remove(0);
        }
        self.entries.push(KeyEntry {
            secret: secret_key.clone(),
            date: *date,
            service: service.to_owned(),
            key,
        });
        mac
    }

    /// How many keys are stored.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}
