//! The `DescribeInstanceBackups` response: tolerant typed parsing of `RedisBackupSet` items with
//! each item's raw JSON kept, plus a borrowing view for speed.

use serde::{Deserialize, Serialize};

/// One backup, as `RedisBackupSet` in the API model. Every field is optional because the model
/// grew from 6 to 16 fields over the years and older servers or samples omit some.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RedisBackupSet {
    /// Backup start time, `YYYY-MM-DD HH:MM:SS` Beijing time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Backup ID (its format varies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_id: Option<String>,
    /// Backup type as the wire string: "0" manual, "1" automatic, "2" spec change, legacy names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_type: Option<String>,
    /// Backup status (1 locked by another process, 2 normal, 3 exporting, 4 exported, -1 expired, -2 deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Remark, may be empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// 0 not locked, 1 locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<i64>,
    /// Backup size in bytes (may exceed 2^32).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_size: Option<i64>,
    /// Internal field: 0 full, 1 incremental.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_backup: Option<i64>,
    /// Internal field: instance type code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<i64>,
    /// Instance ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Instance name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
    /// Region of the local backup, e.g. `ap-guangzhou`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Backup end time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Backup file type, e.g. `RDB-Redis 6.2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_type: Option<String>,
    /// Expiry time of the backup file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// Whether the backup file is encrypted (new field, may be absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
}
