//! A hostile server on real loopback sockets (issue 17, item 1): answers with a `Content-Length`
//! of 10 GB, endless chunked bodies, and bodies exactly at and one byte over the cap. The client
//! must refuse an oversized body while reading it (not after), as a network failure that is not
//! retried, for the API and for the credential fetches (STS, CVM metadata) alike.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_transport_hyper::credentials::{
    CvmRoleProvider, FetchSettings, ProvideCredentials as _, StaticProvider, StsAssumeRoleProvider,
};
use tcredis_transport_hyper::{
    Client, DEFAULT_MAX_RESPONSE_BODY, Error, TransportErrorKind, credentials,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Every test finishes well inside this, or fails.
const BOUND: Duration = Duration::from_secs(30);

/// What the hostile server answers to every request.
#[derive(Clone)]
enum Answer {
    /// `Content-Length: <announced>` (or chunked when `None`), then zeros until the client
    /// closes the connection.
    Endless { announced: Option<u64> },
    /// This body, with a `Content-Length` or chunked.
    Exact { body: Vec<u8>, chunked: bool },
    /// These bytes as the whole answer (status line, headers, body).
    Raw(Vec<u8>),
}

struct HostileServer {
    addr: SocketAddr,
    /// Body bytes written, all connections together.
    written: Arc<AtomicU64>,
    connections: Arc<AtomicU32>,
    requests: Arc<AtomicU32>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request head and its `Content-Length` body (both bounded).
async fn read_request(tcp: &mut TcpStream) -> Option<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || tcp.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1024 * 1024)];
    tcp.read_exact(&mut body).await.ok()?;
    Some(())
}

impl HostileServer {
    async fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let written = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU32::new(0));
        let requests = Arc::new(AtomicU32::new(0));
        let (w, c, r) = (written.clone(), connections.clone(), requests.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let written = w.clone();
                let requests = r.clone();
                let answer = answer.clone();
                tokio::spawn(async move {
                    while read_request(&mut tcp).await.is_some() {
                        requests.fetch_add(1, Ordering::SeqCst);
                        if serve(&mut tcp, &answer, &written).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self {
            addr,
            written,
            connections,
            requests,
            task,
        }
    }

    fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }

    fn connections(&self) -> u32 {
        self.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn serve(tcp: &mut TcpStream, answer: &Answer, written: &AtomicU64) -> std::io::Result<()> {
    match answer {
        Answer::Endless { announced } => {
            let framing = match announced {
                Some(n) => format!("Content-Length: {n}\r\n"),
                None => "Transfer-Encoding: chunked\r\n".to_owned(),
            };
            tcp.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n")
                    .as_bytes(),
            )
            .await?;
            let chunk = vec![b' '; 64 * 1024];
            loop {
                if announced.is_none() {
                    tcp.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                        .await?;
                }
                tcp.write_all(&chunk).await?;
                if announced.is_none() {
                    tcp.write_all(b"\r\n").await?;
                }
                written.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }
        }
        Answer::Raw(bytes) => {
            tcp.write_all(bytes).await?;
            written.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            Ok(())
        }
        Answer::Exact { body, chunked } => {
            let framing = if *chunked {
                "Transfer-Encoding: chunked\r\n".to_owned()
            } else {
                format!("Content-Length: {}\r\n", body.len())
            };
            tcp.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n")
                    .as_bytes(),
            )
            .await?;
            if *chunked {
                for part in body.chunks(1000) {
                    tcp.write_all(format!("{:x}\r\n", part.len()).as_bytes())
                        .await?;
                    tcp.write_all(part).await?;
                    tcp.write_all(b"\r\n").await?;
                }
                tcp.write_all(b"0\r\n\r\n").await?;
            } else {
                tcp.write_all(body).await?;
            }
            written.fetch_add(body.len() as u64, Ordering::SeqCst);
            Ok(())
        }
    }
}

fn client(server: &HostileServer, max_body: Option<usize>, retries: u32) -> Client {
    let mut builder = Client::builder()
        .credentials(Credentials::new("AKIDHOSTILE", "hostile-test-secret").unwrap())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&format!("http://{}", server.addr)).unwrap())
        .rate_limit(0.0)
        .max_retries(retries)
        .random_seed(7);
    if let Some(n) = max_body {
        builder = builder.max_response_body(n);
    }
    builder.build().unwrap()
}

async fn one_page(client: &Client) -> Result<u64, Error> {
    tokio::time::timeout(
        BOUND,
        client.describe_instance_backups(&DescribeInstanceBackupsRequest::default()),
    )
    .await
    .expect("the call ends inside the bound")
    .map(|page| page.total_count)
}

fn assert_too_large(err: &Error) {
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::BodyTooLarge,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_network(), "exit code 4 class: {err}");
    assert!(
        err.to_string()
            .starts_with("response too large: the response body is over the limit of"),
        "{err}"
    );
}

/// A page padded with trailing white space (valid JSON) to exactly `len` bytes.
fn padded_page(len: usize) -> Vec<u8> {
    let mut body = br#"{"Response":{"TotalCount":3,"BackupSet":[],"RequestId":"padded"}}"#.to_vec();
    assert!(body.len() <= len);
    body.resize(len, b' ');
    body
}

#[test]
fn the_default_cap_is_64_mib() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BODY, 64 * 1024 * 1024);
    assert_eq!(
        credentials::DEFAULT_MAX_CREDENTIALS_BODY,
        1024 * 1024,
        "STS and metadata answers are under 4 KiB"
    );
    assert_eq!(
        FetchSettings::default().max_body_bytes,
        credentials::DEFAULT_MAX_CREDENTIALS_BODY
    );
}

