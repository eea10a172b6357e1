//! One backup as the CLI handles it: core's [`Backup`], the server's raw JSON object (passed
//! through unchanged to json/ndjson/--query) together with the typed view the table, csv and
//! checks read; plus the csv field list and cell rendering.

pub use tcredis_core::response::Backup;

/// The 16 `RedisBackupSet` field names in model order (the csv/tsv header).
pub use tcredis_core::response::FIELD_NAMES as FIELDS;

/// The raw object of a backup parsed as a JSON value (for cells and queries).
pub fn value(backup: &Backup) -> serde_json::Value {
    serde_json::from_str(backup.raw_json()).unwrap_or(serde_json::Value::Null)
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
