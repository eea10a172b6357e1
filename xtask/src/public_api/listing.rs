//! The listing: one line per public item, member and trait impl, sorted by the path it belongs
//! to, so a change to the API is a change to a few lines of `public-api.txt`.
//!
//! What is listed:
//! - every path of every reachable item (`pub mod`, `pub struct`, `pub fn`, `pub const`, ...),
//!   with its generics, where clause and signature; an item reached through several paths gets
//!   a line per path, its members are listed once, under its primary path;
//! - public struct and union fields, enum variants (with their fields), the items of inherent
//!   impls (methods, associated consts and types; the impl's bounds become the method's where
//!   clause), and the items of traits;
//! - each trait impl of a listed type or trait as one `impl` line (associated types inline),
//!   including the auto traits `Send`, `Sync`, `Unpin`, `UnwindSafe` and `RefUnwindSafe`;
//!   the unconditional impls of those and of the derivable std traits (`Clone`, `Copy`,
//!   `Debug`, `Default`, `Eq`, `PartialEq`, `Ord`, `PartialOrd`, `Hash`) are summarised as one
//!   line per type, `impl Clone + Debug + Send + ... for T`; conditional ones (with a where
//!   clause or type parameters) keep a line each;
//! - trait impls the crate declares for other crates' types (`impl From<Local> for String`),
//!   under the first listed type they name;
//! - `pub use` re-exports of other crates' items, as `pub use PATH = TARGET`.
//!
//! Left out: blanket impls (`impl<T> From<T> for T` and friends hold for every type), the
//! unstable marker traits rustc adds on its own (`Freeze`, `UnsafeUnpin`,
//! `StructuralPartialEq`), the items inside trait impls other than associated types (the
//! trait defines them), and `#[doc(hidden)]` items (rustdoc leaves them out of its JSON).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::krate::{self, Id, Krate, tag};
use super::reach::{OutsideUse, Path, Reach};
use super::render::{Mention, Out, Renderer};

/// Trait impls that say nothing to a user: unstable markers the compiler or a derive adds.
const SILENT_TRAITS: [&str; 3] = [
    "core::marker::Freeze",
    "core::marker::UnsafeUnpin",
    "core::marker::StructuralPartialEq",
];

/// Std traits whose unconditional impls are summarised in one line per type, by short name.
const SUMMARISED_TRAITS: [(&str, &str); 14] = [
    ("core::clone::Clone", "Clone"),
    ("core::marker::Copy", "Copy"),
    ("core::fmt::Debug", "Debug"),
    ("core::default::Default", "Default"),
    ("core::cmp::Eq", "Eq"),
    ("core::cmp::PartialEq", "PartialEq"),
    ("core::cmp::Ord", "Ord"),
    ("core::cmp::PartialOrd", "PartialOrd"),
    ("core::hash::Hash", "Hash"),
    ("core::marker::Send", "Send"),
    ("core::marker::Sync", "Sync"),
    ("core::marker::Unpin", "Unpin"),
    ("core::panic::unwind_safe::UnwindSafe", "UnwindSafe"),
    ("core::panic::unwind_safe::RefUnwindSafe", "RefUnwindSafe"),
];

/// Which part of the API a line describes (for the counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A module-level item at one of its paths.
    Item,
    /// A field, variant, method, associated item.
    Member,
    /// A trait impl.
    Impl,
}

/// Sort order: the path the line belongs to, then items before members before impls.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    owner: Path,
    class: Class,
    member: String,
    text: String,
}

/// One line of the listing.
#[derive(Debug, Clone)]
pub struct Line {
    /// The line as written to the file.
    pub text: String,
    /// What the line belongs to: the item's path, the member's path, or the type of an impl.
    pub subject: String,
    /// Items of other crates the line names.
    pub mentions: BTreeSet<Mention>,
    /// What the line describes.
    pub class: Class,
    /// `<<UNRENDERED ...>>` markers in the line.
    pub unrendered: usize,
}

