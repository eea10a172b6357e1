//! Cassettes: recorded answers of a real (or another mock's) endpoint, one JSON object per line,
//! written by `--record-from URL --record-to FILE` and served by `--replay FILE`.
//!
//! ```json
//! {"action":"DescribeInstanceBackups","version":"2018-04-12","region":"ap-guangzhou","params":{"InstanceId":"crs-1","Limit":10},"status":200,"content_type":"application/json","body":"{\"Response\":{...}}"}
//! ```
//!
//! A request matches an entry by action, region and normalised parameters (typed as the API
//! types them, keys sorted: a GET `Limit=10` and a POST `{"Limit": 10}` are the same request).
//! Entries with the same key answer in recorded order, then the last one again. No secret is
//! ever part of an entry: no header, no signature, no key, no token.

use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One recorded exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CassetteEntry {
    /// The action (`DescribeInstanceBackups`, ...).
    pub action: String,
    /// The API version the client asked for.
    pub version: String,
    /// The region (`X-TC-Region` or v1 `Region`), if any.
    pub region: Option<String>,
    /// The action parameters, typed.
    pub params: Map<String, Value>,
    /// The HTTP status answered.
    pub status: u16,
    /// The `Content-Type` answered.
    pub content_type: String,
    /// The body answered, byte for byte.
    pub body: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    action: String,
    version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default)]
    params: Map<String, Value>,
    status: u16,
    content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

impl CassetteEntry {
    /// An entry from its parts.
    pub fn new(
        action: impl Into<String>,
        version: impl Into<String>,
        region: Option<String>,
        params: Map<String, Value>,
        status: u16,
        content_type: impl Into<String>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            action: action.into(),
            version: version.into(),
            region,
            params,
            status,
            content_type: content_type.into(),
            body,
        }
    }

    /// The entry as one cassette line (JSON, no trailing newline). A UTF-8 body is kept as
    /// text (`body`), any other as `body_base64`.
    pub fn to_json_line(&self) -> String {
        let (body, body_base64) = match std::str::from_utf8(&self.body) {
            Ok(text) => (Some(text.to_owned()), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(&self.body)),
            ),
        };
        serde_json::to_string(&Line {
            action: self.action.clone(),
            version: self.version.clone(),
            region: self.region.clone(),
            params: self.params.clone(),
            status: self.status,
            content_type: self.content_type.clone(),
            body,
            body_base64,
        })
        .unwrap_or_default()
    }

    fn key(&self) -> String {
        request_key(&self.action, self.region.as_deref(), &self.params)
    }

    fn describe(&self) -> String {
        format!(
            "{} region={} params={}",
            self.action,
            self.region.as_deref().unwrap_or("(none)"),
            Value::Object(self.params.clone())
        )
    }
}

/// The match key: action, region and the parameters in key order.
fn request_key(action: &str, region: Option<&str>, params: &Map<String, Value>) -> String {
    format!(
        "{action}\n{}\n{}",
        region.unwrap_or(""),
        Value::Object(params.clone())
    )
}

/// A cassette that cannot be read: which line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CassetteError(String);

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cassette: {}", self.0)
    }
}

impl std::error::Error for CassetteError {}

/// Recorded answers, grouped by request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cassette {
    entries: Vec<CassetteEntry>,
    by_key: HashMap<String, Vec<usize>>,
}

