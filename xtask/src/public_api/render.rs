//! Renders rustdoc JSON types, generics, bounds and function signatures as Rust-like text.
//!
//! Paths are resolved through ids, never taken from the source text: a local item is named by
//! its primary public path (see `reach.rs`), anything else by the full path rustdoc records
//! for it (`core::fmt::Debug`, `http::request::Request`). The five prelude types `Option`,
//! `Result`, `Vec`, `String` and `Box` are written by their short names. Every external item a
//! rendering names is recorded as a [`Mention`], which the foreign-type check reads.
//!
//! A shape this renderer does not know is written as `<<UNRENDERED what: json>>` and counted,
//! so a format change shows in the listing instead of silently shortening it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::krate::{self, Krate, tag};
use super::reach::Reach;

/// Prelude types written by their short names.
const PRELUDE: [(&str, &str); 5] = [
    ("core::option::Option", "Option"),
    ("core::result::Result", "Result"),
    ("alloc::vec::Vec", "Vec"),
    ("alloc::string::String", "String"),
    ("alloc::boxed::Box", "Box"),
];

/// An item of another crate named in a rendering.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mention {
    /// The crate's name as rustdoc records it (`core`, `serde_json`).
    pub krate: String,
    /// The item's full path (`serde_json::value::Value`).
    pub path: String,
    /// An item of the crate itself that users cannot name (no public path reaches it, e.g. one
    /// inside a `#[doc(hidden)]` module that the crate root does not re-export).
    pub unnameable: bool,
}

/// Text being rendered, with what it mentions.
#[derive(Debug, Default)]
pub struct Out {
    /// The rendered text.
    pub text: String,
    /// Items named in `text` that are another crate's, or the crate's own but unnameable.
    pub mentions: BTreeSet<Mention>,
    /// How many `<<UNRENDERED ...>>` markers `text` contains.
    pub unrendered: usize,
}

impl Out {
    /// Appends plain text.
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Appends an obviously-wrong marker for a shape the renderer does not know.
    pub fn unrendered(&mut self, what: &str, value: &Value) {
        let mut json = value.to_string();
        if json.len() > 120 {
            let mut cut = 120;
            while !json.is_char_boundary(cut) {
                cut -= 1;
            }
            json.truncate(cut);
            json.push_str("...");
        }
        let _ = write!(self.text, "<<UNRENDERED {what}: {json}>>");
        self.unrendered += 1;
    }
}

/// Renders against one crate's JSON and its reachability.
#[derive(Debug, Clone, Copy)]
pub struct Renderer<'a, 'j> {
    krate: &'a Krate<'j>,
    reach: &'a Reach,
}

impl<'a, 'j> Renderer<'a, 'j> {
    /// A renderer naming local items by their primary paths in `reach`.
    pub fn new(krate: &'a Krate<'j>, reach: &'a Reach) -> Self {
        Renderer { krate, reach }
    }

    /// The name of item `id`: its primary public path when local and reachable, else the path
    /// rustdoc records (recorded as a mention when it belongs to another crate), else `raw`
    /// marked as unresolved.
    pub fn item_name(&self, out: &mut Out, id: Option<u64>, raw: &str) {
        if let Some(primary) = id.and_then(|id| self.reach.primary(id)) {
            out.push(&primary);
            return;
        }
        let Some((crate_id, path)) = id.and_then(|id| self.krate.summary(id)) else {
            let _ = write!(out.text, "<<UNRESOLVED {raw}>>");
            out.unrendered += 1;
            return;
        };
        let full = path.join("::");
        if crate_id != 0 {
            out.mentions.insert(Mention {
                krate: self
                    .krate
                    .crate_name(crate_id)
                    .unwrap_or(path[0])
                    .to_owned(),
                path: full.clone(),
                unnameable: false,
            });
        } else {
            out.mentions.insert(Mention {
                krate: path[0].to_owned(),
                path: full.clone(),
                unnameable: true,
            });
        }
        match PRELUDE.iter().find(|(long, _)| *long == full) {
            Some((_, short)) => out.push(short),
            None => out.push(&full),
        }
    }

