//! The client fault soak, shared by the gate's form (`reliability_soak.rs`) and the long form
//! (`reliability_soak_long.rs`, built only with the `long-tests` feature, which
//! `cargo xtask ci --long` enables).
//!
//! The mock injects, on every `DescribeInstanceBackups` request, one of five faults tried in
//! turn at 6.9% each: a 5 ms delay (which cannot fail a request), then `InternalError`,
//! `RequestLimitExceeded`, a dropped connection and a truncated body (which do). So 30.0% of
//! requests get a fault and 23.2% (0.931 × (1 − 0.931⁴)) fail; the soak asserts the failing rate
//! it measured from the journal, and that the listing is exactly the generated data set, id by
//! id in the mock's order.
#![allow(dead_code)] // each soak file uses its own part

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::Backup;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, MockConfig, MockServer};
use tcredis_testkit::soak::{
    FaultTally, SOAK_FAULTS, assert_same_ids, assert_soak_rates, fault_spec, generated_backup_ids,
};
use tcredis_transport_hyper::Client;

pub fn faulty_mock(count: u64, instances: u64, seed: u64) -> MockConfig {
    let config = MockConfig::new()
        .generate(count, instances)
        .rate_limit(0)
        .journal_capacity(1_000_000)
        .random_seed(seed);
    SOAK_FAULTS.iter().fold(config, |config, &(kind, p)| {
        let kind: FaultKind = fault_spec(kind).parse().expect("a mock fault kind");
        config.fault(kind, p)
    })
}

pub fn client(mock: &MockServer) -> Client {
    Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        // 23% failing: 13 attempts fail together with probability 0.232^13 ~ 5e-9 per page.
        .max_retries(12)
        .request_timeout(Duration::from_secs(5))
        .random_seed(20_261_127)
        .build()
        .unwrap()
}

pub fn instance_id(n: u64) -> String {
    format!("crs-gen{n:05}")
}

pub async fn list_instance(client: &Client, id: String) -> Vec<Backup> {
    let request = DescribeInstanceBackupsRequest::builder()
        .instance_id(id)
        .limit(100)
        .build();
    let mut out = Vec::new();
    let mut stream = std::pin::pin!(client.backups(request));
    while let Some(item) = stream.next().await {
        match item {
            Ok(b) => out.push(b),
            Err(e) => panic!("the listing failed despite retries: {e}"),
        }
    }
    out
}

/// Lists instances 1..=`instances` of a `count`-backup generated set through the faulty mock
/// (each instance one paginated stream, all concurrently on one shared client) and checks the
/// result against the generated set, id by id, and the fault rates against the journal.
pub async fn soak(count: u64, instances: u64, seed: u64, budget: Duration) {
    let mock = MockServer::start_with(faulty_mock(count, instances, seed))
        .await
        .unwrap();
    let client = client(&mock);
    let started = Instant::now();
    let jobs: Vec<_> = (1..=instances)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move { list_instance(&client, instance_id(n)).await })
        })
        .collect();
    let mut listed = Vec::new();
    for job in jobs {
        listed.push(job.await.expect("listing task"));
    }
    let elapsed = started.elapsed();

    let journal = mock.journal();
    let tally = FaultTally::from_faults(
        journal
            .iter()
            .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
            .map(|e| e.fault.as_deref()),
    );
    let items: usize = listed.iter().map(Vec::len).sum();
    eprintln!(
        "fault soak: {} requests, faults {:?}: {} failing ({:.1}%), {} delays; {items} items; {:.1}s",
        tally.requests,
        tally.by_kind,
        tally.failing(),
        tally.failing_rate() * 100.0,
        tally.count("delay"),
        elapsed.as_secs_f64()
    );
    for (n, part) in (1..=instances).zip(&listed) {
        let ids: Vec<String> = part
            .iter()
            .map(|b| b.fields().backup_id.clone().expect("BackupId"))
            .collect();
        assert_same_ids(
            &ids,
            &generated_backup_ids(count, instances, n),
            &instance_id(n),
        );
    }
    assert_soak_rates(&tally);
    assert!(
        elapsed < budget,
        "the soak took {elapsed:?}, over its {budget:?} bound"
    );
}
