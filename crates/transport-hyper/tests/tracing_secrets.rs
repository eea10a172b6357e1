//! Observability: calls and attempts are traced with action, region, attempt, status,
//! RequestId and latency — and no secret key, signing material or token ever reaches a log,
//! even at TRACE level with every dependency's events included.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_mock::{FaultKind, MockConfig, MockServer};
use tcredis_transport_hyper::Client;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const SECRET_KEY: &str = "tracing-test-secret-key-value";
const TOKEN: &str = "tracing-test-session-token-value";

#[tokio::test]
async fn spans_carry_call_facts_and_never_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let config = MockConfig::new()
        .generate(20, 1)
        .rate_limit(0)
        .credential("AKIDTRACING", SECRET_KEY, Some(TOKEN))
        .fault(FaultKind::InternalError, 0.5)
        .random_seed(1);
    let mock = MockServer::start_with(config).await.unwrap();
    let client = Client::builder()
        .credentials(
            Credentials::new("AKIDTRACING", SECRET_KEY)
                .unwrap()
                .with_token(TOKEN)
                .unwrap(),
        )
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        .max_retries(10)
        .build()
        .unwrap();
    let req = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-gen00001")
        .limit(5)
        .build();
    for _ in 0..4 {
        client.describe_instance_backups(&req).await.unwrap();
    }

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    for needle in [
        "tcredis.call",
        "action=\"DescribeInstanceBackups\"",
        "region=ap-guangzhou",
        "attempt",
        "latency_ms",
    ] {
        assert!(
            logs.contains(needle),
            "{needle:?} missing from the trace: {logs}"
        );
    }
    assert!(
        logs.contains("retrying"),
        "the injected InternalErrors were retried and logged"
    );
    for secret in [SECRET_KEY, TOKEN, "TC3-HMAC-SHA256 Credential"] {
        assert!(!logs.contains(secret), "{secret:?} leaked into the trace");
    }
}