    /// A type.
    pub fn ty(&self, out: &mut Out, ty: &Value) {
        let Some((kind, body)) = tag(ty) else {
            out.unrendered("type", ty);
            return;
        };
        match kind {
            "resolved_path" => self.path(out, body),
            "generic" | "primitive" => out.push(body.as_str().unwrap_or("<<UNRENDERED name>>")),
            "infer" => out.push("_"),
            "tuple" => {
                let items = body.as_array().map(Vec::as_slice).unwrap_or_default();
                out.push("(");
                self.list(out, items, ", ", Self::ty);
                if items.len() == 1 {
                    out.push(",");
                }
                out.push(")");
            }
            "slice" => {
                out.push("[");
                self.ty(out, body);
                out.push("]");
            }
            "array" => {
                out.push("[");
                self.ty(out, body.get("type").unwrap_or(&Value::Null));
                out.push("; ");
                out.push(krate::str_field(body, "len"));
                out.push("]");
            }
            "borrowed_ref" => {
                out.push("&");
                if let Some(lifetime) = body.get("lifetime").and_then(Value::as_str) {
                    out.push(lifetime);
                    out.push(" ");
                }
                if krate::flag(body, "is_mutable") {
                    out.push("mut ");
                }
                self.ty(out, body.get("type").unwrap_or(&Value::Null));
            }
            "raw_pointer" => {
                out.push(if krate::flag(body, "is_mutable") {
                    "*mut "
                } else {
                    "*const "
                });
                self.ty(out, body.get("type").unwrap_or(&Value::Null));
            }
            "impl_trait" => {
                out.push("impl ");
                self.bounds(out, body);
            }
            "dyn_trait" => self.dyn_trait(out, body),
            "function_pointer" => self.function_pointer(out, body),
            "qualified_path" => self.qualified_path(out, body),
            "pat" => {
                self.ty(out, body.get("type").unwrap_or(&Value::Null));
                out.push(" is ");
                out.push(krate::str_field(body, "__pat_unstable_do_not_use"));
            }
            _ => out.unrendered("type", ty),
        }
    }

    /// A path with its generic arguments (`{path, id, args}`), as in a resolved type or a trait.
    pub fn path(&self, out: &mut Out, path: &Value) {
        self.item_name(
            out,
            path.get("id").and_then(Value::as_u64),
            krate::str_field(path, "path"),
        );
        self.generic_args(out, path.get("args").unwrap_or(&Value::Null));
    }

    /// `<'a, T, Item = U>` or `(A, B) -> C`; nothing for null or empty arguments.
    pub fn generic_args(&self, out: &mut Out, args: &Value) {
        if args.is_null() {
            return;
        }
        let Some((kind, body)) = tag(args) else {
            out.unrendered("generic args", args);
            return;
        };
        match kind {
            "angle_bracketed" => {
                let args = body.get("args").and_then(Value::as_array);
                let constraints = body.get("constraints").and_then(Value::as_array);
                let args = args.map(Vec::as_slice).unwrap_or_default();
                let constraints = constraints.map(Vec::as_slice).unwrap_or_default();
                if args.is_empty() && constraints.is_empty() {
                    return;
                }
                out.push("<");
                self.list(out, args, ", ", Self::generic_arg);
                if !args.is_empty() && !constraints.is_empty() {
                    out.push(", ");
                }
                self.list(out, constraints, ", ", Self::constraint);
                out.push(">");
            }
            "parenthesized" => {
                out.push("(");
                let inputs = body.get("inputs").and_then(Value::as_array);
                self.list(
                    out,
                    inputs.map(Vec::as_slice).unwrap_or_default(),
                    ", ",
                    Self::ty,
                );
                out.push(")");
                if let Some(output) = body.get("output").filter(|o| !o.is_null()) {
                    out.push(" -> ");
                    self.ty(out, output);
                }
            }
            "return_type_notation" => out.push("(..)"),
            _ => out.unrendered("generic args", args),
        }
    }

    fn generic_arg(&self, out: &mut Out, arg: &Value) {
        match tag(arg) {
            Some(("lifetime", l)) => out.push(l.as_str().unwrap_or("'<<UNRENDERED>>")),
            Some(("type", t)) => self.ty(out, t),
            Some(("const", c)) => out.push(krate::str_field(c, "expr")),
            Some(("infer", _)) => out.push("_"),
            _ => out.unrendered("generic arg", arg),
        }
    }

