//! One backup as the CLI handles it: the server's raw JSON object (passed through unchanged to
//! json/ndjson/--query) together with the typed view the table, csv and checks read.

use tcredis_core::response::RedisBackupSet;

/// The 16 `RedisBackupSet` field names in model order (the csv/tsv header).
pub const FIELDS: [&str; 16] = [
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

/// A backup: raw JSON text plus its typed view.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    raw: Box<str>,
    fields: RedisBackupSet,
}

impl Backup {
    /// Pairs the server's raw JSON object with its typed view.
    pub fn new(raw: impl Into<Box<str>>, fields: RedisBackupSet) -> Self {
        Self {
            raw: raw.into(),
            fields,
        }
    }

    /// The raw JSON object exactly as the server sent it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The typed view (every field optional).
    pub fn fields(&self) -> &RedisBackupSet {
        &self.fields
    }

    /// The raw object parsed as a JSON value (for cells and queries).
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.raw).unwrap_or(serde_json::Value::Null)
    }
}

/// The text of one cell: strings as they are, numbers and booleans as JSON spells them, absent
/// or null as empty, nested values as compact JSON.
pub fn cell_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
