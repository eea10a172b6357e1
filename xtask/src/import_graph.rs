//! The "no import loops" check: inside every crate of the workspace, the modules that share a
//! parent must depend on each other without a cycle (issue 10: "No import loops inside any
//! crate").
//!
//! How a dependency is found: every `use` tree and every `crate::`/`super::`/`self::` path in
//! the code (comments and string literals stripped) is resolved to the module it names,
//! following `pub use` re-exports of the modules on the way, so `super::Payload` re-exported by
//! `tc3/mod.rs` from `tc3/params.rs` counts as a dependency on `params`. A reference from module
//! `a::b::x` to `a::c::y` is an edge `a::b -> a::c` between the siblings under their closest
//! common parent; a child naming its own ancestors is not an edge. Items of inline
//! `#[cfg(test)] mod tests { ... }` blocks count for the test module only (a test may import
//! anything).
//!
//! This is a lexical check, not a compiler: macros that build paths out of fragments and glob
//! re-exports (`pub use x::*`) are not followed. It errs toward missing an edge, never toward
//! inventing one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A module path inside one crate, from the root (`[]` is the crate root).
pub type ModPath = Vec<String>;

/// One crate's modules and what each refers to.
#[derive(Debug, Default)]
pub struct CrateModules {
    /// Every module (file or inline), including the root `[]`.
    modules: BTreeSet<ModPath>,
    /// `(module, name) -> path` for `use` (imports and re-exports) in that module.
    aliases: BTreeMap<(ModPath, String), Vec<String>>,
    /// `(module, raw path as written)` for every reference found in that module.
    references: Vec<(ModPath, Vec<String>)>,
    /// Modules inside a `#[cfg(test)]` item: their references are ignored.
    test_only: BTreeSet<ModPath>,
}

/// An import cycle among the children of one module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The crate's root file (for the report).
    pub root: String,
    /// The modules in the cycle, in order; the last one depends on the first.
    pub modules: Vec<String>,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} -> {}",
            self.root,
            self.modules.join(" -> "),
            self.modules[0]
        )
    }
}

fn display(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        format!("crate::{}", path.join("::"))
    }
}

