//! A borrowing view of a page: strings point into the response body instead of being copied,
//! for callers that only read a page before dropping it.

use super::backup_set_de::{Field, Key, field};
use super::fast::{ItemSink, Json};
use super::parse::{Envelope, diagnose, into_page, item_path, strip_bom, typed_item};
use super::{Backup, BackupStatus, BackupType, RedisBackupSet};
use crate::error::ResponseError;
use serde::de::{IgnoredAny, MapAccess};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// One page borrowed from the response body; see [`parse_response_borrowed`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PageView<'a> {
    /// How many backups match the query in total.
    pub total_count: u64,
    /// The backups of this page, in server order.
    pub backup_set: Vec<BackupView<'a>>,
    /// The RequestId, empty only if the server omitted it.
    pub request_id: Cow<'a, str>,
}

/// One backup borrowed from the response body. A string is borrowed unless it contains JSON
/// escapes (`\n`, `\u6d4b`, ...), in which case it is unescaped into an owned copy. Parsing
/// follows [`RedisBackupSet`]'s rules (missing and `null` are `None`, unknown fields skipped, a
/// repeated key keeps its last value).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BackupView<'a> {
    /// The item's raw JSON as received (always set by [`parse_response_borrowed`]).
    raw: Option<&'a str>,
    /// Backup start time.
    pub start_time: Option<Cow<'a, str>>,
    /// Backup ID.
    pub backup_id: Option<Cow<'a, str>>,
    /// Backup type as the wire string.
    pub backup_type: Option<Cow<'a, str>>,
    /// Backup status.
    pub status: Option<i64>,
    /// Remark.
    pub remark: Option<Cow<'a, str>>,
    /// 0 not locked, 1 locked.
    pub locked: Option<i64>,
    /// Backup size in bytes.
    pub backup_size: Option<i64>,
    /// Internal: 0 full, 1 incremental.
    pub full_backup: Option<i64>,
    /// Internal: instance type code.
    pub instance_type: Option<i64>,
    /// Instance ID.
    pub instance_id: Option<Cow<'a, str>>,
    /// Instance name.
    pub instance_name: Option<Cow<'a, str>>,
    /// Region.
    pub region: Option<Cow<'a, str>>,
    /// Backup end time.
    pub end_time: Option<Cow<'a, str>>,
    /// Backup file type.
    pub file_type: Option<Cow<'a, str>>,
    /// Expiry time.
    pub expire_time: Option<Cow<'a, str>>,
    /// Whether the file is encrypted.
    pub encrypted: Option<bool>,
}

impl<'a> BackupView<'a> {
    /// The item's raw JSON text as received (borrowed from the body).
    pub fn raw_json(&self) -> &'a str {
        self.raw.unwrap_or_default()
    }
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

    /// An owned [`Backup`] with the same fields and raw JSON.
    pub fn to_owned_backup(&self) -> Backup {
        let own = |s: &Option<Cow<'_, str>>| s.as_deref().map(str::to_owned);
        let fields = RedisBackupSet {
            start_time: own(&self.start_time),
            backup_id: own(&self.backup_id),
            backup_type: own(&self.backup_type),
            status: self.status,
            remark: own(&self.remark),
            locked: self.locked,
            backup_size: self.backup_size,
            full_backup: self.full_backup,
            instance_type: self.instance_type,
            instance_id: own(&self.instance_id),
            instance_name: own(&self.instance_name),
            region: own(&self.region),
            end_time: own(&self.end_time),
            file_type: own(&self.file_type),
            expire_time: own(&self.expire_time),
            encrypted: self.encrypted,
        };
        match self.raw {
            Some(raw) => Backup::from_parts(raw.into(), fields),
            None => Backup::from_fields(fields),
        }
    }
}

