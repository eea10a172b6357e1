//! The `DescribeInstances` (`InstanceSet`) fields a seed instance may carry under their API
//! names, checked for type at start (the error names the field's path), and the `InstanceSet`
//! item the mock serves for an instance: `InstanceName`, `InstanceId`, `Region`, `Status`
//! (default 2) first, then every other seeded field in name order.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::seed_error::SeedError;

/// Keys of a seed instance object that are not `InstanceSet` fields: the instance's identity
/// (served from the instance itself), its backups, and its backup schedule (the
/// `DescribeAutoBackupConfig` answer).
const NOT_INSTANCE_FIELDS: &[&str] = &[
    "InstanceId",
    "InstanceName",
    "Region",
    "Backups",
    "AutoBackupConfig",
];

/// An instance's `Status` when the seed gives none: 2, running.
pub const DEFAULT_STATUS: i64 = 2;

/// The `InstanceSet` fields of one seed instance, by API name (values as given).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstanceFields(pub(crate) Map<String, Value>);

impl InstanceFields {
    /// `Status`, or 2 (running) when the seed gives none.
    pub fn status(&self) -> i64 {
        self.0
            .get("Status")
            .and_then(Value::as_i64)
            .unwrap_or(DEFAULT_STATUS)
    }
    /// `ProjectId` (0 when absent, the default project).
    pub fn project_id(&self) -> i64 {
        self.0.get("ProjectId").and_then(Value::as_i64).unwrap_or(0)
    }
    /// `InstanceTags` as (key, value) pairs.
    pub fn tags(&self) -> Vec<(&str, &str)> {
        self.0
            .get("InstanceTags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| {
                        Some((t.get("TagKey")?.as_str()?, t.get("TagValue")?.as_str()?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    /// Sets one field (no type check: code-built seeds are trusted).
    pub(crate) fn set(&mut self, name: impl Into<String>, value: Value) {
        self.0.insert(name.into(), value);
    }
    /// The field map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

fn kind(value: &Value) -> &'static str {
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

fn wrong(path: &str, expected: &str, value: &Value) -> SeedError {
    SeedError::new(path, format!("expected {expected}, found {}", kind(value)))
}

/// Checks the type of the `InstanceSet` fields the official SDK models type (`Status`,
/// `ZoneId`, `ProjectId`, `RegionId`, `Type` integers; `Size` a number; `Createtime`, `Engine`,
/// `ProductType` strings; `InstanceTags` an array of `{"TagKey", "TagValue"}` strings); other
/// fields pass through as given. `null` counts as absent.
pub(crate) fn parse(object: &Map<String, Value>, path: &str) -> Result<InstanceFields, SeedError> {
    let mut fields = Map::new();
    for (key, value) in object {
        if NOT_INSTANCE_FIELDS.contains(&key.as_str()) || value.is_null() {
            continue;
        }
        let p = format!("{path}.{key}");
        match key.as_str() {
            "Status" | "ZoneId" | "ProjectId" | "RegionId" | "Type" if value.as_i64().is_none() => {
                return Err(wrong(&p, "an integer", value));
            }
            "Size" if !value.is_number() => return Err(wrong(&p, "a number (MB)", value)),
            "Createtime" | "Engine" | "ProductType" if !value.is_string() => {
                return Err(wrong(&p, "a string", value));
            }
            "InstanceTags" => check_tags(value, &p)?,
            _ => {}
        }
        fields.insert(key.clone(), value.clone());
    }
    Ok(InstanceFields(fields))
}

fn check_tags(value: &Value, path: &str) -> Result<(), SeedError> {
    let Value::Array(tags) = value else {
        return Err(wrong(
            path,
            "an array of {\"TagKey\", \"TagValue\"} objects",
            value,
        ));
    };
    for (i, tag) in tags.iter().enumerate() {
        let item = format!("{path}[{i}]");
        let Value::Object(tag) = tag else {
            return Err(wrong(&item, "an object {\"TagKey\", \"TagValue\"}", tag));
        };
        for key in ["TagKey", "TagValue"] {
            match tag.get(key) {
                Some(Value::String(_)) => {}
                Some(other) => return Err(wrong(&format!("{item}.{key}"), "a string", other)),
                None => {
                    return Err(SeedError::new(
                        format!("{item}.{key}"),
                        "missing (a tag needs TagKey and TagValue)",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// One `InstanceSet` item as served.
pub(crate) struct InstanceItem<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) region: &'a str,
    pub(crate) fields: &'a InstanceFields,
}

impl Serialize for InstanceItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extra = self.fields.0.iter().filter(|(k, _)| k.as_str() != "Status");
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("InstanceName", self.name)?;
        map.serialize_entry("InstanceId", self.id)?;
        map.serialize_entry("Region", self.region)?;
        map.serialize_entry("Status", &self.fields.status())?;
        for (key, value) in extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_value(value: Value) -> Result<InstanceFields, SeedError> {
        parse(value.as_object().unwrap(), "instances[0]")
    }

    #[test]
    fn typed_fields_are_checked_with_their_path() {
        let err = parse_value(json!({"Status": "2"})).unwrap_err();
        assert_eq!(err.path(), "instances[0].Status");
        let err = parse_value(json!({"Size": "1GB"})).unwrap_err();
        assert_eq!(err.path(), "instances[0].Size");
        let err = parse_value(json!({"InstanceTags": [{"TagKey": "env"}]})).unwrap_err();
        assert_eq!(err.path(), "instances[0].InstanceTags[0].TagValue");
        let err =
            parse_value(json!({"InstanceTags": [{"TagKey": "env", "TagValue": 1}]})).unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
        let err = parse_value(json!({"InstanceTags": {"env": "prod"}})).unwrap_err();
        assert_eq!(err.path(), "instances[0].InstanceTags");
    }

    #[test]
    fn identity_backups_and_schedule_are_not_instance_fields() {
        let fields = parse_value(json!({
            "InstanceId": "crs-1", "InstanceName": "n", "Region": "ap-guangzhou", "Backups": [],
            "AutoBackupConfig": {}, "ZoneId": 100003, "Size": 1024.0, "VendorField": [1],
            "Engine": null
        }))
        .unwrap();
        let keys: Vec<&str> = fields.0.keys().map(String::as_str).collect();
        assert_eq!(keys, ["Size", "VendorField", "ZoneId"]);
        assert_eq!(fields.status(), DEFAULT_STATUS);
    }

    #[test]
    fn the_served_item_puts_identity_and_status_first() {
        let fields = parse_value(
            json!({"ZoneId": 100003, "Status": -2, "Createtime": "2025-01-01 00:00:00"}),
        )
        .unwrap();
        let item = InstanceItem {
            id: "crs-1",
            name: "名字",
            region: "ap-guangzhou",
            fields: &fields,
        };
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"InstanceName":"名字","InstanceId":"crs-1","Region":"ap-guangzhou","Status":-2,"Createtime":"2025-01-01 00:00:00","ZoneId":100003}"#
        );
    }
}
