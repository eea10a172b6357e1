//! The seed format (`{"instances": [{"InstanceId", "InstanceName", "Region", "Backups": [...]}]}`),
//! parsed with the JSON path of any wrongly typed field, and built from code.

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};
use tcredis_core::response::{Field, FieldKind, RedisBackupSet};

use super::auto_backup::{self, AutoBackupConfig};
use super::backup::SeedBackup;

/// Data to serve: instances, each with its backups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seed {
    pub(crate) instances: Vec<SeedInstance>,
}

/// One Redis instance and its backups.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedInstance {
    pub(crate) instance_id: String,
    pub(crate) instance_name: String,
    pub(crate) region: String,
    pub(crate) backups: Vec<SeedBackup>,
    /// The backup schedule (`AutoBackupConfig`), if any: it drives the backup lifecycle.
    pub(crate) auto_backup: Option<AutoBackupConfig>,
}

impl SeedInstance {
    /// An instance with no backups yet.
    pub fn new(
        instance_id: impl Into<String>,
        instance_name: impl Into<String>,
        region: impl Into<String>,
    ) -> Self {
        Self {
            instance_id: instance_id.into(),
            instance_name: instance_name.into(),
            region: region.into(),
            backups: Vec::new(),
            auto_backup: None,
        }
    }
    /// Adds a backup; InstanceId, InstanceName and Region are inherited when the backup has none.
    pub fn backup(mut self, backup: SeedBackup) -> Self {
        self.backups.push(backup);
        self
    }
    /// The instance ID.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }
    /// The instance name.
    pub fn instance_name(&self) -> &str {
        &self.instance_name
    }
    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The backups as given.
    pub fn backups(&self) -> &[SeedBackup] {
        &self.backups
    }
    /// Gives the instance a backup schedule (its `DescribeAutoBackupConfig` answer); the
    /// mock clock then adds a backup for each scheduled slot it passes.
    pub fn auto_backup(mut self, config: AutoBackupConfig) -> Self {
        self.auto_backup = Some(config);
        self
    }
    /// The backup schedule, if any.
    pub fn auto_backup_config(&self) -> Option<&AutoBackupConfig> {
        self.auto_backup.as_ref()
    }
}

/// A seed that could not be read: what was wrong and where (a JSON path such as
/// `instances[0].Backups[2].Status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    path: String,
    problem: String,
}

impl SeedError {
    pub(crate) fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            problem: problem.into(),
        }
    }
    /// The JSON path of the offending field (`$` for the document itself).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seed {}: {}", self.path, self.problem)
    }
}

impl std::error::Error for SeedError {}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a fractional number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn want_str<'v>(value: &'v Value, path: &str) -> Result<&'v str, SeedError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(SeedError::new(
            path,
            format!("expected a string, found {}", type_name(other)),
        )),
    }
}

fn want_integer(value: &Value, path: &str) -> Result<i64, SeedError> {
    value.as_i64().ok_or_else(|| {
        SeedError::new(
            path,
            format!(
                "expected an integer (a JSON number), found {}",
                type_name(value)
            ),
        )
    })
}

fn want_bool(value: &Value, path: &str) -> Result<bool, SeedError> {
    value.as_bool().ok_or_else(|| {
        SeedError::new(
            path,
            format!("expected true or false, found {}", type_name(value)),
        )
    })
}

impl Seed {
    /// An empty seed.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an instance.
    pub fn instance(mut self, instance: SeedInstance) -> Self {
        self.instances.push(instance);
        self
    }
    /// The instances.
    pub fn instances(&self) -> &[SeedInstance] {
        &self.instances
    }

    /// Reads the seed format; a wrong type is refused with the path of the field.
    pub fn from_json(bytes: &[u8]) -> Result<Self, SeedError> {
        let document: Value = serde_json::from_slice(bytes)
            .map_err(|e| SeedError::new("$", format!("not valid JSON: {e}")))?;
        let Value::Object(root) = document else {
            return Err(SeedError::new(
                "$",
                format!(
                    "expected an object with an \"instances\" array, found {}",
                    type_name(&document)
                ),
            ));
        };
        let instances = match root.get("instances") {
            None => {
                return Err(SeedError::new(
                    "instances",
                    "missing: the seed needs an \"instances\" array",
                ));
            }
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(SeedError::new(
                    "instances",
                    format!("expected an array, found {}", type_name(other)),
                ));
            }
        };
        let mut seed = Seed::new();
        for (i, item) in instances.iter().enumerate() {
            seed.instances
                .push(parse_instance(item, &format!("instances[{i}]"))?);
        }
        Ok(seed)
    }
}

