//! The deterministic demo data set served by default: several instances across regions (one in
//! a financial zone), months of daily automatic backups plus manual ones, every Status and
//! BackupType, non-ASCII names and remarks, sizes above 2^32 — all anchored to "now" so the
//! newest backups are always recent. Every demo instance backs up daily between 02:00 and 03:00
//! Beijing time (its `AutoBackupConfig`), so advancing the mock clock adds nights.

use super::auto_backup::AutoBackupConfig;
use super::backup::SeedBackup;
use super::seed::{Seed, SeedInstance};
use tcredis_core::time::BeijingTime;

const DAY: i64 = 86_400;

/// One demo instance's shape.
struct DemoInstance {
    number: i64,
    id: &'static str,
    name: &'static str,
    region: &'static str,
    /// Days of daily automatic backups, counted back from today.
    days: i64,
    /// Days back from today of the newest automatic backup (a stale instance has a gap).
    newest_day: i64,
    /// Minute past 02:00 Beijing when the automatic backup starts.
    minute: i64,
    base_size: i64,
    instance_type: i64,
    file_type: &'static str,
}

const INSTANCES: &[DemoInstance] = &[
    DemoInstance {
        number: 1,
        id: "crs-demo0001",
        name: "orders-cache 订单缓存",
        region: "ap-guangzhou",
        days: 120,
        newest_day: 0,
        minute: 0,
        base_size: 5_368_709_120,
        instance_type: 16,
        file_type: "RDB-Redis 6.2",
    },
    DemoInstance {
        number: 2,
        id: "crs-demo0002",
        name: "session-store",
        region: "ap-shanghai",
        days: 90,
        newest_day: 0,
        minute: 17,
        base_size: 734_003_200,
        instance_type: 6,
        file_type: "RDB-Redis 5.0",
    },
    DemoInstance {
        number: 3,
        id: "crs-demo0003",
        name: "风控-金融区",
        region: "ap-shanghai-fsi",
        days: 60,
        newest_day: 0,
        minute: 31,
        base_size: 2_147_483_648,
        instance_type: 16,
        file_type: "RDB-Redis 6.2",
    },
    DemoInstance {
        number: 4,
        id: "crs-demo0004",
        name: "analytics ünïcødé ☃",
        region: "ap-beijing",
        days: 75,
        newest_day: 10,
        minute: 45,
        base_size: 12_884_901_888,
        instance_type: 15,
        file_type: "RDB-Redis 4.0",
    },
    DemoInstance {
        number: 5,
        id: "crs-demo0005",
        name: "empty-new-instance",
        region: "ap-guangzhou",
        days: 0,
        newest_day: 0,
        minute: 0,
        base_size: 0,
        instance_type: 16,
        file_type: "RDB-Redis 7.0",
    },
    DemoInstance {
        number: 6,
        id: "crs-demo0006",
        name: "sv-cache",
        region: "na-siliconvalley",
        days: 40,
        newest_day: 0,
        minute: 5,
        base_size: 96_468_992,
        instance_type: 6,
        file_type: "RDB-Redis 4.0",
    },
];

/// A small deterministic hash to vary sizes and seconds.
fn mix(a: i64, b: i64) -> i64 {
    let mut x = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (b as u64).wrapping_add(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 1) as i64
}

fn backup_id(instance: &DemoInstance, start: i64, serial: i64) -> String {
    format!(
        "{:09}-{:07}-{:010}",
        165_706_000 + instance.number * 1000 + serial % 1000,
        5_832_000 + serial,
        start
    )
}

fn make(instance: &DemoInstance, start: i64, serial: i64, now: i64) -> SeedBackup {
    let duration = 20 + mix(start, 1) % 140;
    let expire = start + 7 * DAY;
    let size = instance.base_size + mix(start, 2) % (instance.base_size / 10 + 1);
    let status = if expire <= now { -1 } else { 2 };
    let mut backup = SeedBackup::new(
        backup_id(instance, start, serial),
        BeijingTime::from_unix(start).to_string(),
    )
    .backup_type("1")
    .status(status)
    .remark("")
    .locked(0)
    .backup_size(size)
    .end_time(BeijingTime::from_unix(start + duration).to_string())
    .file_type(instance.file_type)
    .expire_time(BeijingTime::from_unix(expire).to_string());
    backup.full_backup = Some(0);
    backup.instance_type = Some(instance.instance_type);
    if instance.number != 6 {
        // The oldest instance predates the `Encrypted` field: its backups omit it.
        backup.encrypted = Some(instance.number == 3);
    }
    backup
}