/// The whole public API of one crate, sorted.
#[derive(Debug)]
pub struct Listing {
    /// The crate's name (`tcredis_core`).
    pub crate_name: String,
    /// The lines in file order.
    pub lines: Vec<Line>,
}

impl Listing {
    /// Lists everything `reach` found.
    pub fn build(krate: &Krate<'_>, reach: &Reach) -> Listing {
        let mut builder = Builder {
            krate,
            render: Renderer::new(krate, reach),
            reach,
            lines: BTreeMap::new(),
            summaries: BTreeMap::new(),
        };
        for (&id, paths) in &reach.paths {
            let Some(item) = krate.item(id) else {
                continue;
            };
            for path in paths {
                builder.header(item, path);
            }
            builder.members(item, &paths[0]);
        }
        for outside in &reach.outside_uses {
            builder.outside_use(outside);
        }
        let crate_name = krate
            .item(krate.root)
            .and_then(krate::name)
            .unwrap_or("?")
            .to_owned();
        // Trait impls attached to no listed type or trait (`impl From<Local> for String`) are
        // public too; those already listed come out as the same line and collapse.
        let root = vec![crate_name.clone()];
        for item in krate.local_impls() {
            if let Some(("impl", body)) = krate::inner(item)
                && !body.get("trait").is_none_or(Value::is_null)
                && !names_unreachable_local(krate, reach, body)
            {
                builder.trait_impl(&root, body);
            }
        }
        builder.push_summaries();
        Listing {
            crate_name,
            lines: builder.lines.into_values().collect(),
        }
    }

    /// The file's contents: a comment line saying what the file is (not counted as an item),
    /// then one line per entry, newline-terminated.
    pub fn text(&self) -> String {
        let mut text = format!(
            "// The public API of `{}`, generated by `cargo xtask public-api` from rustdoc JSON; do not edit.\n",
            self.crate_name
        );
        for line in &self.lines {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    }

    /// How many lines of each class there are.
    pub fn count(&self, class: Class) -> usize {
        self.lines.iter().filter(|l| l.class == class).count()
    }

    /// How many `<<UNRENDERED ...>>` markers the listing holds.
    pub fn unrendered(&self) -> usize {
        self.lines.iter().map(|l| l.unrendered).sum()
    }
}

/// The std traits summarised for one type, and what the type's rendering mentions.
#[derive(Debug, Default)]
struct Summary {
    traits: BTreeSet<&'static str>,
    mentions: BTreeSet<Mention>,
}

struct Builder<'a, 'j> {
    krate: &'a Krate<'j>,
    render: Renderer<'a, 'j>,
    reach: &'a Reach,
    lines: BTreeMap<Key, Line>,
    /// Summarised impls: (type's path, `impl<'a>`, rendered type) -> short trait names.
    summaries: BTreeMap<(Path, String, String), Summary>,
}

impl Builder<'_, '_> {
    fn push(&mut self, owner: &Path, class: Class, member: &str, subject: String, out: Out) {
        let key = Key {
            owner: owner.clone(),
            class,
            member: member.to_owned(),
            text: out.text.clone(),
        };
        self.lines.insert(
            key,
            Line {
                text: out.text,
                subject,
                mentions: out.mentions,
                class,
                unrendered: out.unrendered,
            },
        );
    }

