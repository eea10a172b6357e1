//! Signing floors for the benchmarks (hidden from the docs): exactly the SHA-256 compressions a
//! signing path cannot avoid for one request, from the same pre-absorbed states, and nothing
//! else (no validation, no hex, no allocation). A path's figure divided by its floor is the
//! overhead of everything that is not hashing.
//!
//! - [`CachedSigningFloor`] is the floor of [`sign_cached`](super::sign_cached) on a cached
//!   shape with a cached key (the call path): SHA-256 of the body; the canonical request from
//!   the prepared signer's state (which has absorbed the constant prefix, so only the payload
//!   hash and padding remain); the HMAC of the string-to-sign from the pre-keyed state (ipad and
//!   opad blocks already absorbed).
//! - [`UncachedSigningFloor`] is the floor of a signature with nothing cached
//!   ([`SigningKey::derive`] then [`sign`](super::sign)): the three derivation HMACs, keying the
//!   final HMAC, SHA-256 of the body, the whole canonical request and the final HMAC.
//!
//! The unit tests below count the compressions of each floor and of its path with a counting
//! SHA-256 over `sha2::compress256` and check they are equal (and that both give the path's
//! signature).

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::canonical::{payload_hash, write_string_to_sign};
use super::check::check_inputs;
use super::keys::{HmacSha256, SigningKey, new_mac};
use super::params::{Payload, SCOPE_TERMINATOR, SigningError, SigningParams};
use super::prepared::PreparedSigner;
use crate::credentials::Secret;
use crate::sign::hex;
use crate::time::UtcDate;

/// The floor of the cached call path for one request (see the module docs).
#[doc(hidden)]
#[derive(Clone)]
pub struct CachedSigningFloor {
    canonical_prefix: Sha256,
    mac: HmacSha256,
    body: Vec<u8>,
    payload_hex: [u8; 64],
    string_to_sign: Vec<u8>,
}

impl CachedSigningFloor {
    /// The floor of signing `payload` at `timestamp` through `signer` with `key` (derived for
    /// the timestamp's UTC date and the signer's service).
    pub fn new(
        signer: &PreparedSigner,
        key: &SigningKey,
        payload: Payload<'_>,
        timestamp: u64,
    ) -> Self {
        let body = match payload {
            Payload::Bytes(bytes) => bytes,
            Payload::Unsigned => super::UNSIGNED_PAYLOAD.as_bytes(),
        };
        let payload_hex = payload_hash(payload);
        let canonical_prefix = signer.canonical_prefix().clone();
        let canonical_hex = hex::encode_32(
            &canonical_prefix
                .clone()
                .chain_update(payload_hex)
                .finalize()
                .into(),
        );
        Self {
            canonical_prefix,
            mac: key.mac(),
            body: body.to_vec(),
            payload_hex,
            string_to_sign: string_to_sign_bytes(
                timestamp,
                &UtcDate::from_unix(timestamp),
                signer.service(),
                &canonical_hex,
            ),
        }
    }

