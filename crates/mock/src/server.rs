//! The hyper server around the sans-IO handler: HTTP/1.1 (keep-alive) and HTTP/2 on one port
//! (hyper-util's auto server), optional TLS, delivery faults carried out on the wire, graceful
//! shutdown, and expectations verified on drop.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::ClockReading;
use crate::config::MockConfig;
use crate::connection_limits::{Limits, Registry, RequestGuard, Watched};
use crate::forward::ForwardRequest;
use crate::handler::{
    DeliveryMode, ExpectationError, Handler, JournalCursor, MAX_BODY_BYTES, ScriptError,
};
use crate::journal::JournalEntry;
use crate::script::Script;

/// How long a graceful shutdown waits for open connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// The response body: whole, cut after its first half (a `truncate` fault), or the journal
/// written a batch at a time. The cut waits briefly after the half so hyper flushes the headers
/// and the half before the connection is aborted.
#[derive(Debug)]
enum MockBody {
    Whole(Option<Bytes>),
    Truncated(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
    Journal(Arc<Handler>, JournalCursor),
}

/// About how many bytes of the journal one frame carries.
const JOURNAL_FRAME_BYTES: usize = 64 * 1024;

impl Body for MockBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            MockBody::Whole(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            MockBody::Journal(handler, cursor) => {
                let mut out = Vec::with_capacity(JOURNAL_FRAME_BYTES + 4096);
                while out.len() < JOURNAL_FRAME_BYTES
                    && handler.journal_next_chunk(cursor, &mut out)
                {}
                Poll::Ready((!out.is_empty()).then(|| Ok(Frame::data(Bytes::from(out)))))
            }
            MockBody::Truncated(data, pause) => {
                if let Some(half) = data.take() {
                    *pause = Some(Box::pin(tokio::time::sleep(Duration::from_millis(50))));
                    return Poll::Ready(Some(Ok(Frame::data(half))));
                }
                if let Some(pause) = pause
                    && pause.as_mut().poll(cx).is_pending()
                {
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "truncated by a mock fault",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, MockBody::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Whole(Some(d)) => SizeHint::with_exact(d.len() as u64),
            _ => SizeHint::default(),
        }
    }
}

/// A response body that ends its request (for the connection's phase) when it is dropped: after
/// it was sent, or when the connection went away.
#[derive(Debug)]
struct GuardedBody {
    body: MockBody,
    _request: RequestGuard,
}

impl Body for GuardedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }
    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }
    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Reads at most `limit` bytes of the body (the rest is left unread: the handler refuses an
/// oversized request by its length alone).
async fn read_limited(mut body: Incoming, limit: usize) -> Result<Vec<u8>, hyper::Error> {
    // Sized from Content-Length (never above the limit), so a large body is not copied while
    // its buffer doubles; pages a lying length never fills are never touched.
    let announced = usize::try_from(body.size_hint().lower()).unwrap_or(limit);
    let mut out = Vec::with_capacity(announced.min(limit));
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            let room = limit - out.len();
            out.extend_from_slice(&data[..room.min(data.len())]);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Serves one request; the guard marks the connection busy until the answer is sent.
async fn serve_guarded(
    handler: Arc<Handler>,
    request: hyper::Request<Incoming>,
    stop: watch::Receiver<bool>,
    mut guard: RequestGuard,
    body_timeout: Duration,
) -> Result<hyper::Response<GuardedBody>, io::Error> {
    let response = serve_one(handler, request, stop, body_timeout, &mut guard).await?;
    Ok(response.map(|body| GuardedBody {
        body,
        _request: guard,
    }))
}

async fn serve_one(
    handler: Arc<Handler>,
    request: hyper::Request<Incoming>,
    mut stop: watch::Receiver<bool>,
    body_timeout: Duration,
    guard: &mut RequestGuard,
) -> Result<hyper::Response<MockBody>, io::Error> {
    if request.method() == http::Method::GET && request.uri().path() == "/_mock/journal" {
        guard.body_received();
        // Streamed: a full journal is never serialized (or copied) whole.
        let cursor = handler.journal_cursor();
        return Ok(hyper::Response::builder()
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(MockBody::Journal(handler, cursor))
            .unwrap_or_else(|_| hyper::Response::new(MockBody::Whole(None))));
    }
    let (parts, body) = request.into_parts();
    let body = tokio::time::timeout(body_timeout, read_limited(body, MAX_BODY_BYTES + 1))
        .await
        .map_err(|_| {
            io::Error::new(
                io::ErrorKind::TimedOut,
                "the request body did not arrive within the body timeout",
            )
        })?
        .map_err(io::Error::other)?;
    guard.body_received();
    let request = http::Request::from_parts(parts, body);
    let mut outcome = handler.handle(&request, SystemTime::now());
    if !outcome.delivery.delay.is_zero() {
        tokio::time::sleep(outcome.delivery.delay).await;
    }
    if let Some(forward) = outcome.forward.take() {
        outcome.response = forwarded(&handler, forward).await;
    }
    let (mut parts, body) = outcome.response.into_parts();
    let body = Bytes::from(body);
    match outcome.delivery.mode {
        DeliveryMode::Drop => Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "dropped by a mock fault",
        )),
        DeliveryMode::Stall => {
            // Hold the request until the server stops (or the client goes away and hyper drops us).
            while !*stop.borrow_and_update() {
                if stop.changed().await.is_err() {
                    break;
                }
            }
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "stalled by a mock fault",
            ))
        }
        DeliveryMode::Truncate => {
            parts.headers.insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(body.len()),
            );
            let half = body.slice(..body.len() / 2);
            Ok(hyper::Response::from_parts(
                parts,
                MockBody::Truncated(Some(half), None),
            ))
        }
        _ => Ok(hyper::Response::from_parts(
            parts,
            MockBody::Whole(Some(body)),
        )),
    }
}