    /// The line for an item at one of its paths.
    fn header(&mut self, item: &Value, path: &Path) {
        let Some((kind, body)) = krate::inner(item) else {
            return;
        };
        let r = self.render;
        let joined = path.join("::");
        let mut out = Out::default();
        attributes(&mut out, item);
        let generics = body.get("generics").unwrap_or(&Value::Null);
        match kind {
            "module" => {
                if krate::flag(body, "is_stripped") {
                    return;
                }
                out.push("pub mod ");
                out.push(&joined);
            }
            "struct" | "union" | "enum" => {
                out.push("pub ");
                out.push(kind);
                out.push(" ");
                out.push(&joined);
                r.generic_params(&mut out, generics);
                if let Some(("tuple", fields)) = body.get("kind").and_then(tag) {
                    self.tuple_fields(&mut out, fields, true);
                }
                r.where_clause(&mut out, &[generics]);
            }
            "variant" => self.variant(&mut out, &joined, body),
            "function" => {
                out.push("pub ");
                self.function(&mut out, &joined, body, &[]);
            }
            "constant" => {
                out.push("pub const ");
                out.push(&joined);
                out.push(": ");
                r.ty(&mut out, body.get("type").unwrap_or(&Value::Null));
                let expr = body.get("const").map(|c| krate::str_field(c, "expr"));
                if let Some(expr) = expr.filter(|e| !e.is_empty()) {
                    out.push(" = ");
                    out.push(expr);
                }
            }
            "static" => {
                out.push("pub ");
                if krate::flag(body, "is_unsafe") {
                    out.push("unsafe ");
                }
                out.push("static ");
                if krate::flag(body, "is_mutable") {
                    out.push("mut ");
                }
                out.push(&joined);
                out.push(": ");
                r.ty(&mut out, body.get("type").unwrap_or(&Value::Null));
            }
            "type_alias" => {
                out.push("pub type ");
                out.push(&joined);
                r.generic_params(&mut out, generics);
                out.push(" = ");
                r.ty(&mut out, body.get("type").unwrap_or(&Value::Null));
                r.where_clause(&mut out, &[generics]);
            }
            "trait" => {
                out.push("pub ");
                if krate::flag(body, "is_unsafe") {
                    out.push("unsafe ");
                }
                if krate::flag(body, "is_auto") {
                    out.push("auto ");
                }
                out.push("trait ");
                out.push(&joined);
                r.generic_params(&mut out, generics);
                let bounds = body.get("bounds").unwrap_or(&Value::Null);
                if bounds.as_array().is_some_and(|b| !b.is_empty()) {
                    out.push(": ");
                    r.bounds(&mut out, bounds);
                }
                r.where_clause(&mut out, &[generics]);
            }
            "trait_alias" => {
                out.push("pub trait ");
                out.push(&joined);
                r.generic_params(&mut out, generics);
                out.push(" = ");
                r.bounds(&mut out, body.get("params").unwrap_or(&Value::Null));
                r.where_clause(&mut out, &[generics]);
            }
            "macro" => {
                out.push("pub macro ");
                out.push(&joined);
                out.push("!");
            }
            "proc_macro" => {
                out.push("pub proc macro ");
                out.push(&joined);
                out.push(" (");
                out.push(krate::str_field(body, "kind"));
                out.push(")");
            }
            "extern_type" => {
                out.push("pub extern type ");
                out.push(&joined);
            }
            "primitive" | "keyword" | "attribute" => return,
            _ => {
                out.push("pub ");
                out.unrendered("item", &Value::String(kind.to_owned()));
                out.push(" ");
                out.push(&joined);
            }
        }
        self.push(path, Class::Item, "", joined, out);
    }

    /// Fields, variants, inherent impl items and trait impls of an item, under `owner`.
    fn members(&mut self, item: &Value, owner: &Path) {
        let Some((kind, body)) = krate::inner(item) else {
            return;
        };
        match kind {
            "struct" => {
                if let Some(("plain", plain)) = body.get("kind").and_then(tag) {
                    self.fields(owner, krate::ids(plain.get("fields")));
                }
                self.impls(owner, krate::ids(body.get("impls")));
            }
            "union" => {
                self.fields(owner, krate::ids(body.get("fields")));
                self.impls(owner, krate::ids(body.get("impls")));
            }
            "enum" => {
                for id in krate::ids(body.get("variants")) {
                    let Some(variant) = self.krate.item(id) else {
                        continue;
                    };
                    let Some(("variant", variant_body)) = krate::inner(variant) else {
                        continue;
                    };
                    let name = krate::name(variant).unwrap_or("_");
                    let subject = format!("{}::{name}", owner.join("::"));
                    let mut out = Out::default();
                    attributes(&mut out, variant);
                    self.variant(&mut out, &subject, variant_body);
                    self.push(owner, Class::Member, name, subject, out);
                }
                self.impls(owner, krate::ids(body.get("impls")));
            }
            "trait" => {
                for id in krate::ids(body.get("items")) {
                    if let Some(member) = self.krate.item(id) {
                        self.assoc_item(owner, member, None);
                    }
                }
                self.impls(owner, krate::ids(body.get("implementations")));
            }
            _ => {}
        }
    }