fn parse_instance(value: &Value, path: &str) -> Result<SeedInstance, SeedError> {
    let Value::Object(object) = value else {
        return Err(SeedError::new(
            path,
            format!("expected an object, found {}", type_name(value)),
        ));
    };
    let required = |key: &str| -> Result<String, SeedError> {
        match object.get(key) {
            Some(value) => want_str(value, &format!("{path}.{key}")).map(str::to_owned),
            None => Err(SeedError::new(
                format!("{path}.{key}"),
                "missing (InstanceId, InstanceName and Region are required)",
            )),
        }
    };
    let mut instance = SeedInstance::new(
        required("InstanceId")?,
        required("InstanceName")?,
        required("Region")?,
    );
    instance.auto_backup =
        auto_backup::parse(object, path).map_err(|e| SeedError::new(e.path, e.problem))?;
    match object.get("Backups") {
        None | Some(Value::Null) => {}
        Some(Value::Array(backups)) => {
            for (j, backup) in backups.iter().enumerate() {
                instance
                    .backups
                    .push(parse_backup(backup, &format!("{path}.Backups[{j}]"))?);
            }
        }
        Some(other) => {
            return Err(SeedError::new(
                format!("{path}.Backups"),
                format!("expected an array, found {}", type_name(other)),
            ));
        }
    }
    Ok(instance)
}

/// Parses one `RedisBackupSet` object; `null` values count as absent. Each known field's
/// JSON type is checked first (so a wrong one names its path); core's deserializer then reads
/// the model's fields, and the others are kept as given.
pub(crate) fn parse_backup(value: &Value, path: &str) -> Result<SeedBackup, SeedError> {
    let Value::Object(object) = value else {
        return Err(SeedError::new(
            path,
            format!("expected an object, found {}", type_name(value)),
        ));
    };
    let mut extra = Map::new();
    for (key, value) in object {
        if value.is_null() {
            continue;
        }
        let p = || format!("{path}.{key}");
        match Field::from_name(key).map(Field::kind) {
            Some(FieldKind::Text) => want_str(value, &p()).map(drop)?,
            Some(FieldKind::Integer) => want_integer(value, &p()).map(drop)?,
            Some(FieldKind::Boolean) => want_bool(value, &p()).map(drop)?,
            // A kind added to the model later: core's deserializer below still checks it.
            Some(_) => {}
            None => {
                extra.insert(key.clone(), value.clone());
            }
        }
    }
    let fields = RedisBackupSet::deserialize(value)
        .map_err(|e| SeedError::new(path, format!("not a backup: {e}")))?;
    Ok(SeedBackup { fields, extra })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_types_name_the_field_path() {
        let err = Seed::from_json(br#"{"instances":[{"InstanceId":"crs-1","InstanceName":"a","Region":"ap-guangzhou","Backups":[{"BackupId":"b","Status":"2"}]}]}"#)
            .unwrap_err();
        assert_eq!(err.path(), "instances[0].Backups[0].Status");
        assert!(err.to_string().contains("expected an integer"), "{err}");

        let err = Seed::from_json(br#"{"instances":[{"InstanceId":7}]}"#).unwrap_err();
        assert_eq!(err.path(), "instances[0].InstanceId");
        let err = Seed::from_json(br#"{"instances":{}}"#).unwrap_err();
        assert_eq!(err.path(), "instances");
        let err = Seed::from_json(b"[1]").unwrap_err();
        assert_eq!(err.path(), "$");
        let err = Seed::from_json(br#"{"instances":[{"InstanceId":"x","InstanceName":"y","Region":"ap-guangzhou","Backups":[{"Encrypted":"no"}]}]}"#).unwrap_err();
        assert_eq!(err.path(), "instances[0].Backups[0].Encrypted");
        let err = Seed::from_json(br#"{"instances":[{"InstanceId":"x","InstanceName":"y","Region":"ap-guangzhou","Backups":[{"Remark":5}]}]}"#).unwrap_err();
        assert_eq!(err.path(), "instances[0].Backups[0].Remark");
        assert!(err.to_string().contains("expected a string"), "{err}");
    }

    #[test]
    fn unknown_fields_are_kept_and_other_top_level_keys_ignored() {
        let seed = Seed::from_json(
            br#"{"comment":"x","instances":[{"InstanceId":"crs-1","InstanceName":"n","Region":"ap-guangzhou","Backups":[{"BackupId":"b","NewField":{"a":1},"Remark":null}]}]}"#,
        )
        .unwrap();
        let backup = &seed.instances()[0].backups()[0];
        assert_eq!(
            backup.extra.get("NewField"),
            Some(&serde_json::json!({"a": 1}))
        );
        assert_eq!(backup.remark, None);
    }
}
