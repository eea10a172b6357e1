//! Listings against the mock over real loopback sockets: exactly-once paging (Limit 100 and
//! 7), pacing under the mock's rate limit, retries through injected faults, the stall
//! timeout, HTTPS with the mock's CA, fan-out order, and clock-skew correction.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::Backup;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, MockConfig, MockServer};
use tcredis_transport_hyper::{Client, ClientBuilder, Error, TimeoutKind};

fn demo() -> Credentials {
    Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap()
}

fn client_for(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .credentials(demo())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        .random_seed(7)
}

fn instance(id: &str, limit: i64) -> DescribeInstanceBackupsRequest {
    DescribeInstanceBackupsRequest::builder()
        .instance_id(id)
        .limit(limit)
        .build()
}

async fn collect(client: &Client, req: DescribeInstanceBackupsRequest) -> Vec<Backup> {
    client
        .backups(req)
        .map(|b| b.expect("listing item"))
        .collect()
        .await
}

/// Every id once, and in the mock's listing order (StartTime desc, then BackupId desc).
fn assert_exactly_once_in_order(items: &[Backup], expected: usize) {
    assert_eq!(items.len(), expected);
    let ids: HashSet<&str> = items
        .iter()
        .map(|b| b.fields().backup_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids.len(), expected, "a backup was repeated");
    for pair in items.windows(2) {
        let key = |b: &Backup| (b.fields().start_time.clone(), b.fields().backup_id.clone());
        assert!(
            key(&pair[0]) >= key(&pair[1]),
            "out of order: {:?} then {:?}",
            key(&pair[0]),
            key(&pair[1])
        );
    }
}

fn describe_calls(mock: &MockServer) -> Vec<tcredis_mock::JournalEntry> {
    mock.journal()
        .into_iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
        .collect()
}

#[tokio::test]
async fn ten_thousand_backups_exactly_once_with_limit_100_and_7() {
    let mock = MockServer::start_with(MockConfig::new().generate(10_000, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock).build().unwrap();
    for (limit, pages) in [(100, 100), (7, 1429)] {
        mock.reset();
        let started = Instant::now();
        let items = collect(&client, instance("crs-gen00001", limit)).await;
        let elapsed = started.elapsed();
        assert_exactly_once_in_order(&items, 10_000);
        let calls = describe_calls(&mock);
        assert_eq!(calls.len(), pages, "Limit {limit}");
        assert!(calls.iter().all(|e| e.code.is_none()), "no call failed");
        eprintln!(
            "listing Limit {limit}: {pages} pages, 10000 backups in {elapsed:?} ({:.0} pages/s, {:.0} backups/s)",
            pages as f64 / elapsed.as_secs_f64(),
            10_000.0 / elapsed.as_secs_f64()
        );
    }
}

#[tokio::test]
async fn pages_carry_total_count_and_stop_at_it() {
    let mock = MockServer::start_with(MockConfig::new().generate(250, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock).build().unwrap();
    let pages: Vec<_> = client
        .pages(instance("crs-gen00001", 100))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        pages.iter().map(|p| p.backup_set.len()).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    assert!(
        pages
            .iter()
            .all(|p| p.total_count == 250 && !p.request_id.is_empty())
    );
    // An empty listing is one empty page.
    let empty = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-gen00001")
        .begin_time("2001-01-01 00:00:00")
        .end_time("2001-01-02 00:00:00")
        .build();
    let pages: Vec<_> = client.pages(empty).map(Result::unwrap).collect().await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].total_count, 0);
}