    fn fields(&mut self, owner: &Path, fields: Vec<Id>) {
        for id in fields {
            let Some(field) = self.krate.item(id).filter(|f| krate::is_public(f)) else {
                continue;
            };
            let Some(("struct_field", ty)) = krate::inner(field) else {
                continue;
            };
            let name = krate::name(field).unwrap_or("_");
            let subject = format!("{}::{name}", owner.join("::"));
            let mut out = Out::default();
            attributes(&mut out, field);
            out.push("pub ");
            out.push(&subject);
            out.push(": ");
            self.render.ty(&mut out, ty);
            self.push(owner, Class::Member, name, subject, out);
        }
    }

    /// `(pub u8, _)`: public tuple fields by type, hidden or private ones as `_`.
    fn tuple_fields(&self, out: &mut Out, fields: &Value, with_pub: bool) {
        out.push("(");
        let fields = fields.as_array().map(Vec::as_slice).unwrap_or_default();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            let field = field.as_u64().and_then(|id| self.krate.item(id));
            match field.and_then(|f| krate::inner(f).map(|(_, ty)| (f, ty))) {
                Some((f, ty)) if !with_pub || krate::is_public(f) => {
                    if with_pub {
                        out.push("pub ");
                    }
                    self.render.ty(out, ty);
                }
                _ => out.push("_"),
            }
        }
        out.push(")");
    }

