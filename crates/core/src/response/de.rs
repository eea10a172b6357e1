//! The deserializer of one item, for [`RedisBackupSet`] and [`BackupView`] alike: one map
//! visitor reading keys as borrowed strings and handing each entry to the item's generated
//! `read_entry` (`model.rs`), which matches the key length first, as
//! [`Field::from_name`](super::Field::from_name) does, and stores the value straight into its
//! field (no per-field temporaries, no intermediate `Field`). The hot loop of page parsing.
//!
//! Same behaviour as a serde derive: missing and `null` fields are `None`, unknown fields are
//! skipped, wrong types refused. A repeated key keeps its last value, as `serde_json::Value`
//! does.

use super::model::{BackupView, ReadField, RedisBackupSet};
use super::strings::CowStr;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;

impl<'de> Deserialize<'de> for RedisBackupSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut set = RedisBackupSet::default();
        fill(&mut set, deserializer)?;
        Ok(set)
    }
}

impl<'de> Deserialize<'de> for BackupView<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut view = BackupView::default();
        fill(&mut view, deserializer)?;
        Ok(view)
    }
}

/// Deserializes one object into an existing `item` (fields present in the JSON overwrite).
#[inline]
pub(super) fn fill<'de, T: ReadField<'de>, D: Deserializer<'de>>(
    item: &mut T,
    deserializer: D,
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ItemVisitor(item))
}

struct ItemVisitor<'t, T>(&'t mut T);

impl<'de, T: ReadField<'de>> Visitor<'de> for ItemVisitor<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a RedisBackupSet object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let item = self.0;
        while let Some(CowStr(key)) = map.next_key::<CowStr<'de>>()? {
            item.read_entry(&key, &mut map)?;
        }
        Ok(())
    }
}
