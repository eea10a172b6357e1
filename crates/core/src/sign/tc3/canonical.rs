//! The TC3 canonical request and string-to-sign, written once for every destination: streamed
//! into SHA-256 / HMAC on the hot path, or collected into bytes for debugging and golden tests.
//! Sharing one writer guarantees the debug text is exactly what was hashed.
//!
//! Also here: the payload hash, the `Authorization` prefix, the general (unprepared) streamed
//! signature and the slow text forms of each stage.

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::keys::HmacSha256;
use super::params::{
    ALGORITHM, Payload, SigningError, SigningParams, Tc3Signature, UNSIGNED_PAYLOAD,
};
use crate::sign::hex;
use crate::time::UtcDate;

/// Somewhere canonical bytes go: a hasher, a MAC or a byte buffer.
pub(crate) trait Sink {
    /// Appends bytes.
    fn put(&mut self, bytes: &[u8]);

    /// Appends bytes with ASCII upper case folded to lower case, without allocating.
    fn put_lower(&mut self, bytes: &[u8]) {
        if !bytes.iter().any(u8::is_ascii_uppercase) {
            self.put(bytes);
            return;
        }
        let mut buf = [0u8; 64];
        for chunk in bytes.chunks(buf.len()) {
            let out = &mut buf[..chunk.len()];
            out.copy_from_slice(chunk);
            out.make_ascii_lowercase();
            self.put(out);
        }
    }
}

impl Sink for sha2::Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        Digest::update(self, bytes);
    }
}

impl Sink for hmac::Hmac<sha2::Sha256> {
    fn put(&mut self, bytes: &[u8]) {
        Mac::update(self, bytes);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Collects small writes in a stack buffer and hands them to the inner sink in large chunks:
/// hashers pay a fixed cost per `update` call, and the canonical request is written as ~25 small
/// pieces. Call [`Buffered::finish`] to flush the tail.
pub(crate) struct Buffered<'s, S: Sink> {
    inner: &'s mut S,
    buf: [u8; 256],
    len: usize,
}

impl<'s, S: Sink> Buffered<'s, S> {
    pub(crate) fn new(inner: &'s mut S) -> Self {
        Self {
            inner,
            buf: [0; 256],
            len: 0,
        }
    }

    /// Flushes what is buffered.
    pub(crate) fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        if self.len > 0 {
            self.inner.put(&self.buf[..self.len]);
            self.len = 0;
        }
    }
}

impl<S: Sink> Sink for Buffered<'_, S> {
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buf.len() {
            self.flush();
            if bytes.len() >= self.buf.len() {
                self.inner.put(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn put_lower(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buf.len() {
            self.flush();
        }
        if bytes.len() > self.buf.len() {
            // Too big to stage: lower-case chunk by chunk through the staging buffer.
            for chunk in bytes.chunks(self.buf.len()) {
                self.put_lower(chunk);
            }
            return;
        }
        let out = &mut self.buf[self.len..self.len + bytes.len()];
        out.copy_from_slice(bytes);
        out.make_ascii_lowercase();
        self.len += bytes.len();
    }
}

/// Writes `METHOD\n/\nQUERY\nname:value\n...\n\nSIGNED_HEADERS\nPAYLOAD_HASH`.
///
/// `headers` come in canonical order; names and trimmed values are lower-cased here.
pub(crate) fn write_canonical_request<'h, S: Sink>(
    sink: &mut S,
    method: &[u8],
    query: &[u8],
    headers: impl Iterator<Item = (&'h [u8], &'h [u8])>,
    signed_headers: &[u8],
    payload_hash_hex: &[u8],
) {
    sink.put(method);
    sink.put(b"\n/\n");
    sink.put(query);
    sink.put(b"\n");
    for (name, value) in headers {
        sink.put_lower(name);
        sink.put(b":");
        sink.put_lower(value.trim_ascii());
        sink.put(b"\n");
    }
    sink.put(b"\n");
    sink.put(signed_headers);
    sink.put(b"\n");
    sink.put(payload_hash_hex);
}

/// Writes `TC3-HMAC-SHA256\nTIMESTAMP\nDATE/SERVICE/tc3_request\nHASHED_CANONICAL_REQUEST`.
pub(crate) fn write_string_to_sign<S: Sink>(
    sink: &mut S,
    timestamp: &[u8],
    date: &[u8],
    service: &[u8],
    hashed_canonical_request_hex: &[u8],
) {
    sink.put(ALGORITHM.as_bytes());
    sink.put(b"\n");
    sink.put(timestamp);
    sink.put(b"\n");
    sink.put(date);
    sink.put(b"/");
    sink.put(service);
    sink.put(b"/tc3_request\n");
    sink.put(hashed_canonical_request_hex);
}

/// Lower-case hex SHA-256 of what the payload line covers.
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

/// The headers in canonical order, as bytes.
pub(super) fn ordered<'h>(
    headers: &'h [(&'h str, &'h str)],
    order: &'h [usize],
) -> impl Iterator<Item = (&'h [u8], &'h [u8])> + 'h {
    order
        .iter()
        .map(move |&i| (headers[i].0.as_bytes(), headers[i].1.as_bytes()))
}

/// The general streamed signature: canonical request into SHA-256, string-to-sign into `mac`
/// (derived for `date`, the UTC date of `params.timestamp`, and `params.service`). Inputs must
/// have passed `check_inputs`.
pub(super) fn sign_with_mac(
    params: &SigningParams<'_>,
    secret_id: &str,
    date: &UtcDate,
    mut mac: HmacSha256,
) -> Result<Tc3Signature, SigningError> {
    super::check::with_header_order(params.headers, |order| {
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
        Tc3Signature::from_authorization(authorization)
    })
}

/// The canonical request as text, headers in `order`.
pub(super) fn canonical_request_text(params: &SigningParams<'_>, order: &[usize]) -> String {
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

/// The `SignedHeaders` list as text, headers in `order`.
pub(super) fn signed_headers_text(params: &SigningParams<'_>, order: &[usize]) -> String {
    let names: Vec<String> = order
        .iter()
        .map(|&i| params.headers[i].0.to_ascii_lowercase())
        .collect();
    names.join(";")
}

/// The string-to-sign as text, from the canonical request text.
pub(super) fn string_to_sign_text(params: &SigningParams<'_>, canonical: &str) -> String {
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
