//! The seed format (`{"instances": [{"InstanceId", "InstanceName", "Region", "Backups": [...]}]}`),
//! parsed with the JSON path of any wrongly typed field, and built from code.

use serde::Deserialize;
use serde_json::{Map, Value};
use tcredis_core::response::{Field, FieldKind, RedisBackupSet};

use super::auto_backup::{self, AutoBackupConfig};
use super::backup::SeedBackup;
use super::instance_fields::{self, InstanceFields};
pub use super::seed_error::SeedError;

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
    /// `DescribeInstances` fields under their API names (`Status`, `ZoneId`, `InstanceTags`, ...).
    pub(crate) fields: InstanceFields,
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
            fields: InstanceFields::default(),
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
    /// The `DescribeInstances` (`InstanceSet`) fields as given.
    pub fn fields(&self) -> &InstanceFields {
        &self.fields
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
    /// The instance's `Status` (2, running, unless the seed says otherwise).
    pub fn status(&self) -> i64 {
        self.fields.status()
    }
    /// Sets one `InstanceSet` field by its API name (e.g. `Status`, `ZoneId`, `ProjectId`).
    pub fn field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.fields.set(name, value);
        self
    }
    /// Adds a resource tag (`InstanceTags`).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let tag = serde_json::json!({"TagKey": key.into(), "TagValue": value.into()});
        let mut tags = match self.fields.0.remove("InstanceTags") {
            Some(Value::Array(tags)) => tags,
            _ => Vec::new(),
        };
        tags.push(tag);
        self.fields.set("InstanceTags", Value::Array(tags));
        self
    }
}

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
    let (id, name, region) = (
        required("InstanceId")?,
        required("InstanceName")?,
        required("Region")?,
    );
    known_region(&region, &format!("{path}.Region"))?;
    let mut instance = SeedInstance::new(id, name, region);
    instance.fields = instance_fields::parse(object, path)?;
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
    if let Some(region) = &fields.region {
        known_region(region, &format!("{path}.Region"))?;
    }
    if let Some(start) = &fields.start_time
        && tcredis_core::time::BeijingTime::parse(start).is_err()
    {
        return Err(SeedError::new(
            format!("{path}.StartTime"),
            format!("{start:?} is not a Beijing time YYYY-MM-DD HH:MM:SS (listing order needs it)"),
        ));
    }
    Ok(SeedBackup { fields, extra })
}

/// A region the mock serves (else every request for it would be `UnsupportedRegion`).
fn known_region(region: &str, path: &str) -> Result<(), SeedError> {
    if tcredis_core::endpoint::is_known_region(region) {
        Ok(())
    } else {
        Err(SeedError::new(
            path,
            format!("{region:?} is not a region the mock knows (see docs/mock.md, Data)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_regions_and_unreadable_start_times_name_their_path() {
        let err = Seed::from_json(br#"{"instances":[{"InstanceId":"crs-1","InstanceName":"a","Region":"ap-nowhere","Backups":[]}]}"#).unwrap_err();
        assert_eq!(err.path(), "instances[0].Region");
        let err = Seed::from_json(br#"{"instances":[{"InstanceId":"crs-1","InstanceName":"a","Region":"ap-guangzhou","Backups":[{"BackupId":"b","StartTime":"yesterday"}]}]}"#).unwrap_err();
        assert_eq!(err.path(), "instances[0].Backups[0].StartTime");
        assert!(err.to_string().contains("YYYY-MM-DD HH:MM:SS"), "{err}");
        let err = Seed::from_json(br#"{"instances":[{"InstanceId":"crs-1","InstanceName":"a","Region":"ap-guangzhou","Backups":[{"BackupId":"b","Region":"mars-1"}]}]}"#).unwrap_err();
        assert_eq!(err.path(), "instances[0].Backups[0].Region");
    }

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
