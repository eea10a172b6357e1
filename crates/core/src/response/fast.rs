//! The fast path of page parsing: one pass over the body that types each item in place and
//! records its byte span as the raw JSON, with no second scan.
//!
//! It walks the two envelope levels itself and lets `serde_json` parse every value (via a
//! stream deserializer, which reports where the value ended). It only handles the success
//! shape; anything else (an error envelope, a wrong type, a duplicate key, bad JSON) returns
//! `None` and the caller takes the slow path, which decides and explains.

use serde::Deserialize;
use serde::de::IgnoredAny;
use std::ops::Range;

/// A successfully walked page.
pub(super) struct FastPage<'a, U> {
    pub(super) total_count: u64,
    pub(super) items: Vec<U>,
    pub(super) request_id: Option<super::borrowed::CowStr<'a>>,
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
    /// Parses one JSON value at the cursor; returns it and its exact text.
    fn value<T: Deserialize<'a>>(&mut self) -> Option<(T, Range<usize>)> {
        self.skip_ws();
        let start = self.pos;
        let rest = self.text.get(start..)?;
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        let value = stream.next()?.ok()?;
        self.pos += stream.byte_offset();
        Some((value, start..self.pos))
    }
    fn key(&mut self) -> Option<super::borrowed::CowStr<'a>> {
        let (key, _) = self.value::<super::borrowed::CowStr<'a>>()?;
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

/// Walks `{"Response":{...}}` typing items as `T` and turning each (typed item, byte range of
/// its raw JSON in `text`) into a `U` with `make`. `None` means "take the slow path".
pub(super) fn walk<'a, T: Deserialize<'a>, U>(
    text: &'a str,
    mut make: impl FnMut(T, Range<usize>) -> U,
) -> Option<FastPage<'a, U>> {
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
        page = Some(response::<T, U>(w, &mut make)?);
        Some(())
    })?;
    if w.peek().is_some() {
        return None; // trailing characters
    }
    page
}

fn response<'a, T: Deserialize<'a>, U>(
    w: &mut Walker<'a>,
    make: &mut impl FnMut(T, Range<usize>) -> U,
) -> Option<FastPage<'a, U>> {
    let mut total_count: Option<Option<u64>> = None;
    let mut items: Option<Option<Vec<U>>> = None;
    let mut legacy: Option<Option<Vec<U>>> = None;
    let mut request_id = None;
    w.object(|w, key| {
        match key {
            "TotalCount" if total_count.is_none() => total_count = Some(w.value()?.0),
            "RequestId" if request_id.is_none() => {
                request_id = Some(w.value::<Option<super::borrowed::CowStr<'a>>>()?.0)
            }
            "BackupSet" if items.is_none() => items = Some(array(w, make)?),
            "RedisBackupSet" if legacy.is_none() => legacy = Some(array(w, make)?),
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
fn array<'a, T: Deserialize<'a>, U>(
    w: &mut Walker<'a>,
    make: &mut impl FnMut(T, Range<usize>) -> U,
) -> Option<Option<Vec<U>>> {
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
        let (item, raw) = w.value::<T>()?;
        items.push(make(item, raw));
        if w.eat(b',').is_none() {
            w.eat(b']')?;
            return Some(Some(items));
        }
    }
}
