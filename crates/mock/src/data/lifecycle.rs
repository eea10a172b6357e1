//! Backup lifecycles: the backups an instance's schedule (`AutoBackupConfig`) produces as the
//! mock clock passes its slots — a pure function of the seed, the mock's start instant, mock
//! now and the skipped slots, so moving the clock back hides later slots again.
//!
//! For each scheduled slot (Beijing weekday, hour window) whose start lies after the start
//! instant, one backup:
//!
//! - `StartTime` = slot start + an offset in [0, 600) s: FNV-1a 64 of `"<InstanceId>/<date>"`
//!   (date = the slot's Beijing date, `YYYY-MM-DD`) modulo 600; listed from `StartTime` on;
//! - `EndTime` = `StartTime` + the backup duration (2 minutes unless `--backup-duration`);
//! - `Status` 1 (running, `Locked` 1) before `EndTime`, 2 after, -1 from
//!   `ExpireTime` = `StartTime` + `BackupStorageDays` days;
//! - `BackupId` `auto-<YYYYMMDD>-<InstanceId>`, `BackupType` "1", `FileType` "RDB-Redis 6.2",
//!   `BackupSize` 1 GiB + (hash >> 16) mod 1 GiB, `FullBackup` 0, `Remark` "",
//!   `Encrypted` false.

use std::collections::HashSet;
use std::sync::Arc;

use tcredis_core::time::BeijingTime;

use super::auto_backup::AutoBackupConfig;
use super::backup::SeedBackup;
use super::generate::{GENERATED_REGION, Generated};
use super::seed::Seed;

const DAY: i64 = 86_400;
const GIB: u64 = 1 << 30;

/// One instance with a schedule.
#[derive(Debug, Clone)]
pub(crate) struct ScheduledInstance {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) region: String,
    pub(crate) config: Arc<AutoBackupConfig>,
}

/// Which instances have schedules.
#[derive(Debug, Clone)]
enum Scheduled {
    /// Seeded or demo instances that carry an `AutoBackupConfig`.
    Listed(Vec<ScheduledInstance>),
    /// The generated instances `crs-gen00001`…: all on the daily schedule.
    Generated { instances: u64 },
}

/// The scheduled instances and the lifecycle rule's fixed inputs.
#[derive(Debug, Clone)]
pub(crate) struct Lifecycle {
    scheduled: Scheduled,
    /// Slots must start after this instant (the mock's start, mock time).
    start: i64,
    /// Seconds from StartTime to EndTime.
    duration: i64,
    daily: Arc<AutoBackupConfig>,
}

/// A slot whose backup must not happen: (InstanceId, Beijing date `YYYY-MM-DD`).
pub(crate) type SkippedSlots = HashSet<(String, String)>;

