//! Runs the custom-runtime example (`examples/blocking_std_net.rs`: the core driven by blocking
//! `std::net` code, no tokio in the client) against the mock, and checks it lists everything
//! exactly once, paginated, paced and retried by the core.

#[path = "../examples/blocking_std_net.rs"]
#[allow(dead_code)]
mod example;

use std::collections::HashSet;

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_mock::{BlockingMockServer, DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, MockConfig};

#[test]
fn blocking_std_net_lists_every_backup_once() {
    let mock = BlockingMockServer::start_with(
        MockConfig::new()
            .generate(500, 1)
            .rate_limit(0)
            .fault(FaultKind::InternalError, 0.2)
            .random_seed(3),
    )
    .unwrap();
    let endpoint = Endpoint::parse(&mock.uri()).unwrap();
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
    let backups = example::list_all(
        &endpoint,
        &credentials,
        "ap-guangzhou",
        "crs-gen00001",
        30,
        0.0,
    )
    .unwrap();
    assert_eq!(backups.len(), 500);
    let ids: HashSet<_> = backups
        .iter()
        .map(|b| b.backup_id.clone().unwrap())
        .collect();
    assert_eq!(ids.len(), 500);
    let describe = mock
        .journal()
        .into_iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"));
    let (ok, failed): (Vec<_>, Vec<_>) = describe.partition(|e| e.code.is_none());
    assert_eq!(ok.len(), 17, "500 backups in pages of 30");
    assert!(
        !failed.is_empty(),
        "the injected InternalErrors were retried"
    );
}

#[test]
fn blocking_std_net_refuses_https() {
    let endpoint = Endpoint::parse("https://redis.tencentcloudapi.com").unwrap();
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
    let err =
        example::list_all(&endpoint, &credentials, "ap-guangzhou", "crs-x", 10, 0.0).unwrap_err();
    assert!(err.contains("http://"));
}
