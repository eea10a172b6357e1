//! The exporter's request budget over the fleet issue's 1,010-instance region (10 stale, 10
//! without backups, 5 isolated), counted in the mock's journal: one collection costs
//! `ceil(N/1000)` `DescribeInstances`, `ceil(B/100)` listing pages (B = backups in the lookback)
//! and one `DescribeAutoBackupConfig` per collected instance (the schedules, read once per
//! `--schedule-refresh`); five scrapes after it cost nothing. The figures are in
//! docs/benchmarks.md (section 8, "The exporter").

mod common;

use common::exporter::Exporter;
use common::{DOC_SECRET_ID, DOC_SECRET_KEY, home, run};
use tcredis_mock::{BlockingMockServer, FleetSpec, MockConfig};

/// 2026-06-01T12:00:00+08:00, common::NOW.
const NOW_UNIX: i64 = 1_780_286_400;

#[test]
fn one_refresh_of_1010_instances_and_five_free_scrapes() {
    let server = BlockingMockServer::start_with(
        MockConfig::new()
            .fleet(
                FleetSpec::new(1010)
                    .regions(["ap-guangzhou"])
                    .stale(10)
                    .without_backups(10)
                    .isolated(5),
            )
            .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
            .rate_limit(0)
            .now_override(NOW_UNIX)
            .journal_capacity(100_000),
    )
    .unwrap();
    let uri = server.uri();
    // B: the backups a 30-day listing holds (counted by the CLI, then the journal is cleared).
    let listed = run(
        home().path(),
        &[
            "--endpoint",
            &uri,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "backups",
            "list",
            "--all",
            "--since",
            "30d",
            "-o",
            "json",
            "--query",
            "TotalCount",
        ],
        &common::doc_env(),
    );
    listed.expect_code(0);
    let backups: u64 = listed.stdout.trim().parse().unwrap();
    server.reset();

    let mut exporter = Exporter::start(&uri, &["--refresh", "1h", "--schedule-refresh", "6h"]);
    exporter.wait_for("/healthz", |status, _| status == 200);
    let journal = server.journal();
    let count = |action: &str| {
        journal
            .iter()
            .filter(|e| e.action.as_deref() == Some(action))
            .count() as u64
    };
    let (n, isolated) = (1010u64, 5u64);
    assert_eq!(count("DescribeInstances"), n.div_ceil(1000));
    assert_eq!(
        count("DescribeInstanceBackups"),
        backups.div_ceil(100),
        "B = {backups}"
    );
    assert_eq!(
        count("DescribeAutoBackupConfig"),
        n - isolated,
        "one per collected instance"
    );
    assert_eq!(
        journal.len() as u64,
        n.div_ceil(1000) + backups.div_ceil(100) + n - isolated
    );
    eprintln!(
        "exporter refresh over {n} instances, B = {backups}: {} DescribeInstances + {} listing pages + {} schedules = {} requests",
        count("DescribeInstances"),
        count("DescribeInstanceBackups"),
        count("DescribeAutoBackupConfig"),
        journal.len()
    );
    let before = journal.len();
    for _ in 0..5 {
        let (status, _) = exporter.get("/metrics", &[]);
        assert_eq!(status, 200);
    }
    assert_eq!(server.journal().len(), before, "5 scrapes, 0 requests");
    assert_eq!(exporter.terminate(), Some(0));
}