/// Which scheduled instances a listing wants.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Selection<'a> {
    pub(crate) instance_id: Option<&'a str>,
    /// `None` = every region.
    pub(crate) region: Option<&'a str>,
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Lifecycle {
    /// The schedules of a seed's instances.
    pub(crate) fn from_seed(seed: &Seed, start: i64, duration: i64) -> Self {
        let listed = seed
            .instances
            .iter()
            .filter_map(|i| {
                i.auto_backup.as_ref().map(|config| ScheduledInstance {
                    id: i.instance_id.clone(),
                    name: i.instance_name.clone(),
                    region: i.region.clone(),
                    config: Arc::new(config.clone()),
                })
            })
            .collect();
        Self {
            scheduled: Scheduled::Listed(listed),
            start,
            duration,
            daily: Arc::new(AutoBackupConfig::daily()),
        }
    }

    /// The daily schedule of `instances` generated instances.
    pub(crate) fn generated(instances: u64, start: i64, duration: i64) -> Self {
        Self {
            scheduled: Scheduled::Generated { instances },
            start,
            duration,
            daily: Arc::new(AutoBackupConfig::daily()),
        }
    }

    /// The schedule of one instance, if it has one.
    pub(crate) fn config_for(&self, instance_id: &str) -> Option<&AutoBackupConfig> {
        match &self.scheduled {
            Scheduled::Listed(list) => list
                .iter()
                .find(|i| i.id == instance_id)
                .map(|i| i.config.as_ref()),
            Scheduled::Generated { instances } => {
                let index = instance_id.strip_prefix("crs-gen")?.parse::<u64>().ok()?;
                ((1..=*instances).contains(&index)
                    && Generated::instance_id(index - 1) == instance_id)
                    .then_some(self.daily.as_ref())
            }
        }
    }

    fn for_each_instance(&self, selection: Selection<'_>, mut f: impl FnMut(&ScheduledInstance)) {
        match &self.scheduled {
            Scheduled::Listed(list) => list
                .iter()
                .filter(|i| selection.instance_id.is_none_or(|id| id == i.id))
                .filter(|i| selection.region.is_none_or(|r| r == i.region))
                .for_each(f),
            Scheduled::Generated { instances } => {
                if selection.region.is_some_and(|r| r != GENERATED_REGION) {
                    return;
                }
                let make = |k: u64| ScheduledInstance {
                    id: Generated::instance_id(k),
                    name: Generated::instance_name(k),
                    region: GENERATED_REGION.to_owned(),
                    config: self.daily.clone(),
                };
                match selection.instance_id {
                    Some(id) => {
                        if self.config_for(id).is_some() {
                            let k = id["crs-gen".len()..].parse::<u64>().unwrap_or(1) - 1;
                            f(&make(k));
                        }
                    }
                    None => (0..*instances).for_each(|k| f(&make(k))),
                }
            }
        }
    }

    /// Every lifecycle backup listed at mock time `now` for the selected instances, in no
    /// particular order.
    pub(crate) fn backups(
        &self,
        now: i64,
        skipped: &SkippedSlots,
        selection: Selection<'_>,
    ) -> Vec<SeedBackup> {
        let mut out = Vec::new();
        if now <= self.start {
            return out;
        }
        self.for_each_instance(selection, |instance| {
            for slot in instance.config.schedule.slots_between(self.start, now) {
                let date = &BeijingTime::from_unix(slot.start).to_string()[..10];
                if skipped.contains(&(instance.id.clone(), date.to_owned())) {
                    continue;
                }
                let hash = fnv1a(&format!("{}/{date}", instance.id));
                let start = slot.start + (hash % 600) as i64;
                if start > now {
                    continue;
                }
                out.push(self.backup(instance, date, hash, start, now));
            }
        });
        out
    }

    fn backup(
        &self,
        instance: &ScheduledInstance,
        date: &str,
        hash: u64,
        start: i64,
        now: i64,
    ) -> SeedBackup {
        let end = start + self.duration;
        let expire = start + instance.config.backup_storage_days * DAY;
        let status = if now < end {
            1
        } else if now >= expire {
            -1
        } else {
            2
        };
        let mut backup = SeedBackup::new(
            format!("auto-{}-{}", date.replace('-', ""), instance.id),
            BeijingTime::from_unix(start).to_string(),
        )
        .backup_type("1")
        .status(status)
        .remark("")
        .locked(i64::from(status == 1))
        .backup_size((GIB + (hash >> 16) % GIB) as i64)
        .end_time(BeijingTime::from_unix(end).to_string())
        .file_type("RDB-Redis 6.2")
        .expire_time(BeijingTime::from_unix(expire).to_string())
        .encrypted(false)
        .region(instance.region.clone());
        backup.full_backup = Some(0);
        backup.instance_id = Some(instance.id.clone());
        backup.instance_name = Some(instance.name.clone());
        backup
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::seed::SeedInstance;

    /// 2026-06-01 00:00 Beijing (a Monday).
    const MONDAY: i64 = 1_780_243_200;

    fn lifecycle() -> Lifecycle {
        let seed = Seed::new().instance(
            SeedInstance::new("crs-1", "one", "ap-guangzhou").auto_backup(
                AutoBackupConfig::new(&["Monday", "Wednesday"], "02:00-03:00", 2).unwrap(),
            ),
        );
        Lifecycle::from_seed(&seed, MONDAY, 120)
    }

    #[test]
    fn backups_appear_run_finish_and_expire_with_the_clock() {
        let lc = lifecycle();
        let none = SkippedSlots::new();
        let all = Selection::default();
        assert!(lc.backups(MONDAY + 2 * 3600 - 1, &none, all).is_empty());
        let monday = lc.backups(MONDAY + 3 * 3600, &none, all);
        assert_eq!(monday.len(), 1);
        let b = &monday[0];
        assert_eq!(b.backup_id.as_deref(), Some("auto-20260601-crs-1"));
        let start = BeijingTime::parse(b.start_time.as_deref().unwrap())
            .unwrap()
            .unix();
        assert!((MONDAY + 7200..MONDAY + 7800).contains(&start));
        assert_eq!(b.status, Some(2));
        assert_eq!(lc.backups(start, &none, all)[0].status, Some(1));
        assert_eq!(lc.backups(start + 119, &none, all)[0].locked, Some(1));
        assert_eq!(lc.backups(start + 120, &none, all)[0].status, Some(2));
        // Two days of storage: expired from StartTime + 2 days.
        assert_eq!(
            lc.backups(start + 2 * DAY + 600, &none, all).len(),
            2,
            "Monday and Wednesday"
        );
        let later = lc.backups(start + 2 * DAY, &none, all);
        assert_eq!(
            lc.backups(start + 2 * DAY - 1, &none, all)[0].status,
            Some(2)
        );
        let monday_again = later
            .iter()
            .find(|b| b.backup_id.as_deref() == Some("auto-20260601-crs-1"))
            .unwrap();
        assert_eq!(monday_again.status, Some(-1));
        assert_eq!(
            monday_again.expire_time.as_deref(),
            Some(BeijingTime::from_unix(start + 2 * DAY).to_string().as_str())
        );
        // Back in time: later slots are gone again.
        assert_eq!(lc.backups(MONDAY + 3 * 3600, &none, all).len(), 1);
    }

    #[test]
    fn a_skipped_slot_yields_nothing_and_selection_filters() {
        let lc = lifecycle();
        let mut skipped = SkippedSlots::new();
        skipped.insert(("crs-1".into(), "2026-06-03".into()));
        let week = lc.backups(MONDAY + 7 * DAY, &skipped, Selection::default());
        let ids: Vec<_> = week.iter().map(|b| b.backup_id.clone().unwrap()).collect();
        assert_eq!(ids, ["auto-20260601-crs-1"]);
        let other_region = Selection {
            region: Some("ap-beijing"),
            ..Selection::default()
        };
        assert!(
            lc.backups(MONDAY + 7 * DAY, &skipped, other_region)
                .is_empty()
        );
    }

    #[test]
    fn generated_instances_are_daily() {
        let lc = Lifecycle::generated(3, MONDAY, 120);
        assert!(lc.config_for("crs-gen00003").is_some());
        assert!(lc.config_for("crs-gen00004").is_none());
        let one = Selection {
            instance_id: Some("crs-gen00002"),
            region: None,
        };
        assert_eq!(
            lc.backups(MONDAY + 3 * DAY, &SkippedSlots::new(), one)
                .len(),
            3
        );
        assert_eq!(
            lc.backups(MONDAY + 3 * DAY, &SkippedSlots::new(), Selection::default())
                .len(),
            9
        );
    }
}
