//! The SDKs' profile file `~/.tencentcloud/credentials` (INI).
//!
//! ```ini
//! # comments start with '#' or ';'
//! [default]
//! secret_id = AKID...
//! secret_key = ...
//! region = ap-guangzhou
//!
//! [work]
//! secret_id = AKID...
//! secret_key = ...
//! token = ...            ; optional session token
//! role_arn = qcs::cam::uin/100000000001:roleName/reader
//! role_session_name = tcredis
//! ```
//!
//! Rules (those of Python's `configparser`, which the official SDK uses): keys are
//! case-insensitive, `=` or `:` separates key and value, white space around keys and values is
//! trimmed, whole-line comments only (a `;` or `#` inside a value is part of the value),
//! sections and keys may not repeat. Unknown keys are ignored. Errors carry the line number and
//! never the line's text (it might hold a secret).
//!
//! ```
//! use tcredis_core::credentials::ini;
//!
//! let file = ini::parse("[default]\nsecret_id = AKIDexample\nsecret_key = not-shown\n").unwrap();
//! let profile = file.profile("default").unwrap();
//! assert_eq!(profile.secret_id(), Some("AKIDexample"));
//! assert!(!format!("{profile:?}").contains("not-shown"));
//! let creds = profile.credentials().unwrap();
//! assert_eq!(creds.secret_id(), "AKIDexample");
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{Credentials, ProfileError, Secret, profile_credentials};

/// One `[section]` of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniProfile {
    name: String,
    secret_id: Option<String>,
    secret_key: Option<Secret>,
    token: Option<Secret>,
    region: Option<String>,
    role_arn: Option<String>,
    role_session_name: Option<String>,
}

impl IniProfile {
    fn new(name: String) -> Self {
        Self {
            name,
            secret_id: None,
            secret_key: None,
            token: None,
            region: None,
            role_arn: None,
            role_session_name: None,
        }
    }
    /// The section name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// `secret_id`.
    pub fn secret_id(&self) -> Option<&str> {
        self.secret_id.as_deref()
    }
    /// `secret_key`.
    pub fn secret_key(&self) -> Option<&Secret> {
        self.secret_key.as_ref()
    }
    /// `token` (a session token for temporary keys).
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }
    /// `region`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    /// `role_arn` (assume this role through STS).
    pub fn role_arn(&self) -> Option<&str> {
        self.role_arn.as_deref()
    }
    /// `role_session_name`.
    pub fn role_session_name(&self) -> Option<&str> {
        self.role_session_name.as_deref()
    }
    /// The credential pair (with its token) of this profile.
    pub fn credentials(&self) -> Result<Credentials, ProfileError> {
        profile_credentials(
            &self.name,
            self.secret_id.as_deref(),
            self.secret_key.as_ref(),
            self.token.as_ref(),
        )
    }
}

/// A parsed credentials file: its profiles in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IniFile {
    profiles: Vec<IniProfile>,
    /// Position of each profile by name, so lookups (and the parser's duplicate check) take
    /// constant time however many sections there are.
    by_name: HashMap<String, usize>,
}

impl IniFile {
    /// The profile named `name` (section names are case-sensitive).
    pub fn profile(&self, name: &str) -> Option<&IniProfile> {
        self.by_name.get(name).map(|&i| &self.profiles[i])
    }
    /// Every profile, in file order.
    pub fn profiles(&self) -> &[IniProfile] {
        &self.profiles
    }
}

/// What was wrong on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IniErrorKind {
    /// A `key = value` line before any `[section]`.
    EntryOutsideSection,
    /// A line starting with `[` that is not `[name]`.
    MalformedSection,
    /// A line that is neither a comment, a `[section]` nor `key = value`.
    ExpectedKeyValue,
    /// `= value` without a key.
    EmptyKey,
    /// The section appeared before.
    DuplicateSection(String),
    /// The key appeared before in the same section.
    DuplicateKey(String),
}

/// A syntax error in the credentials file, with its 1-based line number. The line's text is
/// never included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    line: usize,
    kind: IniErrorKind,
}