    /// `pub P::V`, `pub P::V(T, _)`, `pub P::V { x: T }`, with ` = discriminant`.
    fn variant(&self, out: &mut Out, path: &str, body: &Value) {
        out.push("pub ");
        out.push(path);
        match body.get("kind").and_then(tag) {
            Some(("plain", _)) => {}
            Some(("tuple", fields)) => self.tuple_fields(out, fields, false),
            Some(("struct", s)) => {
                out.push(" { ");
                let fields = krate::ids(s.get("fields"));
                for (i, id) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(", ");
                    }
                    let Some(field) = self.krate.item(*id) else {
                        out.push("_");
                        continue;
                    };
                    out.push(krate::name(field).unwrap_or("_"));
                    out.push(": ");
                    match krate::inner(field) {
                        Some(("struct_field", ty)) => self.render.ty(out, ty),
                        _ => out.unrendered("variant field", field),
                    }
                }
                if krate::flag(s, "has_stripped_fields") {
                    out.push(if fields.is_empty() { ".." } else { ", .." });
                }
                out.push(" }");
            }
            _ => out.unrendered("variant kind", body),
        }
        if let Some(expr) = body.get("discriminant").filter(|d| !d.is_null()) {
            out.push(" = ");
            out.push(krate::str_field(expr, "expr"));
        }
    }

    /// `{header}fn NAME<G>(inputs) -> output where ...`; `lifted` are the enclosing impl's
    /// generics, whose bounds join the where clause.
    fn function(&self, out: &mut Out, name: &str, body: &Value, lifted: &[&Value]) {
        let r = self.render;
        let generics = body.get("generics").unwrap_or(&Value::Null);
        let sig = body.get("sig").unwrap_or(&Value::Null);
        r.fn_header(out, body.get("header").unwrap_or(&Value::Null));
        out.push("fn ");
        out.push(name);
        r.generic_params(out, generics);
        r.fn_inputs(out, sig);
        r.fn_output(out, sig);
        let mut predicates: Vec<&Value> = lifted.to_vec();
        predicates.push(generics);
        r.where_clause_lifting(out, lifted, &predicates);
    }

    /// The items of inherent impls as members; trait impls as `impl` lines.
    fn impls(&mut self, owner: &Path, impls: Vec<Id>) {
        for id in impls {
            let Some(item) = self.krate.item(id) else {
                continue;
            };
            let Some(("impl", body)) = krate::inner(item) else {
                continue;
            };
            if body.get("trait").is_none_or(Value::is_null) {
                self.inherent_impl(owner, body);
            } else {
                self.trait_impl(owner, body);
            }
        }
    }

    fn inherent_impl(&mut self, owner: &Path, body: &Value) {
        // `Type::<A>::method` names the impl's `for` arguments, as a call site would.
        let mut qualifier = Out::default();
        qualifier.push(&owner.join("::"));
        if let Some(("resolved_path", for_path)) = body.get("for").and_then(tag) {
            let args = for_path.get("args").unwrap_or(&Value::Null);
            let mut rendered = Out::default();
            self.render.generic_args(&mut rendered, args);
            if !rendered.text.is_empty() {
                qualifier.push("::");
                qualifier.push(&rendered.text);
                qualifier.mentions.extend(rendered.mentions);
                qualifier.unrendered += rendered.unrendered;
            }
        }
        for id in krate::ids(body.get("items")) {
            let Some(member) = self.krate.item(id).filter(|m| krate::is_public(m)) else {
                continue;
            };
            self.assoc_item(owner, member, Some((&qualifier, body)));
        }
    }

    /// A method, associated const or associated type of a trait (`impl_` is `None`) or of an
    /// inherent impl (with the qualified owner text and the impl body).
    fn assoc_item(&mut self, owner: &Path, member: &Value, impl_: Option<(&Out, &Value)>) {
        let Some((kind, body)) = krate::inner(member) else {
            return;
        };
        let name = krate::name(member).unwrap_or("_");
        let subject = format!("{}::{name}", owner.join("::"));
        let mut out = Out::default();
        attributes(&mut out, member);
        let qualified = match impl_ {
            Some((qualifier, _)) => {
                out.mentions.extend(qualifier.mentions.iter().cloned());
                out.unrendered += qualifier.unrendered;
                format!("{}::{name}", qualifier.text)
            }
            None => subject.clone(),
        };
        let impl_generics: Vec<&Value> = impl_
            .and_then(|(_, b)| b.get("generics"))
            .into_iter()
            .collect();
        let r = self.render;
        match kind {
            "function" => {
                out.push("pub ");
                self.function(&mut out, &qualified, body, &impl_generics);
            }
            "assoc_const" => {
                out.push("pub const ");
                out.push(&qualified);
                out.push(": ");
                r.ty(&mut out, body.get("type").unwrap_or(&Value::Null));
                if let Some(value) = body.get("value").and_then(Value::as_str) {
                    out.push(" = ");
                    out.push(value);
                }
                r.where_clause_lifting(&mut out, &impl_generics, &impl_generics);
            }
            "assoc_type" => {
                let generics = body.get("generics").unwrap_or(&Value::Null);
                out.push("pub type ");
                out.push(&qualified);
                r.generic_params(&mut out, generics);
                let bounds = body.get("bounds").unwrap_or(&Value::Null);
                if bounds.as_array().is_some_and(|b| !b.is_empty()) {
                    out.push(": ");
                    r.bounds(&mut out, bounds);
                }
                if let Some(ty) = body.get("type").filter(|t| !t.is_null()) {
                    out.push(" = ");
                    r.ty(&mut out, ty);
                }
                let mut all = impl_generics.clone();
                all.push(generics);
                r.where_clause_lifting(&mut out, &impl_generics, &all);
            }
            _ => {
                out.push("pub ");
                out.unrendered("associated item", &Value::String(kind.to_owned()));
                out.push(" ");
                out.push(&qualified);
            }
        }
        self.push(owner, Class::Member, name, subject, out);
    }

    /// `impl<G> Trait for Type where ... { type A = T }` as one line, under the listed type it
    /// is for (or the listed trait, for an impl on another crate's type).
    fn trait_impl(&mut self, owner: &Path, body: &Value) {
        if !body.get("blanket_impl").is_none_or(Value::is_null) {
            return;
        }
        let trait_ = body.get("trait").unwrap_or(&Value::Null);
        let (trait_id, for_id) = impl_ids(body);
        let trait_path = trait_id
            .and_then(|id| self.krate.summary(id))
            .map(|(_, p)| p.join("::"));
        if trait_path
            .as_deref()
            .is_some_and(|p| SILENT_TRAITS.contains(&p))
        {
            return;
        }
        let for_type = body.get("for").unwrap_or(&Value::Null);
        let home = for_id
            .and_then(|id| self.reach.paths.get(&id))
            .or_else(|| trait_id.and_then(|id| self.reach.paths.get(&id)))
            .or_else(|| {
                let listed = first_listed_id(trait_.get("args")?, self.reach)?;
                self.reach.paths.get(&listed)
            })
            .map(|paths| paths[0].clone())
            .unwrap_or_else(|| owner.clone());

        let r = self.render;
        let generics = body.get("generics").unwrap_or(&Value::Null);
        if let Some(short) = summarised(trait_path.as_deref(), trait_, body) {
            let mut params = Out::default();
            r.generic_params(&mut params, generics);
            let mut ty = Out::default();
            r.ty(&mut ty, for_type);
            let prefix = format!("impl{}", params.text);
            let entry = self.summaries.entry((home, prefix, ty.text)).or_default();
            entry.traits.insert(short);
            entry.mentions.extend(ty.mentions);
            return;
        }
        let mut out = Out::default();
        if krate::flag(body, "is_unsafe") {
            out.push("unsafe ");
        }
        out.push("impl");
        r.generic_params(&mut out, generics);
        out.push(" ");
        if krate::flag(body, "is_negative") {
            out.push("!");
        }
        r.path(&mut out, trait_);
        out.push(" for ");
        r.ty(&mut out, for_type);
        r.where_clause(&mut out, &[generics]);
        let assoc_types: Vec<&Value> = krate::ids(body.get("items"))
            .into_iter()
            .filter_map(|id| self.krate.item(id))
            .filter(|m| matches!(krate::inner(m), Some(("assoc_type", _))))
            .collect();
        if !assoc_types.is_empty() {
            out.push(" { ");
            for (i, member) in assoc_types.iter().enumerate() {
                if i > 0 {
                    out.push("; ");
                }
                out.push("type ");
                out.push(krate::name(member).unwrap_or("_"));
                if let Some(("assoc_type", b)) = krate::inner(member) {
                    r.generic_params(&mut out, b.get("generics").unwrap_or(&Value::Null));
                    out.push(" = ");
                    r.ty(&mut out, b.get("type").unwrap_or(&Value::Null));
                }
            }
            out.push(" }");
        }
        let subject = home.join("::");
        self.push(&home, Class::Impl, "", subject, out);
    }

    /// One `impl A + B + ... for T` line per summarised type.
    fn push_summaries(&mut self) {
        for ((home, prefix, ty), summary) in std::mem::take(&mut self.summaries) {
            let traits: Vec<&str> = summary.traits.into_iter().collect();
            let out = Out {
                text: format!("{prefix} {} for {ty}", traits.join(" + ")),
                mentions: summary.mentions,
                unrendered: 0,
            };
            let subject = home.join("::");
            self.push(&home, Class::Impl, "", subject, out);
        }
    }

    /// `pub use PATH = TARGET` for a re-export of another crate's item.
    fn outside_use(&mut self, outside: &OutsideUse) {
        let mut out = Out::default();
        out.push("pub use ");
        let joined = outside.path.join("::");
        out.push(&joined);
        out.push(" = ");
        self.render
            .item_name(&mut out, outside.target, &outside.source);
        if outside.path.last().is_some_and(|s| s == "*") {
            out.push("::*");
        }
        self.push(&outside.path, Class::Item, "", joined, out);
    }
}