/// Record mode: sends the request upstream and answers with its status, Content-Type and body.
async fn forwarded(handler: &Handler, request: ForwardRequest) -> http::Response<Vec<u8>> {
    let request_id = request.request_id.clone();
    let Some(upstream) = handler.upstream() else {
        return handler.upstream_failure(&request_id, "no upstream is configured");
    };
    match upstream.forward(request).await {
        Ok(answer) => {
            let mut response = http::Response::new(answer.body);
            *response.status_mut() =
                http::StatusCode::from_u16(answer.status).unwrap_or(http::StatusCode::BAD_GATEWAY);
            if let Ok(value) = http::HeaderValue::from_str(&answer.content_type) {
                response
                    .headers_mut()
                    .insert(http::header::CONTENT_TYPE, value);
            }
            response
        }
        Err(reason) => handler.upstream_failure(&request_id, &reason),
    }
}

/// A running mock on a loopback port. Dropping it stops it gracefully and verifies the scripts'
/// expectations (panicking with a report, unless the thread is already panicking).
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    tls: bool,
    ca_pem: Option<String>,
    handler: Arc<Handler>,
    registry: Arc<Registry>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    verified: bool,
}

impl MockServer {
    /// Starts the default mock: demo data, demo credentials, 20 req/s, plain HTTP on an
    /// ephemeral loopback port.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(MockConfig::new()).await
    }

    /// Starts a mock with this configuration. A configuration error is `InvalidInput` with a
    /// message naming what is wrong.
    pub async fn start_with(config: MockConfig) -> io::Result<Self> {
        let handler = Handler::new(&config, SystemTime::now())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let tls = if config.tls {
            Some(crate::tls::make()?)
        } else {
            None
        };
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let acceptor = tls.map(|t| tokio_rustls::TlsAcceptor::from(t.server_config));
        let handler = Arc::new(handler);
        let (stop, stop_rx) = watch::channel(false);
        let registry = Registry::new(config.limits);
        let task = tokio::spawn(accept_loop(
            listener,
            acceptor,
            handler.clone(),
            registry.clone(),
            stop_rx,
        ));
        Ok(Self {
            addr,
            tls: config.tls,
            ca_pem,
            handler,
            registry,
            stop,
            task: Some(task),
            verified: false,
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub fn uri(&self) -> String {
        format!(
            "{}://{}",
            if self.tls { "https" } else { "http" },
            self.addr
        )
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate (PEM) that signed the server certificate, with TLS.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// The journal, oldest first.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.handler.journal()
    }

    /// Queues a script (see [`Script`]).
    pub fn script(&self, script: Script) -> Result<u64, ScriptError> {
        self.handler.script(script)
    }

    /// Forgets journal, scripts, rate-limit state and issued STS credentials.
    pub fn reset(&self) {
        self.handler.reset();
    }

    /// Checks the scripts' expectations now.
    pub fn verify(&self) -> Result<(), ExpectationError> {
        self.handler.verify()
    }

    /// The sans-IO handler behind the server.
    pub fn handler(&self) -> &Handler {
        &self.handler
    }

    /// The mock clock now (see `docs/mock.md`, "Clock").
    pub fn clock(&self) -> ClockReading {
        self.handler.clock(SystemTime::now())
    }

    /// Sets the mock clock to Unix time `unix` (backwards too).
    pub fn set_clock(&self, unix: i64) -> ClockReading {
        self.handler.set_clock(SystemTime::now(), unix)
    }

    /// Moves the mock clock forward by `by`.
    pub fn advance_clock(&self, by: Duration) -> ClockReading {
        self.handler.advance_clock(SystemTime::now(), by)
    }

    /// Suppresses the scheduled backup of `instance_id` on Beijing date `date` (`YYYY-MM-DD`).
    pub fn skip_slot(&self, instance_id: &str, date: &str) -> Result<(), ScriptError> {
        self.handler.skip_slot(instance_id, date)
    }

    /// Connections open right now (at most the configured cap).
    pub fn open_connections(&self) -> usize {
        self.registry.open_count()
    }

    /// Stops accepting, lets open requests finish (up to 5 s; stalled ones are released), then
    /// verifies expectations.
    pub async fn shutdown(mut self) -> Result<(), ExpectationError> {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.verified = true;
        self.handler.verify()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            // The accept loop winds down on its own; never block inside a runtime here.
            drop(task);
        }
        if !self.verified
            && !std::thread::panicking()
            && let Err(e) = self.handler.verify()
        {
            panic!("{e}");
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    handler: Arc<Handler>,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Half-closed clients are served: a client may shut down its write side once the request
    // is sent (the test of a 10 MB body does). With hyper's default, an EOF read before the
    // answer is written closes the connection and the answer is lost (hyper IncompleteMessage;
    // 11 of 60 runs of that test lost it).
    builder.http1().keep_alive(true).half_close(true);
    let builder = Arc::new(builder);
    let limits: Limits = registry.limits();
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _peer)) = accepted else {
            // Out of file descriptors or similar: back off briefly instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // At the cap this closes the longest-waiting idle or slow connection, or waits for a
        // busy one to finish; stopping the server ends the wait.
        let admitted = tokio::select! {
            _ = stop.changed() => break,
            admitted = registry.admit() => admitted,
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let builder = builder.clone();
        let acceptor = acceptor.clone();
        let watcher = graceful.watcher();
        let stop_rx = stop.clone();
        tokio::spawn(async move {
            let connection = admitted.connection.clone();
            let service = {
                let connection = connection.clone();
                hyper::service::service_fn(move |request| {
                    let guard = connection.request_started();
                    serve_guarded(
                        handler.clone(),
                        request,
                        stop_rx.clone(),
                        guard,
                        limits.body_timeout,
                    )
                })
            };
            let stream = Watched::new(stream, connection.clone());
            let serve = async {
                match acceptor {
                    None => {
                        let _ = watcher
                            .watch(
                                builder
                                    .serve_connection(TokioIo::new(stream), service)
                                    .into_owned(),
                            )
                            .await;
                    }
                    Some(acceptor) => {
                        // The handshake counts against the header timeout (the watchdog).
                        let Ok(tls) = acceptor.accept(stream).await else {
                            return;
                        };
                        let _ = watcher
                            .watch(
                                builder
                                    .serve_connection(TokioIo::new(tls), service)
                                    .into_owned(),
                            )
                            .await;
                    }
                }
            };
            // Whichever ends first; dropping the other closes the socket.
            tokio::select! {
                () = serve => {}
                _closed = connection.watchdog(limits) => {}
            }
            drop(admitted);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {},
        _ = tokio::time::sleep(DRAIN_TIMEOUT) => {},
    }
}

/// A [`MockServer`] with its own tokio runtime, for synchronous tests and other runtimes. Do not
/// create or drop it inside an async context.
#[derive(Debug)]
pub struct BlockingMockServer {
    server: Option<MockServer>,
    runtime: tokio::runtime::Runtime,
}

impl BlockingMockServer {
    /// Starts the default mock (see [`MockServer::start`]).
    pub fn start() -> io::Result<Self> {
        Self::start_with(MockConfig::new())
    }

    /// Starts a mock with this configuration.
    pub fn start_with(config: MockConfig) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tcredis-mock")
            .enable_all()
            .build()?;
        let server = runtime.block_on(MockServer::start_with(config))?;
        Ok(Self {
            server: Some(server),
            runtime,
        })
    }

    fn server(&self) -> &MockServer {
        self.server.as_ref().expect("present until drop")
    }

    /// See [`MockServer::uri`].
    pub fn uri(&self) -> String {
        self.server().uri()
    }
    /// See [`MockServer::addr`].
    pub fn addr(&self) -> SocketAddr {
        self.server().addr()
    }
    /// See [`MockServer::ca_pem`].
    pub fn ca_pem(&self) -> Option<String> {
        self.server().ca_pem()
    }
    /// See [`MockServer::journal`].
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.server().journal()
    }
    /// See [`MockServer::script`].
    pub fn script(&self, script: Script) -> Result<u64, ScriptError> {
        self.server().script(script)
    }
    /// See [`MockServer::reset`].
    pub fn reset(&self) {
        self.server().reset();
    }
    /// See [`MockServer::verify`].
    pub fn verify(&self) -> Result<(), ExpectationError> {
        self.server().verify()
    }
    /// See [`MockServer::handler`].
    pub fn handler(&self) -> &Handler {
        self.server().handler()
    }
    /// See [`MockServer::clock`].
    pub fn clock(&self) -> ClockReading {
        self.server().clock()
    }
    /// See [`MockServer::set_clock`].
    pub fn set_clock(&self, unix: i64) -> ClockReading {
        self.server().set_clock(unix)
    }
    /// See [`MockServer::advance_clock`].
    pub fn advance_clock(&self, by: Duration) -> ClockReading {
        self.server().advance_clock(by)
    }
    /// See [`MockServer::skip_slot`].
    pub fn skip_slot(&self, instance_id: &str, date: &str) -> Result<(), ScriptError> {
        self.server().skip_slot(instance_id, date)
    }
    /// See [`MockServer::open_connections`].
    pub fn open_connections(&self) -> usize {
        self.server().open_connections()
    }
    /// Stops gracefully and verifies expectations.
    pub fn shutdown(mut self) -> Result<(), ExpectationError> {
        let server = self.server.take().expect("present until drop");
        self.runtime.block_on(server.shutdown())
    }
}

impl Drop for BlockingMockServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let result = self.runtime.block_on(server.shutdown());
            if let Err(e) = result
                && !std::thread::panicking()
            {
                panic!("{e}");
            }
        }
    }
}
