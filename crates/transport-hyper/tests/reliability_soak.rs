//! Fault soak: the client lists a 50,000-backup data set from the real mock server over loopback
//! while the mock injects latency, `InternalError`, `RequestLimitExceeded`, dropped connections
//! and truncated bodies on 30% of requests (each kind drawn at 6.9%, 30.0% combined). The result must be exactly the data set:
//! every BackupId once, none lost, in the mock's order per instance, within a bounded time.
//!
//! The gate's form lists 10 instances x 5,000 concurrently (one paginated stream per instance on
//! one shared client), because each retried page waits a jittered backoff (250 ms base) and a
//! single sequential stream would spend most of its time sleeping. With `TCREDIS_LONG=1`
//! (`cargo xtask ci --long`) it also lists one 50,000-backup instance sequentially.
//!
//! The figures (requests, injected faults by kind, items, losses, duplicates, time) are printed
//! and recorded in `docs/reliability.md`.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::Backup;
use tcredis_mock::{
    DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, JournalEntry, MockConfig, MockServer,
};
use tcredis_transport_hyper::Client;

/// Per kind; the mock draws each kind in turn, so the combined rate is 1 - (1 - p)^5 = 30.0%.
const FAULT_EACH: f64 = 0.069;

fn faulty_mock(count: u64, instances: u64, seed: u64) -> MockConfig {
    MockConfig::new()
        .generate(count, instances)
        .rate_limit(0)
        .journal_capacity(1_000_000)
        .fault(FaultKind::Delay(Duration::from_millis(5)), FAULT_EACH)
        .fault(FaultKind::InternalError, FAULT_EACH)
        .fault(FaultKind::Throttle, FAULT_EACH)
        .fault(FaultKind::Drop, FAULT_EACH)
        .fault(FaultKind::Truncate, FAULT_EACH)
        .random_seed(seed)
}

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        // 30% faults: 13 attempts fail together with probability 0.3^13 ~ 1.6e-7 per page.
        .max_retries(12)
        .request_timeout(Duration::from_secs(5))
        .random_seed(20_261_127)
        .build()
        .unwrap()
}

fn instance_id(n: u64) -> String {
    format!("crs-gen{n:05}")
}

async fn list_instance(client: &Client, id: String) -> Vec<Backup> {
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

/// What the soak measured.
#[derive(Debug)]
struct Figures {
    requests: usize,
    faults: BTreeMap<String, usize>,
    items: usize,
    duplicates: usize,
    losses: usize,
    elapsed: Duration,
}

fn figures(
    journal: &[JournalEntry],
    items: &[Backup],
    expected: usize,
    elapsed: Duration,
) -> Figures {
    let describe: Vec<&JournalEntry> = journal
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
        .collect();
    let mut faults = BTreeMap::new();
    for e in &describe {
        if let Some(f) = &e.fault {
            let kind = f.split('=').next().unwrap_or(f).to_owned();
            *faults.entry(kind).or_insert(0) += 1;
        }
    }
    let ids: HashSet<&str> = items
        .iter()
        .map(|b| b.fields().backup_id.as_deref().expect("BackupId"))
        .collect();
    Figures {
        requests: describe.len(),
        faults,
        items: items.len(),
        duplicates: items.len() - ids.len(),
        losses: expected.saturating_sub(ids.len()),
        elapsed,
    }
}

fn assert_server_order(items: &[Backup]) {
    for pair in items.windows(2) {
        let key = |b: &Backup| (b.fields().start_time.clone(), b.fields().backup_id.clone());
        assert!(key(&pair[0]) >= key(&pair[1]), "out of the mock's order");
    }
}

fn check(f: &Figures, expected: usize, budget: Duration) {
    eprintln!(
        "fault soak: {} requests, faults {:?} ({} total), {} items, {} duplicates, {} losses, {:.1}s",
        f.requests,
        f.faults,
        f.faults.values().sum::<usize>(),
        f.items,
        f.duplicates,
        f.losses,
        f.elapsed.as_secs_f64()
    );
    assert_eq!(f.duplicates, 0, "a backup was listed twice");
    assert_eq!(f.losses, 0, "a backup was lost");
    assert_eq!(f.items, expected);
    for kind in ["delay", "internal-error", "throttle", "drop", "truncate"] {
        assert!(
            f.faults.get(kind).copied().unwrap_or(0) > 0,
            "the mock injected no {kind} fault: {:?}",
            f.faults
        );
    }
    let injected: usize = f.faults.values().sum();
    let rate = injected as f64 / f.requests as f64;
    assert!(
        (0.2..0.4).contains(&rate),
        "the combined fault rate should be about 30%, was {:.1}%",
        rate * 100.0
    );
    assert!(
        f.elapsed < budget,
        "the soak took {:?}, over its {budget:?} bound",
        f.elapsed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_backups_through_thirty_percent_faults_exactly_once() {
    const INSTANCES: u64 = 10;
    const TOTAL: u64 = 50_000;
    let mock = MockServer::start_with(faulty_mock(TOTAL, INSTANCES, 4242))
        .await
        .unwrap();
    let client = client(&mock);
    let started = Instant::now();
    let jobs: Vec<_> = (1..=INSTANCES)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move { list_instance(&client, instance_id(n)).await })
        })
        .collect();
    let mut items = Vec::new();
    for (n, job) in (1..=INSTANCES).zip(jobs) {
        let part = job.await.expect("listing task");
        assert!(!part.is_empty());
        assert!(
            part.iter()
                .all(|b| b.fields().instance_id.as_deref() == Some(instance_id(n).as_str())),
            "an item of another instance in {}",
            instance_id(n)
        );
        assert_server_order(&part);
        items.extend(part);
    }
    let elapsed = started.elapsed();
    let f = figures(&mock.journal(), &items, TOTAL as usize, elapsed);
    check(&f, TOTAL as usize, Duration::from_secs(60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_form_one_instance_of_fifty_thousand_sequentially() {
    if std::env::var_os("TCREDIS_LONG").is_none() {
        eprintln!("long form skipped: set TCREDIS_LONG=1 (cargo xtask ci --long)");
        return;
    }
    const TOTAL: u64 = 50_000;
    let mock = MockServer::start_with(faulty_mock(TOTAL, 1, 777))
        .await
        .unwrap();
    let client = client(&mock);
    let started = Instant::now();
    let items = list_instance(&client, instance_id(1)).await;
    let elapsed = started.elapsed();
    assert_server_order(&items);
    let f = figures(&mock.journal(), &items, TOTAL as usize, elapsed);
    check(&f, TOTAL as usize, Duration::from_secs(300));
}