    /// `Item = T`, `Item: Bound`, `N = 3`.
    fn constraint(&self, out: &mut Out, constraint: &Value) {
        out.push(krate::str_field(constraint, "name"));
        self.generic_args(out, constraint.get("args").unwrap_or(&Value::Null));
        match constraint.get("binding").and_then(tag) {
            Some(("equality", term)) => {
                out.push(" = ");
                self.term(out, term);
            }
            Some(("constraint", bounds)) => {
                out.push(": ");
                self.bounds(out, bounds);
            }
            _ => out.unrendered("constraint", constraint),
        }
    }

    fn term(&self, out: &mut Out, term: &Value) {
        match tag(term) {
            Some(("type", t)) => self.ty(out, t),
            Some(("constant", c)) => out.push(krate::str_field(c, "expr")),
            _ => out.unrendered("term", term),
        }
    }

    /// Bounds joined by ` + ` (a JSON array of generic bounds).
    pub fn bounds(&self, out: &mut Out, bounds: &Value) {
        let bounds = bounds.as_array().map(Vec::as_slice).unwrap_or_default();
        self.list(out, bounds, " + ", Self::bound);
    }

    fn bound(&self, out: &mut Out, bound: &Value) {
        match tag(bound) {
            Some(("trait_bound", b)) => {
                self.hrtb(out, b.get("generic_params"));
                match krate::str_field(b, "modifier") {
                    "maybe" => out.push("?"),
                    "maybe_const" => out.push("[const] "),
                    _ => {}
                }
                self.path(out, b.get("trait").unwrap_or(&Value::Null));
            }
            Some(("outlives", l)) => out.push(l.as_str().unwrap_or("'<<UNRENDERED>>")),
            Some(("use", args)) => {
                out.push("use<");
                let args = args.as_array().map(Vec::as_slice).unwrap_or_default();
                self.list(out, args, ", ", |_, out, arg| match arg {
                    Value::String(s) => out.push(s),
                    other => match tag(other) {
                        Some((_, Value::String(s))) => out.push(s),
                        _ => out.unrendered("use bound", other),
                    },
                });
                out.push(">");
            }
            _ => out.unrendered("bound", bound),
        }
    }

    /// `for<'a, 'b> ` when there are higher-ranked parameters.
    fn hrtb(&self, out: &mut Out, params: Option<&Value>) {
        let params = params.and_then(Value::as_array);
        if let Some(params) = params.filter(|p| !p.is_empty()) {
            out.push("for<");
            self.list(out, params, ", ", Self::generic_param);
            out.push("> ");
        }
    }

    fn dyn_trait(&self, out: &mut Out, body: &Value) {
        out.push("dyn ");
        let traits = body.get("traits").and_then(Value::as_array);
        self.list(
            out,
            traits.map(Vec::as_slice).unwrap_or_default(),
            " + ",
            |r, out, poly| {
                r.hrtb(out, poly.get("generic_params"));
                r.path(out, poly.get("trait").unwrap_or(&Value::Null));
            },
        );
        if let Some(lifetime) = body.get("lifetime").and_then(Value::as_str) {
            out.push(" + ");
            out.push(lifetime);
        }
    }

    fn function_pointer(&self, out: &mut Out, body: &Value) {
        self.hrtb(out, body.get("generic_params"));
        self.fn_header(out, body.get("header").unwrap_or(&Value::Null));
        out.push("fn(");
        let sig = body.get("sig").unwrap_or(&Value::Null);
        let inputs = sig.get("inputs").and_then(Value::as_array);
        self.list(
            out,
            inputs.map(Vec::as_slice).unwrap_or_default(),
            ", ",
            |r, out, input| r.ty(out, input.get(1).unwrap_or(&Value::Null)),
        );
        if krate::flag(sig, "is_c_variadic") {
            out.push(", ...");
        }
        out.push(")");
        self.fn_output(out, sig);
    }

    /// `<T as Trait>::Name`, or `T::Name` for an inherent associated type.
    fn qualified_path(&self, out: &mut Out, body: &Value) {
        let self_type = body.get("self_type").unwrap_or(&Value::Null);
        match body.get("trait").filter(|t| !t.is_null()) {
            Some(trait_) => {
                out.push("<");
                self.ty(out, self_type);
                out.push(" as ");
                self.path(out, trait_);
                out.push(">");
            }
            None => self.ty(out, self_type),
        }
        out.push("::");
        out.push(krate::str_field(body, "name"));
        self.generic_args(out, body.get("args").unwrap_or(&Value::Null));
    }

