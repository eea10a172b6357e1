//! A week of the mock's frozen clock seen through `tcredis`: each night's scheduled backup
//! appears running, finishes, is the newest good one the next morning and expires after its
//! storage days; the skipped night leaves a gap that `backups check` reports. `TCREDIS_NOW` is
//! set to the mock's time for every command (it never affects signing).

mod common;

use common::{DOC_SECRET_ID, DOC_SECRET_KEY, Output, home, run};
use serde_json::Value;
use tcredis_mock::{
    AutoBackupConfig, BlockingMockServer, ClockStart, MockConfig, Seed, SeedInstance,
};

/// 2026-06-01 00:00 Beijing, a Monday.
const MONDAY: i64 = 1_780_243_200;
const DAY: i64 = 86_400;

fn tcredis(server: &BlockingMockServer, home: &std::path::Path, args: &[&str]) -> Output {
    let now = server.clock().now;
    let uri = server.uri();
    let mut all = vec![
        "--endpoint",
        &uri,
        "--region",
        "ap-guangzhou",
        "--rate-limit",
        "0",
    ];
    all.extend_from_slice(args);
    run(
        home,
        &all,
        &[
            ("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID),
            ("TENCENTCLOUD_SECRET_KEY", DOC_SECRET_KEY),
            ("TCREDIS_NOW", &now),
        ],
    )
}

fn listing(server: &BlockingMockServer, home: &std::path::Path) -> Vec<Value> {
    let out = tcredis(
        server,
        home,
        &[
            "backups",
            "list",
            "--instance-id",
            "crs-week",
            "--all",
            "-o",
            "json",
        ],
    );
    out.expect_code(0);
    out.json()["BackupSet"].as_array().unwrap().clone()
}

fn night_of<'a>(items: &'a [Value], date: &str) -> Option<&'a Value> {
    items.iter().find(|b| {
        b["BackupId"]
            .as_str()
            .unwrap()
            .contains(&date.replace('-', ""))
    })
}

#[test]
fn a_frozen_week_of_nightly_backups_through_tcredis() {
    let seed = Seed::new().instance(
        SeedInstance::new("crs-week", "weekly", "ap-guangzhou").auto_backup(
            AutoBackupConfig::new(
                &[
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                ],
                "02:00-03:00",
                3,
            )
            .unwrap(),
        ),
    );
    let server = BlockingMockServer::start_with(
        MockConfig::new()
            .seed(seed)
            .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
            .rate_limit(0)
            .clock(ClockStart::At(MONDAY + 10 * 3600)),
    )
    .unwrap();
    server.skip_slot("crs-week", "2026-06-04").unwrap();
    let home = home();
    assert!(server.clock().frozen);
    assert!(
        listing(&server, home.path()).is_empty(),
        "nothing before the first night"
    );

    for night in 1..=7 {
        let slot = MONDAY + night * DAY + 2 * 3600;
        let date = tcredis_core::time::BeijingTime::from_unix(slot).to_string()[..10].to_owned();
        server.set_clock(slot + 3600);
        let items = listing(&server, home.path());
        let check = tcredis(
            &server,
            home.path(),
            &[
                "backups",
                "check",
                "--instance-id",
                "crs-week",
                "--max-age",
                "20h",
            ],
        );
        if date == "2026-06-04" {
            assert!(
                night_of(&items, &date).is_none(),
                "skipped night: {items:?}"
            );
            check.expect_code(1);
            assert!(
                check.stdout.contains("STALE") || check.stdout.contains("stale"),
                "{}",
                check.stdout
            );
            continue;
        }
        let backup = night_of(&items, &date)
            .unwrap_or_else(|| panic!("{date}: {items:?}"))
            .clone();
        assert_eq!(backup["Status"], 2, "{date} finished by 03:00");
        assert_eq!(
            items[0]["BackupId"], backup["BackupId"],
            "the newest is listed first"
        );
        check.expect_code(0);
        let latest = tcredis(
            &server,
            home.path(),
            &[
                "backups",
                "latest",
                "--instance-id",
                "crs-week",
                "-o",
                "json",
            ],
        );
        latest.expect_code(0);
        assert_eq!(
            latest.json()["BackupSet"][0]["BackupId"],
            backup["BackupId"]
        );
        // Back to a minute after it started: running, and not yet good.
        let start = tcredis_core::time::BeijingTime::parse(backup["StartTime"].as_str().unwrap())
            .unwrap()
            .unix();
        server.set_clock(start + 60);
        let running = night_of(&listing(&server, home.path()), &date)
            .unwrap()
            .clone();
        assert_eq!(
            (running["Status"].as_i64(), running["Locked"].as_i64()),
            (Some(1), Some(1))
        );
        // And a second before it started, not there at all.
        server.set_clock(start - 1);
        assert!(night_of(&listing(&server, home.path()), &date).is_none());
    }
    // The next Monday: three days of storage, so the older nights have expired.
    server.set_clock(MONDAY + 7 * DAY + 12 * 3600);
    let items = listing(&server, home.path());
    let expired: Vec<&str> = items
        .iter()
        .filter(|b| b["Status"] == -1)
        .map(|b| b["BackupId"].as_str().unwrap())
        .collect();
    assert_eq!(
        expired,
        [
            "auto-20260605-crs-week",
            "auto-20260603-crs-week",
            "auto-20260602-crs-week"
        ]
    );
    assert_eq!(items.len(), 6);
}