#[tokio::test]
async fn paced_listing_under_the_mock_rate_limit_is_never_throttled() {
    // ~200 requests at 20 req/s against a mock that throttles above 20 req/s: about 10 s.
    let mock = MockServer::start_with(MockConfig::new().generate(1_400, 1).rate_limit(20))
        .await
        .unwrap();
    let client = client_for(&mock)
        .rate_limit(20.0)
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let items = collect(&client, instance("crs-gen00001", 7)).await;
    let elapsed = started.elapsed();
    assert_exactly_once_in_order(&items, 1_400);
    let calls = describe_calls(&mock);
    assert_eq!(calls.len(), 200);
    let throttled = calls
        .iter()
        .filter(|e| e.code.as_deref() == Some("RequestLimitExceeded"))
        .count();
    assert_eq!(throttled, 0, "the pacer let a request exceed the limit");
    let first = calls.first().unwrap().time_unix_ms;
    let last = calls.last().unwrap().time_unix_ms;
    eprintln!(
        "pacing: 200 requests in {elapsed:?}; server-side rate over requests 1..200: {:.2} req/s (target 20)",
        199.0 / ((last - first) as f64 / 1000.0)
    );
}

#[tokio::test]
async fn without_client_pacing_retries_still_deliver_everything_once() {
    let mock = MockServer::start_with(MockConfig::new().generate(420, 1).rate_limit(20))
        .await
        .unwrap();
    let client = client_for(&mock).max_retries(30).build().unwrap();
    let items = collect(&client, instance("crs-gen00001", 7)).await;
    assert_exactly_once_in_order(&items, 420);
    let calls = describe_calls(&mock);
    let throttled = calls
        .iter()
        .filter(|e| e.code.as_deref() == Some("RequestLimitExceeded"))
        .count();
    eprintln!(
        "unpaced: {} requests, {throttled} throttled and retried",
        calls.len()
    );
    assert_eq!(calls.len() - throttled, 60);
}

#[tokio::test]
async fn paced_fan_out_keeps_input_order_and_the_shared_rate() {
    let mock = MockServer::start_with(MockConfig::new().generate(400, 4).rate_limit(20))
        .await
        .unwrap();
    let client = client_for(&mock)
        .rate_limit(20.0)
        .max_retries(0)
        .build()
        .unwrap();
    let ids = [
        "crs-gen00003",
        "crs-gen00001",
        "crs-gen00004",
        "crs-gen00002",
    ];
    let reqs = ids.iter().map(|id| instance(id, 25)).collect();
    let got: Vec<(usize, Backup)> = client
        .backups_for_instances(reqs, 3)
        .map(|(i, b)| (i, b.expect("item")))
        .collect()
        .await;
    assert_eq!(got.len(), 400);
    let order: Vec<usize> = got.iter().map(|(i, _)| *i).collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "items must come in input order"
    );
    for (i, b) in &got {
        assert_eq!(b.fields().instance_id.as_deref(), Some(ids[*i]));
    }
    let calls = describe_calls(&mock);
    assert_eq!(calls.len(), 16);
    assert!(
        calls.iter().all(|e| e.code.is_none()),
        "a fan-out request was throttled"
    );
}

#[tokio::test]
async fn thirty_percent_faults_still_list_exactly_once() {
    let config = MockConfig::new()
        .generate(2_000, 1)
        .rate_limit(0)
        .fault(FaultKind::InternalError, 0.1)
        .fault(FaultKind::Drop, 0.1)
        .fault(FaultKind::Delay(Duration::from_millis(20)), 0.1)
        .random_seed(99);
    let mock = MockServer::start_with(config).await.unwrap();
    let client = client_for(&mock)
        .max_retries(12)
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let items = collect(&client, instance("crs-gen00001", 100)).await;
    assert_exactly_once_in_order(&items, 2_000);
    let faults = mock.journal().iter().filter(|e| e.fault.is_some()).count();
    assert!(faults > 0, "the mock injected no fault");
    eprintln!("faults: {faults} injected, listing complete");
}

#[tokio::test]
async fn truncated_bodies_are_retried() {
    let config = MockConfig::new()
        .generate(300, 1)
        .rate_limit(0)
        .fault(FaultKind::Truncate, 0.3)
        .random_seed(5);
    let mock = MockServer::start_with(config).await.unwrap();
    let client = client_for(&mock).max_retries(12).build().unwrap();
    let items = collect(&client, instance("crs-gen00001", 50)).await;
    assert_exactly_once_in_order(&items, 300);
}

