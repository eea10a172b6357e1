//! The fast path of page parsing: one pass over the body that types each item in place and
//! records its byte span as the raw JSON, with no second scan.
//!
//! It walks the two envelope levels itself and lets `serde_json` parse every value, reading
//! the deserializer's offset afterwards to know where the value ended. Items are deserialized
//! straight into their slot of the result vector (no moves of the large item structs). It only
//! handles the success shape; anything else (an error envelope, a wrong type, a duplicate key,
//! bad JSON) returns `None` and the caller takes the slow path, which decides and explains.

use super::strings::CowStr;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::de::StrRead;
use std::ops::Range;

/// The JSON deserializer the fast path drives.
pub(super) type Json<'a> = serde_json::Deserializer<StrRead<'a>>;

/// How the page's items are built: an empty slot, filled in place, then given its raw span.
pub(super) trait ItemSink<'a> {
    /// The item type stored in the page.
    type Item;
    /// A new, empty item.
    fn empty(&mut self) -> Self::Item;
    /// Deserializes one JSON object into `item`.
    fn fill(&mut self, item: &mut Self::Item, de: &mut Json<'a>) -> serde_json::Result<()>;
    /// Records the byte range of the item's raw JSON in the body.
    fn set_raw(&mut self, item: &mut Self::Item, span: Range<usize>);
}

/// A successfully walked page.
pub(super) struct FastPage<'a, U> {
    pub(super) total_count: u64,
    pub(super) items: Vec<U>,
    pub(super) request_id: Option<CowStr<'a>>,
}

struct Walker<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Walker<'a> {
    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.text.as_bytes().get(self.pos).copied()
    }
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }
    /// Runs `parse` on a deserializer positioned at the cursor; returns its result and the
    /// byte range it consumed.
    fn with_value<R>(
        &mut self,
        parse: impl FnOnce(&mut Json<'a>) -> serde_json::Result<R>,
    ) -> Option<(R, Range<usize>)> {
        self.skip_ws();
        let start = self.pos;
        let mut de = serde_json::Deserializer::from_str(self.text.get(start..)?);
        let value = parse(&mut de).ok()?;
        // A stream deserializer made from `de` reports how far `de` has read.
        self.pos += de.into_iter::<IgnoredAny>().byte_offset();
        Some((value, start..self.pos))
    }
    fn value<T: Deserialize<'a>>(&mut self) -> Option<T> {
        self.with_value(|de| T::deserialize(de)).map(|(v, _)| v)
    }
    fn key(&mut self) -> Option<CowStr<'a>> {
        let key = self.value::<CowStr<'a>>()?;
        self.eat(b':')?;
        Some(key)
    }
    /// Walks `{ "k": v, ... }`, calling `field` for each key with the cursor on its value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.key()?;
            field(self, key.as_str())?;
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }
}

/// Walks `{"Response":{...}}`, building items with `sink`. `None` means "take the slow path".
pub(super) fn walk<'a, S: ItemSink<'a>>(
    text: &'a str,
    sink: &mut S,
) -> Option<FastPage<'a, S::Item>> {
    let mut w = Walker { text, pos: 0 };
    let mut page = None;
    w.object(|w, key| {
        if key != "Response" {
            w.value::<IgnoredAny>()?;
            return Some(());
        }
        if page.is_some() {
            return None; // duplicate key
        }
        page = Some(response(w, sink)?);
        Some(())
    })?;
    if w.peek().is_some() {
        return None; // trailing characters
    }
    page
}

fn response<'a, S: ItemSink<'a>>(
    w: &mut Walker<'a>,
    sink: &mut S,
) -> Option<FastPage<'a, S::Item>> {
    let mut total_count: Option<Option<u64>> = None;
    let mut items: Option<Option<Vec<S::Item>>> = None;
    let mut legacy: Option<Option<Vec<S::Item>>> = None;
    let mut request_id = None;
    w.object(|w, key| {
        match key {
            "TotalCount" if total_count.is_none() => total_count = Some(w.value()?),
            "RequestId" if request_id.is_none() => {
                request_id = Some(w.value::<Option<CowStr<'a>>>()?)
            }
            "BackupSet" if items.is_none() => items = Some(array(w, sink)?),
            "RedisBackupSet" if legacy.is_none() => legacy = Some(array(w, sink)?),
            "Error" | "TotalCount" | "RequestId" | "BackupSet" | "RedisBackupSet" => return None,
            _ => {
                w.value::<IgnoredAny>()?;
            }
        }
        Some(())
    })?;
    let items = match (items.flatten(), legacy.flatten()) {
        (Some(items), _) | (None, Some(items)) => items,
        (None, None) => Vec::new(),
    };
    Some(FastPage {
        total_count: total_count.flatten()?,
        items,
        request_id: request_id.flatten(),
    })
}

/// Items reserved up front: a page holds at most 100 (the API's largest Limit) and a real
/// item is a few hundred bytes, so this avoids regrowing the vector without over-reserving
/// for small bodies.
fn expected_items(remaining_bytes: usize) -> usize {
    (remaining_bytes / 128).min(100)
}

/// `null` or `[item, ...]`.
fn array<'a, S: ItemSink<'a>>(w: &mut Walker<'a>, sink: &mut S) -> Option<Option<Vec<S::Item>>> {
    if w.peek()? == b'n' {
        w.value::<()>()?;
        return Some(None);
    }
    w.eat(b'[')?;
    let mut items = Vec::with_capacity(expected_items(w.text.len() - w.pos));
    if w.eat(b']').is_some() {
        return Some(Some(items));
    }
    loop {
        if w.peek()? != b'{' {
            return None;
        }
        items.push(sink.empty());
        let slot = items.last_mut()?;
        let ((), span) = w.with_value(|de| sink.fill(slot, de))?;
        sink.set_raw(slot, span);
        if w.eat(b',').is_none() {
            w.eat(b']')?;
            return Some(Some(items));
        }
    }
}
