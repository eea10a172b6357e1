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

use std::fmt;
use std::sync::{Mutex, MutexGuard};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::canonical::{Buffered, write_canonical_request, write_string_to_sign};
use super::hex;
use super::prepared::{PreparedSigner, Started};
use crate::credentials::Secret;
use crate::time::UtcDate;

pub(super) type HmacSha256 = Hmac<Sha256>;

/// The algorithm name, first word of the `Authorization` header and of the string-to-sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The payload marker of unsigned-payload mode (also the `X-TC-Content-SHA256` header value).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The header announcing unsigned-payload mode.
pub const CONTENT_SHA256_HEADER: &str = "X-TC-Content-SHA256";
/// The last element of every TC3 credential scope.
pub const SCOPE_TERMINATOR: &str = "tc3_request";

/// Most headers ever signed without spilling the sort order to the heap.
const INLINE_HEADERS: usize = 16;

/// What the `HashedRequestPayload` line of the canonical request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// The exact body bytes sent (empty for GET).
    Bytes(&'a [u8]),
    /// Unsigned-payload mode: the hash of the text `UNSIGNED-PAYLOAD` is signed instead, and the
    /// request must carry `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// Everything that goes into a TC3 signature, as plain data.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The raw query string exactly as it goes on the URL (without `?`); empty for POST.
    pub query: &'a str,
    /// The headers to sign, any order and case. Names are lower-cased and sorted, values trimmed
    /// and lower-cased, as the protocol says. Must include `content-type` and `host`; the
    /// official SDKs sign exactly those two.
    pub headers: &'a [(&'a str, &'a str)],
    /// The payload to hash.
    pub payload: Payload<'a>,
    /// `X-TC-Timestamp`: Unix seconds. Its UTC date goes into the credential scope.
    pub timestamp: u64,
    /// The product name of the credential scope, e.g. `redis` or `sts`.
    pub service: &'a str,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The method is not `GET` or `POST`.
    UnsupportedMethod,
    /// `content-type` or `host` (named) is not among the signed headers.
    MissingRequiredHeader(&'static str),
    /// A header name is empty or has a character outside the HTTP token set.
    InvalidHeaderName,
    /// A header value contains a control character (e.g. a line break).
    InvalidHeaderValue,
    /// The same header name (case-insensitively) is listed twice.
    DuplicateHeader,
    /// The service is empty or contains a character other than `A-Z a-z 0-9 - _ .`.
    InvalidService,
    /// The SecretId is empty or contains `/`, `,`, white space or a control character.
    InvalidSecretId,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedMethod => f.write_str("the method must be GET or POST"),
            Self::MissingRequiredHeader(name) => {
                write!(f, "the signed headers must include {name:?} (content-type and host are required)")
            }
            Self::InvalidHeaderName => f.write_str(
                "a header name to sign is empty or has a character outside the HTTP token set",
            ),
            Self::InvalidHeaderValue => {
                f.write_str("a header value to sign contains a control character such as a line break")
            }
            Self::DuplicateHeader => {
                f.write_str("a header name appears twice in the headers to sign (names are case-insensitive)")
            }
            Self::InvalidService => f.write_str(
                "the service name must be non-empty and contain only letters, digits, '-', '_' or '.'",
            ),
            Self::InvalidSecretId => f.write_str(
                "the SecretId must be non-empty and contain no '/', ',', white space or control characters",
            ),
        }
    }
}

impl std::error::Error for SigningError {}

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

fn new_mac(key: &[u8]) -> HmacSha256 {
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
        let mut first_key = Vec::with_capacity(3 + secret_key.expose().len());
        first_key.extend_from_slice(b"TC3");
        first_key.extend_from_slice(secret_key.expose().as_bytes());
        let secret_date = hmac_bytes(&first_key, date.as_bytes());
        first_key.fill(0);
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
struct CacheEntry {
    secret: Secret,
    date: UtcDate,
    service: String,
    key: SigningKey,
}

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
    keys: Vec<CacheEntry>,
    shapes: Vec<ShapeEntry>,
}