#[tokio::test]
async fn request_timeout_fires_on_a_stalled_answer() {
    let config = MockConfig::new()
        .generate(10, 1)
        .rate_limit(0)
        .fault(FaultKind::Stall, 1.0);
    let mock = MockServer::start_with(config).await.unwrap();
    let client = client_for(&mock)
        .max_retries(0)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&instance("crs-gen00001", 10))
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
    assert!(err.is_network());
}

#[tokio::test]
async fn api_errors_keep_code_message_and_request_id() {
    let mock = MockServer::start_with(MockConfig::new().generate(10, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock).build().unwrap();
    let err = client
        .describe_instance_backups(&instance("crs-nosuch00", 10))
        .await
        .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.code().as_str(), "ResourceNotFound.InstanceNotExists");
    assert!(!api.message().is_empty() && !api.request_id().is_empty());
    assert!(!err.is_network());
    // Not retried: exactly one request.
    assert_eq!(describe_calls(&mock).len(), 1);
    // Wrong key: AuthFailure, and the secret never shows.
    let client = client_for(&mock)
        .credentials(Credentials::new(DEMO_SECRET_ID, "wrong-secret-value").unwrap())
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&instance("crs-gen00001", 10))
        .await
        .unwrap_err();
    assert_eq!(
        err.api_error().unwrap().code().as_str(),
        "AuthFailure.SignatureFailure"
    );
    assert!(!format!("{err} {err:?}").contains("wrong-secret-value"));
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let mock = MockServer::start_with(MockConfig::new().generate(10, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock).build().unwrap();
    let err = client
        .describe_instance_backups(&instance("crs-gen00001", 1000))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(mock.journal().is_empty());
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_from_the_server_date() {
    let mock = MockServer::start_with(MockConfig::new().generate(30, 1).rate_limit(0))
        .await
        .unwrap();
    // This machine pretends to be 20 minutes behind.
    let client = client_for(&mock)
        .clock_offset_for_tests(-1200)
        .build()
        .unwrap();
    let page = client
        .describe_instance_backups(&instance("crs-gen00001", 10))
        .await
        .unwrap();
    assert_eq!(page.total_count, 30);
    let skew = client.clock_skew_seconds();
    assert!((1195..=1205).contains(&skew), "estimated skew {skew}");
    let codes: Vec<_> = describe_calls(&mock).into_iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        vec![Some("AuthFailure.SignatureExpire".to_owned()), None]
    );
    // Later calls are signed with the corrected time at once.
    client
        .describe_instance_backups(&instance("crs-gen00001", 10))
        .await
        .unwrap();
    assert_eq!(describe_calls(&mock).len(), 3);
}

