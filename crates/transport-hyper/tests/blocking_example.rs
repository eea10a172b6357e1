//! Runs the custom-runtime example (`examples/blocking_std_net.rs`: the core's `Listing`
//! machine driven by blocking `std::net` code, no tokio in the client) against the mock: every
//! backup exactly once under injected faults, paced, and with a skewed clock corrected.

#[path = "../examples/blocking_std_net.rs"]
#[allow(dead_code)]
mod example;

use std::collections::HashSet;

use tcredis_core::{Credentials, Endpoint};
use tcredis_mock::{BlockingMockServer, DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, MockConfig};

fn demo_pair() -> Credentials {
    Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap()
}

fn describe_codes(mock: &BlockingMockServer) -> Vec<Option<String>> {
    mock.journal()
        .into_iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
        .map(|e| e.code)
        .collect()
}

#[test]
fn lists_every_backup_once_under_thirty_percent_faults() {
    let mock = BlockingMockServer::start_with(
        MockConfig::new()
            .generate(500, 1)
            .rate_limit(0)
            .fault(FaultKind::InternalError, 0.3)
            .random_seed(7),
    )
    .unwrap();
    let ctx = example::context(&Endpoint::parse(&mock.uri()).unwrap(), 200.0).unwrap();
    let backups = example::list_all(ctx, &demo_pair(), "crs-gen00001", 30, 0).unwrap();
    let ids: HashSet<_> = backups
        .iter()
        .map(|b| b.backup_id.clone().unwrap())
        .collect();
    assert_eq!(
        (backups.len(), ids.len()),
        (500, 500),
        "every backup exactly once"
    );
    let codes = describe_codes(&mock);
    let ok = codes.iter().filter(|c| c.is_none()).count();
    assert_eq!(ok, 17, "500 backups in pages of 30");
    assert!(
        codes.iter().any(|c| c.as_deref() == Some("InternalError")),
        "the injected InternalErrors were answered and retried: {codes:?}"
    );
}

#[test]
fn a_clock_three_days_behind_is_corrected_once() {
    let mock =
        BlockingMockServer::start_with(MockConfig::new().generate(250, 1).rate_limit(0)).unwrap();
    let ctx = example::context(&Endpoint::parse(&mock.uri()).unwrap(), 0.0).unwrap();
    let skew = -3 * 24 * 3600;
    let backups = example::list_all(ctx, &demo_pair(), "crs-gen00001", 100, skew).unwrap();
    assert_eq!(backups.len(), 250);
    assert_eq!(
        describe_codes(&mock),
        vec![
            Some("AuthFailure.SignatureExpire".to_owned()),
            None,
            None,
            None
        ],
        "one refusal, then every page signed with the corrected clock"
    );
}

#[test]
fn refuses_https() {
    let endpoint = Endpoint::parse("https://redis.tencentcloudapi.com").unwrap();
    let ctx = example::context(&endpoint, 0.0).unwrap();
    let err = example::list_all(ctx, &demo_pair(), "crs-x", 10, 0).unwrap_err();
    assert!(err.to_string().contains("http://"), "{err}");
}