impl CacheState {
    fn cached_mac(&self, secret_key: &Secret, date: &UtcDate, service: &str) -> Option<HmacSha256> {
        self.keys
            .iter()
            .find(|e| e.date == *date && e.service == service && e.secret == *secret_key)
            .map(|entry| entry.key.mac())
    }

    fn mac(&mut self, secret_key: &Secret, date: &UtcDate, service: &str) -> HmacSha256 {
        if let Some(mac) = self.cached_mac(secret_key, date, service) {
            return mac;
        }
        // Derive inside the lock: misses are rare (once a day per secret and service) and this
        // keeps two threads from deriving the same key twice.
        let key = SigningKey::derive(secret_key, date.as_str(), service);
        let mac = key.mac();
        if self.keys.len() >= SigningKeyCache::CAPACITY {
            self.keys.remove(0);
        }
        self.keys.push(CacheEntry {
            secret: secret_key.clone(),
            date: *date,
            service: service.to_owned(),
            key,
        });
        mac
    }
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
    pub const CAPACITY: usize = 8;

    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The signing key for (secret, date, service), derived on a miss.
    pub fn key(&self, secret_key: &Secret, date: &UtcDate, service: &str) -> SigningKey {
        SigningKey {
            mac: self.mac(secret_key, date, service),
        }
    }

    fn state(&self) -> MutexGuard<'_, CacheState> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn mac(&self, secret_key: &Secret, date: &UtcDate, service: &str) -> HmacSha256 {
        self.state().mac(secret_key, date, service)
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
        let mac = state.cached_mac(secret_key, date, params.service)?;
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
        let mac = state.mac(secret_key, date, params.service);
        if !state
            .shapes
            .iter()
            .any(|shape| shape.matches(params, secret_id))
        {
            if state.shapes.len() >= Self::CAPACITY {
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

/// A finished TC3 signature: the `Authorization` header value, whose last 64 characters are the
/// signature in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Signature {
    authorization: String,
}

impl Tc3Signature {
    /// Wraps a finished `Authorization` value (it must end with the 64-digit signature).
    pub(super) fn from_authorization(authorization: String) -> Self {
        Self { authorization }
    }

    /// The `Authorization` header value:
    /// `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..., Signature=...`.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signature, 64 lower-case hex digits.
    pub fn signature(&self) -> &str {
        &self.authorization[self.authorization.len() - 64..]
    }

    /// The `Authorization` header value, owned.
    pub fn into_authorization(self) -> String {
        self.authorization
    }
}

/// Every intermediate text of a TC3 signature, for `-v` output and golden tests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningStages {
    /// The canonical request.
    pub canonical_request: String,
    /// Lower-case hex SHA-256 of the canonical request.
    pub hashed_canonical_request: String,
    /// `DATE/SERVICE/tc3_request`.
    pub credential_scope: String,
    /// The string-to-sign.
    pub string_to_sign: String,
    /// The `SignedHeaders` list (`content-type;host`).
    pub signed_headers: String,
    /// The signature, lower-case hex.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Byte classes for input checks, one table lookup per byte (this runs on every signature).
const fn byte_classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let alnum = c.is_ascii_alphanumeric();
        let token_punct = matches!(
            c,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        );
        if alnum || token_punct {
            table[b] |= TOKEN;
        }
        if alnum || matches!(c, b'-' | b'_' | b'.') {
            table[b] |= SERVICE;
        }
        if !(c == b'/' || c == b',' || c.is_ascii_whitespace() || c.is_ascii_control()) {
            table[b] |= SECRET_ID;
        }
        b += 1;
    }
    table
}

const TOKEN: u8 = 1;
const SERVICE: u8 = 2;
const SECRET_ID: u8 = 4;
static BYTE_CLASSES: [u8; 256] = byte_classes();

fn all_in(text: &str, class: u8) -> bool {
    text.bytes()
        .all(|b| BYTE_CLASSES[usize::from(b)] & class != 0)
}