/// Whether a trait impl is for a local type, or of a local trait, that users cannot name: such
/// an impl is not part of the API (`impl Clone for` a type inside a hidden module).
fn names_unreachable_local(krate: &Krate<'_>, reach: &Reach, body: &Value) -> bool {
    let local_unreachable = |id: Option<Id>| {
        id.is_some_and(|id| {
            krate.summary(id).is_some_and(|(c, _)| c == 0) && !reach.paths.contains_key(&id)
        })
    };
    let (trait_id, for_id) = impl_ids(body);
    local_unreachable(trait_id) || local_unreachable(for_id)
}

/// The ids of a trait impl's trait and of its self type (when that is a path).
fn impl_ids(body: &Value) -> (Option<Id>, Option<Id>) {
    let trait_id = body
        .get("trait")
        .and_then(|t| t.get("id"))
        .and_then(Value::as_u64);
    let for_id = match tag(body.get("for").unwrap_or(&Value::Null)) {
        Some(("resolved_path", p)) => p.get("id").and_then(Value::as_u64),
        _ => None,
    };
    (trait_id, for_id)
}

/// The first listed local item a JSON value (a type, generic arguments) names, if any.
fn first_listed_id(value: &Value, reach: &Reach) -> Option<Id> {
    match value {
        Value::Object(map) => {
            if let Some(id) = map
                .get("resolved_path")
                .and_then(|p| p.get("id"))
                .and_then(Value::as_u64)
                .filter(|id| reach.paths.contains_key(id))
            {
                return Some(id);
            }
            map.values().find_map(|v| first_listed_id(v, reach))
        }
        Value::Array(items) => items.iter().find_map(|v| first_listed_id(v, reach)),
        _ => None,
    }
}

