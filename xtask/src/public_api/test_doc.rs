//! Hand-written rustdoc JSON (format 57 shapes) for the unit tests of the walk, the renderer
//! and the foreign-type rule.
//!
//! The crate `demo`:
//! ```text
//! pub struct Local;                                 // id 1
//! pub mod inner {                                   // id 2
//!     pub use crate::Local as Alias;                // id 3
//!     pub use crate::*;                             // id 4: a glob cycle back to the root
//!     pub use serde_json::Value;                    // id 5: another crate's item
//!     pub use crate::hidden::Secret;                // id 6: a #[doc(hidden)] local item
//! }
//! pub fn parse(value: &serde_json::Value) -> Option<Local>;   // id 7
//! pub(crate) fn private();                          // id 8
//! ```

use serde_json::{Value, json};

/// Ids of external items in the `paths` table.
pub const OPTION: u64 = 100;
pub const JSON_VALUE: u64 = 101;
pub const ITERATOR: u64 = 102;
pub const SEND: u64 = 103;
pub const FN: u64 = 104;
pub const HIDDEN: u64 = 105;

fn resolved(id: u64, path: &str, args: Value) -> Value {
    json!({"resolved_path": {"path": path, "id": id, "args": args}})
}

/// A resolved path type without arguments.
pub fn named(id: u64, path: &str) -> Value {
    resolved(id, path, Value::Null)
}

/// A resolved path type with angle-bracketed type arguments.
pub fn generic(id: u64, path: &str, args: Vec<Value>) -> Value {
    let args: Vec<Value> = args.into_iter().map(|t| json!({"type": t})).collect();
    resolved(
        id,
        path,
        json!({"angle_bracketed": {"args": args, "constraints": []}}),
    )
}

fn no_generics() -> Value {
    json!({"params": [], "where_predicates": []})
}

/// The whole `demo` document.
pub fn demo() -> Value {
    json!({
        "format_version": 57,
        "root": 0,
        "index": {
            "0": {"id": 0, "crate_id": 0, "name": "demo", "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"module": {"is_crate": true, "items": [1, 2, 7, 8], "is_stripped": false}}},
            "1": {"id": 1, "crate_id": 0, "name": "Local", "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"struct": {"kind": "unit", "generics": no_generics(), "impls": []}}},
            "2": {"id": 2, "crate_id": 0, "name": "inner", "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"module": {"is_crate": false, "items": [3, 4, 5, 6], "is_stripped": false}}},
            "3": {"id": 3, "crate_id": 0, "name": null, "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"use": {"source": "crate::Local", "name": "Alias", "id": 1, "is_glob": false}}},
            "4": {"id": 4, "crate_id": 0, "name": null, "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"use": {"source": "crate", "name": "crate", "id": 0, "is_glob": true}}},
            "5": {"id": 5, "crate_id": 0, "name": null, "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"use": {"source": "serde_json::Value", "name": "Value", "id": JSON_VALUE, "is_glob": false}}},
            "6": {"id": 6, "crate_id": 0, "name": null, "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"use": {"source": "crate::hidden::Secret", "name": "Secret", "id": HIDDEN, "is_glob": false}}},
            "7": {"id": 7, "crate_id": 0, "name": "parse", "visibility": "public", "attrs": [],
                  "deprecation": null,
                  "inner": {"function": {
                      "sig": {"inputs": [["value", {"borrowed_ref": {"lifetime": null, "is_mutable": false,
                                                    "type": named(JSON_VALUE, "serde_json::Value")}}]],
                              "output": generic(OPTION, "Option", vec![named(1, "Local")]),
                              "is_c_variadic": false},
                      "generics": no_generics(),
                      "header": {"is_const": false, "is_unsafe": false, "is_async": false, "abi": "Rust"},
                      "has_body": true}}},
            "8": {"id": 8, "crate_id": 0, "name": "private", "visibility": "crate", "attrs": [],
                  "deprecation": null,
                  "inner": {"function": {
                      "sig": {"inputs": [], "output": null, "is_c_variadic": false},
                      "generics": no_generics(),
                      "header": {"is_const": false, "is_unsafe": false, "is_async": false, "abi": "Rust"},
                      "has_body": true}}}
        },
        "paths": {
            "1": {"crate_id": 0, "path": ["demo", "Local"], "kind": "struct"},
            "100": {"crate_id": 2, "path": ["core", "option", "Option"], "kind": "enum"},
            "101": {"crate_id": 3, "path": ["serde_json", "value", "Value"], "kind": "enum"},
            "102": {"crate_id": 2, "path": ["core", "iter", "traits", "iterator", "Iterator"], "kind": "trait"},
            "103": {"crate_id": 2, "path": ["core", "marker", "Send"], "kind": "trait"},
            "104": {"crate_id": 2, "path": ["core", "ops", "function", "Fn"], "kind": "trait"},
            "105": {"crate_id": 0, "path": ["demo", "hidden", "Secret"], "kind": "struct"}
        },
        "external_crates": {
            "2": {"name": "core", "html_root_url": null},
            "3": {"name": "serde_json", "html_root_url": null}
        },
        "target": {"triple": "x86_64-unknown-linux-gnu", "target_features": []},
        "includes_private": false,
        "crate_version": null
    })
}
