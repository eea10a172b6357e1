//! Test helpers: a small HTTP(S) server answering canned API bodies (HTTP/1.1 and HTTP/2 by
//! ALPN), a CONNECT proxy that records what it was asked, and a CA made with rcgen. Real
//! loopback sockets, real TLS.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What the canned server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub version: http::Version,
    pub host: Option<String>,
    pub authority: Option<String>,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// A CA and a leaf certificate for `localhost` and `redis.tencentcloudapi.com`.
pub struct TestPki {
    pub ca_pem: String,
    pub leaf_der: Vec<u8>,
    pub key_der: Vec<u8>,
}

pub fn pki() -> TestPki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params = CertificateParams::new(vec![
        "localhost".to_owned(),
        "redis.tencentcloudapi.com".to_owned(),
    ])
    .unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();
    TestPki {
        ca_pem: ca.pem(),
        leaf_der: leaf.der().to_vec(),
        key_der: leaf_key.serialize_der(),
    }
}

/// A loopback server answering every request with `body` (status 200, JSON).
pub struct CannedServer {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub connections: Arc<Mutex<u32>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub const EMPTY_PAGE: &str =
    r#"{"Response":{"TotalCount":0,"BackupSet":[],"RequestId":"canned-1"}}"#;

impl CannedServer {
    pub async fn start(tls: Option<&TestPki>, body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let acceptor = tls.map(|p| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    vec![rustls::pki_types::CertificateDer::from(p.leaf_der.clone())],
                    rustls::pki_types::PrivateKeyDer::Pkcs8(p.key_der.clone().into()),
                )
                .unwrap();
            cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            tokio_rustls::TlsAcceptor::from(Arc::new(cfg))
        });
        let seen2 = seen.clone();
        let connections = Arc::new(Mutex::new(0u32));
        let conns2 = connections.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                *conns2.lock().unwrap() += 1;
                let seen = seen2.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let seen = seen.clone();
                        async move {
                            let version = req.version();
                            let host = req
                                .headers()
                                .get("host")
                                .map(|v| v.to_str().unwrap().to_owned());
                            let authority = req.uri().authority().map(|a| a.to_string());
                            let headers = req.headers().clone();
                            let got = req
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            seen.lock().unwrap().push(Seen {
                                version,
                                host,
                                authority,
                                headers,
                                body: got,
                            });
                            Ok::<_, Infallible>(
                                http::Response::builder()
                                    .header("content-type", "application/json")
                                    .body(Full::new(Bytes::from_static(body.as_bytes())))
                                    .unwrap(),
                            )
                        }
                    });
                    let builder =
                        hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    match acceptor {
                        Some(a) => {
                            if let Ok(tls) = a.accept(tcp).await {
                                let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(tcp), svc).await;
                        }
                    }
                });
            }
        });
        Self {
            addr,
            seen,
            connections,
            task,
        }
    }

    pub fn connections(&self) -> u32 {
        *self.connections.lock().unwrap()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A loopback HTTP CONNECT proxy that records each CONNECT target and tunnels bytes.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub targets: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ConnectProxy {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let targets = Arc::new(Mutex::new(Vec::new()));
        let t2 = targets.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let targets = t2.clone();
                tokio::spawn(async move {
                    let mut reader = BufReader::new(tcp);
                    let mut line = String::new();
                    reader.read_line(&mut line).await.unwrap();
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or("").to_owned();
                    let target = parts.next().unwrap_or("").to_owned();
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).await.unwrap() == 0 || h == "\r\n" {
                            break;
                        }
                    }
                    let mut tcp = reader.into_inner();
                    targets.lock().unwrap().push(format!("{method} {target}"));
                    if method != "CONNECT" {
                        let _ = tcp
                            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                            .await;
                        return;
                    }
                    let Ok(mut upstream) = TcpStream::connect(&target).await else {
                        let _ = tcp.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    tcp.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await
                        .unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut tcp, &mut upstream).await;
                });
            }
        });
        Self {
            addr,
            targets,
            task,
        }
    }

    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

/// A loopback CVM metadata service: the role list and the role's credentials, with a fresh
/// pair (`AKIDcvm<N>`) on every fetch, expiring `lifetime_secs` from now.
pub struct MetadataServer {
    pub addr: SocketAddr,
    pub fetches: Arc<Mutex<u32>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MetadataServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MetadataServer {
    pub async fn start(role: &'static str, lifetime_secs: i64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fetches = Arc::new(Mutex::new(0u32));
        let f2 = fetches.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let fetches = f2.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let fetches = fetches.clone();
                        async move {
                            let base = "/latest/meta-data/cam/security-credentials/";
                            let path = req.uri().path().to_owned();
                            let (status, body) = if path == base {
                                (200, format!("{role}\n"))
                            } else if path == format!("{base}{role}") {
                                let n = {
                                    let mut f = fetches.lock().unwrap();
                                    *f += 1;
                                    *f
                                };
                                let now = std::time::SystemTime::now()
                                    .duration_since(std::time::UNIX_EPOCH)
                                    .unwrap()
                                    .as_secs() as i64;
                                (
                                    200,
                                    format!(
                                        r#"{{"TmpSecretId":"AKIDcvm{n}","TmpSecretKey":"cvm-secret-{n}","ExpiredTime":{},"Expiration":"x","Token":"cvm-token-{n}","Code":"Success"}}"#,
                                        now + lifetime_secs
                                    ),
                                )
                            } else {
                                (404, "not found".to_owned())
                            };
                            Ok::<_, Infallible>(
                                http::Response::builder()
                                    .status(status)
                                    .body(Full::new(Bytes::from(body)))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tcp), svc)
                        .await;
                });
            }
        });
        Self {
            addr,
            fetches,
            task,
        }
    }

    pub fn fetches(&self) -> u32 {
        *self.fetches.lock().unwrap()
    }
}