impl Cassette {
    /// A cassette holding these entries in order.
    pub fn new(entries: Vec<CassetteEntry>) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            by_key.entry(entry.key()).or_default().push(i);
        }
        Self { entries, by_key }
    }

    /// Reads a cassette file: one JSON object per line; blank lines are skipped.
    pub fn from_jsonl(bytes: &[u8]) -> Result<Self, CassetteError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| CassetteError(format!("not UTF-8 text ({e})")))?;
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let line: Line = serde_json::from_str(line).map_err(|e| {
                CassetteError(format!(
                    "line {}: {e}; expected {{\"action\", \"version\", \"region\"?, \"params\", \"status\", \"content_type\", \"body\" or \"body_base64\"}}",
                    n + 1
                ))
            })?;
            let body = match (line.body, line.body_base64) {
                (Some(text), None) => text.into_bytes(),
                (None, Some(encoded)) => base64::engine::general_purpose::STANDARD
                    .decode(encoded.as_bytes())
                    .map_err(|e| {
                        CassetteError(format!("line {}: body_base64 is not base64 ({e})", n + 1))
                    })?,
                _ => {
                    return Err(CassetteError(format!(
                        "line {}: exactly one of \"body\" and \"body_base64\" is needed",
                        n + 1
                    )));
                }
            };
            entries.push(CassetteEntry {
                action: line.action,
                version: line.version,
                region: line.region,
                params: line.params,
                status: line.status,
                content_type: line.content_type,
                body,
            });
        }
        Ok(Self::new(entries))
    }

    /// The entries in recorded order.
    pub fn entries(&self) -> &[CassetteEntry] {
        &self.entries
    }

    /// The answer for a request: the next unused entry of its key (then the last one again),
    /// or a message naming the closest recorded request. `cursors` counts answers per key.
    pub(crate) fn answer(
        &self,
        action: &str,
        region: Option<&str>,
        params: &Map<String, Value>,
        cursors: &mut HashMap<String, usize>,
    ) -> Result<&CassetteEntry, String> {
        let key = request_key(action, region, params);
        if let Some(indices) = self.by_key.get(&key) {
            let used = cursors.entry(key).or_insert(0);
            let index = indices[(*used).min(indices.len() - 1)];
            *used += 1;
            return Ok(&self.entries[index]);
        }
        let asked = format!(
            "{action} region={} params={}",
            region.unwrap_or("(none)"),
            Value::Object(params.clone())
        );
        let mut message = format!("the cassette has no answer for {asked}");
        match self.closest(action, region, params) {
            Some((i, diffs)) => {
                let _ = write!(
                    message,
                    "; the closest recorded request is #{} {} (differs in {})",
                    i + 1,
                    self.entries[i].describe(),
                    diffs.join(", ")
                );
            }
            None => message.push_str("; the cassette is empty"),
        }
        Err(message)
    }

    fn closest(
        &self,
        action: &str,
        region: Option<&str>,
        params: &Map<String, Value>,
    ) -> Option<(usize, Vec<String>)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let mut diffs = Vec::new();
                let mut weight = 0;
                if entry.action != action {
                    diffs.push(format!("action: recorded {}, asked {action}", entry.action));
                    weight += 4;
                }
                if entry.region.as_deref() != region {
                    diffs.push(format!(
                        "region: recorded {}, asked {}",
                        entry.region.as_deref().unwrap_or("(none)"),
                        region.unwrap_or("(none)")
                    ));
                    weight += 2;
                }
                let names: std::collections::BTreeSet<&String> =
                    entry.params.keys().chain(params.keys()).collect();
                for name in names {
                    let (recorded, asked) = (entry.params.get(name), params.get(name));
                    if recorded != asked {
                        let show =
                            |v: Option<&Value>| v.map_or("nothing".to_owned(), Value::to_string);
                        diffs.push(format!(
                            "{name}: recorded {}, asked {}",
                            show(recorded),
                            show(asked)
                        ));
                        weight += 1;
                    }
                }
                (weight, i, diffs)
            })
            .min_by_key(|(weight, i, _)| (*weight, *i))
            .map(|(_, i, diffs)| (i, diffs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(offset: i64, body: &[u8]) -> CassetteEntry {
        let params = json!({"InstanceId": "crs-1", "Offset": offset})
            .as_object()
            .unwrap()
            .clone();
        CassetteEntry::new(
            "DescribeInstanceBackups",
            "2018-04-12",
            Some("ap-guangzhou".into()),
            params,
            200,
            "application/json",
            body.to_vec(),
        )
    }

    #[test]
    fn lines_round_trip_including_binary_bodies() {
        let a = entry(0, br#"{"Response":{"TotalCount":0}}"#);
        let b = entry(20, &[0xff, 0x00, 0x7b]);
        let text = format!("{}\n\n{}\n", a.to_json_line(), b.to_json_line());
        let cassette = Cassette::from_jsonl(text.as_bytes()).unwrap();
        assert_eq!(cassette.entries(), [a, b]);
        let err = Cassette::from_jsonl(b"{\"action\": 1}\n").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn repeated_keys_answer_in_order_then_the_last_again_and_misses_name_the_closest() {
        let cassette = Cassette::new(vec![
            entry(0, b"first"),
            entry(0, b"second"),
            entry(20, b"x"),
        ]);
        let mut cursors = HashMap::new();
        let params = entry(0, b"").params;
        let mut answer = || {
            cassette
                .answer(
                    "DescribeInstanceBackups",
                    Some("ap-guangzhou"),
                    &params,
                    &mut cursors,
                )
                .unwrap()
                .body
                .clone()
        };
        assert_eq!(answer(), b"first");
        assert_eq!(answer(), b"second");
        assert_eq!(answer(), b"second");
        let miss = cassette
            .answer(
                "DescribeInstanceBackups",
                Some("ap-guangzhou"),
                &json!({"InstanceId": "crs-1", "Offset": 40})
                    .as_object()
                    .unwrap()
                    .clone(),
                &mut HashMap::new(),
            )
            .unwrap_err();
        assert!(miss.contains("closest recorded request is #1"), "{miss}");
        assert!(miss.contains("Offset: recorded 0, asked 40"), "{miss}");
    }
}
