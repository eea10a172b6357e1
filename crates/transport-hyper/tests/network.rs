//! Network behaviour against real loopback sockets (no mock needed): TLS trust, HTTP/2 by
//! ALPN, the connect address, CONNECT proxies and `NO_PROXY`, connect and request timeouts.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use support::{CannedServer, ConnectProxy, EMPTY_PAGE, pki};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_transport_hyper::{Client, Error, TimeoutKind};

fn creds() -> Credentials {
    Credentials::new("AKIDTESTNETWORK", "network-test-secret").unwrap()
}

fn base() -> tcredis_transport_hyper::ClientBuilder {
    Client::builder()
        .credentials(creds())
        .region("ap-guangzhou")
        .rate_limit(0.0)
        .max_retries(0)
}

#[tokio::test]
async fn https_with_the_right_ca_speaks_h2_and_keeps_the_endpoint_host() {
    let pki = pki();
    let server = CannedServer::start(Some(&pki), EMPTY_PAGE).await;
    // The endpoint is the real host name; TCP goes to loopback through the connect address.
    let client = base()
        .endpoint(Endpoint::parse("https://redis.tencentcloudapi.com").unwrap())
        .connect_to(server.addr.to_string())
        .add_root_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap();
    let page = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap();
    assert_eq!(page.request_id, "canned-1");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].version, http::Version::HTTP_2, "ALPN must pick h2");
    assert_eq!(
        seen[0].authority.as_deref(),
        Some("redis.tencentcloudapi.com")
    );
    let auth = seen[0].headers["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with("TC3-HMAC-SHA256 Credential=AKIDTESTNETWORK/"),
        "{auth}"
    );
    assert!(!format!("{:?}", seen[0].headers).contains("network-test-secret"));
    assert_eq!(
        seen[0].headers["user-agent"],
        concat!("tcredis/", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        seen[0].headers["x-tc-requestclient"]
            .to_str()
            .unwrap()
            .starts_with("tcredis_")
    );
}

#[tokio::test]
async fn untrusted_or_wrong_ca_is_refused_as_tls_error() {
    let pki = pki();
    let other = support::pki();
    let server = CannedServer::start(Some(&pki), EMPTY_PAGE).await;
    let endpoint = Endpoint::parse(&format!("https://localhost:{}", server.addr.port())).unwrap();
    for builder in [
        base(),
        base().add_root_certificate_pem(other.ca_pem.as_bytes()),
    ] {
        let client = builder.endpoint(endpoint.clone()).build().unwrap();
        let err = client
            .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        assert!(err.is_network());
    }
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn https_through_a_connect_proxy_and_no_proxy_bypass() {
    let pki = pki();
    let server = CannedServer::start(Some(&pki), EMPTY_PAGE).await;
    let proxy = ConnectProxy::start().await;
    let endpoint = Endpoint::parse(&format!("https://localhost:{}", server.addr.port())).unwrap();
    let env: HashMap<String, String> =
        [("HTTPS_PROXY".to_owned(), format!("http://{}", proxy.addr))].into();
    let client = base()
        .endpoint(endpoint.clone())
        .add_root_certificate_pem(pki.ca_pem.as_bytes())
        .env(env.clone())
        .build()
        .unwrap();
    client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap();
    assert_eq!(
        proxy.targets(),
        vec![format!("CONNECT localhost:{}", server.addr.port())]
    );

    // NO_PROXY naming the host (case-insensitively) bypasses the proxy.
    let mut env = env;
    env.insert("NO_PROXY".into(), "example.org, LOCALHOST".into());
    let client = base()
        .endpoint(endpoint)
        .add_root_certificate_pem(pki.ca_pem.as_bytes())
        .env(env)
        .build()
        .unwrap();
    client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap();
    assert_eq!(proxy.targets().len(), 1, "NO_PROXY must bypass the proxy");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn plain_http_goes_through_the_explicit_proxy_by_connect() {
    let server = CannedServer::start(None, EMPTY_PAGE).await;
    let proxy = ConnectProxy::start().await;
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", server.addr.port())).unwrap())
        .proxy(format!("http://{}", proxy.addr))
        .build()
        .unwrap();
    client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap();
    assert_eq!(
        proxy.targets(),
        vec![format!("CONNECT 127.0.0.1:{}", server.addr.port())]
    );
    assert_eq!(server.seen()[0].version, http::Version::HTTP_11);
    assert_eq!(
        server.seen()[0].host.as_deref(),
        Some(format!("127.0.0.1:{}", server.addr.port()).as_str())
    );
}

#[tokio::test]
async fn a_proxy_that_refuses_is_a_proxy_error() {
    let proxy = ConnectProxy::start().await;
    // CONNECT to a closed port: the proxy answers 502.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", closed.port())).unwrap())
        .proxy(format!("http://{}", proxy.addr))
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("502"), "{err}");
}

#[tokio::test]
async fn connect_timeout_fires_against_a_full_backlog() {
    // A listener with a backlog of 1 that never accepts: once its queue is full the kernel
    // drops further SYNs, so a connect hangs until our timeout.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..64 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(s)) => fillers.push(s),
            _ => break, // the queue is full
        }
    }
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", addr.port())).unwrap())
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    drop(listener);
}

