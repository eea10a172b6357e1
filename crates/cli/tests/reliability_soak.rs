//! Fault soak through the CLI: `tcredis backups list --all --output ndjson` (a real child
//! process) lists a 50,000-backup data set from the real mock server over loopback while the
//! mock injects latency, InternalError, RequestLimitExceeded, dropped connections and
//! truncated bodies on 30% of requests. stdout must be exactly the data set: every BackupId
//! once, none lost, each instance in the mock's order, and the process must finish within its
//! bound. Credentials are test secrets passed in the environment; the CLI's output goes to the
//! secret scan.
//!
//! The gate's form lists 10 instances x 5,000 (the CLI fans out 4 at a time); with
//! `TCREDIS_LONG=1` one 50,000-backup instance is listed sequentially too.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use common::{SECRET_ID, SECRET_KEY, secret_env, tcredis};
use tcredis_mock::{BlockingMockServer, FaultKind, MockConfig};

/// Per kind; drawn in turn, so the combined rate is 1 - (1 - p)^5 = 30.0%.
const FAULT_EACH: f64 = 0.069;

fn faulty(count: u64, instances: u64, seed: u64) -> MockConfig {
    MockConfig::new()
        .generate(count, instances)
        .credential(SECRET_ID, SECRET_KEY, None)
        .rate_limit(0)
        .journal_capacity(1_000_000)
        .fault(FaultKind::Delay(Duration::from_millis(5)), FAULT_EACH)
        .fault(FaultKind::InternalError, FAULT_EACH)
        .fault(FaultKind::Throttle, FAULT_EACH)
        .fault(FaultKind::Drop, FAULT_EACH)
        .fault(FaultKind::Truncate, FAULT_EACH)
        .random_seed(seed)
}

fn soak(total: u64, instances: u64, seed: u64, budget: Duration) {
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

    let stdout = run.stdout();
    let mut seen = HashSet::new();
    let mut duplicates = 0usize;
    let mut per_instance: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut instance_order = Vec::new();
    for line in stdout.lines() {
        let item: serde_json::Value = serde_json::from_str(line).expect("ndjson line");
        let id = item["BackupId"].as_str().expect("BackupId").to_owned();
        let instance = item["InstanceId"].as_str().expect("InstanceId").to_owned();
        let start = item["StartTime"].as_str().expect("StartTime").to_owned();
        if instance_order.last() != Some(&instance) {
            instance_order.push(instance.clone());
        }
        if !seen.insert(id.clone()) {
            duplicates += 1;
        }
        per_instance.entry(instance).or_default().push((start, id));
    }
    let items = stdout.lines().count();
    let losses = (total as usize).saturating_sub(seen.len());
    let journal = mock.journal();
    let describe: Vec<_> = journal
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
        .collect();
    let mut faults: BTreeMap<String, usize> = BTreeMap::new();
    for e in &describe {
        if let Some(f) = &e.fault {
            *faults
                .entry(f.split('=').next().unwrap_or(f).to_owned())
                .or_insert(0) += 1;
        }
    }
    eprintln!(
        "cli fault soak: {} requests, faults {faults:?} ({} total), {items} items, {duplicates} duplicates, {losses} losses, {:.1}s",
        describe.len(),
        faults.values().sum::<usize>(),
        elapsed.as_secs_f64()
    );
    assert_eq!(duplicates, 0, "a backup was printed twice");
    assert_eq!(losses, 0, "a backup was lost");
    assert_eq!(items, total as usize);
    assert_eq!(
        instance_order, ids,
        "instances in the order given, each contiguous"
    );
    for (instance, list) in &per_instance {
        assert!(
            list.windows(2).all(|w| w[0] >= w[1]),
            "{instance}: not in the mock's order (StartTime desc, BackupId desc)"
        );
    }
    for kind in ["delay", "internal-error", "throttle", "drop", "truncate"] {
        assert!(
            faults.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} fault was injected"
        );
    }
    assert!(elapsed < budget, "took {elapsed:?}, over {budget:?}");
}

#[test]
fn cli_lists_fifty_thousand_backups_through_thirty_percent_faults() {
    soak(50_000, 10, 9001, Duration::from_secs(60));
}

#[test]
fn cli_long_form_one_instance_of_fifty_thousand() {
    if std::env::var_os("TCREDIS_LONG").is_none() {
        eprintln!("long form skipped: set TCREDIS_LONG=1 (cargo xtask ci --long)");
        return;
    }
    soak(50_000, 1, 31337, Duration::from_secs(300));
}
