//! The HTTP machinery: hyper-util's pooled legacy client over our [`Connector`], one exchange
//! with a per-attempt timeout and a cap on the answer's body, and the mapping of hyper's errors
//! to the crate's [`Error`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::connector::{ConnectError, ConnectErrorKind, Connector, ConnectorSettings};
use crate::error::{Error, TimeoutKind, TransportErrorKind};

/// A complete answer: status, headers and the whole body.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// The pooled client (HTTP/1.1 keep-alive, HTTP/2 when ALPN chooses it), and a count of the
/// requests it sent (every attempt), shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct HttpStack {
    client: HyperClient<Connector, Full<Bytes>>,
    sent: Arc<AtomicU64>,
    /// The most body bytes one answer may have.
    max_body_bytes: usize,
}

impl HttpStack {
    pub(crate) fn new(settings: ConnectorSettings, max_body_bytes: usize) -> Self {
        let client = HyperClient::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(Connector::new(settings));
        Self {
            client,
            sent: Arc::new(AtomicU64::new(0)),
            max_body_bytes,
        }
    }

    /// The same connection pool and body cap with a request count of its own, starting at 0.
    pub(crate) fn with_fresh_count(&self) -> Self {
        Self {
            client: self.client.clone(),
            sent: Arc::new(AtomicU64::new(0)),
            max_body_bytes: self.max_body_bytes,
        }
    }

    /// Requests sent through this stack (and the clones sharing its count).
    pub(crate) fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends one request and reads the whole answer within `timeout` (connection setup has its
    /// own connect timeout inside, and is also bounded by this one). A body over the cap is
    /// refused as soon as it is announced (`Content-Length`) or, without one, as soon as the
    /// bytes read pass the cap: memory never holds more than the cap.
    pub(crate) async fn send(
        &self,
        req: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<Answer, Error> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let (parts, body) = req.into_parts();
        let req = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        let exchange = async {
            let resp = self.client.request(req).await.map_err(map_client_error)?;
            let (parts, body) = resp.into_parts();
            let limit = self.max_body_bytes;
            if let Some(announced) = content_length(&parts.headers)
                && announced > limit as u64
            {
                // Dropping the body here closes the connection instead of draining it.
                return Err(too_large(
                    limit,
                    format!("the server announced {announced} bytes (Content-Length)"),
                ));
            }
            if let Some(encoding) = content_encoding(&parts.headers) {
                return Err(Error::InvalidResponse {
                    status: parts.status.as_u16(),
                    message: format!(
                        "the body is compressed (Content-Encoding: {encoding}), which the client \
                         never asks for (it sends no Accept-Encoding) and does not decode"
                    ),
                });
            }
            let body = read_capped(body, content_length(&parts.headers), limit).await?;
            if body.starts_with(&[0x1f, 0x8b]) {
                return Err(Error::InvalidResponse {
                    status: parts.status.as_u16(),
                    message: "the body is gzip data (it starts with the gzip magic bytes 1f 8b) \
                              sent without a Content-Encoding header; the client expects JSON"
                        .to_owned(),
                });
            }
            Ok::<_, Error>(Answer {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout {
                kind: TimeoutKind::Request,
                after: timeout,
            }),
        }
    }
}

/// The `Content-Length` of an answer, when it has a valid one.
fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// A `Content-Encoding` other than `identity`, as sent.
fn content_encoding(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(http::header::CONTENT_ENCODING)?;
    let text: String = String::from_utf8_lossy(value.as_bytes())
        .trim()
        .chars()
        .take(64)
        .collect();
    (!text.is_empty() && !text.eq_ignore_ascii_case("identity")).then_some(text)
}

fn too_large(limit: usize, what: String) -> Error {
    Error::Transport {
        kind: TransportErrorKind::BodyTooLarge,
        message: format!(
            "the response body is over the limit of {limit} bytes ({}); {what}",
            human_bytes(limit)
        ),
    }
}

/// `64 MiB`, `1 MiB`, `512 KiB`, `100 bytes`.
fn human_bytes(n: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Reads the body frame by frame, refusing it once it would pass `limit` bytes. Memory holds at
/// most `limit` bytes plus one frame; the buffer is sized from a plausible `Content-Length` (at
/// most 1 MiB up front, so a lying header costs nothing).
async fn read_capped(
    mut body: hyper::body::Incoming,
    announced: Option<u64>,
    limit: usize,
) -> Result<Bytes, Error> {
    const UP_FRONT: u64 = 1024 * 1024;
    let initial = announced.unwrap_or(0).min(UP_FRONT).min(limit as u64) as usize;
    let mut out = Vec::with_capacity(initial);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| map_hyper_error(&e))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - out.len() {
                return Err(too_large(
                    limit,
                    format!("stopped reading after {} bytes", out.len()),
                ));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}

fn find_connect_error<'a>(
    mut e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a ConnectError> {
    loop {
        if let Some(c) = e.downcast_ref::<ConnectError>() {
            return Some(c);
        }
        e = e.source()?;
    }
}

fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !out.contains(&t) {
            out.push_str(": ");
            out.push_str(&t);
        }
        cur = s.source();
    }
    out
}

fn map_client_error(e: hyper_util::client::legacy::Error) -> Error {
    if let Some(c) = find_connect_error(&e) {
        return match c.kind {
            ConnectErrorKind::Timeout => Error::Timeout {
                kind: TimeoutKind::Connect,
                after: c.timeout.unwrap_or_default(),
            },
            ConnectErrorKind::Tls => Error::Tls {
                message: c.message.clone(),
            },
            ConnectErrorKind::Proxy => Error::Transport {
                kind: TransportErrorKind::Proxy,
                message: c.message.clone(),
            },
            ConnectErrorKind::Tcp => Error::Transport {
                kind: TransportErrorKind::Connect,
                message: c.message.clone(),
            },
            ConnectErrorKind::Uri => Error::config(c.message.clone()),
        };
    }
    if e.is_connect() {
        return Error::Transport {
            kind: TransportErrorKind::Connect,
            message: chain_text(&e),
        };
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = cur {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            return map_hyper_error(h);
        }
        cur = s.source();
    }
    Error::Transport {
        kind: TransportErrorKind::Io,
        message: chain_text(&e),
    }
}

fn map_hyper_error(e: &hyper::Error) -> Error {
    let kind = if e.is_parse() || e.is_parse_status() || e.is_user() {
        TransportErrorKind::Protocol
    } else {
        TransportErrorKind::Io
    };
    Error::Transport {
        kind,
        message: chain_text(e),
    }
}