pub(super) fn check_inputs(
    params: &SigningParams<'_>,
    secret_id: &str,
) -> Result<(), SigningError> {
    if params.method != "GET" && params.method != "POST" {
        return Err(SigningError::UnsupportedMethod);
    }
    if params.service.is_empty() || !all_in(params.service, SERVICE) {
        return Err(SigningError::InvalidService);
    }
    if secret_id.is_empty() || !all_in(secret_id, SECRET_ID) {
        return Err(SigningError::InvalidSecretId);
    }
    for (name, value) in params.headers {
        if name.is_empty() || !all_in(name, TOKEN) {
            return Err(SigningError::InvalidHeaderName);
        }
        // Branch-free so it vectorizes: no control character other than tab.
        let clean = value.bytes().fold(true, |ok, b| {
            ok & (((b >= 0x20) & (b != 0x7f)) | (b == b'\t'))
        });
        if !clean {
            return Err(SigningError::InvalidHeaderValue);
        }
    }
    Ok(())
}

fn compare_names(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Sorts header indices by lower-cased name and rejects duplicates and missing required names.
fn sort_headers(headers: &[(&str, &str)], order: &mut [usize]) -> Result<(), SigningError> {
    for (i, slot) in order.iter_mut().enumerate() {
        *slot = i;
    }
    if order.len() <= INLINE_HEADERS {
        // Insertion sort: the list is short (two headers for every SDK) and usually sorted.
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 && compare_names(headers[order[j - 1]].0, headers[order[j]].0).is_gt() {
                order.swap(j - 1, j);
                j -= 1;
            }
        }
    } else {
        order.sort_unstable_by(|&a, &b| compare_names(headers[a].0, headers[b].0));
    }
    for pair in order.windows(2) {
        if compare_names(headers[pair[0]].0, headers[pair[1]].0).is_eq() {
            return Err(SigningError::DuplicateHeader);
        }
    }
    for required in ["content-type", "host"] {
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(required))
        {
            return Err(SigningError::MissingRequiredHeader(required));
        }
    }
    Ok(())
}

/// Runs `f` with the canonical header order, on the stack for up to 16 headers.
pub(super) fn with_header_order<T>(
    headers: &[(&str, &str)],
    f: impl FnOnce(&[usize]) -> T,
) -> Result<T, SigningError> {
    if headers.len() <= INLINE_HEADERS {
        let mut inline = [0usize; INLINE_HEADERS];
        let order = &mut inline[..headers.len()];
        sort_headers(headers, order)?;
        Ok(f(order))
    } else {
        let mut order = vec![0usize; headers.len()];
        sort_headers(headers, &mut order)?;
        Ok(f(&order))
    }
}

pub(super) fn payload_hash(payload: Payload<'_>) -> [u8; 64] {
    let bytes = match payload {
        Payload::Bytes(bytes) => bytes,
        Payload::Unsigned => UNSIGNED_PAYLOAD.as_bytes(),
    };
    hex::encode_32(&Sha256::digest(bytes).into())
}

/// The authorization prefix up to and including `SignedHeaders=...`, plus where the signed
/// header list sits inside it.
pub(super) fn authorization_prefix(
    params: &SigningParams<'_>,
    secret_id: &str,
    date: &UtcDate,
    order: &[usize],
) -> (String, std::ops::Range<usize>) {
    let names_len: usize = order
        .iter()
        .map(|&i| params.headers[i].0.len())
        .sum::<usize>()
        + order.len().saturating_sub(1);
    let capacity = ALGORITHM.len()
        + " Credential=".len()
        + secret_id.len()
        + 1
        + date.as_str().len()
        + 1
        + params.service.len()
        + "/tc3_request, SignedHeaders=".len()
        + names_len
        + ", Signature=".len()
        + 64;
    let mut out = String::with_capacity(capacity);
    out.push_str(ALGORITHM);
    out.push_str(" Credential=");
    out.push_str(secret_id);
    out.push('/');
    out.push_str(date.as_str());
    out.push('/');
    out.push_str(params.service);
    out.push_str("/tc3_request, SignedHeaders=");
    let start = out.len();
    for (n, &i) in order.iter().enumerate() {
        if n > 0 {
            out.push(';');
        }
        let name = params.headers[i].0;
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            out.push_str(&name.to_ascii_lowercase());
        } else {
            out.push_str(name);
        }
    }
    let end = out.len();
    (out, start..end)
}

