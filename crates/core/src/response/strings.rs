//! Strings that borrow from the body when they can: object keys, the RequestId and the
//! borrowing view's string fields. A string with JSON escapes is unescaped into an owned copy.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;

/// A string (or an object key) that borrows when it can.
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
pub(super) struct OptCow<'a>(pub(super) Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for OptCow<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(OptCowVisitor).map(OptCow)
    }
}