/// Like [`super::parse_response`], with strings borrowed from `body` (no copy unless they
/// contain escapes). Same errors.
///
/// ```
/// use tcredis_core::response::parse_response_borrowed;
/// let body = br#"{"Response":{"TotalCount":1,"BackupSet":[{"BackupId":"b-1","Remark":"a\nb"}],"RequestId":"r"}}"#;
/// let page = parse_response_borrowed(body)?;
/// let b = &page.backup_set[0];
/// assert!(matches!(b.backup_id, Some(std::borrow::Cow::Borrowed("b-1"))));
/// assert_eq!(b.remark.as_deref(), Some("a\nb")); // unescaped, hence owned
/// # Ok::<(), tcredis_core::error::ResponseError>(())
/// ```
pub fn parse_response_borrowed(body: &[u8]) -> Result<PageView<'_>, ResponseError> {
    let body = strip_bom(body);
    if let Ok(text) = std::str::from_utf8(body)
        && let Some(page) = super::fast::walk(text, &mut ViewSink { text })
    {
        return Ok(PageView {
            total_count: page.total_count,
            backup_set: page.items,
            request_id: page.request_id.map(|r| r.0).unwrap_or_default(),
        });
    }
    let envelope: Envelope<'_, CowStr<'_>> = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(e) => return Err(diagnose(body, &e)),
    };
    let page = into_page(body, envelope.response)?;
    let mut backup_set = Vec::with_capacity(page.items.len());
    for (index, raw) in page.items.into_iter().enumerate() {
        let mut view: BackupView<'_> = typed_item(raw, &item_path(page.key, index))?;
        view.raw = Some(raw.get());
        backup_set.push(view);
    }
    Ok(PageView {
        total_count: page.total_count,
        backup_set,
        request_id: page.request_id.map(|r| r.0).unwrap_or_default(),
    })
}

/// A string that borrows when it can.
pub(super) struct CowStr<'a>(pub(super) Cow<'a, str>);

impl CowStr<'_> {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<CowStr<'_>> for String {
    fn from(s: CowStr<'_>) -> String {
        s.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(CowVisitor).map(CowStr)
    }
}

struct CowVisitor;

impl<'de> serde::de::Visitor<'de> for CowVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct OptCowVisitor;

impl<'de> serde::de::Visitor<'de> for OptCowVisitor {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(CowVisitor).map(Some)
    }
}

/// An `Option<Cow<str>>` that really borrows (serde's own `Option<Cow<str>>` with
/// `#[serde(borrow)]` always copies).
struct OptCow<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for OptCow<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(OptCowVisitor).map(OptCow)
    }
}

impl<'de> Deserialize<'de> for BackupView<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut view = BackupView::default();
        fill_view(&mut view, deserializer)?;
        Ok(view)
    }
}

/// Deserializes one object into an existing `view` (fields present in the JSON overwrite).
fn fill_view<'de, D: Deserializer<'de>>(
    view: &mut BackupView<'de>,
    deserializer: D,
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ViewVisitor(view))
}

struct ViewVisitor<'v, 'de>(&'v mut BackupView<'de>);

impl<'de> serde::de::Visitor<'de> for ViewVisitor<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a RedisBackupSet object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let v = self.0;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match field(&key) {
                Field::StartTime => v.start_time = map.next_value::<OptCow<'de>>()?.0,
                Field::BackupId => v.backup_id = map.next_value::<OptCow<'de>>()?.0,
                Field::BackupType => v.backup_type = map.next_value::<OptCow<'de>>()?.0,
                Field::Status => v.status = map.next_value()?,
                Field::Remark => v.remark = map.next_value::<OptCow<'de>>()?.0,
                Field::Locked => v.locked = map.next_value()?,
                Field::BackupSize => v.backup_size = map.next_value()?,
                Field::FullBackup => v.full_backup = map.next_value()?,
                Field::InstanceType => v.instance_type = map.next_value()?,
                Field::InstanceId => v.instance_id = map.next_value::<OptCow<'de>>()?.0,
                Field::InstanceName => v.instance_name = map.next_value::<OptCow<'de>>()?.0,
                Field::Region => v.region = map.next_value::<OptCow<'de>>()?.0,
                Field::EndTime => v.end_time = map.next_value::<OptCow<'de>>()?.0,
                Field::FileType => v.file_type = map.next_value::<OptCow<'de>>()?.0,
                Field::ExpireTime => v.expire_time = map.next_value::<OptCow<'de>>()?.0,
                Field::Encrypted => v.encrypted = map.next_value()?,
                Field::Unknown => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Builds borrowing views for the fast path.
struct ViewSink<'a> {
    text: &'a str,
}

impl<'a> ItemSink<'a> for ViewSink<'a> {
    type Item = BackupView<'a>;
    fn empty(&mut self) -> BackupView<'a> {
        BackupView::default()
    }
    fn fill(&mut self, item: &mut BackupView<'a>, de: &mut Json<'a>) -> serde_json::Result<()> {
        fill_view(item, de)
    }
    fn set_raw(&mut self, item: &mut BackupView<'a>, span: Range<usize>) {
        item.raw = self.text.get(span);
    }
}
