//! A read-only view of one crate's rustdoc JSON: the format-version check, item and path
//! look-ups, and the few accessors the walk and the renderer share.
//!
//! The JSON is read as untyped `serde_json::Value`s rather than through the `rustdoc-types`
//! crate, whose releases track one format version each; the shapes this module and the
//! renderer rely on are those of [`FORMAT_VERSION`], and any other version is refused.

use serde_json::{Map, Value};

/// The rustdoc JSON `format_version` this parser was written for (nightly rustdoc of 2026-05).
pub const FORMAT_VERSION: u64 = 57;

/// An item id: a number in format 57.
pub type Id = u64;

/// The parsed document with its top-level tables.
#[derive(Debug)]
pub struct Krate<'j> {
    /// The id of the crate's root module.
    pub root: Id,
    index: &'j Map<String, Value>,
    paths: &'j Map<String, Value>,
    external_crates: &'j Map<String, Value>,
}

impl<'j> Krate<'j> {
    /// Checks the format version and the top-level shape.
    pub fn new(doc: &'j Value) -> Result<Krate<'j>, String> {
        let version = doc.get("format_version").and_then(Value::as_u64).ok_or(
            "the rustdoc JSON has no numeric `format_version` (is it rustdoc's JSON output?)",
        )?;
        if version != FORMAT_VERSION {
            return Err(format!(
                "rustdoc JSON format_version is {version}, but xtask/src/public_api reads format \
                 {FORMAT_VERSION} only: the nightly toolchain changed. Update the parser (the \
                 shapes are in xtask/src/public_api/render.rs and reach.rs) and FORMAT_VERSION \
                 in krate.rs, or run the nightly that writes format {FORMAT_VERSION}"
            ));
        }
        let table = |name: &str| {
            doc.get(name)
                .and_then(Value::as_object)
                .ok_or_else(|| format!("the rustdoc JSON has no `{name}` object"))
        };
        Ok(Krate {
            root: doc
                .get("root")
                .and_then(Value::as_u64)
                .ok_or("the rustdoc JSON has no numeric `root`")?,
            index: table("index")?,
            paths: table("paths")?,
            external_crates: table("external_crates")?,
        })
    }

    /// The documented item with this id (local items, plus a few external ones). A
    /// `#[doc(hidden)]` item is not API: it is left out here, as plain rustdoc leaves it out,
    /// so a hidden module is never walked while the items it holds stay listable under the
    /// re-exports that name them (the JSON is written with `--document-hidden-items` so those
    /// re-exports resolve).
    pub fn item(&self, id: Id) -> Option<&'j Value> {
        self.index
            .get(&id.to_string())
            .filter(|item| !is_hidden(item))
    }

    /// Every impl block the crate itself declares (the index holds a few external items too).
    pub fn local_impls(&self) -> impl Iterator<Item = &'j Value> {
        self.index.values().filter(|item| {
            item.get("crate_id").and_then(Value::as_u64) == Some(0)
                && !is_hidden(item)
                && matches!(inner(item), Some(("impl", _)))
        })
    }

    /// The crate id and full path of any item the crate mentions (from the `paths` table:
    /// where the item is defined, which for a re-exported item is not where users name it).
    pub fn summary(&self, id: Id) -> Option<(u64, Vec<&'j str>)> {
        let summary = self.paths.get(&id.to_string())?;
        let crate_id = summary.get("crate_id")?.as_u64()?;
        let path = summary
            .get("path")?
            .as_array()?
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<_>>>()?;
        Some((crate_id, path))
    }

    /// The name of an external crate (`core`, `serde_json`, ...); `None` for the local crate.
    pub fn crate_name(&self, crate_id: u64) -> Option<&'j str> {
        self.external_crates
            .get(&crate_id.to_string())?
            .get("name")?
            .as_str()
    }
}

/// The single `{"tag": value}` pair of an externally tagged enum value; a bare string (a unit
/// variant such as `"infer"` or `"plain"`) gives `(tag, Null)`.
pub fn tag(value: &Value) -> Option<(&str, &Value)> {
    match value {
        Value::String(s) => Some((s.as_str(), &Value::Null)),
        Value::Object(map) if map.len() == 1 => map.iter().next().map(|(k, v)| (k.as_str(), v)),
        _ => None,
    }
}

/// An item's kind (`struct`, `function`, `use`, ...) and the kind-specific body.
pub fn inner(item: &Value) -> Option<(&str, &Value)> {
    tag(item.get("inner")?)
}

/// An item's name, if it has one (impls and `use` items do not).
pub fn name(item: &Value) -> Option<&str> {
    item.get("name")?.as_str()
}

/// Whether the item carries `#[doc(hidden)]` (rustdoc JSON lists it among `attrs`, as
/// `{"other": "#[doc(hidden)]"}`).
pub fn is_hidden(item: &Value) -> bool {
    item.get("attrs")
        .and_then(Value::as_array)
        .is_some_and(|attrs| {
            attrs.iter().any(|attr| {
                let text = attr
                    .get("other")
                    .and_then(Value::as_str)
                    .or_else(|| attr.as_str())
                    .unwrap_or("");
                text.replace(' ', "") == "#[doc(hidden)]"
            })
        })
}

/// Whether the item is declared `pub` (enum variants and trait items say `default`).
pub fn is_public(item: &Value) -> bool {
    item.get("visibility").and_then(Value::as_str) == Some("public")
}

/// The ids in a JSON array of ids (a missing or malformed array gives none).
pub fn ids(value: Option<&Value>) -> Vec<Id> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

/// A string field, or "" when absent.
pub fn str_field<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A boolean field, false when absent.
pub fn flag(value: &Value, field: &str) -> bool {
    value.get(field).and_then(Value::as_bool).unwrap_or(false)
}
