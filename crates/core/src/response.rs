//! The `DescribeInstanceBackups` response: tolerant typed parsing of `RedisBackupSet` items with
//! each item's raw JSON kept, plus a borrowing view for speed.
//!
//! Parsing never looks at the Content-Type: the bytes decide. `Response.Error` becomes
//! [`ResponseError::Api`]; anything else that is not a well-formed answer becomes
//! [`ResponseError::Malformed`] with the place that was wrong.
//!
//! ```
//! use tcredis_core::response::{parse_response, BackupStatus, BackupType};
//!
//! let body = br#"{"Response":{"BackupSet":[{"BackupId":"165706342-5832225-1641692389",
//!     "BackupType":"1","Status":2,"StartTime":"2026-06-01 02:00:48","NewField":[1]}],
//!     "TotalCount":6,"RequestId":"66bb2e15-b864-46ea-894d-529885087fb8"}}"#;
//! let page = parse_response(body)?;
//! assert_eq!(page.total_count, 6);
//! let backup = &page.backup_set[0];
//! assert_eq!(backup.backup_id.as_deref(), Some("165706342-5832225-1641692389"));
//! assert_eq!(backup.parsed_backup_type(), Some(BackupType::Automatic));
//! assert_eq!(backup.parsed_status(), Some(BackupStatus::Ok));
//! assert!(backup.raw_json().contains("\"NewField\":[1]")); // unknown fields kept in the raw JSON
//! # Ok::<(), tcredis_core::error::ResponseError>(())
//! ```

mod de;
mod envelope;
mod fast;
mod kinds;
mod owned;
mod view;

pub use crate::error::{MalformedKind, MalformedResponse, ResponseError};
pub use backup::Backup;
pub use borrowed::{BackupView, PageView, parse_response_borrowed};
pub use kinds::{BackupStatus, BackupType, StatusParseError};
pub use parse::parse_response;

use serde::Serialize;

/// One backup, as `RedisBackupSet` in the API model. Every field is optional because the model
/// grew from 6 to 16 fields over the years and older servers or samples omit some; `null` is
/// read as absent and unknown fields are ignored (they stay in [`Backup::raw_json`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
    /// See [`RedisBackupSet::parsed_backup_type`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_type: Option<String>,
    /// Backup status (1 locked by another process, 2 normal, 3 exporting, 4 exported, -1 expired, -2 deleted).
    /// See [`RedisBackupSet::parsed_status`].
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

/// The 16 `RedisBackupSet` field names in model order (CSV header order).
pub const FIELD_NAMES: [&str; 16] = [
    "StartTime",
    "BackupId",
    "BackupType",
    "Status",
    "Remark",
    "Locked",
    "BackupSize",
    "FullBackup",
    "InstanceType",
    "InstanceId",
    "InstanceName",
    "Region",
    "EndTime",
    "FileType",
    "ExpireTime",
    "Encrypted",
];

impl RedisBackupSet {
    /// `BackupType` as an enum.
    pub fn parsed_backup_type(&self) -> Option<BackupType> {
        self.backup_type.as_deref().map(BackupType::from_wire)
    }
    /// `Status` as an enum.
    pub fn parsed_status(&self) -> Option<BackupStatus> {
        self.status.map(BackupStatus::from_code)
    }
    /// Whether this is a usable backup (Status 2, 3 or 4).
    pub fn is_good(&self) -> bool {
        self.parsed_status().is_some_and(BackupStatus::is_good)
    }
}

/// One page of `DescribeInstanceBackups`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeInstanceBackupsResponse {
    /// How many backups match the query in total (not the page size).
    pub total_count: u64,
    /// The backups of this page, in server order (also read from the legacy `RedisBackupSet` key).
    pub backup_set: Vec<Backup>,
    /// The RequestId, empty only if the server omitted it.
    pub request_id: String,
}

impl DescribeInstanceBackupsResponse {
    /// Builds a page (for mocks and tests).
    pub fn new(total_count: u64, backup_set: Vec<Backup>, request_id: impl Into<String>) -> Self {
        Self {
            total_count,
            backup_set,
            request_id: request_id.into(),
        }
    }

    /// The page as the API sends it: `{"Response":{"TotalCount":..,"BackupSet":[..],"RequestId":".."}}`,
    /// compact, each item's raw JSON unchanged.
    pub fn to_envelope_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            64 + self
                .backup_set
                .iter()
                .map(|b| b.raw_json().len() + 1)
                .sum::<usize>(),
        );
        out.extend_from_slice(b"{\"Response\":");
        // Serialising strings and raw values into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, self);
        out.push(b'}');
        out
    }
}

impl Serialize for DescribeInstanceBackupsResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("DescribeInstanceBackupsResponse", 3)?;
        s.serialize_field("TotalCount", &self.total_count)?;
        s.serialize_field("BackupSet", &self.backup_set)?;
        s.serialize_field("RequestId", &self.request_id)?;
        s.end()
    }
}