pub(super) fn ordered<'h>(
    headers: &'h [(&'h str, &'h str)],
    order: &'h [usize],
) -> impl Iterator<Item = (&'h [u8], &'h [u8])> + 'h {
    order
        .iter()
        .map(move |&i| (headers[i].0.as_bytes(), headers[i].1.as_bytes()))
}

fn sign_with_mac(
    params: &SigningParams<'_>,
    secret_id: &str,
    date: &UtcDate,
    mut mac: HmacSha256,
) -> Result<Tc3Signature, SigningError> {
    with_header_order(params.headers, |order| {
        let (mut authorization, names) = authorization_prefix(params, secret_id, date, order);
        let payload_hex = payload_hash(params.payload);
        let mut hasher = Sha256::new();
        let mut staged = Buffered::new(&mut hasher);
        write_canonical_request(
            &mut staged,
            params.method.as_bytes(),
            params.query.as_bytes(),
            ordered(params.headers, order),
            authorization[names].as_bytes(),
            &payload_hex,
        );
        staged.finish();
        let canonical_hex = hex::encode_32(&hasher.finalize().into());
        let (ts, ts_start) = hex::decimal(params.timestamp);
        let mut staged = Buffered::new(&mut mac);
        write_string_to_sign(
            &mut staged,
            &ts[ts_start..],
            date.as_bytes(),
            params.service.as_bytes(),
            &canonical_hex,
        );
        staged.finish();
        let signature = hex::encode_32(&mac.finalize().into_bytes().into());
        authorization.push_str(", Signature=");
        authorization.push_str(hex::as_str(&signature));
        Tc3Signature { authorization }
    })
}

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

/// The canonical request as text (slow path, for debugging and golden tests).
pub fn canonical_request(params: &SigningParams<'_>) -> Result<String, SigningError> {
    check_inputs(params, "-")?;
    with_header_order(params.headers, |order| {
        canonical_request_text(params, order)
    })
}

fn canonical_request_text(params: &SigningParams<'_>, order: &[usize]) -> String {
    let signed_headers = signed_headers_text(params, order);
    let mut out = Vec::new();
    write_canonical_request(
        &mut out,
        params.method.as_bytes(),
        params.query.as_bytes(),
        ordered(params.headers, order),
        signed_headers.as_bytes(),
        &payload_hash(params.payload),
    );
    String::from_utf8_lossy(&out).into_owned()
}

fn signed_headers_text(params: &SigningParams<'_>, order: &[usize]) -> String {
    let names: Vec<String> = order
        .iter()
        .map(|&i| params.headers[i].0.to_ascii_lowercase())
        .collect();
    names.join(";")
}

/// The string-to-sign as text (slow path, for debugging and golden tests).
pub fn string_to_sign(params: &SigningParams<'_>) -> Result<String, SigningError> {
    let canonical = canonical_request(params)?;
    Ok(string_to_sign_text(params, &canonical))
}

fn string_to_sign_text(params: &SigningParams<'_>, canonical: &str) -> String {
    let date = UtcDate::from_unix(params.timestamp);
    let hashed = hex::encode_32(&Sha256::digest(canonical.as_bytes()).into());
    let mut out = Vec::new();
    write_string_to_sign(
        &mut out,
        params.timestamp.to_string().as_bytes(),
        date.as_bytes(),
        params.service.as_bytes(),
        &hashed,
    );
    String::from_utf8_lossy(&out).into_owned()
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

/// The floor a cached signature is measured against (benchmarks): SHA-256 of the body, SHA-256
/// of `canonical`, and one HMAC over `string_to_sign` from a pre-keyed state. Returns the MAC so
/// nothing is optimised away.
#[doc(hidden)]
pub fn signing_floor(
    key: &SigningKey,
    body: &[u8],
    canonical: &[u8],
    string_to_sign: &[u8],
) -> [u8; 32] {
    let body_hash: [u8; 32] = Sha256::digest(body).into();
    let canonical_hash: [u8; 32] = Sha256::digest(canonical).into();
    std::hint::black_box((&body_hash, &canonical_hash));
    let mut mac = key.mac();
    mac.update(string_to_sign);
    mac.finalize().into_bytes().into()
}