// ---------------------------------------------------------------------------------------------
// Lexing: comments, strings and chars out; identifiers and punctuation in.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// Tokens of Rust source with comments, string, byte-string, raw-string and char literals
/// removed (lifetimes are dropped as well).
fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'r' | b'b' if starts_raw_or_byte_literal(bytes, i) => {
                i = skip_prefixed_literal(bytes, i);
            }
            b'\'' => i = skip_char_or_lifetime(bytes, i),
            b':' if bytes.get(i + 1) == Some(&b':') => {
                out.push(Token::PathSep);
                i += 2;
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c == b'$' => {
                let start = i;
                i += 1;
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let word = &text[start..i];
                // `$crate` in a macro body names the defining crate's root.
                let word = word.strip_prefix('$').unwrap_or(word);
                out.push(Token::Ident(
                    word.strip_prefix("r#").unwrap_or(word).to_owned(),
                ));
            }
            c if c.is_ascii_digit() => {
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            c if c.is_ascii() => {
                out.push(Token::Punct(char::from(c)));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// After an opening `"`: the index just past the closing one.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// `r"`, `r#"`, `b"`, `br"`, `br#"`, `b'` (but not an identifier such as `bytes` or `r`).
fn starts_raw_or_byte_literal(bytes: &[u8], i: usize) -> bool {
    if i > 0 && (bytes[i - 1] == b'_' || bytes[i - 1].is_ascii_alphanumeric()) {
        return false;
    }
    let rest = &bytes[i..];
    rest.starts_with(b"r\"")
        || rest.starts_with(b"r#\"")
        || rest.starts_with(b"r##")
        || rest.starts_with(b"b\"")
        || rest.starts_with(b"b'")
        || rest.starts_with(b"br\"")
        || rest.starts_with(b"br#")
}

fn skip_prefixed_literal(bytes: &[u8], mut i: usize) -> usize {
    if bytes[i] == b'b' {
        i += 1;
        if bytes[i] == b'"' {
            return skip_string(bytes, i + 1);
        }
        if bytes[i] == b'\'' {
            return skip_char_or_lifetime(bytes, i);
        }
    }
    // A raw string: r, then hashes, then the quote.
    i += 1;
    let mut hashes = 0;
    while i < bytes.len() && bytes[i] == b'#' {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// At a `'`: skips a char literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`) or a lifetime (`'a`).
fn skip_char_or_lifetime(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i + 1) == Some(&b'\\') {
        let mut j = i + 2;
        while j < bytes.len() && bytes[j] != b'\'' {
            j += 1;
        }
        return j + 1;
    }
    // One character (possibly multi-byte UTF-8) then a quote: a char literal.
    let mut j = i + 1;
    if j < bytes.len() {
        j += 1;
        while j < bytes.len() && (bytes[j] & 0b1100_0000) == 0b1000_0000 {
            j += 1;
        }
    }
    if bytes.get(j) == Some(&b'\'') {
        return j + 1;
    }
    // A lifetime or label: skip the quote and its identifier.
    let mut j = i + 1;
    while j < bytes.len() && (bytes[j] == b'_' || bytes[j].is_ascii_alphanumeric()) {
        j += 1;
    }
    j
}

// ---------------------------------------------------------------------------------------------
// Reading one crate.

impl CrateModules {
    /// Reads the crate whose root file is `root` (`lib.rs`, `main.rs`), following `mod x;`
    /// declarations to `x.rs` or `x/mod.rs` next to the declaring file.
    pub fn read(root: &Path) -> Result<Self, String> {
        let mut crate_modules = Self::default();
        crate_modules.read_file(root, Vec::new(), root.parent().unwrap_or(Path::new(".")))?;
        Ok(crate_modules)
    }

    /// Builds from in-memory files (tests): `files` maps a module path to its source text, and
    /// `mod x;` is looked up there instead of on disk.
    pub fn from_sources(files: &[(&[&str], &str)]) -> Self {
        let mut crate_modules = Self::default();
        let sources: BTreeMap<ModPath, &str> = files
            .iter()
            .map(|(path, text)| (path.iter().map(|s| (*s).to_owned()).collect(), *text))
            .collect();
        for (path, text) in &sources {
            crate_modules.modules.insert(path.clone());
            crate_modules.scan(path.clone(), &tokenize(text), &mut |_, _| {});
        }
        crate_modules
    }

    fn read_file(&mut self, file: &Path, module: ModPath, dir: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        self.modules.insert(module.clone());
        // Children of `x.rs` live in `x/`; children of `mod.rs`, `lib.rs` and `main.rs` next to it.
        let child_dir = match file.file_stem().and_then(|s| s.to_str()) {
            Some("mod" | "lib" | "main") => dir.to_path_buf(),
            Some(stem) => dir.join(stem),
            None => dir.to_path_buf(),
        };
        let mut declared = Vec::new();
        self.scan(module.clone(), &tokenize(&text), &mut |child, name| {
            declared.push((child, name));
        });
        for (child_module, name) in declared {
            let candidates = [
                child_dir.join(format!("{name}.rs")),
                child_dir.join(&name).join("mod.rs"),
            ];
            let Some(path) = candidates.iter().find(|p| p.is_file()) else {
                return Err(format!(
                    "{}: `mod {name};` has neither {} nor {}",
                    file.display(),
                    candidates[0].display(),
                    candidates[1].display()
                ));
            };
            let next_dir = if path.ends_with("mod.rs") {
                child_dir.join(&name)
            } else {
                child_dir.clone()
            };
            self.read_file(path, child_module, &next_dir)?;
        }
        Ok(())
    }

    /// Walks the tokens of `module`'s file: inline modules, `mod x;` declarations (reported to
    /// `declare` as `(child path, name)`), `use` trees and paths.
    fn scan(
        &mut self,
        module: ModPath,
        tokens: &[Token],
        declare: &mut dyn FnMut(ModPath, String),
    ) {
        // The stack of (module, brace depth at which it closes, test-only).
        let mut stack: Vec<(ModPath, usize, bool)> = vec![(module, 0, false)];
        let mut depth = 0usize;
        let mut cfg_test_pending = false;
        let mut i = 0;
        while i < tokens.len() {
            let current = stack.last().map(|(m, _, _)| m.clone()).unwrap_or_default();
            let in_test = stack.last().is_some_and(|(_, _, t)| *t);
            match &tokens[i] {
                Token::Punct('#') => {
                    // `#[cfg(test)]` marks the next item.
                    let attr: Vec<&Token> = tokens[i..].iter().take(7).collect();
                    if matches!(
                        attr.as_slice(),
                        [Token::Punct('#'), Token::Punct('['), Token::Ident(cfg), Token::Punct('('), Token::Ident(test), Token::Punct(')'), Token::Punct(']')]
                            if cfg == "cfg" && test == "test"
                    ) {
                        cfg_test_pending = true;
                        i += 7;
                        continue;
                    }
                    i += 1;
                    continue;
                }
                Token::Punct('{') => {
                    depth += 1;
                    cfg_test_pending = false;
                }
                Token::Punct('}') => {
                    if stack.len() > 1 && stack.last().is_some_and(|(_, d, _)| *d == depth) {
                        stack.pop();
                    }
                    depth = depth.saturating_sub(1);
                }
                Token::Punct(';') => cfg_test_pending = false,
                Token::Ident(word) if word == "mod" => {
                    if let Some(Token::Ident(name)) = tokens.get(i + 1) {
                        let mut child = current.clone();
                        child.push(name.clone());
                        self.modules.insert(child.clone());
                        let test = in_test || cfg_test_pending;
                        if test {
                            self.test_only.insert(child.clone());
                        }
                        match tokens.get(i + 2) {
                            Some(Token::Punct('{')) => {
                                depth += 1;
                                stack.push((child, depth, test));
                                cfg_test_pending = false;
                                i += 3;
                                continue;
                            }
                            Some(Token::Punct(';')) => {
                                if !test {
                                    declare(child, name.clone());
                                }
                                cfg_test_pending = false;
                                i += 3;
                                continue;
                            }
                            _ => {}
                        }
                    }
                }
                Token::Ident(word) if word == "use" => {
                    let end = tokens[i..]
                        .iter()
                        .position(|t| *t == Token::Punct(';'))
                        .map_or(tokens.len(), |p| i + p);
                    let mut leaves = Vec::new();
                    use_tree(&tokens[i + 1..end], Vec::new(), &mut leaves);
                    for (path, name) in leaves {
                        if let Some(name) = name {
                            self.aliases.insert((current.clone(), name), path.clone());
                        }
                        if !in_test && !cfg_test_pending {
                            self.references.push((current.clone(), path));
                        }
                    }
                    cfg_test_pending = false;
                    i = end + 1;
                    continue;
                }
                Token::Ident(word)
                    if (word == "crate" || word == "super" || word == "self")
                        && tokens.get(i + 1) == Some(&Token::PathSep)
                        && !matches!(
                            i.checked_sub(1).map(|p| &tokens[p]),
                            Some(Token::PathSep)
                        ) =>
                {
                    let mut path = vec![word.clone()];
                    let mut j = i + 1;
                    while tokens.get(j) == Some(&Token::PathSep) {
                        match tokens.get(j + 1) {
                            Some(Token::Ident(next)) => {
                                path.push(next.clone());
                                j += 2;
                            }
                            _ => break,
                        }
                    }
                    if !in_test {
                        self.references.push((current.clone(), path));
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Expands a use tree (`a::{b, c::d as e, f::*}`) into `(path, bound name)` leaves; a glob
/// binds no name.
fn use_tree(tokens: &[Token], prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let mut path = prefix;
    let mut i = 0;
    // A leading `::` (extern crate path) names no module of this crate.
    if tokens.first() == Some(&Token::PathSep) {
        return;
    }
    while i < tokens.len() {
        match &tokens[i] {
            Token::Ident(word) => {
                path.push(word.clone());
                i += 1;
                match tokens.get(i) {
                    Some(Token::PathSep) => i += 1,
                    Some(Token::Ident(kw)) if kw == "as" => {
                        let alias = match tokens.get(i + 1) {
                            Some(Token::Ident(a)) if a != "_" => Some(a.clone()),
                            _ => None,
                        };
                        out.push((path, alias));
                        return;
                    }
                    _ => {
                        let name = path.last().cloned().filter(|n| n != "self");
                        if path.last().is_some_and(|n| n == "self") {
                            path.pop();
                            let name = path.last().cloned();
                            out.push((path, name));
                        } else {
                            out.push((path, name));
                        }
                        return;
                    }
                }
            }
            Token::Punct('*') => {
                out.push((path, None));
                return;
            }
            Token::Punct('{') => {
                // Split the group at top-level commas.
                let mut depth = 0usize;
                let mut start = i + 1;
                for j in i + 1..tokens.len() {
                    match tokens[j] {
                        Token::Punct('{') => depth += 1,
                        Token::Punct('}') if depth == 0 => {
                            if start < j {
                                use_tree(&tokens[start..j], path.clone(), out);
                            }
                            return;
                        }
                        Token::Punct('}') => depth -= 1,
                        Token::Punct(',') if depth == 0 => {
                            if start < j {
                                use_tree(&tokens[start..j], path.clone(), out);
                            }
                            start = j + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            _ => return,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resolving and finding cycles.

impl CrateModules {
    /// The absolute path a path written in `module` names, re-exports followed; `None` for
    /// paths outside the crate (std, dependencies).
    fn resolve(&self, module: &[String], written: &[String]) -> Option<Vec<String>> {
        let mut path: Vec<String> = module.to_vec();
        let mut rest = written;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                path.clear();
                rest = &rest[1..];
            }
            Some("self") => rest = &rest[1..],
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    path.pop()?;
                    rest = &rest[1..];
                }
            }
            Some(first) => {
                let mut child = path.clone();
                child.push(first.to_owned());
                if self.modules.contains(&child) {
                    // A child module (2018 uniform paths).
                } else if let Some(target) = self.aliases.get(&(path.clone(), first.to_owned())) {
                    if target.first().map(String::as_str) == Some(first) {
                        return None; // `use serde;` and the like
                    }
                    let mut resolved = self.resolve(module, target)?;
                    resolved.extend(rest[1..].iter().cloned());
                    return Some(self.follow_reexports(resolved));
                } else {
                    return None;
                }
            }
            None => return None,
        }
        path.extend(rest.iter().cloned());
        Some(self.follow_reexports(path))
    }

    /// Replaces a re-exported name by what it re-exports, as long as one applies.
    fn follow_reexports(&self, mut path: Vec<String>) -> Vec<String> {
        for _ in 0..16 {
            let module_len = self.module_prefix_len(&path);
            if module_len >= path.len() {
                return path;
            }
            let owner = path[..module_len].to_vec();
            let name = path[module_len].clone();
            let Some(target) = self.aliases.get(&(owner.clone(), name)) else {
                return path;
            };
            let Some(mut resolved) = self.resolve(&owner, target) else {
                return path;
            };
            if resolved == path[..=module_len] {
                return path;
            }
            resolved.extend(path[module_len + 1..].iter().cloned());
            path = resolved;
        }
        path
    }

    /// How many leading segments of `path` name modules.
    fn module_prefix_len(&self, path: &[String]) -> usize {
        (0..=path.len())
            .rev()
            .find(|&n| self.modules.contains(&path[..n]))
            .unwrap_or(0)
    }

    /// Edges between siblings: `(parent, from child, to child)`.
    fn sibling_edges(&self) -> BTreeSet<(ModPath, String, String)> {
        let mut edges = BTreeSet::new();
        for (module, written) in &self.references {
            if self.test_only.iter().any(|t| module.starts_with(t)) {
                continue;
            }
            let Some(target) = self.resolve(module, written) else {
                continue;
            };
            let target_module = &target[..self.module_prefix_len(&target)];
            let common = module
                .iter()
                .zip(target_module)
                .take_while(|(a, b)| a == b)
                .count();
            if common < module.len() && common < target_module.len() {
                edges.insert((
                    module[..common].to_vec(),
                    module[common].clone(),
                    target_module[common].clone(),
                ));
            }
        }
        edges
    }

    /// Every cycle among siblings (one per strongly connected component of size > 1).
    pub fn cycles(&self, root_name: &str) -> Vec<Cycle> {
        let mut by_parent: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for (parent, from, to) in self.sibling_edges() {
            by_parent
                .entry(parent)
                .or_default()
                .entry(from)
                .or_default()
                .insert(to);
        }
        let mut cycles = Vec::new();
        for (parent, graph) in by_parent {
            for component in strongly_connected(&graph) {
                if component.len() < 2 {
                    continue;
                }
                let modules = cycle_through(&graph, &component)
                    .into_iter()
                    .map(|name| {
                        let mut p = parent.clone();
                        p.push(name);
                        display(&p)
                    })
                    .collect();
                cycles.push(Cycle {
                    root: root_name.to_owned(),
                    modules,
                });
            }
        }
        cycles
    }
}

/// Tarjan's algorithm over a small graph.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(next) = s.graph.get(v) {
            for w in next {
                if !s.index.contains_key(w.as_str()) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w.as_str()]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w.as_str()) {
                    let low = s.low[v].min(s.index[w.as_str()]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_owned());
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.out
}

/// One concrete cycle inside a strongly connected component, for the message.
fn cycle_through(
    graph: &BTreeMap<String, BTreeSet<String>>,
    component: &BTreeSet<String>,
) -> Vec<String> {
    let Some(start) = component.iter().next() else {
        return Vec::new();
    };
    // Breadth-first search from `start` back to `start` inside the component.
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.as_str()]);
    while let Some(v) = queue.pop_front() {
        for w in graph.get(v).into_iter().flatten() {
            if !component.contains(w) {
                continue;
            }
            if w == start {
                let mut path = vec![v.to_owned()];
                let mut at = v;
                while at != start {
                    at = previous[at];
                    path.push(at.to_owned());
                }
                path.reverse();
                return path;
            }
            if !previous.contains_key(w.as_str()) {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    component.iter().cloned().collect()
}

/// Every crate root of the workspace's members: `src/lib.rs`, `src/main.rs` and
/// `src/bin/*.rs` of each `crates/*` and of `xtask`.
pub fn workspace_roots(workspace: &Path) -> Result<Vec<PathBuf>, String> {
    let mut packages: Vec<PathBuf> = std::fs::read_dir(workspace.join("crates"))
        .map_err(|e| format!("cannot list crates/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    packages.push(workspace.join("xtask"));
    packages.sort();
    let mut roots = Vec::new();
    for package in packages {
        let src = package.join("src");
        for name in ["lib.rs", "main.rs"] {
            if src.join(name).is_file() {
                roots.push(src.join(name));
            }
        }
        if let Ok(bins) = std::fs::read_dir(src.join("bin")) {
            let mut bins: Vec<PathBuf> = bins
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect();
            bins.sort();
            roots.extend(bins);
        }
    }
    Ok(roots)
}

/// Every import cycle in the workspace.
pub fn workspace_cycles(workspace: &Path) -> Result<Vec<Cycle>, String> {
    let mut cycles = Vec::new();
    for root in workspace_roots(workspace)? {
        let name = root
            .strip_prefix(workspace)
            .unwrap_or(&root)
            .display()
            .to_string();
        cycles.extend(CrateModules::read(&root)?.cycles(&name));
    }
    Ok(cycles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles(files: &[(&[&str], &str)]) -> Vec<String> {
        CrateModules::from_sources(files)
            .cycles("lib.rs")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_direct_loop_between_siblings_is_found() {
        let found = cycles(&[
            (&[], "mod a; mod b;"),
            (&["a"], "use super::b::Thing; pub struct Other;"),
            (&["b"], "use crate::a::Other; pub struct Thing;"),
        ]);
        assert_eq!(found, ["lib.rs: crate::a -> crate::b -> crate::a"]);
    }

    #[test]
    fn a_loop_through_a_parent_reexport_is_found() {
        // sign/tc3.rs imports `super::prepared::Signer`; sign/prepared.rs imports the key
        // through `super::Key`, which sign/mod.rs re-exports from tc3.
        let found = cycles(&[
            (&[], "mod sign;"),
            (&["sign"], "mod tc3; mod prepared; pub use tc3::Key;"),
            (
                &["sign", "tc3"],
                "use super::prepared::Signer; pub struct Key;",
            ),
            (&["sign", "prepared"], "pub struct Signer(super::Key);"),
        ]);
        assert_eq!(
            found,
            ["lib.rs: crate::sign::prepared -> crate::sign::tc3 -> crate::sign::prepared"]
        );
    }

    #[test]
    fn a_chain_a_parent_and_tests_are_not_loops() {
        let found = cycles(&[
            (&[], "mod a; mod b; mod c; pub struct Root;"),
            (&["a"], "use crate::b::B; use crate::Root; pub struct A;"),
            (
                &["b"],
                "use crate::c::C; pub struct B; #[cfg(test)] mod tests { use crate::a::A; }",
            ),
            (
                &["c"],
                "pub struct C; // use crate::a::A;\n const S: &str = \"crate::a::A\";",
            ),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn uniform_paths_groups_and_aliases_resolve() {
        let found = cycles(&[
            (&[], "mod x; mod y;"),
            (
                &["x"],
                "use crate::{y::{self as why}}; fn f() { why::g(); }",
            ),
            (&["y"], "pub fn g() { crate::x::h(); }"),
        ]);
        assert_eq!(found, ["lib.rs: crate::x -> crate::y -> crate::x"]);
    }

    #[test]
    fn lexer_skips_literals_and_lifetimes() {
        let tokens =
            tokenize("fn f<'a>(x: &'a str) -> char { let _ = r#\"crate::a\"#; let _ = b'x'; 'y' }");
        assert!(!tokens.contains(&Token::Ident("crate".into())));
        assert!(tokens.contains(&Token::Ident("str".into())));
        assert!(!tokens.contains(&Token::Ident("y".into())));
    }

    /// Loops that exist on main and belong to another change: each is listed with whoever
    /// removes it. The gate fails on any loop not listed here, and on a listed loop that is gone
    /// (so the list only ever shrinks). Empty: the workspace has none.
    const KNOWN_LOOPS: &[(&str, &str)] = &[];

    /// The gate: no crate of the workspace has an import loop.
    #[test]
    fn the_workspace_has_no_import_loops() {
        let root = crate::project::root();
        let roots = workspace_roots(&root).expect("the workspace's crates can be listed");
        assert!(
            roots.len() >= 5,
            "expected the crate roots of core, transport-hyper, cli, mock and xtask, found {roots:?}"
        );
        let found: Vec<String> = workspace_cycles(&root)
            .expect("every module file can be read")
            .iter()
            .map(ToString::to_string)
            .collect();
        let new: Vec<&String> = found
            .iter()
            .filter(|c| !KNOWN_LOOPS.iter().any(|(known, _)| known == c))
            .collect();
        assert!(
            new.is_empty(),
            "import loops (sibling modules that import each other, directly or in a ring):\n  {}",
            new.iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        );
        let gone: Vec<&str> = KNOWN_LOOPS
            .iter()
            .filter(|(known, _)| !found.iter().any(|c| c == known))
            .map(|(known, _)| *known)
            .collect();
        assert!(
            gone.is_empty(),
            "these known loops are gone: remove them from KNOWN_LOOPS in xtask/src/import_graph.rs:\n  {}",
            gone.join("\n  ")
        );
    }
}
