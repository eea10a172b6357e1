//! A borrowing view of a page: strings point into the response body instead of being copied,
//! for callers that only read a page before dropping it. The item type, [`BackupView`], comes
//! from the field table (`model.rs`).

use super::de::fill;
use super::envelope::{Envelope, diagnose, into_page, item_path, strip_bom, typed_item};
use super::fast::{ItemSink, Json};
use super::model::BackupView;
use super::owned::Backup;
use super::strings::CowStr;
use crate::error::ResponseError;
use std::borrow::Cow;
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

impl<'a> BackupView<'a> {
    /// The item's raw JSON text as received (borrowed from the body).
    pub fn raw_json(&self) -> &'a str {
        self.raw.unwrap_or_default()
    }

    /// An owned [`Backup`] with the same fields and raw JSON.
    pub fn to_owned_backup(&self) -> Backup {
        let fields = self.to_fields();
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
        fill(item, de)
    }
    fn set_raw(&mut self, item: &mut BackupView<'a>, span: Range<usize>) {
        item.raw = self.text.get(span);
    }
}
