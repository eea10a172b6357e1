//! The TC3 canonical request and string-to-sign, written once for every destination: streamed
//! into SHA-256 / HMAC on the hot path, or collected into bytes for debugging and golden tests.
//! Sharing one writer guarantees the debug text is exactly what was hashed.

use hmac::Mac;
use sha2::Digest;

use super::tc3::ALGORITHM;

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
