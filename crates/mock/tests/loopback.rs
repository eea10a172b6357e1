//! Real loopback HTTP against `MockServer`: HTTP/1.1 keep-alive, HTTP/2 (h2c and over TLS with
//! the mock's CA), delivery faults on the wire, malformed HTTP, the admin API, graceful
//! shutdown and expectations verified on drop.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tcredis_core::call::Payload;
use tcredis_mock::{BlockingMockServer, FaultKind, MockConfig, MockServer, Script, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request signed for this server's Host (`127.0.0.1:PORT`), at the real current time.
fn signed_for(addr: SocketAddr, body: &'static [u8]) -> http::Request<Vec<u8>> {
    let host = addr.to_string();
    let host: &'static str = Box::leak(host.into_boxed_str());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Req {
        host,
        payload: Payload::Json(body),
        timestamp: now,
        ..Req::default()
    }
    .build()
}

/// Converts for hyper: origin-form `/` for HTTP/1 connections, or the absolute URI of the
/// request's own Host (a client pool and HTTP/2 need it).
fn to_hyper(request: http::Request<Vec<u8>>, absolute: bool) -> http::Request<Full<Bytes>> {
    let (mut parts, body) = request.into_parts();
    parts.uri = if absolute {
        let host = parts.headers["host"].to_str().unwrap().to_owned();
        format!("http://{host}/").parse().unwrap()
    } else {
        "/".parse().unwrap()
    };
    http::Request::from_parts(parts, Full::new(Bytes::from(body)))
}

