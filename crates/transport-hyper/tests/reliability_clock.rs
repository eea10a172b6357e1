//! A skewed client clock is corrected against the mock's `Date`: whether the machine is a day
//! ahead or three days behind (so its credential-scope date is another UTC day), the first
//! attempt is refused with `AuthFailure.SignatureExpire`, the client estimates the offset,
//! re-signs, and every later request (a whole paginated listing) is signed right the first
//! time.

use futures_util::StreamExt as _;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig, MockServer};
use tcredis_transport_hyper::Client;

async fn skewed_listing(offset: i64) {
    let mock = MockServer::start_with(MockConfig::new().generate(250, 1).rate_limit(0))
        .await
        .unwrap();
    let client = Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        .random_seed(1)
        .clock_offset_for_tests(offset)
        .build()
        .unwrap();
    let request = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-gen00001")
        .limit(100)
        .build();
    let items: Vec<_> = client
        .backups(request)
        .map(|b| b.expect("listing under a skewed clock"))
        .collect()
        .await;
    assert_eq!(items.len(), 250);
    let skew = client.clock_skew_seconds();
    assert!(
        (skew + offset).abs() <= 5,
        "offset {offset}: estimated correction {skew}"
    );
    let codes: Vec<Option<String>> = mock
        .journal()
        .into_iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
        .map(|e| e.code)
        .collect();
    assert_eq!(
        codes,
        vec![
            Some("AuthFailure.SignatureExpire".to_owned()),
            None,
            None,
            None
        ],
        "offset {offset}: one refusal, then three pages signed right"
    );
}

#[tokio::test]
async fn a_clock_a_day_ahead_is_corrected() {
    skewed_listing(86_400).await;
}

#[tokio::test]
async fn a_clock_three_days_behind_is_corrected() {
    skewed_listing(-3 * 86_400).await;
}

#[tokio::test]
async fn a_clock_just_outside_the_window_is_corrected() {
    skewed_listing(-301).await;
}
