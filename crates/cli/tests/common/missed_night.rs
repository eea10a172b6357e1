//! A small fleet with one missed night, built relative to any "now": four instances on the same
//! daily schedule (every weekday, a one-hour slot that ended 3 to 4 hours before now, Beijing
//! time), each with a good nightly backup in each of its last sixteen slots (more than the
//! status page's and the timeline's 14 days) — except
//! `crs-night003`, whose last slot has none (its newest good backup is the night before, 27 to
//! 29 hours old). Shared by the Prometheus end-to-end test (real clock), the status page in
//! Chromium and the timeline (both at a fixed now).
#![allow(dead_code)]

use serde_json::{Value, json};
use tcredis_core::auto_backup::{Schedule, Slot};
use tcredis_testkit::time_text::beijing_wall_time;

/// The instance whose last expected slot has no backup.
pub const MISSED: &str = "crs-night003";
/// The instances whose last expected slot has a good backup.
pub const FRESH: [&str; 3] = ["crs-night001", "crs-night002", "crs-night004"];
/// The exporter's and the check's `--grace` for this world.
pub const GRACE: &str = "1h";
const GRACE_SECONDS: i64 = 3600;
const DAY: i64 = 86_400;
/// Nights with a backup (the missed instance: all but the last).
pub const NIGHTS: i64 = 16;
/// Days a backup is kept: every seeded backup is still good.
const STORAGE_DAYS: i64 = 30;
const WEEK_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The seed and what it was built around.
pub struct MissedNight {
    /// The mock seed (JSON).
    pub seed: Value,
    /// The schedule's last slot that is due at `now` with [`GRACE`].
    pub slot: Slot,
    /// The schedule's `TimePeriod`.
    pub time_period: String,
}

/// The instance's name in the seed.
pub fn name(instance_id: &str) -> &'static str {
    match instance_id {
        "crs-night001" => "orders",
        "crs-night002" => "sessions",
        "crs-night003" => "carts",
        _ => "reports",
    }
}

/// Builds the world around `now` (Unix seconds).
pub fn around(now: i64) -> MissedNight {
    let beijing_hour = (now + 8 * 3600).rem_euclid(DAY) / 3600;
    // The slot started 4 hours before the current hour: with a 1 h grace it has been due for
    // at least 2 hours, and the next one is 20 hours away, so the answer cannot change while
    // a test runs.
    let start_hour = (beijing_hour + 24 - 4) % 24;
    let time_period = format!("{start_hour:02}:00-{:02}:00", (start_hour + 1) % 24);
    let schedule = Schedule::parse(&WEEK_DAYS, &time_period).expect("a valid schedule");
    let slot = schedule
        .last_due_slot(now, GRACE_SECONDS)
        .expect("a daily schedule has a due slot");
    assert!(
        now - slot.start >= 4 * 3600 - 1 && now - slot.start < 5 * 3600,
        "the last due slot started 4 to 5 hours ago: {slot:?} at {now}"
    );
    let instances: Vec<Value> = FRESH
        .iter()
        .chain(std::iter::once(&MISSED))
        .map(|&id| {
            let backups: Vec<Value> = (0..NIGHTS)
                .filter(|&night| !(id == MISSED && night == 0))
                .map(|night| {
                    let start = slot.start - night * DAY + 300;
                    json!({
                        "BackupId": format!("night-{night}-{id}"),
                        "StartTime": beijing_wall_time(start),
                        "EndTime": beijing_wall_time(start + 120),
                        "ExpireTime": beijing_wall_time(start + STORAGE_DAYS * DAY),
                        "BackupType": "1",
                        "Status": 2,
                        "BackupSize": 1_073_741_824_i64,
                    })
                })
                .collect();
            json!({
                "InstanceId": id,
                "InstanceName": name(id),
                "Region": "ap-guangzhou",
                "AutoBackupConfig": {
                    "AutoBackupType": 1,
                    "WeekDays": WEEK_DAYS,
                    "TimePeriod": time_period,
                    "BackupStorageDays": STORAGE_DAYS,
                    "BinlogStorageDays": 7
                },
                "Backups": backups,
            })
        })
        .collect();
    MissedNight {
        seed: json!({ "instances": instances }),
        slot,
        time_period,
    }
}

impl MissedNight {
    /// The seed, parsed for the mock.
    pub fn mock_seed(&self) -> tcredis_mock::Seed {
        tcredis_mock::Seed::from_json(self.seed.to_string().as_bytes()).expect("seed is valid")
    }
}
