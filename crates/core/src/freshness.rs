//! Backup freshness: the good backups of each instance (Status 2, 3 or 4, any type) found by
//! StartTime — never by trusting the listing order — and the verdict a check gives an instance:
//! `OK`, `STALE`, `MISSING`, `MISSED` (a scheduled slot without a backup), `SKIPPED` or `ERROR`.
//!
//! Pure data and arithmetic on Unix seconds: the caller lists the backups (one region-wide
//! listing grouped by instance, or per-instance listings) and feeds every item to
//! [`GoodBackups::observe`].
//!
//! ```
//! use tcredis_core::freshness::{GoodBackups, Rules, Verdict};
//! use tcredis_core::Backup;
//!
//! let mut found = GoodBackups::new();
//! for json in [
//!     r#"{"InstanceId":"crs-a","BackupId":"b1","StartTime":"2026-06-01 02:00:00","Status":2}"#,
//!     r#"{"InstanceId":"crs-a","BackupId":"b2","StartTime":"2026-06-02 02:00:00","Status":-1}"#,
//! ] {
//!     found.observe(&Backup::from_json(json)?);
//! }
//! let now = tcredis_core::time::BeijingTime::parse("2026-06-02 12:00:00")?.unix();
//! let rules = Rules { max_age: Some(26 * 3600), ..Rules::default() };
//! let judged = rules.judge(found.get("crs-a"), now);
//! assert_eq!(judged.verdict, Verdict::Stale); // the newer backup expired; the good one is 34 h old
//! assert_eq!(judged.newest.unwrap().backup_id.as_deref(), Some("b1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt;

use crate::auto_backup::{Schedule, Slot};
use crate::response::Backup;
use crate::time::BeijingTime;

/// A check's verdict on one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Verdict {
    /// A good backup newer than `max_age` (and the last scheduled slot has one).
    Ok,
    /// Not checked: the instance is not running (initialising, isolated, being deleted).
    Skipped,
    /// The newest good backup is older than `max_age`.
    Stale,
    /// The last expected slot of the instance's schedule has no good backup started in it.
    Missed,
    /// No good backup at all within the lookback.
    Missing,
    /// The instance could not be checked (the API or the network failed).
    Error,
}

impl Verdict {
    /// The lower-case name used in reports and labels (`ok`, `stale`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Skipped => "skipped",
            Self::Stale => "stale",
            Self::Missed => "missed",
            Self::Missing => "missing",
            Self::Error => "error",
        }
    }
    /// Whether the verdict asks for attention (exit 1 outside Nagios mode).
    pub fn is_problem(self) -> bool {
        matches!(self, Self::Stale | Self::Missed | Self::Missing)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name().to_ascii_uppercase())
    }
}

/// One good backup, as a check reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GoodBackup {
    /// StartTime, Unix seconds.
    pub start: i64,
    /// `BackupId`.
    pub backup_id: Option<String>,
    /// `StartTime` as the server wrote it (Beijing time).
    pub start_time: String,
    /// `EndTime`, Unix seconds, when the server gave one.
    pub end: Option<i64>,
    /// `BackupSize`, bytes.
    pub size: Option<i64>,
}

/// The good backups of one instance: every start time (to answer "did one start in this
/// slot?") and the newest one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceBackups {
    newest: Option<GoodBackup>,
    starts: Vec<i64>,
}

impl InstanceBackups {
    /// The newest good backup by StartTime.
    pub fn newest(&self) -> Option<&GoodBackup> {
        self.newest.as_ref()
    }
    /// Whether a good backup started in `[from, to]`.
    pub fn started_between(&self, from: i64, to: i64) -> bool {
        self.starts.iter().any(|&t| t >= from && t <= to)
    }
    /// How many good backups were seen.
    pub fn count(&self) -> usize {
        self.starts.len()
    }
}

/// Good backups grouped by `InstanceId`.
#[derive(Debug, Clone, Default)]
pub struct GoodBackups {
    by_instance: HashMap<String, InstanceBackups>,
}

impl GoodBackups {
    /// Nothing seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Looks at one listed backup: kept when it is good and has an `InstanceId` and a readable
    /// `StartTime`. Returns whether it was kept.
    pub fn observe(&mut self, backup: &Backup) -> bool {
        match backup.instance_id.clone() {
            Some(id) => self.observe_for(id, backup),
            None => false,
        }
    }

    /// As [`observe`](Self::observe), for a listing known to be of `instance_id` (items without
    /// an `InstanceId` count for it).
    pub fn observe_for(&mut self, instance_id: impl Into<String>, backup: &Backup) -> bool {
        if !backup.is_good() {
            return false;
        }
        let Some(start) = parse(backup.start_time.as_deref()) else {
            return false;
        };
        let entry = self.by_instance.entry(instance_id.into()).or_default();
        entry.starts.push(start);
        if entry.newest.as_ref().is_none_or(|n| start > n.start) {
            entry.newest = Some(GoodBackup {
                start,
                backup_id: backup.backup_id.clone(),
                start_time: backup.start_time.clone().unwrap_or_default(),
                end: parse(backup.end_time.as_deref()),
                size: backup.backup_size,
            });
        }
        true
    }