    /// One generic parameter declaration: `'a: 'b`, `T: Bound = Default`, `const N: usize`.
    pub fn generic_param(&self, out: &mut Out, param: &Value) {
        self.generic_param_with(out, param, true);
    }

    fn generic_param_with(&self, out: &mut Out, param: &Value, with_default: bool) {
        let name = krate::str_field(param, "name");
        match param.get("kind").and_then(tag) {
            Some(("lifetime", l)) => {
                out.push(name);
                let outlives = l.get("outlives").and_then(Value::as_array);
                if let Some(outlives) = outlives.filter(|o| !o.is_empty()) {
                    out.push(": ");
                    self.list(out, outlives, " + ", |_, out, o| {
                        out.push(o.as_str().unwrap_or("'<<UNRENDERED>>"))
                    });
                }
            }
            Some(("type", t)) => {
                out.push(name);
                let bounds = t.get("bounds").unwrap_or(&Value::Null);
                if bounds.as_array().is_some_and(|b| !b.is_empty()) {
                    out.push(": ");
                    self.bounds(out, bounds);
                }
                if let Some(default) = t.get("default").filter(|d| !d.is_null() && with_default) {
                    out.push(" = ");
                    self.ty(out, default);
                }
            }
            Some(("const", c)) => {
                out.push("const ");
                out.push(name);
                out.push(": ");
                self.ty(out, c.get("type").unwrap_or(&Value::Null));
                if let Some(default) = c.get("default").and_then(Value::as_str) {
                    out.push(" = ");
                    out.push(default);
                }
            }
            _ => out.unrendered("generic param", param),
        }
    }

