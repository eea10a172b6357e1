//! The connector under hyper-util's pooled client: TCP (to the endpoint, or to a separate
//! connect address), an optional HTTP `CONNECT` tunnel through a proxy, then TLS with the
//! endpoint's name as SNI and ALPN `h2`/`http/1.1`. The URI authority, HTTP/2 `:authority` and
//! the signed Host stay the endpoint's whatever the TCP target is.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::proxy::{ProxyConfig, ProxyTarget};
use crate::resolve::{ResolveOverride, apply};

/// What went wrong while establishing a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectErrorKind {
    /// TCP connect (or name resolution) failed.
    Tcp,
    /// The proxy refused or broke the CONNECT tunnel.
    Proxy,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The whole connection setup took longer than the connect timeout.
    Timeout,
    /// The URI cannot be connected to (no host, unknown scheme).
    Uri,
}

/// A connection setup failure; found again in the hyper error's source chain to classify it.
#[derive(Debug, Clone)]
pub(crate) struct ConnectError {
    pub kind: ConnectErrorKind,
    pub message: String,
    pub timeout: Option<Duration>,
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for ConnectError {}

impl ConnectError {
    fn new(kind: ConnectErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            timeout: None,
        }
    }
}

/// Connection settings shared by every connection of a client.
#[derive(Debug, Clone)]
pub(crate) struct ConnectorSettings {
    /// `host:port` the TCP connection goes to instead of the endpoint's host and port.
    pub connect_to: Option<(String, u16)>,
    /// `HOST:PORT:ADDR` overrides for every name resolved here.
    pub resolve: Vec<ResolveOverride>,
    pub proxy: ProxyConfig,
    pub tls: Arc<rustls::ClientConfig>,
    /// What `tls` trusts, in words (quoted by certificate errors).
    pub roots: String,
    pub connect_timeout: Duration,
}

/// A `tower::Service<Uri>` connector for hyper-util's legacy pooled client.
#[derive(Debug, Clone)]
pub(crate) struct Connector {
    settings: Arc<ConnectorSettings>,
}

impl Connector {
    pub(crate) fn new(settings: ConnectorSettings) -> Self {
        Self {
            settings: Arc::new(settings),
        }
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let settings = self.settings.clone();
        Box::pin(async move {
            let limit = settings.connect_timeout;
            match tokio::time::timeout(limit, connect(&settings, &uri)).await {
                Ok(r) => r,
                Err(_) => Err(ConnectError {
                    kind: ConnectErrorKind::Timeout,
                    message: format!(
                        "connecting to {uri} took longer than the connect timeout ({limit:?})"
                    ),
                    timeout: Some(limit),
                }),
            }
        })
    }
}

async fn connect(settings: &ConnectorSettings, uri: &Uri) -> Result<Conn, ConnectError> {
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        other => {
            return Err(ConnectError::new(
                ConnectErrorKind::Uri,
                format!("unsupported URI scheme {other:?}"),
            ));
        }
    };
    let host = uri.host().ok_or_else(|| {
        ConnectError::new(ConnectErrorKind::Uri, format!("URI {uri} has no host"))
    })?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let (target_host, target_port) = settings
        .connect_to
        .clone()
        .unwrap_or_else(|| (host.clone(), port));

    let proxy = settings.proxy.proxy_for(https, &host, port);
    let tcp = match proxy {
        Some(p) => {
            let mut tcp = tcp_connect(settings, &p.host, p.port)
                .await
                .map_err(|mut e| {
                    e.message = format!("proxy {}:{}: {}", p.host, p.port, e.message);
                    e
                })?;
            tunnel(&mut tcp, p, &target_host, target_port).await?;
            tracing::trace!(proxy.host = %p.host, proxy.port = p.port, target = %target_host, "CONNECT tunnel established");
            tcp
        }
        None => tcp_connect(settings, &target_host, target_port).await?,
    };

    if !https {
        return Ok(Conn {
            inner: TokioIo::new(Stream::Plain(tcp)),
            h2: false,
        });
    }
    let server_name = ServerName::try_from(host.clone()).map_err(|_| {
        ConnectError::new(
            ConnectErrorKind::Tls,
            format!("{host:?} is not a valid TLS server name"),
        )
    })?;
    let tls = TlsConnector::from(settings.tls.clone())
        .connect(server_name, tcp)
        .await
        .map_err(|e| {
            ConnectError::new(
                ConnectErrorKind::Tls,
                tls_failure(&host, port, &e, &settings.roots),
            )
        })?;
    let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
    tracing::trace!(
        host = %host,
        alpn = if h2 { "h2" } else { "http/1.1" },
        "TLS handshake done"
    );
    Ok(Conn {
        inner: TokioIo::new(Stream::Tls(Box::new(tls))),
        h2,
    })
}