impl IniError {
    /// 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
    /// What was wrong.
    pub fn kind(&self) -> &IniErrorKind {
        &self.kind
    }
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            IniErrorKind::EntryOutsideSection => {
                f.write_str("a key = value line before any [section]; start with [default]")
            }
            IniErrorKind::MalformedSection => {
                f.write_str("a section header must be [name] on a line of its own")
            }
            IniErrorKind::ExpectedKeyValue => {
                f.write_str("expected `key = value`, a [section] or a comment starting with # or ;")
            }
            IniErrorKind::EmptyKey => f.write_str("the key before `=` is empty"),
            IniErrorKind::DuplicateSection(name) => write!(f, "section [{name}] appears twice"),
            IniErrorKind::DuplicateKey(key) => {
                write!(f, "key {key:?} appears twice in the same section")
            }
        }
    }
}

impl std::error::Error for IniError {}

/// Parses the text of a credentials file, in time linear in its length (sections and keys are
/// looked up in hash sets, never by scanning what came before).
pub fn parse(text: &str) -> Result<IniFile, IniError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut file = IniFile::default();
    let mut seen_keys: HashSet<String> = HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let err = |kind| IniError {
            line: line_no,
            kind,
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .map(str::trim)
                .filter(|n| !n.is_empty() && !n.contains(['[', ']']))
                .ok_or_else(|| err(IniErrorKind::MalformedSection))?;
            if file.by_name.contains_key(name) {
                return Err(err(IniErrorKind::DuplicateSection(name.to_owned())));
            }
            file.by_name.insert(name.to_owned(), file.profiles.len());
            file.profiles.push(IniProfile::new(name.to_owned()));
            seen_keys = HashSet::new();
            continue;
        }
        let split_at = line
            .find(['=', ':'])
            .ok_or_else(|| err(IniErrorKind::ExpectedKeyValue))?;
        let key = line[..split_at].trim().to_ascii_lowercase();
        let value = line[split_at + 1..].trim();
        if key.is_empty() {
            return Err(err(IniErrorKind::EmptyKey));
        }
        let Some(profile) = file.profiles.last_mut() else {
            return Err(err(IniErrorKind::EntryOutsideSection));
        };
        if seen_keys.contains(&key) {
            return Err(err(IniErrorKind::DuplicateKey(key)));
        }
        let text = (!value.is_empty()).then(|| value.to_owned());
        match key.as_str() {
            "secret_id" => profile.secret_id = text,
            "secret_key" => profile.secret_key = text.map(Secret::new),
            "token" => profile.token = text.map(Secret::new),
            "region" => profile.region = text,
            "role_arn" => profile.role_arn = text,
            "role_session_name" => profile.role_session_name = text,
            _ => {}
        }
        seen_keys.insert(key);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100,000 sections after one with 20,000 keys: a parser that scans earlier sections or keys
    /// (the old one took 17.7 s for 80,000 sections) needs minutes in a debug build; a linear
    /// one about a second. The bound is generous so a loaded machine cannot fail it, yet far
    /// below what quadratic work needs.
    #[test]
    fn many_sections_and_keys_parse_in_linear_time() {
        let mut text = String::from("[wide]\n");
        for k in 0..20_000 {
            text.push_str(&format!("key{k} = v\n"));
        }
        for s in 0..100_000 {
            text.push_str(&format!("[s{s}]\nsecret_id = AKID{s}\nsecret_key = k\n"));
        }
        let started = std::time::Instant::now();
        let file = parse(&text).unwrap();
        let took = started.elapsed();
        assert_eq!(file.profiles().len(), 100_001);
        assert_eq!(
            file.profile("s99999").unwrap().secret_id(),
            Some("AKID99999")
        );
        eprintln!("parsed in {took:?}");
        assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
        // Duplicates are still found, at the end too.
        let err = parse(&format!("{text}[s7]\n")).unwrap_err();
        assert_eq!(err.kind(), &IniErrorKind::DuplicateSection("s7".into()));
    }
}