    /// Runs the floor; returns the signature bytes (equal to the path's).
    pub fn run(&self) -> [u8; 32] {
        let body_hash: [u8; 32] = Sha256::digest(&self.body).into();
        let canonical_hash: [u8; 32] = self
            .canonical_prefix
            .clone()
            .chain_update(self.payload_hex)
            .finalize()
            .into();
        std::hint::black_box((&body_hash, &canonical_hash));
        let mut mac = self.mac.clone();
        mac.update(&self.string_to_sign);
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for CachedSigningFloor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedSigningFloor")
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The floor of a signature with nothing cached (see the module docs).
#[doc(hidden)]
#[derive(Clone)]
pub struct UncachedSigningFloor {
    /// `"TC3" + SecretKey`.
    first_key: Vec<u8>,
    date: UtcDate,
    service: String,
    body: Vec<u8>,
    canonical: Vec<u8>,
    string_to_sign: Vec<u8>,
}

impl UncachedSigningFloor {
    /// The floor of signing `params` with `secret_key`, deriving the key.
    pub fn new(params: &SigningParams<'_>, secret_key: &Secret) -> Result<Self, SigningError> {
        check_inputs(params, "-")?;
        let canonical = super::canonical_request(params)?.into_bytes();
        let date = UtcDate::from_unix(params.timestamp);
        let canonical_hex = hex::encode_32(&Sha256::digest(&canonical).into());
        let mut first_key = b"TC3".to_vec();
        first_key.extend_from_slice(secret_key.expose().as_bytes());
        let body = match params.payload {
            Payload::Bytes(bytes) => bytes,
            Payload::Unsigned => super::UNSIGNED_PAYLOAD.as_bytes(),
        };
        Ok(Self {
            first_key,
            date,
            service: params.service.to_owned(),
            body: body.to_vec(),
            canonical,
            string_to_sign: string_to_sign_bytes(
                params.timestamp,
                &date,
                params.service,
                &canonical_hex,
            ),
        })
    }

    /// Runs the floor; returns the signature bytes (equal to the path's).
    pub fn run(&self) -> [u8; 32] {
        let secret_date = hmac_once(&self.first_key, self.date.as_bytes());
        let secret_service = hmac_once(&secret_date, self.service.as_bytes());
        let secret_signing = hmac_once(&secret_service, SCOPE_TERMINATOR.as_bytes());
        let body_hash: [u8; 32] = Sha256::digest(&self.body).into();
        let canonical_hash: [u8; 32] = Sha256::digest(&self.canonical).into();
        std::hint::black_box((&body_hash, &canonical_hash));
        hmac_once(&secret_signing, &self.string_to_sign)
    }
}

impl std::fmt::Debug for UncachedSigningFloor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UncachedSigningFloor")
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

fn hmac_once(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = new_mac(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn string_to_sign_bytes(
    timestamp: u64,
    date: &UtcDate,
    service: &str,
    canonical_hex: &[u8; 64],
) -> Vec<u8> {
    let (ts, ts_start) = hex::decimal(timestamp);
    let mut out = Vec::with_capacity(128);
    write_string_to_sign(
        &mut out,
        &ts[ts_start..],
        date.as_bytes(),
        service.as_bytes(),
        canonical_hex,
    );
    out
}

#[cfg(test)]
mod tests {
    //! Counting SHA-256 compressions: a SHA-256 driven block by block through
    //! `sha2::compress256`, counting every call. The streams fed to it are the exact bytes each
    //! path hashes, which the tests prove by getting the path's signature out of them.

    use super::*;
    use crate::sign::tc3::DerivedKeys;
    use crate::sign::tc3::{SigningKeyCache, sign, sign_cached};
    use sha2::digest::generic_array::GenericArray;

    const H0: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];

    /// SHA-256 that counts compressions; `mark` forgets the ones done so far (work absorbed
    /// into a state before a signature starts).
    struct CountingSha256 {
        state: [u32; 8],
        block: Vec<u8>,
        length: u64,
        compressions: usize,
    }

    impl CountingSha256 {
        fn new() -> Self {
            Self {
                state: H0,
                block: Vec::with_capacity(64),
                length: 0,
                compressions: 0,
            }
        }

        fn update(&mut self, bytes: &[u8]) -> &mut Self {
            for &b in bytes {
                self.block.push(b);
                if self.block.len() == 64 {
                    self.compress();
                }
            }
            self.length += bytes.len() as u64;
            self
        }

        fn compress(&mut self) {
            sha2::compress256(
                &mut self.state,
                &[GenericArray::clone_from_slice(&self.block)],
            );
            self.block.clear();
            self.compressions += 1;
        }

        fn mark(&mut self) -> &mut Self {
            self.compressions = 0;
            self
        }

        /// The digest and the compressions counted since the last mark.
        fn finish(mut self) -> ([u8; 32], usize) {
            let bits = self.length * 8;
            self.block.push(0x80);
            if self.block.len() > 56 {
                self.block.resize(64, 0);
                self.compress();
            }
            self.block.resize(56, 0);
            self.block.extend_from_slice(&bits.to_be_bytes());
            self.compress();
            let mut out = [0u8; 32];
            for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            (out, self.compressions)
        }
    }

    /// HMAC-SHA256 over counting hashers; `keyed` says whether the ipad and opad blocks (and
    /// the hashing of a long key) were done before the signature started (a pre-keyed state).
    fn hmac(key: &[u8], message: &[u8], keyed: bool) -> ([u8; 32], usize) {
        let mut key_count = 0;
        let mut block = [0u8; 64];
        if key.len() > 64 {
            let (digest, n) = {
                let mut h = CountingSha256::new();
                h.update(key);
                h.finish()
            };
            key_count = n;
            block[..32].copy_from_slice(&digest);
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let ipad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
        let mut inner = CountingSha256::new();
        inner.update(&ipad);
        if keyed {
            inner.mark();
        }
        inner.update(message);
        let (inner_hash, inner_count) = inner.finish();
        let mut outer = CountingSha256::new();
        outer.update(&opad);
        if keyed {
            outer.mark();
        }
        outer.update(&inner_hash);
        let (mac, outer_count) = outer.finish();
        let key_count = if keyed { 0 } else { key_count };
        (mac, key_count + inner_count + outer_count)
    }

    fn sha256(bytes: &[u8]) -> ([u8; 32], usize) {
        let mut h = CountingSha256::new();
        h.update(bytes);
        h.finish()
    }

    fn hex(bytes: &[u8; 32]) -> String {
        hex::encode_string(bytes)
    }

    fn signature_of(authorization: &str) -> &str {
        authorization
            .rsplit_once("Signature=")
            .map(|(_, s)| s)
            .unwrap()
    }

    /// The canonical request's constant prefix as `PreparedSigner::new` absorbs it.
    fn prefix_bytes(params: &SigningParams<'_>) -> Vec<u8> {
        let text = crate::sign::tc3::canonical_request(params).unwrap();
        // Everything but the 64 hex digits of the payload hash.
        text.as_bytes()[..text.len() - 64].to_vec()
    }

    /// (the path's signature, compressions per signature) counted on the streams the cached
    /// path hashes: body; canonical request after the absorbed prefix; HMAC after the pads.
    fn count_cached_path(params: &SigningParams<'_>, secret: &Secret) -> (String, usize) {
        let body = match params.payload {
            Payload::Bytes(b) => b,
            Payload::Unsigned => super::super::UNSIGNED_PAYLOAD.as_bytes(),
        };
        let (body_hash, body_count) = sha256(body);
        let mut canonical = CountingSha256::new();
        canonical.update(&prefix_bytes(params)).mark();
        canonical.update(hex(&body_hash).as_bytes());
        let (canonical_hash, canonical_count) = canonical.finish();
        let date = UtcDate::from_unix(params.timestamp);
        let keys = DerivedKeys::derive(secret, date.as_str(), params.service);
        let sts = string_to_sign_bytes(
            params.timestamp,
            &date,
            params.service,
            &hex::encode_32(&canonical_hash),
        );
        let (mac, mac_count) = hmac(&keys.secret_signing, &sts, true);
        (hex(&mac), body_count + canonical_count + mac_count)
    }

    /// The same for the uncached path: derivation, keying, body, whole canonical request, HMAC.
    fn count_uncached_path(params: &SigningParams<'_>, secret: &Secret) -> (String, usize) {
        let date = UtcDate::from_unix(params.timestamp);
        let mut first_key = b"TC3".to_vec();
        first_key.extend_from_slice(secret.expose().as_bytes());
        let (secret_date, a) = hmac(&first_key, date.as_bytes(), false);
        let (secret_service, b) = hmac(&secret_date, params.service.as_bytes(), false);
        let (secret_signing, c) = hmac(&secret_service, SCOPE_TERMINATOR.as_bytes(), false);
        let body = match params.payload {
            Payload::Bytes(b) => b,
            Payload::Unsigned => super::super::UNSIGNED_PAYLOAD.as_bytes(),
        };
        let (_, body_count) = sha256(body);
        let canonical = crate::sign::tc3::canonical_request(params).unwrap();
        let (canonical_hash, canonical_count) = sha256(canonical.as_bytes());
        let sts = string_to_sign_bytes(
            params.timestamp,
            &date,
            params.service,
            &hex::encode_32(&canonical_hash),
        );
        let (mac, mac_count) = hmac(&secret_signing, &sts, false);
        (
            hex(&mac),
            a + b + c + body_count + canonical_count + mac_count,
        )
    }

    /// The floors' own streams, counted the same way (their fields are what they hash).
    fn count_cached_floor(floor: &CachedSigningFloor, prefix_len: usize) -> usize {
        let (_, body) = sha256(&floor.body);
        let mut canonical = CountingSha256::new();
        canonical.update(&vec![0u8; prefix_len]).mark();
        canonical.update(&floor.payload_hex);
        let (_, canonical_count) = canonical.finish();
        let (_, mac) = hmac(&[0u8; 32], &floor.string_to_sign, true);
        body + canonical_count + mac
    }

    fn count_uncached_floor(floor: &UncachedSigningFloor) -> usize {
        let (k1, a) = hmac(&floor.first_key, floor.date.as_bytes(), false);
        let (k2, b) = hmac(&k1, floor.service.as_bytes(), false);
        let (k3, c) = hmac(&k2, SCOPE_TERMINATOR.as_bytes(), false);
        let (_, body) = sha256(&floor.body);
        let (_, canonical) = sha256(&floor.canonical);
        let (_, mac) = hmac(&k3, &floor.string_to_sign, false);
        a + b + c + body + canonical + mac
    }

    const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";

    /// The benchmark's request and others with bodies and headers around block boundaries.
    /// (headers, body, timestamp, secret key) of one signed request.
    type Case = (Vec<(String, String)>, Vec<u8>, u64, String);

    fn cases() -> Vec<Case> {
        let bench_body = br#"{"Limit":100,"Offset":0,"InstanceId":"crs-5a4py64p","BeginTime":"2026-06-01 00:00:00","EndTime":"2026-06-30 23:59:59","Status":[2,4]}"#;
        let mut out = vec![(
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("Host".into(), "redis.tencentcloudapi.com".into()),
            ],
            bench_body.to_vec(),
            1_780_000_000,
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".to_owned(),
        )];
        for (i, len) in [0usize, 1, 54, 55, 56, 63, 64, 119, 120, 1000]
            .into_iter()
            .enumerate()
        {
            let host = format!("h{}.example", "x".repeat(i * 7));
            out.push((
                vec![
                    ("Host".into(), host),
                    (
                        "Content-Type".into(),
                        "application/json; charset=utf-8".into(),
                    ),
                    ("X-TC-Action".into(), "DescribeInstanceBackups".into()),
                ],
                vec![b'a'; len],
                1_700_000_000 + (i as u64) * 86_399,
                "k".repeat(20 + i * 9),
            ));
        }
        out
    }

    /// A case's headers as the `(&str, &str)` pairs `SigningParams` takes.
    fn borrowed(headers: &[(String, String)]) -> Vec<(&str, &str)> {
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// A case's POST (no query) to the `redis` service.
    fn post_params<'a>(
        headers: &'a [(&'a str, &'a str)],
        body: &'a [u8],
        timestamp: u64,
    ) -> SigningParams<'a> {
        SigningParams {
            method: "POST",
            query: "",
            headers,
            payload: Payload::Bytes(body),
            timestamp,
            service: "redis",
        }
    }

    #[test]
    fn the_cached_floor_compresses_exactly_what_the_cached_path_must() {
        for (headers, body, timestamp, secret) in cases() {
            let headers = borrowed(&headers);
            let params = post_params(&headers, &body, timestamp);
            let secret = Secret::new(secret);
            let cache = SigningKeyCache::new();
            let first = sign_cached(&params, SECRET_ID, &secret, &cache).unwrap();
            // The second signature takes the cached shape and key: the measured path.
            let signed = sign_cached(&params, SECRET_ID, &secret, &cache).unwrap();
            assert_eq!(signed, first);
            let (path_signature, path_blocks) = count_cached_path(&params, &secret);
            assert_eq!(path_signature, signature_of(signed.authorization()));

            let signer = PreparedSigner::new("POST", "", &headers, "redis", SECRET_ID).unwrap();
            let date = UtcDate::from_unix(timestamp);
            let key = SigningKey::derive(&secret, date.as_str(), "redis");
            let floor = CachedSigningFloor::new(&signer, &key, Payload::Bytes(&body), timestamp);
            assert_eq!(hex(&floor.run()), path_signature);
            let prefix_len = prefix_bytes(&params).len();
            assert_eq!(count_cached_floor(&floor, prefix_len), path_blocks);
        }
    }

    #[test]
    fn the_benchmark_request_costs_nine_compressions_cached_and_twenty_four_uncached() {
        let (headers, body, timestamp, secret) = cases().remove(0);
        let headers = borrowed(&headers);
        let params = post_params(&headers, &body, timestamp);
        let secret = Secret::new(secret);
        // Body 133 bytes: 3 blocks. Canonical request 152 bytes, first block absorbed: 2.
        // HMAC of a 120-byte string-to-sign after the ipad block: 3, outer: 1.
        assert_eq!(body.len(), 133);
        assert_eq!(prefix_bytes(&params).len() + 64, 152);
        assert_eq!(count_cached_path(&params, &secret).1, 3 + 2 + 3 + 1);
        // Three derivation HMACs (4 each), keying the final HMAC (2), body (3), whole
        // canonical request (3), final HMAC (3 + 1).
        assert_eq!(count_uncached_path(&params, &secret).1, 12 + 2 + 3 + 3 + 4);
    }

    #[test]
    fn the_uncached_floor_compresses_exactly_what_the_uncached_path_must() {
        for (headers, body, timestamp, secret) in cases() {
            let headers = borrowed(&headers);
            let params = post_params(&headers, &body, timestamp);
            let secret = Secret::new(secret);
            // The uncached path: a key derived for this signature, then the general signer.
            let date = UtcDate::from_unix(timestamp);
            let key = SigningKey::derive(&secret, date.as_str(), "redis");
            let signed = sign(&params, SECRET_ID, &key).unwrap();
            let (path_signature, path_blocks) = count_uncached_path(&params, &secret);
            assert_eq!(path_signature, signature_of(signed.authorization()));
            let floor = UncachedSigningFloor::new(&params, &secret).unwrap();
            assert_eq!(hex(&floor.run()), path_signature);
            assert_eq!(count_uncached_floor(&floor), path_blocks);
        }
    }

    #[test]
    fn the_counting_hasher_is_sha256() {
        for len in [0usize, 1, 55, 56, 63, 64, 65, 200] {
            let bytes = vec![0x61u8; len];
            let (digest, blocks) = sha256(&bytes);
            assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&bytes)));
            assert_eq!(blocks, (len + 9).div_ceil(64));
        }
        let (mac, _) = hmac(b"key", b"message", false);
        let mut real = new_mac(b"key");
        real.update(b"message");
        assert_eq!(mac, <[u8; 32]>::from(real.finalize().into_bytes()));
    }
}