/// The message of a failed TLS handshake; a server answering in plain text (an `http://`
/// server reached as https) gets the hint to write the endpoint with `http://`.
fn tls_failure(host: &str, port: u16, e: &io::Error, roots: &str) -> String {
    let text = e.to_string();
    let plain = text.contains("InvalidContentType") || text.contains("corrupt message");
    let certificate = text.contains("certificate") || text.contains("Certificate");
    if certificate {
        format!(
            "{}; trusted roots: {roots}",
            crate::tls::explain_handshake_error(e, host)
        )
    } else if plain {
        format!(
            "TLS handshake with {host}:{port} failed: the server did not answer in TLS ({text}); \
             if it serves plain HTTP, write the endpoint as http://{}:{port}",
            authority_host(host)
        )
    } else {
        crate::tls::explain_handshake_error(e, host)
    }
}

fn authority_host(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

async fn tcp_connect(
    settings: &ConnectorSettings,
    host: &str,
    port: u16,
) -> Result<TcpStream, ConnectError> {
    let addr = apply(&settings.resolve, host, port);
    let tcp = TcpStream::connect((addr.as_str(), port))
        .await
        .map_err(|e| {
            let via = if addr == host {
                String::new()
            } else {
                format!(" (resolved to {addr} by an address override)")
            };
            ConnectError::new(
                ConnectErrorKind::Tcp,
                format!("TCP connect to {host}:{port}{via} failed: {e}"),
            )
        })?;
    let _ = tcp.set_nodelay(true);
    tracing::trace!(
        host = %host,
        port,
        peer = %tcp.peer_addr().map_or_else(|_| addr.clone(), |a| a.to_string()),
        "connected"
    );
    Ok(tcp)
}

fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Sends `CONNECT host:port` and reads the proxy's answer; anything but 2xx is an error.
async fn tunnel(
    tcp: &mut TcpStream,
    proxy: &ProxyTarget,
    host: &str,
    port: u16,
) -> Result<(), ConnectError> {
    let target = authority(host, port);
    let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = &proxy.authorization {
        req.push_str("Proxy-Authorization: ");
        req.push_str(auth);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    let io_err = |e: io::Error| {
        ConnectError::new(
            ConnectErrorKind::Proxy,
            format!("proxy CONNECT to {target}: {e}"),
        )
    };
    tcp.write_all(req.as_bytes()).await.map_err(io_err)?;
    // Read byte-wise up to the end of the header block so no tunnelled byte is consumed.
    let mut head = Vec::with_capacity(256);
    loop {
        if head.len() >= 16 * 1024 {
            return Err(ConnectError::new(
                ConnectErrorKind::Proxy,
                "proxy answer header is larger than 16 KiB",
            ));
        }
        let b = tcp.read_u8().await.map_err(io_err)?;
        head.push(b);
        if head.ends_with(b"\r\n\r\n") {
            break;
        }
    }
    let status_line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line);
    let code = status_line.split_whitespace().nth(1).unwrap_or("");
    if status_line.starts_with("HTTP/1.") && code.len() == 3 && code.starts_with('2') {
        Ok(())
    } else {
        Err(ConnectError::new(
            ConnectErrorKind::Proxy,
            format!("proxy refused CONNECT to {target}: {}", status_line.trim()),
        ))
    }
}

/// A plain or TLS TCP stream.
#[derive(Debug)]
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }
}

/// One established connection as hyper sees it.
#[derive(Debug)]
pub(crate) struct Conn {
    inner: TokioIo<Stream>,
    h2: bool,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let c = Connected::new();
        if self.h2 { c.negotiated_h2() } else { c }
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}
