//! A hand-written `Deserialize` for [`RedisBackupSet`] (and the key dispatch that the
//! borrowing view shares): the hot loop of page parsing.
//!
//! Same behaviour as the derive (missing and `null` fields are `None`, unknown fields skipped,
//! wrong types refused), but each value is stored straight into the struct instead of through
//! per-field temporaries, and keys are dispatched on their length first. A repeated key keeps
//! its last value, as `serde_json::Value` does.

use super::RedisBackupSet;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

impl<'de> Deserialize<'de> for RedisBackupSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut set = RedisBackupSet::default();
        fill_set(&mut set, deserializer)?;
        Ok(set)
    }
}

/// Deserializes one object into an existing `set` (fields present in the JSON overwrite).
pub(super) fn fill_set<'de, D: Deserializer<'de>>(
    set: &mut RedisBackupSet,
    deserializer: D,
) -> Result<(), D::Error> {
    deserializer.deserialize_map(SetVisitor(set))
}

struct SetVisitor<'s>(&'s mut RedisBackupSet);

/// Which field a key names.
pub(super) enum Field {
    StartTime,
    BackupId,
    BackupType,
    Status,
    Remark,
    Locked,
    BackupSize,
    FullBackup,
    InstanceType,
    InstanceId,
    InstanceName,
    Region,
    EndTime,
    FileType,
    ExpireTime,
    Encrypted,
    Unknown,
}

pub(super) fn field(key: &str) -> Field {
    match (key.len(), key) {
        (6, "Status") => Field::Status,
        (6, "Remark") => Field::Remark,
        (6, "Locked") => Field::Locked,
        (6, "Region") => Field::Region,
        (7, "EndTime") => Field::EndTime,
        (8, "BackupId") => Field::BackupId,
        (8, "FileType") => Field::FileType,
        (9, "StartTime") => Field::StartTime,
        (9, "Encrypted") => Field::Encrypted,
        (10, "BackupType") => Field::BackupType,
        (10, "BackupSize") => Field::BackupSize,
        (10, "FullBackup") => Field::FullBackup,
        (10, "InstanceId") => Field::InstanceId,
        (10, "ExpireTime") => Field::ExpireTime,
        (12, "InstanceType") => Field::InstanceType,
        (12, "InstanceName") => Field::InstanceName,
        _ => Field::Unknown,
    }
}

/// A map key, borrowed when the input allows.
pub(super) struct Key<'de>(pub(super) std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(v.to_owned().into()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for SetVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a RedisBackupSet object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let set = self.0;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match field(&key) {
                Field::StartTime => set.start_time = map.next_value()?,
                Field::BackupId => set.backup_id = map.next_value()?,
                Field::BackupType => set.backup_type = map.next_value()?,
                Field::Status => set.status = map.next_value()?,
                Field::Remark => set.remark = map.next_value()?,
                Field::Locked => set.locked = map.next_value()?,
                Field::BackupSize => set.backup_size = map.next_value()?,
                Field::FullBackup => set.full_backup = map.next_value()?,
                Field::InstanceType => set.instance_type = map.next_value()?,
                Field::InstanceId => set.instance_id = map.next_value()?,
                Field::InstanceName => set.instance_name = map.next_value()?,
                Field::Region => set.region = map.next_value()?,
                Field::EndTime => set.end_time = map.next_value()?,
                Field::FileType => set.file_type = map.next_value()?,
                Field::ExpireTime => set.expire_time = map.next_value()?,
                Field::Encrypted => set.encrypted = map.next_value()?,
                Field::Unknown => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}
