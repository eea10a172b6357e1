//! One stored backup (`RedisBackupSet`) and its JSON form in the official model's field order,
//! unknown fields from a seed passed through after the known ones.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// A backup as the mock stores and serves it. Every field is optional, as in the API model;
/// fields the model does not know (from a seed file) are kept in `extra` and served as given.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SeedBackup {
    /// `StartTime`, `YYYY-MM-DD HH:MM:SS` Beijing time; the listing is ordered on it.
    pub start_time: Option<String>,
    /// `BackupId`; ties on StartTime are ordered on it (descending, byte order).
    pub backup_id: Option<String>,
    /// `BackupType`, a string: "0" manual, "1" automatic, "2" spec change.
    pub backup_type: Option<String>,
    /// `Status`: 1 running/locked, 2 normal, 3 exporting, 4 exported, -1 expired, -2 deleted.
    pub status: Option<i64>,
    /// `Remark`.
    pub remark: Option<String>,
    /// `Locked`: 0 or 1.
    pub locked: Option<i64>,
    /// `BackupSize` in bytes (may exceed 2^32).
    pub backup_size: Option<i64>,
    /// `FullBackup`.
    pub full_backup: Option<i64>,
    /// `InstanceType`.
    pub instance_type: Option<i64>,
    /// `InstanceId` (inherited from the seed instance when absent).
    pub instance_id: Option<String>,
    /// `InstanceName` (inherited when absent).
    pub instance_name: Option<String>,
    /// `Region` (inherited when absent).
    pub region: Option<String>,
    /// `EndTime`.
    pub end_time: Option<String>,
    /// `FileType`, e.g. `RDB-Redis 6.2`.
    pub file_type: Option<String>,
    /// `ExpireTime`.
    pub expire_time: Option<String>,
    /// `Encrypted`.
    pub encrypted: Option<bool>,
    /// Fields the model does not know, served unchanged after the known ones.
    pub extra: Map<String, Value>,
}

impl SeedBackup {
    /// A backup with its ID and start time; set the other fields with the chainable setters.
    pub fn new(backup_id: impl Into<String>, start_time: impl Into<String>) -> Self {
        Self {
            backup_id: Some(backup_id.into()),
            start_time: Some(start_time.into()),
            ..Self::default()
        }
    }
    /// Sets `Status`.
    pub fn status(mut self, status: i64) -> Self {
        self.status = Some(status);
        self
    }
    /// Sets `BackupType` ("0" manual, "1" automatic, "2" spec change).
    pub fn backup_type(mut self, backup_type: impl Into<String>) -> Self {
        self.backup_type = Some(backup_type.into());
        self
    }
    /// Sets `Remark`.
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }
    /// Sets `BackupSize`.
    pub fn backup_size(mut self, bytes: i64) -> Self {
        self.backup_size = Some(bytes);
        self
    }
    /// Sets `EndTime`.
    pub fn end_time(mut self, end_time: impl Into<String>) -> Self {
        self.end_time = Some(end_time.into());
        self
    }
    /// Sets `ExpireTime`.
    pub fn expire_time(mut self, expire_time: impl Into<String>) -> Self {
        self.expire_time = Some(expire_time.into());
        self
    }
    /// Sets `Locked`.
    pub fn locked(mut self, locked: i64) -> Self {
        self.locked = Some(locked);
        self
    }
    /// Sets `FileType`.
    pub fn file_type(mut self, file_type: impl Into<String>) -> Self {
        self.file_type = Some(file_type.into());
        self
    }
    /// Sets `Encrypted`.
    pub fn encrypted(mut self, encrypted: bool) -> Self {
        self.encrypted = Some(encrypted);
        self
    }
    /// Sets `Region` (otherwise inherited from the instance).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    /// Adds a field the model does not know; it is served unchanged.
    pub fn extra_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    pub(crate) fn start_key(&self) -> &str {
        self.start_time.as_deref().unwrap_or("")
    }
    pub(crate) fn id_key(&self) -> &str {
        self.backup_id.as_deref().unwrap_or("")
    }
}

impl Serialize for SeedBackup {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        macro_rules! field {
            ($name:literal, $value:expr) => {
                if let Some(value) = &$value {
                    map.serialize_entry($name, value)?;
                }
            };
        }
        field!("StartTime", self.start_time);
        field!("BackupId", self.backup_id);
        field!("BackupType", self.backup_type);
        field!("Status", self.status);
        field!("Remark", self.remark);
        field!("Locked", self.locked);
        field!("BackupSize", self.backup_size);
        field!("FullBackup", self.full_backup);
        field!("InstanceType", self.instance_type);
        field!("InstanceId", self.instance_id);
        field!("InstanceName", self.instance_name);
        field!("Region", self.region);
        field!("EndTime", self.end_time);
        field!("FileType", self.file_type);
        field!("ExpireTime", self.expire_time);
        field!("Encrypted", self.encrypted);
        for (name, value) in &self.extra {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
