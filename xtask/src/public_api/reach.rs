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
    /// Modules being walked (a glob or re-export cycle must not recurse forever).
    stack: Vec<Id>,
}

impl Walker<'_, '_> {
    fn add(&mut self, id: Id, path: Path) {
        self.found.entry(id).or_default().insert(path);
    }

    fn module(&mut self, module_id: Id, path: &Path) {
        if self.stack.contains(&module_id) {
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
