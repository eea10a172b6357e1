//! The CLI fault soak, shared by the gate's form (`reliability_soak.rs`) and the long form
//! (`reliability_soak_long.rs`, built only with the `long-tests` feature, which
//! `cargo xtask ci --long` enables).
//!
//! `tcredis backups list --all --output ndjson` (a real child process) lists a generated data
//! set from the real mock server over loopback while the mock injects, on every request, one of
//! five faults tried in turn at 6.9% each: a 5 ms delay (which cannot fail a request), then
//! `InternalError`, `RequestLimitExceeded`, a dropped connection and a truncated body (which
//! do): 30.0% of requests get a fault, 23.2% fail. stdout must be exactly the generated set, id
//! by id (instances in the order given, each in the mock's order), the measured failing rate
//! must match, and the process must finish within its bound. Credentials are test secrets in
//! the environment; the CLI's output is recorded for the secret scan.

use std::time::{Duration, Instant};

use tcredis_mock::{BlockingMockServer, FaultKind, MockConfig};
use tcredis_testkit::soak::{
    FaultTally, SOAK_FAULTS, assert_same_ids, assert_soak_rates, fault_spec, generated_backup_ids,
};

use crate::common::{SECRET_ID, SECRET_KEY, secret_env, tcredis};

fn faulty(count: u64, instances: u64, seed: u64) -> MockConfig {
    let config = MockConfig::new()
        .generate(count, instances)
        .credential(SECRET_ID, SECRET_KEY, None)
        .rate_limit(0)
        .journal_capacity(1_000_000)
        .random_seed(seed);
    SOAK_FAULTS.iter().fold(config, |config, &(kind, p)| {
        let kind: FaultKind = fault_spec(kind).parse().expect("a mock fault kind");
        config.fault(kind, p)
    })
}

/// Runs the soak over instances 1..=`instances` of a `total`-backup generated set.
pub fn soak(total: u64, instances: u64, seed: u64, budget: Duration) {
    let mock = BlockingMockServer::start_with(faulty(total, instances, seed)).unwrap();
    let home = tempfile::tempdir().unwrap();
    let endpoint = mock.uri();
    let ids: Vec<String> = (1..=instances).map(|n| format!("crs-gen{n:05}")).collect();
    let mut args = vec![
        "--endpoint",
        endpoint.as_str(),
        "--region",
        "ap-guangzhou",
        "--rate-limit",
        "0",
        "--max-retries",
        "12",
        "--timeout",
        "5s",
        "backups",
        "list",
        "--all",
        "--output",
        "ndjson",
    ];
    for id in &ids {
        args.push("--instance-id");
        args.push(id);
    }
    let started = Instant::now();
    let run = tcredis(
        home.path(),
        &args,
        &secret_env(),
        budget + Duration::from_secs(30),
    );
    let elapsed = started.elapsed();
    run.assert_no_secret();
    assert_eq!(run.code, Some(0), "{}", run.both());

    let listed: Vec<String> = run
        .stdout()
        .lines()
        .map(|line| {
            let item: serde_json::Value = serde_json::from_str(line).expect("ndjson line");
            item["BackupId"].as_str().expect("BackupId").to_owned()
        })
        .collect();
    // Instances in the order given, each contiguous and in the mock's order.
    let expected: Vec<String> = (1..=instances)
        .flat_map(|n| generated_backup_ids(total, instances, n))
        .collect();

    let journal = mock.journal();
    let tally = FaultTally::from_faults(
        journal
            .iter()
            .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
            .map(|e| e.fault.as_deref()),
    );
    eprintln!(
        "cli fault soak: {} requests, faults {:?}: {} failing ({:.1}%), {} delays; {} items; {:.1}s",
        tally.requests,
        tally.by_kind,
        tally.failing(),
        tally.failing_rate() * 100.0,
        tally.count("delay"),
        listed.len(),
        elapsed.as_secs_f64()
    );
    assert_same_ids(&listed, &expected, "tcredis backups list --all");
    assert_soak_rates(&tally);
    assert!(elapsed < budget, "took {elapsed:?}, over {budget:?}");
}
