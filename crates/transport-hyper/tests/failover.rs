//! Endpoint failover and `HOST:PORT:ADDR` address overrides over real loopback sockets: the
//! primary host is resolved to an address where nothing listens, the `.com.cn` host to the
//! server; the request arrives there re-signed for that host, without a retry. A certificate
//! error names the roots that were trusted; a plain-HTTP server reached as https says to write
//! `http://`.

mod support;

use support::{CannedServer, EMPTY_PAGE, pki};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_transport_hyper::{Client, Error, ResolveOverride};

fn base(port: u16) -> tcredis_transport_hyper::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new("AKIDTESTFAILOVER", "failover-test-secret").unwrap())
        .region("ap-guangzhou")
        .rate_limit(0.0)
        .max_retries(0)
        .endpoint(Endpoint::parse(&format!("http://redis.tencentcloudapi.com:{port}")).unwrap())
        // Nothing listens on 127.0.0.2: the primary host's connection is refused.
        .resolve(
            ResolveOverride::parse(&format!("redis.tencentcloudapi.com:{port}:127.0.0.2")).unwrap(),
        )
        .resolve(
            ResolveOverride::parse(&format!("redis.tencentcloudapi.com.cn:{port}:127.0.0.1"))
                .unwrap(),
        )
}

#[tokio::test]
async fn an_unreachable_primary_host_fails_over_to_the_com_cn_host() {
    let server = CannedServer::start(None, EMPTY_PAGE).await;
    let port = server.addr.port();
    let client = base(port).build().unwrap();
    let page = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap();
    assert_eq!(page.request_id, "canned-1");
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "one request reached the server");
    let host = format!("redis.tencentcloudapi.com.cn:{port}");
    assert_eq!(seen[0].headers["host"], host.as_str());
    let auth = seen[0].headers["authorization"].to_str().unwrap();
    assert!(
        auth.contains("/redis/tc3_request"),
        "the service stays redis: {auth}"
    );
}

#[tokio::test]
async fn without_failover_the_refused_connection_is_the_error() {
    let server = CannedServer::start(None, EMPTY_PAGE).await;
    let client = base(server.addr.port()).failover(false).build().unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    assert!(err.is_network(), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("redis.tencentcloudapi.com:")
            && text.contains("resolved to 127.0.0.2 by an address override"),
        "{text}"
    );
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn a_certificate_error_names_the_trusted_roots() {
    let pki = pki();
    let server = CannedServer::start(Some(&pki), EMPTY_PAGE).await;
    let endpoint = Endpoint::parse(&format!("https://localhost:{}", server.addr.port())).unwrap();
    let client = Client::builder()
        .credentials(Credentials::new("AKIDTESTFAILOVER", "failover-test-secret").unwrap())
        .region("ap-guangzhou")
        .rate_limit(0.0)
        .max_retries(0)
        .endpoint(endpoint)
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("trusted roots: the bundled Mozilla roots"),
        "{text}"
    );
}

#[tokio::test]
async fn a_plain_http_server_reached_as_https_suggests_http() {
    let server = CannedServer::start(None, EMPTY_PAGE).await;
    let port = server.addr.port();
    let client = Client::builder()
        .credentials(Credentials::new("AKIDTESTFAILOVER", "failover-test-secret").unwrap())
        .region("ap-guangzhou")
        .rate_limit(0.0)
        .max_retries(0)
        .endpoint(Endpoint::parse(&format!("127.0.0.1:{port}")).unwrap())
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!("write the endpoint as http://127.0.0.1:{port}")),
        "{text}"
    );
}
