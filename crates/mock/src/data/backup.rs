//! One stored backup: core's [`RedisBackupSet`] (the one backup model, serialized by core in
//! the official model's field order) plus the fields a seed gave that the model does not know,
//! served after the known ones.

use std::ops::{Deref, DerefMut};

use serde::Serialize;
use serde_json::{Map, Value};
use tcredis_core::response::RedisBackupSet;

/// A backup as the mock stores and serves it. Every field is optional, as in the API model;
/// fields the model does not know (from a seed file) are kept in `extra` and served as given.
/// The model's fields are reachable directly (`backup.status`) through `Deref`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SeedBackup {
    /// The model's fields. `StartTime` orders the listing (ties on `BackupId`, descending,
    /// byte order); `InstanceId`, `InstanceName` and `Region` are inherited from the seed
    /// instance when absent.
    #[serde(flatten)]
    pub fields: RedisBackupSet,
    /// Fields the model does not know, served unchanged after the known ones.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SeedBackup {
    /// A backup with its ID and start time; set the other fields with the chainable setters.
    pub fn new(backup_id: impl Into<String>, start_time: impl Into<String>) -> Self {
        let mut backup = Self::default();
        backup.fields.backup_id = Some(backup_id.into());
        backup.fields.start_time = Some(start_time.into());
        backup
    }
    /// Sets `Status`.
    pub fn status(mut self, status: i64) -> Self {
        self.fields.status = Some(status);
        self
    }
    /// Sets `BackupType` ("0" manual, "1" automatic, "2" spec change).
    pub fn backup_type(mut self, backup_type: impl Into<String>) -> Self {
        self.fields.backup_type = Some(backup_type.into());
        self
    }
    /// Sets `Remark`.
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.fields.remark = Some(remark.into());
        self
    }
    /// Sets `BackupSize`.
    pub fn backup_size(mut self, bytes: i64) -> Self {
        self.fields.backup_size = Some(bytes);
        self
    }
    /// Sets `EndTime`.
    pub fn end_time(mut self, end_time: impl Into<String>) -> Self {
        self.fields.end_time = Some(end_time.into());
        self
    }
    /// Sets `ExpireTime`.
    pub fn expire_time(mut self, expire_time: impl Into<String>) -> Self {
        self.fields.expire_time = Some(expire_time.into());
        self
    }
    /// Sets `Locked`.
    pub fn locked(mut self, locked: i64) -> Self {
        self.fields.locked = Some(locked);
        self
    }
    /// Sets `FileType`.
    pub fn file_type(mut self, file_type: impl Into<String>) -> Self {
        self.fields.file_type = Some(file_type.into());
        self
    }
    /// Sets `Encrypted`.
    pub fn encrypted(mut self, encrypted: bool) -> Self {
        self.fields.encrypted = Some(encrypted);
        self
    }
    /// Sets `Region` (otherwise inherited from the instance).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.fields.region = Some(region.into());
        self
    }
    /// Adds a field the model does not know; it is served unchanged.
    pub fn extra_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    pub(crate) fn start_key(&self) -> &str {
        self.fields.start_time.as_deref().unwrap_or("")
    }
    pub(crate) fn id_key(&self) -> &str {
        self.fields.backup_id.as_deref().unwrap_or("")
    }
}

impl Deref for SeedBackup {
    type Target = RedisBackupSet;
    fn deref(&self) -> &RedisBackupSet {
        &self.fields
    }
}

impl DerefMut for SeedBackup {
    fn deref_mut(&mut self) -> &mut RedisBackupSet {
        &mut self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_model_order_then_unknown_fields() {
        let mut backup = SeedBackup::new("b-1", "2026-06-01 02:00:00")
            .encrypted(true)
            .status(2)
            .extra_field("NewField", serde_json::json!({"a": [1]}))
            .extra_field("Another", Value::Null);
        backup.instance_id = Some("crs-1".into());
        assert_eq!(
            serde_json::to_string(&backup).unwrap(),
            r#"{"StartTime":"2026-06-01 02:00:00","BackupId":"b-1","Status":2,"InstanceId":"crs-1","Encrypted":true,"Another":null,"NewField":{"a":[1]}}"#
        );
    }
}
