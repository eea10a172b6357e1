//! [`Backup`]: one `RedisBackupSet` item, typed, with its raw JSON kept for pass-through.

use super::RedisBackupSet;
use crate::error::{MalformedKind, MalformedResponse};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::ops::Deref;

/// One backup: the typed [`RedisBackupSet`] view (reachable through `Deref`) next to the item's
/// raw JSON exactly as the server sent it, so front ends can pass fields this crate does not
/// know through unchanged. Serialising a `Backup` writes the raw JSON.
#[derive(Debug, Clone)]
pub struct Backup {
    /// Always one well-formed JSON object (checked by the parse that produced `fields`).
    raw: Box<str>,
    fields: RedisBackupSet,
}

impl Backup {
    /// Parses one item from its raw JSON.
    pub fn from_raw(raw: &RawValue) -> Result<Self, MalformedResponse> {
        let fields = super::parse::typed_item(raw, "item")?;
        Ok(Self {
            raw: raw.get().into(),
            fields,
        })
    }

    /// Parses one item from JSON text.
    pub fn from_json(json: &str) -> Result<Self, MalformedResponse> {
        let raw: &RawValue = serde_json::from_str(json).map_err(|e| {
            MalformedResponse::new(MalformedKind::NotJson, e.to_string(), json.as_bytes())
        })?;
        Self::from_raw(raw)
    }

    /// Wraps typed fields; the raw JSON is their serialisation (absent fields omitted).
    pub fn from_fields(fields: RedisBackupSet) -> Self {
        // Strings, integers and booleans always serialise; "{}" is only a formal fallback.
        let raw = serde_json::to_string(&fields).unwrap_or_else(|_| "{}".to_owned());
        Self {
            raw: raw.into(),
            fields,
        }
    }

    pub(crate) fn from_parts(raw: Box<str>, fields: RedisBackupSet) -> Self {
        Self { raw, fields }
    }

    /// The typed fields.
    pub fn fields(&self) -> &RedisBackupSet {
        &self.fields
    }
    /// The raw JSON text of the item as received (one JSON object).
    pub fn raw_json(&self) -> &str {
        &self.raw
    }
    /// Splits into raw JSON text and typed fields.
    pub fn into_parts(self) -> (String, RedisBackupSet) {
        (self.raw.into(), self.fields)
    }
}

impl Deref for Backup {
    type Target = RedisBackupSet;
    fn deref(&self) -> &RedisBackupSet {
        &self.fields
    }
}

impl AsRef<RedisBackupSet> for Backup {
    fn as_ref(&self) -> &RedisBackupSet {
        &self.fields
    }
}

/// Equal when the typed fields are equal (the raw text may differ in spacing or unknown fields).
impl PartialEq for Backup {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields
    }
}
impl Eq for Backup {}

impl Serialize for Backup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The text is known-valid JSON; borrowing it as a RawValue writes it verbatim.
        let raw: &RawValue = serde_json::from_str(&self.raw).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Backup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Backup::from_raw(&raw).map_err(serde::de::Error::custom)
    }
}