#[tokio::test]
async fn https_with_the_mock_ca_and_refusal_without_it() {
    let mock = MockServer::start_with(MockConfig::new().generate(30, 1).rate_limit(0).tls(true))
        .await
        .unwrap();
    assert!(mock.uri().starts_with("https://"));
    let ca = mock.ca_pem().expect("a TLS mock has a CA");
    let client = client_for(&mock)
        .add_root_certificate_pem(ca.as_bytes())
        .build()
        .unwrap();
    assert_exactly_once_in_order(&collect(&client, instance("crs-gen00001", 10)).await, 30);
    let client = client_for(&mock).build().unwrap();
    let err = client
        .describe_instance_backups(&instance("crs-gen00001", 10))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

/// Scripts the page at Offset 10 to repeat the first page's items: drift.
async fn script_repeated_page(mock: &MockServer, client: &Client) {
    let first = client
        .describe_instance_backups(&instance("crs-gen00001", 10))
        .await
        .unwrap();
    let items: Vec<serde_json::Value> = first
        .backup_set
        .iter()
        .map(|b| serde_json::from_str(b.raw_json()).unwrap())
        .collect();
    let reply = serde_json::json!({ "TotalCount": 30, "BackupSet": items });
    mock.script(
        tcredis_mock::Script::new()
            .action("DescribeInstanceBackups")
            .param("Offset", serde_json::json!(10))
            .then(tcredis_mock::Step::reply(reply)),
    )
    .unwrap();
}

#[tokio::test]
async fn a_repeated_page_is_drift_and_nothing_is_yielded_twice() {
    let mock = MockServer::start_with(MockConfig::new().generate(30, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock).build().unwrap();
    script_repeated_page(&mock, &client).await;
    let results: Vec<Result<Backup, Error>> =
        client.backups(instance("crs-gen00001", 10)).collect().await;
    assert_eq!(
        results.len(),
        11,
        "10 items, then the drift error, then the end"
    );
    assert!(results[..10].iter().all(Result::is_ok));
    assert!(
        matches!(&results[10], Err(Error::Drift { .. })),
        "{:?}",
        results[10]
    );
}

#[tokio::test]
async fn the_restart_policy_recovers_from_drift_exactly_once() {
    let mock = MockServer::start_with(MockConfig::new().generate(30, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock)
        .drift_policy(tcredis_core::pagination::DriftPolicy::Restart)
        .build()
        .unwrap();
    script_repeated_page(&mock, &client).await;
    let items = collect(&client, instance("crs-gen00001", 10)).await;
    assert_exactly_once_in_order(&items, 30);
}

#[tokio::test]
async fn fan_out_errors_stay_in_their_listing() {
    let mock = MockServer::start_with(MockConfig::new().generate(60, 2).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock).build().unwrap();
    let reqs = vec![
        instance("crs-gen00001", 10),
        instance("crs-nosuch00", 10),
        instance("crs-gen00002", 10),
    ];
    let got: Vec<(usize, Result<Backup, Error>)> =
        client.backups_for_instances(reqs, 2).collect().await;
    let count = |i: usize| got.iter().filter(|(j, r)| *j == i && r.is_ok()).count();
    assert_eq!((count(0), count(2)), (30, 30));
    let errors: Vec<_> = got
        .iter()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (*i, e)))
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, 1);
    assert_eq!(
        errors[0].1.api_error().unwrap().code().as_str(),
        "ResourceNotFound.InstanceNotExists"
    );
    assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "input order");
}

#[tokio::test]
async fn real_host_name_over_the_connect_address_with_tls() {
    // The signed Host, SNI and :authority are redis.tencentcloudapi.com; TCP goes to the mock.
    let mock = MockServer::start_with(MockConfig::new().generate(25, 1).rate_limit(0).tls(true))
        .await
        .unwrap();
    let client = Client::builder()
        .credentials(demo())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse("https://redis.tencentcloudapi.com").unwrap())
        .connect_to(mock.addr().to_string())
        .add_root_certificate_pem(mock.ca_pem().unwrap().as_bytes())
        .rate_limit(0.0)
        .build()
        .unwrap();
    assert_exactly_once_in_order(&collect(&client, instance("crs-gen00001", 10)).await, 25);
    assert!(describe_calls(&mock).iter().all(|e| e.code.is_none()));
}

#[tokio::test]
async fn a_failing_credentials_provider_is_a_credentials_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let provider = tcredis_transport_hyper::credentials::CvmRoleProvider::new(
        format!("http://{closed}"),
        tcredis_transport_hyper::credentials::FetchSettings::default(),
    );
    let mock = MockServer::start_with(MockConfig::new().generate(5, 1).rate_limit(0))
        .await
        .unwrap();
    let client = client_for(&mock)
        .credentials_provider(provider)
        .build()
        .unwrap();
    let err = client
        .describe_instance_backups(&instance("crs-gen00001", 10))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
    assert!(err.to_string().contains("CVM role"), "{err}");
    assert!(
        mock.journal().is_empty(),
        "nothing is sent without credentials"
    );
}