    /// What was seen of `instance_id`.
    pub fn get(&self, instance_id: &str) -> Option<&InstanceBackups> {
        self.by_instance.get(instance_id)
    }

    /// Whether any good backup of `instance_id` was seen.
    pub fn has(&self, instance_id: &str) -> bool {
        self.by_instance.contains_key(instance_id)
    }
}

fn parse(time: Option<&str>) -> Option<i64> {
    BeijingTime::parse(time?).ok().map(BeijingTime::unix)
}

/// What a check expects of each instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rules {
    /// The newest good backup must be at most this old (seconds).
    pub max_age: Option<i64>,
    /// The instance's schedule and the grace after its slot end (seconds).
    pub schedule: Option<(Schedule, i64)>,
}

/// The verdict and what it was based on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// The newest good backup, if any.
    pub newest: Option<GoodBackup>,
    /// Its age at `now`, seconds.
    pub age: Option<i64>,
    /// The last slot the schedule expected a backup in, if it has one.
    pub expected_slot: Option<Slot>,
}

impl Rules {
    /// Judges an instance from its good backups (`None`: none seen) at `now`:
    /// `MISSING` without any, else `MISSED` when the last due slot has no backup started in
    /// `[slot start, slot end + grace]`, else `STALE` when older than `max_age`, else `OK`.
    pub fn judge(&self, backups: Option<&InstanceBackups>, now: i64) -> Judgement {
        let newest = backups.and_then(InstanceBackups::newest).cloned();
        let age = newest.as_ref().map(|n| now.saturating_sub(n.start));
        let expected_slot = self
            .schedule
            .and_then(|(schedule, grace)| schedule.last_due_slot(now, grace));
        let missed = match (self.schedule, expected_slot) {
            (Some((_, grace)), Some(slot)) => !backups
                .is_some_and(|b| b.started_between(slot.start, slot.end.saturating_add(grace))),
            _ => false,
        };
        let verdict = match (&newest, age) {
            (None, _) => Verdict::Missing,
            _ if missed => Verdict::Missed,
            (Some(_), Some(age)) if self.max_age.is_some_and(|max| age > max) => Verdict::Stale,
            _ => Verdict::Ok,
        };
        Judgement {
            verdict,
            newest,
            age,
            expected_slot,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(instance: &str, id: &str, start: &str, status: i64) -> Backup {
        Backup::from_json(&format!(
            r#"{{"InstanceId":"{instance}","BackupId":"{id}","StartTime":"{start}","Status":{status}}}"#
        ))
        .unwrap()
    }

    fn at(t: &str) -> i64 {
        BeijingTime::parse(t).unwrap().unix()
    }

    #[test]
    fn newest_is_by_start_time_not_listing_order() {
        let mut seen = GoodBackups::new();
        for b in [
            backup("crs-a", "old", "2026-06-01 02:00:00", 2),
            backup("crs-a", "new", "2026-06-03 02:00:00", 4),
            backup("crs-a", "mid", "2026-06-02 02:00:00", 3),
            backup("crs-a", "running", "2026-06-04 02:00:00", 1),
        ] {
            seen.observe(&b);
        }
        let a = seen.get("crs-a").unwrap();
        assert_eq!(a.newest().unwrap().backup_id.as_deref(), Some("new"));
        assert_eq!(a.count(), 3, "the running backup is not good");
    }

    #[test]
    fn verdicts_follow_their_precedence() {
        let schedule = Schedule::parse(
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
        )
        .unwrap();
        let rules = Rules {
            max_age: Some(26 * 3600),
            schedule: Some((schedule, 2 * 3600)),
        };
        let now = at("2026-06-03 12:00:00");
        let mut seen = GoodBackups::new();
        seen.observe(&backup("fresh", "f", "2026-06-03 02:04:00", 2));
        seen.observe(&backup("skipped-night", "s", "2026-06-02 02:04:00", 2));
        seen.observe(&backup("late", "l", "2026-06-03 06:00:00", 2));
        seen.observe(&backup("old", "o", "2026-05-20 02:04:00", 2));
        let verdict = |id: &str| rules.judge(seen.get(id), now).verdict;
        assert_eq!(verdict("fresh"), Verdict::Ok);
        assert_eq!(
            verdict("skipped-night"),
            Verdict::Missed,
            "last night's slot is empty"
        );
        assert_eq!(
            verdict("late"),
            Verdict::Missed,
            "started after slot end + grace"
        );
        assert_eq!(verdict("old"), Verdict::Missed, "missed wins over stale");
        assert_eq!(verdict("none"), Verdict::Missing);
        let age_only = Rules {
            max_age: Some(26 * 3600),
            schedule: None,
        };
        assert_eq!(
            age_only.judge(seen.get("skipped-night"), now).verdict,
            Verdict::Stale
        );
        assert_eq!(age_only.judge(seen.get("old"), now).verdict, Verdict::Stale);
        assert_eq!(age_only.judge(seen.get("late"), now).verdict, Verdict::Ok);
    }
}