/// The short name of a std trait whose impl goes into the type's summary line: the trait is
/// one of [`SUMMARISED_TRAITS`], without arguments, and the impl is plain (no where clause, no
/// type or const parameters, not negative; none of these traits has associated types).
fn summarised(trait_path: Option<&str>, trait_: &Value, body: &Value) -> Option<&'static str> {
    let (_, short) = SUMMARISED_TRAITS
        .iter()
        .find(|(long, _)| Some(*long) == trait_path)?;
    let generics = body.get("generics")?;
    let empty = |v: Option<&Value>| v.and_then(Value::as_array).is_none_or(Vec::is_empty);
    let lifetimes_only = generics
        .get("params")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|p| {
            matches!(p.get("kind").and_then(tag), Some(("lifetime", l)) if empty(l.get("outlives")))
        });
    let plain = trait_.get("args").is_none_or(Value::is_null)
        && empty(generics.get("where_predicates"))
        && lifetimes_only
        && !krate::flag(body, "is_negative")
        && !krate::flag(body, "is_unsafe");
    plain.then_some(*short)
}

/// `#[deprecated] ` and `#[non_exhaustive] ` prefixes: both change what users may do.
fn attributes(out: &mut Out, item: &Value) {
    if item.get("deprecation").is_some_and(|d| !d.is_null()) {
        out.push("#[deprecated] ");
    }
    let attrs = item.get("attrs").and_then(Value::as_array);
    if attrs
        .into_iter()
        .flatten()
        .any(|a| a.as_str() == Some("non_exhaustive"))
    {
        out.push("#[non_exhaustive] ");
    }
}
