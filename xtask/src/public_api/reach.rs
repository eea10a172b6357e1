//! The reachability walk: every path under which a user can name an item, starting at the crate
//! root and following public modules and `pub use` re-exports (renames and globs included).
//!
//! An item reached through several paths (`tcredis_core::Exchange` and
//! `tcredis_core::exchange::Exchange`) keeps all of them; the shortest is its *primary* path,
//! the one signatures use to name it and the one its members are listed under (between equally
//! short paths, one ending in the item's own name beats a rename, then alphabetical order).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::krate::{self, Id, Krate};

/// A path as segments: `["tcredis_core", "exchange", "Exchange"]`.
pub type Path = Vec<String>;

/// A `pub use` of something the JSON does not document as a local item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutsideUse {
    /// Where users name it (ends in `*` for a glob).
    pub path: Path,
    /// What it re-exports: the target's id when known, and the source as written.
    pub target: Option<Id>,
    /// The `use` source text (`std::collections::HashMap`).
    pub source: String,
}

/// Everything reachable from the crate root.
#[derive(Debug, Default)]
pub struct Reach {
    /// Every public path of every reachable local item, primary path first.
    pub paths: BTreeMap<Id, Vec<Path>>,
    /// Re-exports of items that are not documented locally (another crate's, or unresolved).
    pub outside_uses: BTreeSet<OutsideUse>,
}

impl Reach {
    /// Walks the crate from its root module.
    pub fn walk(krate: &Krate<'_>) -> Result<Reach, String> {
        let root = krate
            .item(krate.root)
            .ok_or("the rustdoc JSON does not contain its root module")?;
        let crate_name = krate::name(root).ok_or("the root module has no name")?;
        let mut walker = Walker {
            krate,
            found: BTreeMap::new(),
            outside_uses: BTreeSet::new(),
            stack: Vec::new(),
        };
        let root_path = vec![crate_name.to_owned()];
        walker.add(krate.root, root_path.clone());
        walker.module(krate.root, &root_path);
        let paths = walker
            .found
            .into_iter()
            .map(|(id, set)| {
                let own_name = krate.item(id).and_then(krate::name).unwrap_or("");
                let mut paths: Vec<Path> = set.into_iter().collect();
                paths.sort_by(|a, b| primary_order(a, own_name).cmp(&primary_order(b, own_name)));
                (id, paths)
            })
            .collect();
        Ok(Reach {
            paths,
            outside_uses: walker.outside_uses,
        })
    }

    /// The primary path of a reachable item, joined with `::`.
    pub fn primary(&self, id: Id) -> Option<String> {
        self.paths
            .get(&id)
            .and_then(|p| p.first())
            .map(|p| p.join("::"))
    }
}

/// The sort key that puts the primary path first: shorter paths first (users write the short
/// re-export), then paths that keep the item's own name, then alphabetical.
fn primary_order<'p>(path: &'p Path, own_name: &str) -> (usize, bool, &'p Path) {
    let renamed = path.last().map(String::as_str) != Some(own_name);
    (path.len(), renamed, path)
}

struct Walker<'k, 'j> {
    krate: &'k Krate<'j>,
    found: BTreeMap<Id, BTreeSet<Path>>,
    outside_uses: BTreeSet<OutsideUse>,
    /// Modules being walked. A glob or re-export cycle (`pub use crate::*` in a submodule) gives
    /// endlessly many paths; the walk follows a cycle once around and stops there.
    stack: Vec<Id>,
}

impl Walker<'_, '_> {
    fn add(&mut self, id: Id, path: Path) {
        self.found.entry(id).or_default().insert(path);
    }

    fn module(&mut self, module_id: Id, path: &Path) {
        if self.stack.iter().filter(|&&m| m == module_id).count() >= 2 {
            return;
        }
        let Some(module) = self.krate.item(module_id) else {
            return;
        };
        let Some(("module", body)) = krate::inner(module) else {
            return;
        };
        self.stack.push(module_id);
        for id in krate::ids(body.get("items")) {
            let Some(item) = self.krate.item(id) else {
                continue;
            };
            if !krate::is_public(item) {
                continue;
            }
            match krate::inner(item) {
                Some(("use", use_)) => self.reexport(use_, path),
                Some(("impl", _)) => {}
                Some((kind, _)) => {
                    let Some(name) = krate::name(item) else {
                        continue;
                    };
                    let mut item_path = path.clone();
                    item_path.push(name.to_owned());
                    self.add(id, item_path.clone());
                    if kind == "module" {
                        self.module(id, &item_path);
                    }
                }
                None => {}
            }
        }
        self.stack.pop();
    }