    /// `<...>` for the declared (non-synthetic) parameters of a generics object, or nothing.
    pub fn generic_params(&self, out: &mut Out, generics: &Value) {
        let params: Vec<&Value> = generics
            .get("params")
            .and_then(Value::as_array)
            .map(|p| p.iter().filter(|p| !is_synthetic(p)).collect())
            .unwrap_or_default();
        if params.is_empty() {
            return;
        }
        out.push("<");
        for (i, param) in params.iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            self.generic_param(out, param);
        }
        out.push(">");
    }

    /// ` where A, B` for the where predicates of the given generics objects (in order), or
    /// nothing when there are none.
    pub fn where_clause(&self, out: &mut Out, generics: &[&Value]) {
        self.where_clause_lifting(out, &[], generics);
    }

    /// Like [`Renderer::where_clause`], but first states the bounds that the parameters of
    /// `lifted` declare inline (`impl<A: Action>` becomes `where A: Action` on a method line,
    /// which does not repeat the impl's parameter list).
    pub fn where_clause_lifting(&self, out: &mut Out, lifted: &[&Value], generics: &[&Value]) {
        let mut clauses: Vec<Out> = Vec::new();
        for param in lifted
            .iter()
            .filter_map(|g| g.get("params").and_then(Value::as_array))
            .flatten()
            .filter(|p| !is_synthetic(p))
        {
            if param_has_bounds(param) {
                let mut clause = Out::default();
                self.generic_param_with(&mut clause, param, false);
                clauses.push(clause);
            }
        }
        for predicate in generics
            .iter()
            .filter_map(|g| g.get("where_predicates").and_then(Value::as_array))
            .flatten()
        {
            let mut clause = Out::default();
            self.where_predicate(&mut clause, predicate);
            clauses.push(clause);
        }
        if clauses.is_empty() {
            return;
        }
        out.push(" where ");
        for (i, clause) in clauses.into_iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            out.push(&clause.text);
            out.mentions.extend(clause.mentions);
            out.unrendered += clause.unrendered;
        }
    }

    fn where_predicate(&self, out: &mut Out, predicate: &Value) {
        match tag(predicate) {
            Some(("bound_predicate", p)) => {
                self.hrtb(out, p.get("generic_params"));
                self.ty(out, p.get("type").unwrap_or(&Value::Null));
                out.push(": ");
                self.bounds(out, p.get("bounds").unwrap_or(&Value::Null));
            }
            Some(("lifetime_predicate", p)) => {
                out.push(krate::str_field(p, "lifetime"));
                out.push(": ");
                let outlives = p.get("outlives").and_then(Value::as_array);
                self.list(
                    out,
                    outlives.map(Vec::as_slice).unwrap_or_default(),
                    " + ",
                    |_, out, o| out.push(o.as_str().unwrap_or("'<<UNRENDERED>>")),
                );
            }
            Some(("eq_predicate", p)) => {
                self.ty(out, p.get("lhs").unwrap_or(&Value::Null));
                out.push(" = ");
                self.term(out, p.get("rhs").unwrap_or(&Value::Null));
            }
            _ => out.unrendered("where predicate", predicate),
        }
    }

    /// `const async unsafe extern "C" ` as the header says (nothing for a plain Rust fn).
    pub fn fn_header(&self, out: &mut Out, header: &Value) {
        if krate::flag(header, "is_const") {
            out.push("const ");
        }
        if krate::flag(header, "is_async") {
            out.push("async ");
        }
        if krate::flag(header, "is_unsafe") {
            out.push("unsafe ");
        }
        match header.get("abi") {
            None | Some(Value::Null) => {}
            Some(Value::String(abi)) if abi == "Rust" => {}
            Some(abi) => match tag(abi) {
                Some(("Other", Value::String(name))) => {
                    let _ = write!(out.text, "extern \"{name}\" ");
                }
                Some((name, detail)) => {
                    let unwind = if krate::flag(detail, "unwind") {
                        "-unwind"
                    } else {
                        ""
                    };
                    let _ = write!(out.text, "extern \"{name}{unwind}\" ");
                }
                None => out.unrendered("abi", abi),
            },
        }
    }

    /// `(inputs)` of a function signature; `self` receivers are written the usual way.
    pub fn fn_inputs(&self, out: &mut Out, sig: &Value) {
        out.push("(");
        let inputs = sig.get("inputs").and_then(Value::as_array);
        self.list(
            out,
            inputs.map(Vec::as_slice).unwrap_or_default(),
            ", ",
            |r, out, input| {
                let name = input.get(0).and_then(Value::as_str).unwrap_or("_");
                let ty = input.get(1).unwrap_or(&Value::Null);
                if let Some(receiver) = receiver(ty).filter(|_| name == "self") {
                    out.push(&receiver);
                    return;
                }
                out.push(name);
                out.push(": ");
                r.ty(out, ty);
            },
        );
        if krate::flag(sig, "is_c_variadic") {
            out.push(", ...");
        }
        out.push(")");
    }

    /// ` -> T`, or nothing for `()`.
    pub fn fn_output(&self, out: &mut Out, sig: &Value) {
        if let Some(output) = sig.get("output").filter(|o| !o.is_null()) {
            out.push(" -> ");
            self.ty(out, output);
        }
    }

    fn list(
        &self,
        out: &mut Out,
        items: &[Value],
        separator: &str,
        each: impl Fn(&Self, &mut Out, &Value),
    ) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(separator);
            }
            each(self, out, item);
        }
    }
}

/// Whether a generic parameter was made up by the compiler for an `impl Trait` argument.
fn is_synthetic(param: &Value) -> bool {
    param
        .get("kind")
        .and_then(|k| k.get("type"))
        .is_some_and(|t| krate::flag(t, "is_synthetic"))
}

/// Whether a parameter declaration carries bounds (`T: Clone`, `'a: 'b`); a const parameter
/// has none to lift.
fn param_has_bounds(param: &Value) -> bool {
    let non_empty = |v: Option<&Value>| v.and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    match param.get("kind").and_then(tag) {
        Some(("type", t)) => non_empty(t.get("bounds")),
        Some(("lifetime", l)) => non_empty(l.get("outlives")),
        _ => false,
    }
}

