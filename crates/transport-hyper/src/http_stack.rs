//! The HTTP machinery: hyper-util's pooled legacy client over our [`Connector`], one exchange
//! with a per-attempt timeout, and the mapping of hyper's errors to the crate's [`Error`].

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
    /// Hears of every attempt sent through [`crate::engine::drive`].
    pub(crate) observer: Option<Arc<dyn crate::attempts::AttemptObserver>>,
}

impl HttpStack {
    pub(crate) fn new(settings: ConnectorSettings) -> Self {
        let client = HyperClient::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(Connector::new(settings));
        Self {
            client,
            sent: Arc::new(AtomicU64::new(0)),
            observer: None,
        }
    }

    /// The same connection pool with a request count of its own, starting at 0.
    pub(crate) fn with_fresh_count(&self) -> Self {
        Self {
            client: self.client.clone(),
            sent: Arc::new(AtomicU64::new(0)),
            observer: self.observer.clone(),
        }
    }

    /// Requests sent through this stack (and the clones sharing its count).
    pub(crate) fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends one request and reads the whole answer within `timeout` (connection setup has its
    /// own connect timeout inside, and is also bounded by this one).
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
            let body = body
                .collect()
                .await
                .map_err(|e| map_hyper_error(&e))?
                .to_bytes();
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
