//! The exporter's HTTP side: `/metrics` (Prometheus text, OpenMetrics when the `Accept` header
//! asks), `/healthz`, `/` (the status page); basic authentication and TLS from `--web-config`;
//! a plain HTTP request to a TLS listener answered with 400; graceful shutdown.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tcredis_core::freshness::Rules;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::collector::{Clock, Shared};
use super::web_config::WebConfig;
use crate::metrics::exposition::ExpositionFormat;

/// How long a graceful shutdown waits for open connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a client has to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What every request handler reads.
#[derive(Debug)]
pub struct Site {
    /// The collector's state.
    pub shared: Arc<Shared>,
    /// TLS and users.
    pub web: WebConfig,
    /// The verdict rules of the status page.
    pub rules: Rules,
    /// `--grace` after each scheduled slot, seconds.
    pub grace: i64,
    /// Now.
    pub clock: Clock,
}

fn text(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        response.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    response
}

fn handle(site: &Site, request: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let authorization = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !site.web.authorized(authorization) {
        let mut response = text(
            StatusCode::UNAUTHORIZED,
            "text/plain; charset=utf-8",
            "Unauthorized\n".to_owned(),
        );
        response.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Basic realm=\"tcredis\""),
        );
        return response;
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "only GET and HEAD\n".to_owned(),
        );
    }
    match request.uri().path() {
        "/metrics" => {
            let accept = request
                .headers()
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok());
            let format = ExpositionFormat::negotiate(accept);
            text(
                StatusCode::OK,
                format.content_type(),
                site.shared.render_metrics(format),
            )
        }
        "/healthz" => match site.shared.snapshot() {
            None => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                "no collection has finished yet\n".to_owned(),
            ),
            Some(s) => match s.failure() {
                Some(reason) => text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "text/plain; charset=utf-8",
                    format!("{reason}\n"),
                ),
                None => text(
                    StatusCode::OK,
                    "text/plain; charset=utf-8",
                    "ok\n".to_owned(),
                ),
            },
        },
        "/" => text(
            StatusCode::OK,
            "text/html; charset=utf-8",
            super::page::render(
                site.shared.snapshot().as_deref(),
                &site.rules,
                site.clock.now(),
                site.grace,
            ),
        ),
        _ => text(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found; try /metrics, /healthz or /\n".to_owned(),
        ),
    }
}

/// What a plain HTTP client gets from a TLS listener (as Go's servers answer).
const PLAIN_HTTP_TO_TLS: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/// Serves until `stop` turns true, then drains open connections (at most 5 s).
pub async fn serve(listener: TcpListener, site: Arc<Site>, mut stop: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();
    let builder = Arc::new(auto::Builder::new(TokioExecutor::new()));
    let acceptor = site.web.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let site = site.clone();
        let builder = builder.clone();
        let acceptor = acceptor.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let response = handle(&site, &request);
                async move { Ok::<_, Infallible>(response) }
            });
            match acceptor {
                None => {
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    let _ = watcher.watch(conn.into_owned()).await;
                }
                Some(acceptor) => {
                    let mut first = [0u8; 1];
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
                        // A TLS connection starts with a handshake record (0x16).
                        Ok(Ok(1)) if first[0] == 0x16 => {}
                        Ok(Ok(1)) => {
                            use tokio::io::AsyncWriteExt as _;
                            let mut stream = stream;
                            let _ = stream.write_all(PLAIN_HTTP_TO_TLS).await;
                            let _ = stream.shutdown().await;
                            return;
                        }
                        _ => return,
                    }
                    let Ok(Ok(tls)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    else {
                        return;
                    };
                    let conn = builder.serve_connection(TokioIo::new(tls), service);
                    let _ = watcher.watch(conn.into_owned()).await;
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(DRAIN_TIMEOUT) => {},
    }
}