/// `self`, `&self`, `&'a mut self` for the receiver types written without `self: `.
fn receiver(ty: &Value) -> Option<String> {
    match tag(ty)? {
        ("generic", Value::String(s)) if s == "Self" => Some("self".to_owned()),
        ("borrowed_ref", body) => {
            let inner = body.get("type")?;
            if !matches!(tag(inner), Some(("generic", Value::String(s))) if s == "Self") {
                return None;
            }
            let mut text = "&".to_owned();
            if let Some(lifetime) = body.get("lifetime").and_then(Value::as_str) {
                text.push_str(lifetime);
                text.push(' ');
            }
            if krate::flag(body, "is_mutable") {
                text.push_str("mut ");
            }
            text.push_str("self");
            Some(text)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::public_api::test_doc::{
        self, FN, ITERATOR, JSON_VALUE, OPTION, SEND, generic, named,
    };

    /// Renders with `f` against the demo crate; returns the text, mentioned crates and markers.
    fn render(f: impl Fn(&Renderer<'_, '_>, &mut Out)) -> (String, Vec<String>, usize) {
        let doc = test_doc::demo();
        let krate = Krate::new(&doc).unwrap();
        let reach = Reach::walk(&krate).unwrap();
        let renderer = Renderer::new(&krate, &reach);
        let mut out = Out::default();
        f(&renderer, &mut out);
        let crates = out.mentions.iter().map(|m| m.krate.clone()).collect();
        (out.text, crates, out.unrendered)
    }

    fn ty(t: Value) -> String {
        let (text, _, unrendered) = render(|r, out| r.ty(out, &t));
        assert_eq!(unrendered, 0, "{text}");
        text
    }

    fn reference(lifetime: Option<&str>, mutable: bool, t: Value) -> Value {
        json!({"borrowed_ref": {"lifetime": lifetime, "is_mutable": mutable, "type": t}})
    }

    fn prim(name: &str) -> Value {
        json!({"primitive": name})
    }

    fn trait_bound(path: Value, hrtb: Value) -> Value {
        json!({"trait_bound": {"trait": path, "generic_params": hrtb, "modifier": "none"}})
    }

    fn path_value(id: u64, name: &str, args: Value) -> Value {
        json!({"path": name, "id": id, "args": args})
    }

    #[test]
    fn paths_resolve_through_ids_to_primary_or_defining_paths() {
        // A local item by its primary path, whatever the source text said.
        assert_eq!(ty(named(1, "super::Whatever")), "demo::Local");
        // A prelude type by its short name, with arguments.
        let option = generic(
            OPTION,
            "Option",
            vec![reference(Some("'a"), true, json!({"slice": prim("u8")}))],
        );
        assert_eq!(ty(option), "Option<&'a mut [u8]>");
        // Another crate's item by its full path, recorded as a mention of that crate.
        let (text, crates, _) = render(|r, out| r.ty(out, &named(JSON_VALUE, "Value")));
        assert_eq!(text, "serde_json::value::Value");
        assert_eq!(crates, ["serde_json"]);
    }

    #[test]
    fn composite_types_render_as_rust_writes_them() {
        assert_eq!(ty(json!({"tuple": []})), "()");
        assert_eq!(ty(json!({"tuple": [prim("u8")]})), "(u8,)");
        assert_eq!(
            ty(json!({"tuple": [prim("u8"), {"generic": "T"}]})),
            "(u8, T)"
        );
        assert_eq!(
            ty(json!({"array": {"type": prim("u8"), "len": "N"}})),
            "[u8; N]"
        );
        assert_eq!(
            ty(json!({"raw_pointer": {"is_mutable": false, "type": prim("u8")}})),
            "*const u8"
        );
        assert_eq!(
            ty(json!({"raw_pointer": {"is_mutable": true, "type": prim("u8")}})),
            "*mut u8"
        );
        assert_eq!(ty(reference(None, false, prim("str"))), "&str");
        assert_eq!(ty(json!("infer")), "_");
    }

    #[test]
    fn impl_and_dyn_trait_with_bindings_lifetimes_and_higher_ranked_bounds() {
        let iterator = path_value(
            ITERATOR,
            "Iterator",
            json!({"angle_bracketed": {"args": [], "constraints": [
                {"name": "Item", "args": null, "binding": {"equality": {"type": prim("u8")}}}
            ]}}),
        );
        let impl_trait =
            json!({"impl_trait": [trait_bound(iterator, json!([])), {"outlives": "'a"}]});
        assert_eq!(
            ty(impl_trait),
            "impl core::iter::traits::iterator::Iterator<Item = u8> + 'a"
        );

        let fn_trait = path_value(
            FN,
            "Fn",
            json!({"parenthesized": {"inputs": [reference(Some("'b"), false, prim("str"))],
                                     "output": prim("u8")}}),
        );
        let hrtb = json!([{"name": "'b", "kind": {"lifetime": {"outlives": []}}}]);
        let dyn_trait = json!({"dyn_trait": {"traits": [
            {"trait": fn_trait, "generic_params": hrtb},
            {"trait": path_value(SEND, "Send", Value::Null), "generic_params": []}
        ], "lifetime": "'static"}});
        assert_eq!(
            ty(dyn_trait),
            "dyn for<'b> core::ops::function::Fn(&'b str) -> u8 + core::marker::Send + 'static"
        );
    }

    #[test]
    fn function_pointers_and_qualified_paths() {
        let pointer = json!({"function_pointer": {
            "sig": {"inputs": [["_", prim("u8")], ["x", reference(None, false, prim("str"))]],
                    "output": prim("bool"), "is_c_variadic": true},
            "generic_params": [],
            "header": {"is_const": false, "is_unsafe": true, "is_async": false,
                       "abi": {"C": {"unwind": false}}}
        }});
        assert_eq!(ty(pointer), "unsafe extern \"C\" fn(u8, &str, ...) -> bool");
        let qualified = json!({"qualified_path": {
            "name": "Item", "args": null, "self_type": {"generic": "I"},
            "trait": path_value(ITERATOR, "", Value::Null)
        }});
        assert_eq!(
            ty(qualified),
            "<I as core::iter::traits::iterator::Iterator>::Item"
        );
        let inherent = json!({"qualified_path": {
            "name": "Assoc", "args": null, "self_type": {"generic": "Self"}, "trait": null
        }});
        assert_eq!(ty(inherent), "Self::Assoc");
    }

    #[test]
    fn unknown_shapes_and_unresolved_ids_are_marked_not_dropped() {
        let (text, _, unrendered) = render(|r, out| r.ty(out, &json!({"mystery": {"x": 1}})));
        assert!(
            text.starts_with("<<UNRENDERED type: {\"mystery\""),
            "{text}"
        );
        assert_eq!(unrendered, 1);
        let (text, _, unrendered) = render(|r, out| r.ty(out, &named(999, "Gone")));
        assert_eq!(text, "<<UNRESOLVED Gone>>");
        assert_eq!(unrendered, 1);
        let option = generic(OPTION, "Option", vec![json!(42)]);
        let (text, _, unrendered) = render(|r, out| r.ty(out, &option));
        assert_eq!(text, "Option<<<UNRENDERED type: 42>>>");
        assert_eq!(unrendered, 1);
    }

    #[test]
    fn generics_where_clauses_and_receivers() {
        let generics = json!({
            "params": [
                {"name": "'a", "kind": {"lifetime": {"outlives": ["'b"]}}},
                {"name": "T", "kind": {"type": {"bounds": [trait_bound(path_value(SEND, "Send", Value::Null), json!([]))],
                                                "default": prim("u8"), "is_synthetic": false}}},
                {"name": "impl Send", "kind": {"type": {"bounds": [], "default": null, "is_synthetic": true}}},
                {"name": "N", "kind": {"const": {"type": prim("usize"), "default": "3"}}}
            ],
            "where_predicates": [
                {"bound_predicate": {"type": {"generic": "T"},
                                     "bounds": [{"outlives": "'a"}], "generic_params": []}}
            ]
        });
        let (text, _, _) = render(|r, out| r.generic_params(out, &generics));
        assert_eq!(
            text,
            "<'a: 'b, T: core::marker::Send = u8, const N: usize = 3>"
        );
        let (text, _, _) = render(|r, out| r.where_clause_lifting(out, &[&generics], &[&generics]));
        assert_eq!(text, " where 'a: 'b, T: core::marker::Send, T: 'a");

        let sig = json!({"inputs": [
            ["self", reference(Some("'a"), true, json!({"generic": "Self"}))],
            ["n", prim("u8")]
        ], "output": null, "is_c_variadic": false});
        let (text, _, _) = render(|r, out| {
            r.fn_inputs(out, &sig);
            r.fn_output(out, &sig);
        });
        assert_eq!(text, "(&'a mut self, n: u8)");
        let boxed_self = json!({"inputs": [["self", generic(OPTION, "Option", vec![json!({"generic": "Self"})])]],
                                "output": prim("u8"), "is_c_variadic": false});
        let (text, _, _) = render(|r, out| {
            r.fn_inputs(out, &boxed_self);
            r.fn_output(out, &boxed_self);
        });
        assert_eq!(text, "(self: Option<Self>) -> u8");
    }
}