async fn read_json(
    response: http::Response<hyper::body::Incoming>,
) -> (http::response::Parts, Value) {
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn http1_keep_alive_serves_several_signed_requests_on_one_connection() {
    let server = MockServer::start_with(MockConfig::new().rate_limit(0))
        .await
        .unwrap();
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    for limit in [b"{\"Limit\": 3}".as_slice(), b"{\"Limit\": 5}"] {
        let body: &'static [u8] = Box::leak(limit.to_vec().into_boxed_slice());
        let response = sender
            .send_request(to_hyper(signed_for(server.addr(), body), false))
            .await
            .unwrap();
        let (parts, json) = read_json(response).await;
        assert_eq!(parts.status, 200);
        assert_eq!(parts.headers["content-type"], "application/json");
        assert!(
            json["Response"]["BackupSet"].as_array().unwrap().len() >= 3,
            "{json}"
        );
    }
    assert_eq!(server.journal().len(), 2);
    assert!(server.uri().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn http2_prior_knowledge_uses_the_authority_as_host() {
    let server = MockServer::start().await.unwrap();
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let mut request = to_hyper(signed_for(server.addr(), b"{}"), true);
    request.headers_mut().remove("host");
    let (parts, json) = read_json(sender.send_request(request).await.unwrap()).await;
    assert_eq!(parts.status, 200);
    assert_eq!(parts.version, http::Version::HTTP_2);
    assert!(
        json["Response"]["TotalCount"].as_u64().unwrap() > 0,
        "{json}"
    );
}

fn tls_client(ca_pem: &str, alpn: &[&[u8]]) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    let der = pem_to_der(ca_pem);
    roots
        .add(rustls::pki_types::CertificateDer::from(der))
        .unwrap();
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[tokio::test]
async fn https_with_the_mock_ca_for_loopback_and_tencent_names_h1_and_h2() {
    let server = MockServer::start_with(MockConfig::new().tls(true).rate_limit(0))
        .await
        .unwrap();
    assert!(server.uri().starts_with("https://127.0.0.1:"));
    let ca = server.ca_pem().expect("a CA with TLS");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    for (name, alpn, version) in [
        ("localhost", &[&b"http/1.1"[..]][..], http::Version::HTTP_11),
        (
            "redis.tencentcloudapi.com",
            &[&b"h2"[..]][..],
            http::Version::HTTP_2,
        ),
        (
            "redis.ap-shanghai-fsi.tencentcloudapi.com",
            &[&b"h2"[..], &b"http/1.1"[..]][..],
            http::Version::HTTP_2,
        ),
    ] {
        let stream = TcpStream::connect(server.addr()).await.unwrap();
        let server_name = rustls::pki_types::ServerName::try_from(name.to_owned()).unwrap();
        let tls = tls_client(&ca, alpn)
            .connect(server_name, stream)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let request = to_hyper(
            signed_for(server.addr(), b"{\"Limit\": 1}"),
            version == http::Version::HTTP_2,
        );
        let response = if version == http::Version::HTTP_2 {
            let (mut sender, conn) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
                    .await
                    .unwrap();
            tokio::spawn(conn);
            sender.send_request(request).await.unwrap()
        } else {
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
                .await
                .unwrap();
            tokio::spawn(conn);
            sender.send_request(request).await.unwrap()
        };
        assert_eq!(response.version(), version, "{name}");
        let (_, json) = read_json(response).await;
        assert_eq!(
            json["Response"]["BackupSet"].as_array().unwrap().len(),
            1,
            "{name}: {json}"
        );
    }
    // A name outside the certificate is refused by the client.
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let other = rustls::pki_types::ServerName::try_from("example.com").unwrap();
    assert!(
        tls_client(&ca, &[b"http/1.1"])
            .connect(other, stream)
            .await
            .is_err()
    );
}

/// Writes raw bytes and reads until the server closes or `limit` bytes arrived.
async fn raw_exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    out
}

async fn still_serving(server: &MockServer) {
    let (status, body) = post_raw(server.addr(), b"{}").await;
    assert_eq!(status, 200);
    assert!(body.contains("\"Response\""), "{body}");
}

async fn post_raw(addr: SocketAddr, body: &[u8]) -> (u16, String) {
    let text = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut request = text.into_bytes();
    request.extend_from_slice(body);
    let raw = raw_exchange(addr, &request).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn malformed_http_is_refused_without_harming_the_server() {
    let server = MockServer::start().await.unwrap();
    // An oversized header block: hyper answers a plain 431 (not the JSON envelope) or closes.
    let huge = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let raw = raw_exchange(server.addr(), huge.as_bytes()).await;
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 431"),
        "{text}"
    );
    // A body cut short (Content-Length says more, then the client half-closes).
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Limit\"")
        .await
        .unwrap();
    stream.shutdown().await.unwrap();
    let mut sink = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut sink)).await;
    // Garbage that is not HTTP at all.
    let raw = raw_exchange(server.addr(), b"\x16\x03\x01 not http\r\n\r\n").await;
    assert!(
        raw.is_empty() || String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    still_serving(&server).await;
    // The truncated JSON itself (complete HTTP, broken JSON) is an API error with a RequestId.
    let (status, text) = post_raw(server.addr(), b"{\"Limit\": 1").await;
    assert_eq!(status, 200);
    assert!(
        text.contains("\"Code\":\"MissingParameter\"") || text.contains("InvalidParameter"),
        "{text}"
    );
    assert!(text.contains("\"RequestId\""));
}

/// One raw POST of `size` bytes of spaces on a fresh connection; the whole answer as text.
async fn post_oversized(addr: std::net::SocketAddr, size: usize) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < size {
            let n = chunk.len().min(size - sent);
            if write.write_all(&chunk[..n]).await.is_err() {
                break;
            }
            sent += n;
        }
    });
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), read.read_to_end(&mut out)).await;
    let _ = writer.await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_body_over_ten_megabytes_gets_request_size_limit_exceeded() {
    let server = MockServer::start().await.unwrap();
    let size = 10 * 1024 * 1024 + 100;
    // The client shuts its write side down once the body is sent (post_oversized drops its
    // write half) and the answer must still come back.
    let text = post_oversized(server.addr(), size).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("RequestSizeLimitExceeded"), "{text}");
    still_serving(&server).await;
}