#[tokio::test]
async fn a_10_gb_content_length_is_refused_before_its_body_is_read() {
    let server = HostileServer::start(Answer::Endless {
        announced: Some(10_737_418_240),
    })
    .await;
    // The default cap, as the CLI uses it.
    let err = one_page(&client(&server, None, 0)).await.unwrap_err();
    assert_too_large(&err);
    assert!(
        err.to_string()
            .contains("the server announced 10737418240 bytes (Content-Length)"),
        "{err}"
    );
    assert!(err.to_string().contains("(64 MiB)"), "{err}");
    // Refused on the header: whatever the server pushed went no further than socket buffers.
    let written = server.written();
    assert!(
        written < 16 * 1024 * 1024,
        "{written} bytes written before the client hung up"
    );
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_at_the_cap_and_not_retried() {
    const CAP: usize = 1024 * 1024;
    let server = HostileServer::start(Answer::Endless { announced: None }).await;
    let err = one_page(&client(&server, Some(CAP), 4)).await.unwrap_err();
    assert_too_large(&err);
    assert!(err.to_string().contains("stopped reading after"), "{err}");
    assert!(err.to_string().contains("(1 MiB)"), "{err}");
    // Read while streaming: the server could write the cap plus what the socket buffers hold,
    // not the whole endless body.
    let written = server.written();
    assert!(
        written < (CAP as u64) + 16 * 1024 * 1024,
        "{written} bytes written before the client hung up"
    );
    assert_eq!(
        server.requests(),
        1,
        "an oversized answer is not retried (max_retries 4)"
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_cap_is_read_and_one_byte_more_is_refused() {
    const CAP: usize = 4096;
    for chunked in [false, true] {
        let at = HostileServer::start(Answer::Exact {
            body: padded_page(CAP),
            chunked,
        })
        .await;
        assert_eq!(
            one_page(&client(&at, Some(CAP), 0)).await.unwrap(),
            3,
            "chunked={chunked}"
        );
        let over = HostileServer::start(Answer::Exact {
            body: padded_page(CAP + 1),
            chunked,
        })
        .await;
        let err = one_page(&client(&over, Some(CAP), 0)).await.unwrap_err();
        assert_too_large(&err);
        let expected = if chunked {
            "stopped reading after"
        } else {
            "the server announced 4097 bytes"
        };
        assert!(
            err.to_string().contains(expected),
            "chunked={chunked}: {err}"
        );
    }
}

#[tokio::test]
async fn a_zero_cap_is_a_configuration_error() {
    let err = Client::builder()
        .credentials(Credentials::new("AKIDHOSTILE", "hostile-test-secret").unwrap())
        .region("ap-guangzhou")
        .max_response_body(0)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("the response body limit must be greater than zero"),
        "{err}"
    );
}

#[tokio::test]
async fn the_metadata_service_and_sts_are_capped_too() {
    for announced in [None, Some(10_737_418_240)] {
        let server = HostileServer::start(Answer::Endless { announced }).await;
        let cvm = CvmRoleProvider::new(format!("http://{}", server.addr), FetchSettings::default())
            .role_name("hostile-role");
        let err = tokio::time::timeout(BOUND, cvm.provide())
            .await
            .expect("bounded")
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("response too large") && text.contains("(1 MiB)"),
            "{text}"
        );
        assert!(server.written() < 16 * 1024 * 1024 + 1024 * 1024);

        let env: HashMap<String, String> = [(
            "TENCENTCLOUD_STS_ENDPOINT".to_owned(),
            format!("http://{}", server.addr),
        )]
        .into();
        let base = Arc::new(StaticProvider::new(
            Credentials::new("AKIDHOSTILE", "hostile-test-secret").unwrap(),
        ));
        let sts = StsAssumeRoleProvider::new(
            base,
            "qcs::cam::uin/100000000001:roleName/hostile",
            Some("hostile".to_owned()),
            &env,
            FetchSettings::default(),
        );
        let err = tokio::time::timeout(BOUND, sts.provide())
            .await
            .expect("bounded")
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("response too large") && text.contains("(1 MiB)"),
            "{text}"
        );
    }
}

/// 20 bytes of a gzip stream (header and the start of deflate data): what a server that
/// compresses regardless of Accept-Encoding sends.
const GZIP_START: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xab, 0x56, 0x0a, 0x4a, 0x2d, 0x2e,
    0xc8, 0xcf, 0x2b, 0x4e,
];

#[tokio::test]
async fn a_gzip_body_is_named_as_such_not_as_not_json() {
    let with_header = [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\n".as_slice(),
        GZIP_START,
    ]
    .concat();
    let without_header = [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"
            .as_slice(),
        GZIP_START,
    ]
    .concat();
    for (raw, expected) in [
        (
            with_header,
            "the body is compressed (Content-Encoding: gzip)",
        ),
        (
            without_header,
            "the body is gzip data (it starts with the gzip magic bytes 1f 8b)",
        ),
    ] {
        let server = HostileServer::start(Answer::Raw(raw)).await;
        let err = one_page(&client(&server, None, 4)).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidResponse { status: 200, .. }) && err.is_network(),
            "{err:?}"
        );
        assert!(err.to_string().contains(expected), "{err}");
        assert_eq!(
            server.connections(),
            1,
            "not retried: the same server answers the same"
        );
    }
}
