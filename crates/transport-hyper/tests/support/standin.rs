//! Temporary stand-in for `tcredis_mock::MockServer` (not yet on the mock branch): serves the
//! mock's committed sans-IO `Handler` over hyper on loopback, with the same method names.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tcredis_mock::MockConfig;
use tcredis_mock::handler::{DeliveryMode, Handler};
use tokio::net::TcpListener;

pub struct MockServer {
    addr: std::net::SocketAddr,
    handler: Arc<Handler>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    pub async fn start_with(config: MockConfig) -> std::io::Result<Self> {
        let handler =
            Arc::new(Handler::new(&config, SystemTime::now()).map_err(std::io::Error::other)?);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let h2 = handler.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let handler = h2.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let handler = handler.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes().to_vec())
                                .unwrap_or_default();
                            let req = http::Request::from_parts(parts, body);
                            let outcome = handler.handle(&req, SystemTime::now());
                            tokio::time::sleep(outcome.delivery.delay).await;
                            match outcome.delivery.mode {
                                DeliveryMode::Respond => {
                                    let (parts, body) = outcome.response.into_parts();
                                    Ok(http::Response::from_parts(
                                        parts,
                                        Full::new(Bytes::from(body)),
                                    ))
                                }
                                DeliveryMode::Stall => {
                                    std::future::pending::<()>().await;
                                    unreachable!()
                                }
                                _ => Err::<http::Response<Full<Bytes>>, _>(std::io::Error::other(
                                    "fault: drop",
                                )),
                            }
                        }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tcp), svc)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            handler,
            task,
        })
    }

    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn journal(&self) -> Vec<tcredis_mock::JournalEntry> {
        self.handler.journal()
    }

    pub fn reset(&self) {
        self.handler.reset()
    }

    pub fn ca_pem(&self) -> Option<String> {
        None
    }
}

/// The stand-in with its own runtime, for tests without one.
pub struct BlockingMockServer {
    server: Option<MockServer>,
    runtime: tokio::runtime::Runtime,
}

impl Drop for BlockingMockServer {
    fn drop(&mut self) {
        let _guard = self.runtime.enter();
        self.server.take();
    }
}

impl BlockingMockServer {
    pub fn start_with(config: MockConfig) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let server = runtime.block_on(MockServer::start_with(config))?;
        Ok(Self {
            server: Some(server),
            runtime,
        })
    }
    pub fn uri(&self) -> String {
        self.server
            .as_ref()
            .map(MockServer::uri)
            .unwrap_or_default()
    }
    pub fn journal(&self) -> Vec<tcredis_mock::JournalEntry> {
        self.server
            .as_ref()
            .map(MockServer::journal)
            .unwrap_or_default()
    }
}
