//! [`DescribeInstanceBackupsResponse`], one page of owned backups, and [`parse_response`],
//! which builds it: the fast one-pass walk first, the envelope's slow path when that declines.

use super::de::fill;
use super::envelope::{Envelope, diagnose, into_page, item_path, strip_bom, typed_item};
use super::fast::{ItemSink, Json};
use super::model::RedisBackupSet;
use super::owned::Backup;
use crate::error::ResponseError;
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

/// One page of `DescribeInstanceBackups`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescribeInstanceBackupsResponse {
    /// How many backups match the query in total (not the page size).
    pub total_count: u64,
    /// The backups of this page, in server order (also read from the legacy `RedisBackupSet` key).
    pub backup_set: Vec<Backup>,
    /// The RequestId, empty only if the server omitted it.
    pub request_id: String,
}

impl DescribeInstanceBackupsResponse {
    /// Builds a page (for mocks and tests).
    pub fn new(total_count: u64, backup_set: Vec<Backup>, request_id: impl Into<String>) -> Self {
        Self {
            total_count,
            backup_set,
            request_id: request_id.into(),
        }
    }

    /// The page as the API sends it: `{"Response":{"TotalCount":..,"BackupSet":[..],"RequestId":".."}}`,
    /// compact, each item's raw JSON unchanged.
    pub fn to_envelope_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            64 + self
                .backup_set
                .iter()
                .map(|b| b.raw_json().len() + 1)
                .sum::<usize>(),
        );
        out.extend_from_slice(b"{\"Response\":");
        // Serialising strings and raw values into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, self);
        out.push(b'}');
        out
    }
}

impl Serialize for DescribeInstanceBackupsResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("DescribeInstanceBackupsResponse", 3)?;
        s.serialize_field("TotalCount", &self.total_count)?;
        s.serialize_field("BackupSet", &self.backup_set)?;
        s.serialize_field("RequestId", &self.request_id)?;
        s.end()
    }
}

/// Parses a `DescribeInstanceBackups` response body, whatever the Content-Type was.
///
/// - `{"Response":{"Error":{..},"RequestId":..}}` gives [`ResponseError::Api`];
/// - a page gives [`DescribeInstanceBackupsResponse`] (items under `BackupSet`, or the legacy
///   `RedisBackupSet` key); a missing or null `BackupSet` is an empty page;
/// - an empty body, non-JSON, no `Response` object, a missing `TotalCount` or a field of the
///   wrong type gives [`ResponseError::Malformed`] naming the place.
pub fn parse_response(body: &[u8]) -> Result<DescribeInstanceBackupsResponse, ResponseError> {
    let body = strip_bom(body);
    if let Ok(text) = std::str::from_utf8(body)
        && let Some(page) = super::fast::walk(
            text,
            &mut OwnedSink {
                // One shared copy of the body; each item keeps its span of it.
                shared: Arc::from(text),
            },
        )
    {
        return Ok(DescribeInstanceBackupsResponse {
            total_count: page.total_count,
            backup_set: page.items,
            request_id: page.request_id.map(String::from).unwrap_or_default(),
        });
    }
    let envelope: Envelope<'_, String> = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(e) => return Err(diagnose(body, &e)),
    };
    let page = into_page(body, envelope.response)?;
    let mut backup_set = Vec::with_capacity(page.items.len());
    for (index, raw) in page.items.iter().enumerate() {
        let fields: RedisBackupSet = typed_item(raw, &item_path(page.key, index))?;
        backup_set.push(Backup::from_parts(raw.get().into(), fields));
    }
    Ok(DescribeInstanceBackupsResponse {
        total_count: page.total_count,
        backup_set,
        request_id: page.request_id.unwrap_or_default(),
    })
}

/// Builds owned items for the fast path.
struct OwnedSink {
    shared: Arc<str>,
}

impl<'a> ItemSink<'a> for OwnedSink {
    type Item = Backup;
    fn empty(&mut self) -> Backup {
        Backup::from_shared(Arc::clone(&self.shared), 0..0, RedisBackupSet::default())
    }
    fn fill(&mut self, item: &mut Backup, de: &mut Json<'a>) -> serde_json::Result<()> {
        fill(item.fields_mut(), de)
    }
    fn set_raw(&mut self, item: &mut Backup, span: Range<usize>) {
        item.set_span(span);
    }
}
