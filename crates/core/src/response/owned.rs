//! [`Backup`]: one `RedisBackupSet` item, typed, with its raw JSON kept for pass-through.

use super::model::RedisBackupSet;
use crate::error::{MalformedKind, MalformedResponse};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// One backup: the typed [`RedisBackupSet`] view (reachable through `Deref`) next to the item's
/// raw JSON exactly as the server sent it, so front ends can pass fields this crate does not
/// know through unchanged. Serialising a `Backup` writes the raw JSON.
///
/// Items of one parsed page share a single copy of the response body (each keeps its span),
/// which spares an allocation per item; a `Backup` kept alone therefore keeps its page's body
/// alive. Use [`Backup::detach`] to keep just the item.
#[derive(Clone)]
pub struct Backup {
    /// `text[span]` is always one well-formed JSON object (checked by the parse that
    /// produced `fields`).
    text: Arc<str>,
    span: Range<usize>,
    fields: RedisBackupSet,
}

impl fmt::Debug for Backup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backup")
            .field("raw", &self.raw_json())
            .field("fields", &self.fields)
            .finish()
    }
}

impl Backup {
    /// Parses one item from its raw JSON.
    pub(crate) fn from_raw(raw: &RawValue) -> Result<Self, MalformedResponse> {
        let fields = super::envelope::typed_item(raw, "item")?;
        Ok(Self::from_parts(raw.get().into(), fields))
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
        Self::from_parts(raw.into(), fields)
    }

    pub(crate) fn from_parts(raw: Box<str>, fields: RedisBackupSet) -> Self {
        let span = 0..raw.len();
        Self {
            text: Arc::from(raw),
            span,
            fields,
        }
    }

    pub(crate) fn from_shared(text: Arc<str>, span: Range<usize>, fields: RedisBackupSet) -> Self {
        Self { text, span, fields }
    }

    pub(crate) fn fields_mut(&mut self) -> &mut RedisBackupSet {
        &mut self.fields
    }

    pub(crate) fn set_span(&mut self, span: Range<usize>) {
        self.span = span;
    }

    /// The same backup holding only its own raw JSON (not the whole page's body).
    pub fn detach(self) -> Self {
        if self.span.len() == self.text.len() {
            return self;
        }
        let raw: Box<str> = self.raw_json().into();
        Self::from_parts(raw, self.fields)
    }

    /// The typed fields.
    pub fn fields(&self) -> &RedisBackupSet {
        &self.fields
    }
    /// The raw JSON text of the item as received (one JSON object).
    pub fn raw_json(&self) -> &str {
        self.text.get(self.span.clone()).unwrap_or("{}")
    }
    /// Splits into raw JSON text and typed fields.
    pub fn into_parts(self) -> (String, RedisBackupSet) {
        (self.raw_json().to_owned(), self.fields)
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
        let raw: &RawValue =
            serde_json::from_str(self.raw_json()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Backup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Backup::from_raw(&raw).map_err(serde::de::Error::custom)
    }
}