/// A client that shuts down its write side right after its request (HTTP/1.1 half-close) still
/// gets the answer, also when the answer takes a while (a scripted 30 ms delay, so the server
/// reads the client's EOF before it writes): each of 10 fresh connections.
#[tokio::test]
async fn a_client_that_half_closes_after_its_request_still_gets_the_answer() {
    let server = MockServer::start_with(MockConfig::new().rate_limit(0))
        .await
        .unwrap();
    let mut script = Script::new();
    for _ in 0..10 {
        script = script.then(Step::pass().delay(Duration::from_millis(30)));
    }
    server.script(script).unwrap();
    let addr = server.addr();
    let mut lost = 0;
    for _ in 0..10 {
        let (parts, body) = signed_for(addr, b"{\"Limit\": 1}").into_parts();
        let mut raw = b"POST / HTTP/1.1\r\n".to_vec();
        for (name, value) in &parts.headers {
            raw.extend_from_slice(name.as_str().as_bytes());
            raw.extend_from_slice(b": ");
            raw.extend_from_slice(value.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
        raw.extend_from_slice(&body);
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(&raw).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut out = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
            .await
            .expect("the server answers or closes within 10 s")
            .unwrap();
        let text = String::from_utf8_lossy(&out);
        if !(text.starts_with("HTTP/1.1 200") && text.contains("\"TotalCount\"")) {
            lost += 1;
        }
    }
    assert_eq!(lost, 0, "answers lost to the half-close, out of 10");
    still_serving(&server).await;
}

#[tokio::test]
async fn wire_faults_drop_truncate_stall_and_delay() {
    let server = MockServer::start_with(MockConfig::new().rate_limit(0))
        .await
        .unwrap();
    server
        .script(
            Script::new()
                .then(Step::fault(FaultKind::Drop))
                .then(Step::fault(FaultKind::Truncate))
                .then(Step::fault(FaultKind::Stall))
                .then(Step::pass().delay(Duration::from_millis(50))),
        )
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let send = |client: &hyper_util::client::legacy::Client<_, Full<Bytes>>| {
        client.request(to_hyper(signed_for(server.addr(), b"{}"), true))
    };
    // drop: the connection closes without a response.
    assert!(send(&client).await.is_err(), "drop gives no response");
    // truncate: headers arrive, the body breaks off.
    let response = send(&client).await.expect("headers arrive");
    assert_eq!(response.status(), 200);
    assert!(
        response.into_body().collect().await.is_err(),
        "the body is cut"
    );
    // stall: nothing arrives; the client's own timeout ends the wait.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), send(&client))
            .await
            .is_err(),
        "stall never answers"
    );
    // delay: answers after the delay.
    let response = send(&client).await.expect("delayed answer");
    let (_, json) = read_json(response).await;
    assert!(json["Response"]["TotalCount"].is_number());
    let verdicts: Vec<String> = server.journal().iter().map(|e| e.verdict.clone()).collect();
    assert_eq!(verdicts, ["drop", "truncate", "stall", "ok"]);
    // Shutdown releases the stalled request instead of hanging.
    tokio::time::timeout(Duration::from_secs(10), server.shutdown())
        .await
        .expect("graceful shutdown completes")
        .unwrap();
}

#[tokio::test]
async fn admin_api_scripts_journal_reset_and_verify_over_http() {
    let server = MockServer::start().await.unwrap();
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let admin = |method: &str, path: &str, body: Value| {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", server.uri()))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        client.request(request)
    };
    let script = json!({"name": "throttle once", "match": {"action": "DescribeInstanceBackups"}, "steps": [{"error": {"code": "RequestLimitExceeded", "message": "slow down"}}], "expect": {"times": 1}});
    let (parts, json) = read_json(admin("POST", "/_mock/script", script).await.unwrap()).await;
    assert_eq!((parts.status.as_u16(), json), (200, json!({"id": 1})));
    let (_, verify) = read_json(admin("GET", "/_mock/verify", Value::Null).await.unwrap()).await;
    assert_eq!(verify["ok"], false);
    let (_, answer) = read_json(
        client
            .request(to_hyper(signed_for(server.addr(), b"{}"), true))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        answer["Response"]["Error"],
        json!({"Code": "RequestLimitExceeded", "Message": "slow down"})
    );
    let (_, journal) = read_json(admin("GET", "/_mock/journal", Value::Null).await.unwrap()).await;
    let entry = &journal["entries"][0];
    assert_eq!(entry["code"], "RequestLimitExceeded");
    assert_eq!(entry["script"], 1);
    assert_eq!(entry["signature"], "valid");
    assert_eq!(entry["style"], "tc3");
    let (_, verify) = read_json(admin("GET", "/_mock/verify", Value::Null).await.unwrap()).await;
    assert_eq!(verify, json!({"ok": true}));
    let (_, reset) = read_json(admin("POST", "/_mock/reset", Value::Null).await.unwrap()).await;
    assert_eq!(reset, json!({"reset": true}));
    assert!(server.journal().is_empty());
    let (parts, error) = read_json(
        admin(
            "POST",
            "/_mock/script",
            json!({"steps": [{"fault": "explode"}]}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(parts.status, 400);
    assert!(
        error["error"].as_str().unwrap().contains("explode"),
        "{error}"
    );
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish() {
    let server = MockServer::start().await.unwrap();
    server
        .script(Script::new().then(Step::pass().delay(Duration::from_millis(200))))
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let in_flight = tokio::spawn(client.request(to_hyper(signed_for(server.addr(), b"{}"), true)));
    // Wait until the request is being handled (it is journaled before the delay).
    tokio::time::timeout(Duration::from_secs(10), async {
        while server.journal().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the request reaches the mock");
    let addr = server.addr();
    server.shutdown().await.unwrap();
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(response.status(), 200);
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

/// A blocking HTTP/1.1 POST over std's TcpStream.
fn blocking_post(addr: SocketAddr, request: http::Request<Vec<u8>>) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "POST / HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        request.body().len()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(request.body()).unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn blocking_server_serves_and_verifies_expectations_on_drop() {
    let server = BlockingMockServer::start_with(MockConfig::new().credential(
        "AKIDblock",
        "block-key",
        None,
    ))
    .unwrap();
    server
        .script(Script::new().action("DescribeInstanceBackups").expect(1))
        .unwrap();
    let credentials =
        tcredis_core::credentials::Credentials::new("AKIDblock", "block-key").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let host: &'static str = Box::leak(server.addr().to_string().into_boxed_str());
    let request = Req {
        host,
        credentials,
        timestamp: now,
        ..Req::default()
    }
    .build();
    let answer = blocking_post(server.addr(), request);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("\"TotalCount\""),
        "{answer}"
    );
    drop(server); // expectation met: no panic

    let server = BlockingMockServer::start().unwrap();
    server
        .script(
            Script::new()
                .named("never called")
                .action("AssumeRole")
                .expect(1),
        )
        .unwrap();
    let text = blocking_post(
        server.addr(),
        Req {
            host: Box::leak(server.addr().to_string().into_boxed_str()),
            timestamp: now,
            ..Req::default()
        }
        .build(),
    );
    assert!(text.contains("\"Response\""));
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(server)))
        .expect_err("unmet expectation panics on drop");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("\"never called\"") && message.contains("closest request: #1"),
        "{message}"
    );
    assert!(
        message.contains("action: expected \"AssumeRole\", got Some(\"DescribeInstanceBackups\")"),
        "{message}"
    );
}

#[tokio::test]
async fn configuration_errors_are_invalid_input_naming_the_problem() {
    let err = MockServer::start_with(MockConfig::new().credential("AKIDx", " padded", None))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("AKIDx") && !err.to_string().contains("padded"),
        "{err}"
    );
}

#[tokio::test]
async fn async_server_verifies_expectations_on_shutdown_and_on_drop() {
    let server = MockServer::start().await.unwrap();
    server
        .script(
            Script::new()
                .named("one listing")
                .action("DescribeInstanceBackups")
                .expect(1),
        )
        .unwrap();
    let report = server
        .shutdown()
        .await
        .expect_err("nothing was requested")
        .to_string();
    assert!(
        report.contains("\"one listing\"") && report.contains("no request reached the mock"),
        "{report}"
    );

    let server = MockServer::start().await.unwrap();
    server
        .script(Script::new().action("AssumeRole").expect_at_least(1))
        .unwrap();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(server)))
        .expect_err("unmet expectation panics on drop");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("expected at least 1"), "{message}");
}
