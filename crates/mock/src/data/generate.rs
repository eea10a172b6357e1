//! `--generate N[:INSTANCES]`: N deterministic backups over I instances computed from their index,
//! so a million-backup set costs a few bytes of memory and pages are served in O(page) when only
//! InstanceId, region and time window filter it.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::backup::SeedBackup;
use tcredis_core::time::BeijingTime;

/// How many of the newest generated backups are kept once computed (they are deterministic, and
/// the newest pages are the ones served over and over); older ones are computed per request.
const CACHED_NEWEST: u64 = 2048;

/// The newest backups, each computed on first use.
#[derive(Clone, Default)]
struct NewestCache(Arc<[OnceLock<SeedBackup>]>);

impl fmt::Debug for NewestCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewestCache({} slots)", self.0.len())
    }
}

/// Seconds between consecutive generated backups.
const STEP: i64 = 60;
/// The region of every generated instance.
pub(crate) const GENERATED_REGION: &str = "ap-guangzhou";

/// A generated set: backup `i` (0-based, `i < count`) belongs to instance `i % instances`
/// and starts at `first_start + i * 60 s`, so listing order is index order reversed.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    count: u64,
    instances: u64,
    first_start: i64,
    newest: NewestCache,
}

impl Generated {
    /// `count` backups over `instances` instances (at least one), the newest starting at the
    /// minute of `anchor`.
    pub(crate) fn new(count: u64, instances: u64, anchor: i64) -> Self {
        let newest = anchor.div_euclid(STEP) * STEP;
        let span = i64::try_from(count.saturating_sub(1))
            .unwrap_or(i64::MAX / 2)
            .saturating_mul(STEP);
        Self {
            count,
            instances: instances.max(1),
            first_start: newest - span,
            newest: NewestCache(
                (0..count.min(CACHED_NEWEST))
                    .map(|_| OnceLock::new())
                    .collect(),
            ),
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    pub(crate) fn instance_count(&self) -> u64 {
        self.instances
    }

    /// `crs-gen00001` for instance index 0.
    pub(crate) fn instance_id(k: u64) -> String {
        format!("crs-gen{:05}", k + 1)
    }

    pub(crate) fn instance_name(k: u64) -> String {
        format!("gen-instance-{:05}", k + 1)
    }

    /// The instance index of an instance ID, if it is one of this set's.
    pub(crate) fn instance_index(&self, id: &str) -> Option<u64> {
        let digits = id.strip_prefix("crs-gen")?;
        if digits.len() < 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u64 = digits.parse().ok()?;
        (number >= 1 && number <= self.instances && Self::instance_id(number - 1) == id)
            .then(|| number - 1)
    }

    pub(crate) fn start_of(&self, i: u64) -> i64 {
        self.first_start + (i as i64) * STEP
    }

    /// The smallest index starting at or after `unix` (may be `count`).
    pub(crate) fn first_at_or_after(&self, unix: i64) -> u64 {
        if unix <= self.first_start {
            return 0;
        }
        let steps = (unix - self.first_start + STEP - 1) / STEP;
        (steps as u64).min(self.count)
    }

    /// The largest index starting at or before `unix`, if any.
    pub(crate) fn last_at_or_before(&self, unix: i64) -> Option<u64> {
        if unix < self.first_start || self.count == 0 {
            return None;
        }
        let steps = ((unix - self.first_start) / STEP) as u64;
        Some(steps.min(self.count - 1))
    }

    pub(crate) fn status_of(&self, i: u64) -> i64 {
        if i + 1 == self.count {
            return 1;
        }
        match i % 50 {
            0 => -1,
            1 => 4,
            2 => 3,
            3 => -2,
            _ => 2,
        }
    }

    /// Backup `i`: borrowed from the cache of the newest ones, or computed.
    pub(crate) fn item_cow(&self, i: u64) -> Cow<'_, SeedBackup> {
        let slots = &self.newest.0;
        match self
            .count
            .checked_sub(1 + i)
            .and_then(|back| usize::try_from(back).ok())
            .and_then(|back| slots.get(back))
        {
            Some(slot) => Cow::Borrowed(slot.get_or_init(|| self.item(i))),
            None => Cow::Owned(self.item(i)),
        }
    }

    /// Backup `i`, computed.
    pub(crate) fn item(&self, i: u64) -> SeedBackup {
        let k = i % self.instances;
        let start = self.start_of(i);
        let status = self.status_of(i);
        let backup_type = if i.is_multiple_of(29) {
            "2"
        } else if i.is_multiple_of(7) {
            "0"
        } else {
            "1"
        };
        let size = (i.wrapping_mul(2_654_435_761) % 6_000_000_000 + 1024) as i64;
        let mut backup = SeedBackup::new(
            format!("{:010}-gen-{:05}", i, k + 1),
            BeijingTime::from_unix(start).to_string(),
        )
        .backup_type(backup_type)
        .status(status)
        .remark(if backup_type == "0" {
            "generated manual backup"
        } else {
            ""
        })
        .locked(i64::from(status == 1))
        .backup_size(size)
        .end_time(BeijingTime::from_unix(start + 30 + (i % 25) as i64).to_string())
        .file_type("RDB-Redis 6.2")
        .expire_time(BeijingTime::from_unix(start + 7 * 86_400).to_string())
        .encrypted(false)
        .region(GENERATED_REGION);
        backup.full_backup = Some(0);
        backup.instance_type = Some(16);
        backup.instance_id = Some(Self::instance_id(k));
        backup.instance_name = Some(Self::instance_name(k));
        backup
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_arithmetic_is_consistent() {
        let g = Generated::new(1_000, 3, 1_780_000_030);
        assert_eq!(g.start_of(999), 1_780_000_020);
        assert_eq!(g.first_at_or_after(g.start_of(10)), 10);
        assert_eq!(g.first_at_or_after(g.start_of(10) + 1), 11);
        assert_eq!(g.last_at_or_before(g.start_of(10) + 59), Some(10));
        assert_eq!(g.last_at_or_before(g.start_of(0) - 1), None);
        assert_eq!(g.instance_index("crs-gen00003"), Some(2));
        assert_eq!(g.instance_index("crs-gen00004"), None);
        assert_eq!(g.instance_index("crs-gen3"), None);
        assert_eq!(g.item(5).instance_id.as_deref(), Some("crs-gen00003"));
    }
}