#[tokio::test]
async fn request_timeout_fires_when_the_server_never_answers() {
    // Accepts and reads, never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", addr.port())).unwrap())
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Request,
                ..
            }
        ),
        "{err:?}"
    );
    // With retries and a deadline, the deadline ends the call.
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", addr.port())).unwrap())
        .request_timeout(Duration::from_millis(200))
        .max_retries(10)
        .deadline(Duration::from_millis(500))
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    hold.abort();
}

#[test]
fn builder_refuses_bad_settings() {
    let cases: Vec<(tcredis_transport_hyper::ClientBuilder, &str)> = vec![
        (Client::builder().credentials(creds()), "region"),
        (Client::builder().region("ap-guangzhou"), "credentials"),
        (base().language("fr-FR"), "zh-CN or en-US"),
        (base().connect_to("no-port"), "connect address"),
        (base().request_client("bad/char"), "request client"),
        (base().rate_limit(-1.0), "rate limit"),
        (base().proxy("socks5://p:1"), "--proxy"),
        (
            base().add_root_certificate_pem(b"junk"),
            "CA certificate #1",
        ),
        (
            Client::builder()
                .credentials(creds())
                .region("ap-shanghai-fsi")
                .endpoint(Endpoint::default()),
            "fsi",
        ),
    ];
    for (builder, needle) in cases {
        let err = builder.build().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains(needle), "{needle:?} not in {err}");
    }
}

const SIGNATURE_EXPIRE: &str = r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"skew-1"}}"#;

#[tokio::test]
async fn a_skew_that_correction_cannot_fix_is_reported_with_its_size() {
    // The server refuses every timestamp; its Date header is real time, the client is 1000 s
    // behind: one corrected retry, then a ClockSkew error naming the measured skew.
    let server = CannedServer::start(None, SIGNATURE_EXPIRE).await;
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", server.addr.port())).unwrap())
        .max_retries(4)
        .clock_offset_for_tests(-1000)
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    match &err {
        Error::ClockSkew {
            error,
            skew_seconds,
        } => {
            assert_eq!(error.request_id(), "skew-1");
            assert!((995..=1005).contains(skew_seconds), "{skew_seconds}");
        }
        other => panic!("expected ClockSkew, got {other:?}"),
    }
    assert!(err.to_string().contains("behind"), "{err}");
    assert_eq!(server.seen().len(), 2, "exactly one corrected retry");
    let ts: Vec<i64> = server
        .seen()
        .iter()
        .map(|s| {
            s.headers["x-tc-timestamp"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        (995..=1005).contains(&(ts[1] - ts[0])),
        "the retry was re-signed with the corrected time: {ts:?}"
    );
}

#[tokio::test]
async fn connections_are_kept_alive_and_reused() {
    let server = CannedServer::start(None, EMPTY_PAGE).await;
    let client = base()
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", server.addr.port())).unwrap())
        .build()
        .unwrap();
    let clone = client.clone();
    for c in [&client, &clone, &client] {
        c.describe_instance_backups(&DescribeInstanceBackupsRequest::default())
            .await
            .unwrap();
    }
    assert_eq!(server.seen().len(), 3);
    assert_eq!(
        server.connections(),
        1,
        "HTTP/1.1 keep-alive: one pooled connection shared by clones"
    );
    let pki = pki();
    let server = CannedServer::start(Some(&pki), EMPTY_PAGE).await;
    let client = base()
        .endpoint(Endpoint::parse(&format!("https://localhost:{}", server.addr.port())).unwrap())
        .add_root_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap();
    for _ in 0..3 {
        client
            .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
            .await
            .unwrap();
    }
    assert_eq!(server.connections(), 1, "HTTP/2: one connection");
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let server = CannedServer::start(None, EMPTY_PAGE).await;
    let creds = Credentials::new("AKIDDEBUG", "debug-secret-key")
        .unwrap()
        .with_token("debug-token")
        .unwrap();
    let builder = Client::builder()
        .credentials(creds)
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&format!("http://127.0.0.1:{}", server.addr.port())).unwrap())
        .proxy("http://user:proxy-password@127.0.0.1:9")
        .env([("NO_PROXY".to_owned(), "127.0.0.1".to_owned())].into());
    let text = format!("{builder:?}");
    let client = builder.build().unwrap();
    // Warm the signing-key cache so it holds derived material.
    client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap();
    let text = format!("{text} {client:?}");
    for secret in [
        "debug-secret-key",
        "debug-token",
        "proxy-password",
        "dXNlcjpwcm94eS1wYXNzd29yZA",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