/// Builds the demo seed anchored at `now` (Unix seconds).
pub(crate) fn demo_seed(now: i64) -> Seed {
    // Beijing midnight of today.
    let today = (now + 8 * 3600).div_euclid(DAY) * DAY - 8 * 3600;
    let mut seed = Seed::new();
    for instance in INSTANCES {
        let mut entry = SeedInstance::new(instance.id, instance.name, instance.region)
            .auto_backup(AutoBackupConfig::daily());
        let mut serial = 0;
        for day in instance.newest_day..instance.days {
            let start = today - day * DAY
                + 2 * 3600
                + instance.minute * 60
                + mix(day, instance.number) % 60;
            if start > now {
                continue;
            }
            serial += 1;
            let mut backup = make(instance, start, serial, now);
            if instance.number == 6 {
                // Legacy servers wrote the type as a name.
                backup.backup_type = Some("systemBackupInstance".into());
            }
            entry.backups.push(backup);
        }
        // Manual backups every 9 days, at 15:xx, with remarks and the rarer statuses.
        if instance.days > 0 {
            for (k, day) in (instance.newest_day.max(1)..instance.days)
                .step_by(9)
                .enumerate()
            {
                let start = today - day * DAY + 15 * 3600 + (mix(day, 7) % 3600);
                serial += 1;
                let k = k as i64;
                let mut backup = make(instance, start, serial, now).backup_type("0");
                backup.remark = Some(match k % 4 {
                    0 => "手动备份 – before upgrade ✓".into(),
                    1 => "pre-migration snapshot \"v2\"".into(),
                    2 => String::new(),
                    _ => "导出到 COS: <backup & restore>".into(),
                });
                if backup.status == Some(-1) {
                    // Older manual backups were exported, or deleted by hand.
                    backup.status = Some(match k % 3 {
                        0 => 4,
                        1 => -2,
                        _ => -1,
                    });
                }
                if instance.number == 6 {
                    backup.backup_type = Some("manualBackupInstance".into());
                }
                entry.backups.push(backup);
            }
        }
        decorate(instance, &mut entry, today, now, &mut serial);
        seed = seed.instance(entry);
    }
    super::demo_instances::with_instance_fields(seed, now)
}

/// Rare cases: an in-progress backup (Status 1, locked), an exporting one (Status 3) and an
/// exported one (Status 4), a spec-change backup (BackupType "2").
fn decorate(
    instance: &DemoInstance,
    entry: &mut SeedInstance,
    today: i64,
    now: i64,
    serial: &mut i64,
) {
    match instance.number {
        1 => {
            // A manual backup started a minute before now, still running.
            *serial += 1;
            let start = (now - 60).max(today);
            let mut running = make(instance, start, *serial, now)
                .backup_type("0")
                .status(1)
                .locked(1)
                .remark("nightly export – 进行中");
            running.end_time = Some(String::new());
            entry.backups.push(running);
            *serial += 1;
            entry.backups.push(
                make(instance, today - DAY + 9 * 3600, *serial, now)
                    .backup_type("0")
                    .status(3)
                    .remark("exporting to COS"),
            );
            *serial += 1;
            entry.backups.push(
                make(instance, today - 2 * DAY + 9 * 3600, *serial, now)
                    .backup_type("0")
                    .status(4)
                    .remark("exported"),
            );
        }
        2 => {
            *serial += 1;
            entry.backups.push(
                make(instance, today - 3 * DAY + 11 * 3600, *serial, now)
                    .backup_type("2")
                    .remark("变配 spec change 4GB → 8GB"),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_deterministic_and_covers_every_status_and_type() {
        let now = 1_780_000_000;
        let a = demo_seed(now);
        assert_eq!(a, demo_seed(now));
        let backups: Vec<&SeedBackup> = a.instances().iter().flat_map(|i| i.backups()).collect();
        assert!(backups.len() > 300, "{}", backups.len());
        for status in [1, 2, 3, 4, -1, -2] {
            assert!(
                backups.iter().any(|b| b.status == Some(status)),
                "status {status}"
            );
        }
        for kind in [
            "0",
            "1",
            "2",
            "systemBackupInstance",
            "manualBackupInstance",
        ] {
            assert!(
                backups
                    .iter()
                    .any(|b| b.backup_type.as_deref() == Some(kind)),
                "type {kind}"
            );
        }
        assert!(backups.iter().any(|b| b.backup_size.unwrap_or(0) > 1 << 32));
        assert!(backups.iter().all(|b| b.start_time.as_deref().unwrap()
            <= BeijingTime::from_unix(now).to_string().as_str()));
        assert!(
            a.instances()
                .iter()
                .any(|i| i.region() == "ap-shanghai-fsi")
        );
        assert!(a.instances().iter().any(|i| i.backups().is_empty()));
        let mut ids: Vec<&str> = backups.iter().map(|b| b.id_key()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), backups.len(), "backup IDs are unique");
    }
}
