//! A real Prometheus scraping `tcredis exporter`, with docs/monitoring/alerts.yml loaded: the
//! mock runs on the real clock with a seed built around now (common::missed_night: four
//! instances on a daily schedule whose last slot ended 3-4 hours ago; `crs-night003` has no
//! backup in it, its newest good backup is the night before), the exporter on the real clock,
//! and Prometheus on loopback scraping and evaluating the rules every second. Through
//! Prometheus' HTTP API: the backup families arrive with the right values, and the alerts are
//! in the right state.
//!
//! "The right state" is pending or firing: the rules wait `for: 5m` (schedule missed) and
//! `for: 15m` (too old) before firing, so within a test's minute an alert whose expression is
//! true is pending, and one that is not there at all is neither. The test therefore asserts
//! that `TcredisBackupScheduleMissed` and `TcredisBackupTooOld` are active (pending or firing)
//! for the missed instance and that no backup alert is active for the fresh ones.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::exporter::Exporter;
use common::missed_night::{self, FRESH, GRACE, MISSED};
use common::prometheus::{Prometheus, alert_rules};
use common::{DOC_SECRET_ID, DOC_SECRET_KEY};
use serde_json::Value;
use tcredis_mock::{BlockingMockServer, MockConfig};

/// The value of each series in an instant query's result, by `instance_id`.
fn by_instance(result: &[Value]) -> BTreeMap<String, f64> {
    result
        .iter()
        .filter_map(|s| {
            let id = s["metric"]["instance_id"].as_str()?.to_owned();
            let value = s["value"][1].as_str()?.parse().ok()?;
            Some((id, value))
        })
        .collect()
}

/// The active alerts' (alertname, instance_id) with their state.
fn active(alerts: &[Value]) -> BTreeMap<(String, String), String> {
    alerts
        .iter()
        .map(|a| {
            let label = |k: &str| a["labels"][k].as_str().unwrap_or_default().to_owned();
            (
                (label("alertname"), label("instance_id")),
                a["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn prometheus_scrapes_the_exporter_and_sees_the_missed_night() {
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let world = missed_night::around(now);
    // The real clock (the mock's default): its lifecycles only add slots after its start, and
    // the schedule's next slot is 20 hours away.
    let server = BlockingMockServer::start_with(
        MockConfig::new()
            .seed(world.mock_seed())
            .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
            .rate_limit(0),
    )
    .unwrap();
    let exporter = Exporter::start_real(&server.uri(), &["--refresh", "1h", "--grace", GRACE]);
    exporter.wait_for("/healthz", |status, _| status == 200);
    let prometheus = Prometheus::start(&exporter.addr, &alert_rules());

    // The scrape has landed once every family is there for all four instances.
    let missed = prometheus.wait_for(
        "the schedule families of 4 instances",
        Duration::from_secs(60),
        |p| {
            let m = by_instance(&p.query("tcredis_backup_schedule_missed"));
            (m.len() == 4).then_some(m)
        },
    );
    assert_eq!(missed[MISSED], 1.0, "{missed:?}");
    for id in FRESH {
        assert_eq!(missed[id], 0.0, "{id}: {missed:?}");
    }
    let expected = by_instance(&prometheus.query("tcredis_backup_expected_timestamp_seconds"));
    assert_eq!(expected.len(), 4, "{expected:?}");
    assert!(
        expected.values().all(|&v| v == world.slot.start as f64),
        "every instance expects the slot at {}: {expected:?}",
        world.slot.start
    );
    let last_good = by_instance(&prometheus.query("tcredis_backup_last_good_timestamp_seconds"));
    assert_eq!(
        last_good[MISSED],
        (world.slot.start - 86_400 + 300) as f64,
        "the missed instance's newest good backup is the night before"
    );
    for id in FRESH {
        assert_eq!(last_good[id], (world.slot.start + 300) as f64, "{id}");
    }
    let success = prometheus.query("tcredis_collect_success");
    assert_eq!(success.len(), 1, "{success:?}");
    assert_eq!(success[0]["value"][1], "1");

    // The rules are evaluated every second; both backup alerts of the missed instance become
    // active in the same evaluation of their group as the fresh instances are judged.
    let alerts = prometheus.wait_for(
        "the missed instance's alerts to be pending or firing",
        Duration::from_secs(60),
        |p| {
            let a = active(&p.alerts());
            let on = |name: &str| a.contains_key(&(name.to_owned(), MISSED.to_owned()));
            (on("TcredisBackupScheduleMissed") && on("TcredisBackupTooOld")).then_some(a)
        },
    );
    for name in ["TcredisBackupScheduleMissed", "TcredisBackupTooOld"] {
        let state = &alerts[&(name.to_owned(), MISSED.to_owned())];
        assert!(
            state == "pending" || state == "firing",
            "{name} on {MISSED}: {state}"
        );
    }
    for ((name, instance), state) in &alerts {
        assert!(
            !FRESH.contains(&instance.as_str()),
            "no alert for a fresh instance, yet {name} is {state} on {instance}"
        );
        assert_ne!(name, "TcredisCollectionFailing", "collection works");
        assert_ne!(
            name, "TcredisInstanceWithoutBackup",
            "every instance has backups"
        );
    }
    // Each rule was evaluated on every instance's series, not only the missed one.
    let rules = prometheus.api("/api/v1/rules");
    let evaluated: Vec<(&str, &str)> = rules["data"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .map(|r| (r["name"].as_str().unwrap(), r["health"].as_str().unwrap()))
        .collect();
    assert_eq!(
        evaluated.len(),
        4,
        "the four rules of alerts.yml: {evaluated:?}"
    );
    assert!(
        evaluated.iter().all(|(_, health)| *health == "ok"),
        "every rule evaluates: {evaluated:?}"
    );
    // Scrapes cost no API request: the journal holds one refresh only (1 DescribeInstances,
    // 1 listing page, 4 schedules) however often Prometheus scraped.
    assert_eq!(server.journal().len(), 1 + 1 + 4);
}