    fn reexport(&mut self, use_: &Value, path: &Path) {
        let source = krate::str_field(use_, "source").to_owned();
        let target = use_.get("id").and_then(Value::as_u64);
        let target_item = target.and_then(|id| self.krate.item(id));
        if krate::flag(use_, "is_glob") {
            match target_item.and_then(|item| krate::inner(item).map(|(k, b)| (item, k, b))) {
                Some((_, "module", _)) => {
                    if let Some(id) = target {
                        self.module(id, path);
                    }
                }
                Some((_, "enum", body)) => {
                    for variant in krate::ids(body.get("variants")) {
                        if let Some(name) = self.krate.item(variant).and_then(krate::name) {
                            let mut variant_path = path.clone();
                            variant_path.push(name.to_owned());
                            self.add(variant, variant_path);
                        }
                    }
                }
                _ => {
                    let mut glob_path = path.clone();
                    glob_path.push("*".to_owned());
                    self.outside_uses.insert(OutsideUse {
                        path: glob_path,
                        target,
                        source,
                    });
                }
            }
            return;
        }
        let mut use_path = path.clone();
        use_path.push(krate::str_field(use_, "name").to_owned());
        match (target, target_item) {
            (Some(id), Some(item)) => {
                self.add(id, use_path.clone());
                if matches!(krate::inner(item), Some(("module", _))) {
                    self.module(id, &use_path);
                }
            }
            // A local item the JSON leaves out is `#[doc(hidden)]`: hidden from the listing too.
            (Some(id), None) if self.krate.summary(id).is_some_and(|(c, _)| c == 0) => {}
            _ => {
                self.outside_uses.insert(OutsideUse {
                    path: use_path,
                    target,
                    source,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_api::test_doc;

    fn path(segments: &[&str]) -> Path {
        segments.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn walks_modules_renames_and_a_glob_cycle_once() {
        let doc = test_doc::demo();
        let krate = Krate::new(&doc).unwrap();
        let reach = Reach::walk(&krate).unwrap();
        // The struct: its own path, the glob's copy, the rename, and the rename once more
        // through the glob (the cycle is followed once around, then the walk stops).
        assert_eq!(
            reach.paths[&1],
            vec![
                path(&["demo", "Local"]),
                path(&["demo", "inner", "Local"]),
                path(&["demo", "inner", "Alias"]),
                path(&["demo", "inner", "inner", "Alias"]),
            ]
        );
        assert_eq!(reach.primary(1).as_deref(), Some("demo::Local"));
        assert_eq!(
            reach.paths[&2],
            vec![path(&["demo", "inner"]), path(&["demo", "inner", "inner"])]
        );
        assert!(reach.paths.contains_key(&7), "pub fn parse is reachable");
        assert!(!reach.paths.contains_key(&8), "pub(crate) fn is not");
    }

    #[test]
    fn reexports_of_other_crates_are_kept_and_hidden_local_ones_dropped() {
        let doc = test_doc::demo();
        let krate = Krate::new(&doc).unwrap();
        let reach = Reach::walk(&krate).unwrap();
        let outside: Vec<String> = reach
            .outside_uses
            .iter()
            .map(|u| u.path.join("::"))
            .collect();
        // Once per path of `inner`: as `demo::inner` and through the glob as
        // `demo::inner::inner`. `Secret` (doc-hidden, local) is in neither.
        assert_eq!(outside, ["demo::inner::Value", "demo::inner::inner::Value"]);
        assert!(
            reach
                .outside_uses
                .iter()
                .all(|u| u.target == Some(test_doc::JSON_VALUE))
        );
    }

    #[test]
    fn a_rename_loses_to_the_own_name_between_equally_short_paths() {
        let renamed = path(&["c", "Renamed"]);
        let own = path(&["c", "Shapes"]);
        assert!(primary_order(&own, "Shapes") < primary_order(&renamed, "Shapes"));
        let shorter = path(&["c", "X"]);
        let longer = path(&["c", "m", "Shapes"]);
        assert!(primary_order(&shorter, "Shapes") < primary_order(&longer, "Shapes"));
    }

    #[test]
    fn another_format_version_is_refused_by_name() {
        let mut doc = test_doc::demo();
        doc["format_version"] = 58.into();
        let err = Krate::new(&doc).unwrap_err();
        assert!(err.contains("format_version is 58"), "{err}");
        assert!(err.contains("reads format 57"), "{err}");
        let err = Krate::new(&serde_json::json!({"root": 0})).unwrap_err();
        assert!(err.contains("format_version"), "{err}");
    }
}
