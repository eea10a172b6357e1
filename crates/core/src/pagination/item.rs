//! How the paginator tells items apart: [`PageItem::item_id`].

use std::borrow::Cow;

use crate::response::{Backup, BackupView, RedisBackupSet};

/// An item of a paged listing that has an identity. Two items with the same id are the same
/// item; the paginator uses this to detect a page repeating items of the previous one and, with
/// the restart policy, to never yield an item twice.
pub trait PageItem {
    /// The item's identity: its `BackupId`, or its raw JSON text when it has none.
    fn item_id(&self) -> Cow<'_, str>;
}

impl PageItem for RedisBackupSet {
    /// The `BackupId`; without one, the item serialised as compact JSON.
    fn item_id(&self) -> Cow<'_, str> {
        match &self.backup_id {
            Some(id) => Cow::Borrowed(id),
            None => Cow::Owned(serde_json::to_string(self).unwrap_or_default()),
        }
    }
}

impl PageItem for Backup {
    /// The `BackupId`; without one, the item's raw JSON text as received.
    fn item_id(&self) -> Cow<'_, str> {
        match &self.backup_id {
            Some(id) => Cow::Borrowed(id),
            None => Cow::Borrowed(self.raw_json()),
        }
    }
}

impl PageItem for BackupView<'_> {
    /// The `BackupId`; without one, the item's raw JSON text as received.
    fn item_id(&self) -> Cow<'_, str> {
        match &self.backup_id {
            Some(id) => Cow::Borrowed(id.as_ref()),
            None => Cow::Borrowed(self.raw_json()),
        }
    }
}

impl PageItem for String {
    /// The string itself (handy for tests and for listings of plain ids).
    fn item_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: PageItem + ?Sized> PageItem for &T {
    fn item_id(&self) -> Cow<'_, str> {
        (**self).item_id()
    }
}
