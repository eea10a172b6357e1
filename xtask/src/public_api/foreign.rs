//! The foreign-type rule: a line of the public API may name items of the crate itself, of
//! `std`/`core`/`alloc` and of `http`, and of no other crate. A finding is written
//! `SUBJECT -> FOREIGN PATH` (`tcredis_core::response::Backup::from_raw ->
//! serde_json::raw::RawValue`); the allow-list file holds such lines, and the check compares
//! the two sets exactly, so a new finding fails and so does a listed one that is gone.

use std::collections::{BTreeMap, BTreeSet};

use super::listing::Listing;

/// Crates whose items public signatures may name (besides the crate itself).
pub const ALLOWED_CRATES: [&str; 4] = ["std", "core", "alloc", "http"];

/// Every `subject -> foreign path` pair in the listing, with the listing lines that name it.
pub fn findings(listing: &Listing) -> BTreeMap<String, Vec<String>> {
    let mut findings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in &listing.lines {
        for mention in &line.mentions {
            if !mention.unnameable && !ALLOWED_CRATES.contains(&mention.krate.as_str()) {
                findings
                    .entry(format!("{} -> {}", line.subject, mention.path))
                    .or_default()
                    .push(line.text.clone());
            }
        }
    }
    findings
}

/// Every line naming an item of the crate that users cannot name, with those items' paths: a
/// signature users can call but not write down (re-export the item at the crate root, or keep
/// the signature out of the public API).
pub fn unnameable(listing: &Listing) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in &listing.lines {
        for mention in line.mentions.iter().filter(|m| m.unnameable) {
            found
                .entry(mention.path.clone())
                .or_default()
                .push(line.text.clone());
        }
    }
    found
}

/// Reads an allow-list: one `SUBJECT -> FOREIGN PATH` per line; blank lines and `#` comments
/// are ignored. A line of another shape is an error naming its number.
pub fn parse_allow_list(text: &str) -> Result<BTreeSet<String>, String> {
    let mut entries = BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let well_formed = line
            .split_once(" -> ")
            .is_some_and(|(subject, path)| !subject.trim().is_empty() && !path.trim().is_empty());
        if !well_formed {
            return Err(format!(
                "line {}: `{line}` is not `SUBJECT -> FOREIGN PATH` (e.g. \
                 `tcredis_core::Backup::raw -> serde_json::raw::RawValue`)",
                number + 1
            ));
        }
        entries.insert(line.to_owned());
    }
    Ok(entries)
}

/// How the findings differ from the allow-list.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Findings the allow-list does not hold: new foreign types in the API.
    pub unexpected: Vec<String>,
    /// Allow-list lines with no finding any more: fixed, so the line must go.
    pub stale: Vec<String>,
}

impl Verdict {
    /// Compares the findings with the allowed set.
    pub fn new(findings: &BTreeMap<String, Vec<String>>, allowed: &BTreeSet<String>) -> Verdict {
        Verdict {
            unexpected: findings
                .keys()
                .filter(|f| !allowed.contains(*f))
                .cloned()
                .collect(),
            stale: allowed
                .iter()
                .filter(|a| !findings.contains_key(*a))
                .cloned()
                .collect(),
        }
    }

    /// Whether the findings are exactly the allowed ones.
    pub fn is_clean(&self) -> bool {
        self.unexpected.is_empty() && self.stale.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_api::{build, test_doc};

    #[test]
    fn a_signature_naming_another_crates_type_is_a_finding_with_its_line() {
        let listing = build(&test_doc::demo()).unwrap();
        let findings = findings(&listing);
        let keys: Vec<&str> = findings.keys().map(String::as_str).collect();
        // Both paths of `parse(&serde_json::Value)` (the glob re-exports it) and both paths of
        // the re-export; `Option` (core) is fine.
        assert_eq!(
            keys,
            [
                "demo::inner::Value -> serde_json::value::Value",
                "demo::inner::inner::Value -> serde_json::value::Value",
                "demo::inner::parse -> serde_json::value::Value",
                "demo::parse -> serde_json::value::Value",
            ]
        );
        assert_eq!(
            findings["demo::parse -> serde_json::value::Value"],
            ["pub fn demo::parse(value: &serde_json::value::Value) -> Option<demo::Local>"]
        );
    }

    #[test]
    fn the_allow_list_must_match_exactly() {
        let findings: BTreeMap<String, Vec<String>> =
            [("a -> x::T", vec![]), ("b -> y::U", vec![])]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
        let allowed = parse_allow_list("# comment\n\na -> x::T\n  b -> y::U  \n").unwrap();
        assert!(Verdict::new(&findings, &allowed).is_clean());

        let allowed = parse_allow_list("a -> x::T\nc -> z::V\n").unwrap();
        let verdict = Verdict::new(&findings, &allowed);
        assert_eq!(verdict.unexpected, ["b -> y::U"], "a new finding fails");
        assert_eq!(
            verdict.stale,
            ["c -> z::V"],
            "a fixed but still listed one fails"
        );
        assert!(!verdict.is_clean());
    }

    #[test]
    fn a_malformed_allow_list_line_is_named() {
        let err = parse_allow_list("a -> x::T\nserde_json::Value\n").unwrap_err();
        assert!(err.starts_with("line 2: `serde_json::Value`"), "{err}");
        assert!(parse_allow_list(" -> x::T").is_err());
        assert!(parse_allow_list("a -> ").is_err());
    }
}
