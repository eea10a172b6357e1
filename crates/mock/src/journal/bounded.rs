//! Bounded copies of request parameters for the journal (and the script matchers that read the
//! same view): a parameter whose JSON is over [`MAX_PARAM_BYTES`] keeps a prefix, a name over
//! [`MAX_NAME_BYTES`] keeps a prefix, parameters past [`MAX_PARAMS_BYTES`] in all are dropped,
//! and the entry says so ([`ParamsTruncation`]). So a 9 MiB parameter costs the journal about
//! 4 KiB, and copying it never copies the whole value.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

/// The most bytes of one parameter's compact JSON kept as given; a larger value is replaced by
/// a string holding its first bytes (a string value: its first bytes; anything else: the first
/// bytes of its JSON text), cut on a character boundary.
pub const MAX_PARAM_BYTES: usize = 4096;
/// The most bytes of a parameter name kept.
pub const MAX_NAME_BYTES: usize = 256;
/// The most bytes of parameters (names and values, as kept) one entry holds; the parameters
/// after that are dropped and counted.
pub const MAX_PARAMS_BYTES: usize = 16 * 1024;

/// What the journal left out of an entry's `params`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ParamsTruncation {
    /// Size of the parameters as received: the request body's bytes (the query string's for a
    /// GET).
    pub original_bytes: u64,
    /// Parameters (by their kept name; `$` for a body that is not an object) whose value, or
    /// name, was cut to a prefix.
    pub shortened: Vec<String>,
    /// How many parameters were left out entirely once the entry's budget was used.
    pub dropped: u64,
}

/// Compact JSON length of a string's contents with its quotes.
fn escaped_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Takes `value`'s compact JSON size out of `budget`; `false` (and stops early) once it would
/// go over. A string longer than the budget is refused by its length alone, so a huge value is
/// never walked whole.
fn fits(value: &Value, budget: &mut usize) -> bool {
    fn take(budget: &mut usize, n: usize) -> bool {
        match budget.checked_sub(n) {
            Some(rest) => {
                *budget = rest;
                true
            }
            None => false,
        }
    }
    match value {
        Value::Null => take(budget, 4),
        Value::Bool(b) => take(budget, if *b { 4 } else { 5 }),
        Value::Number(n) => take(budget, n.to_string().len()),
        Value::String(s) => s.len() + 2 <= *budget && take(budget, escaped_len(s)),
        Value::Array(items) => {
            take(budget, 2 + items.len().saturating_sub(1)) && items.iter().all(|v| fits(v, budget))
        }
        Value::Object(map) => {
            take(budget, 2 + map.len().saturating_sub(1))
                && map.iter().all(|(k, v)| {
                    k.len() + 3 <= *budget && take(budget, escaped_len(k) + 1) && fits(v, budget)
                })
        }
    }
}

/// Compact JSON size of `value`, or `None` when it is over `limit`.
fn json_len_up_to(value: &Value, limit: usize) -> Option<usize> {
    let mut budget = limit;
    fits(value, &mut budget).then(|| limit - budget)
}

/// Compact JSON size of `value` (walks all of it: for values already bounded).
pub(crate) fn json_len(value: &Value) -> usize {
    json_len_up_to(value, usize::MAX).unwrap_or(usize::MAX)
}

#[cfg(test)]
#[test]
fn sizes_agree_with_serde_json() {
    use serde_json::json;
    for value in [
        json!(null),
        json!(true),
        json!(false),
        json!(-12.5),
        json!(18446744073709551615u64),
        json!("plain"),
        json!("esc \" \\ \n \u{1} \u{1f} é"),
        json!([]),
        json!({}),
        json!([1, "a", {"k\"": [null, {}]}]),
        json!({"InstanceId": "crs-1", "Status": [2, 4], "Limit": 20}),
    ] {
        let real = serde_json::to_vec(&value).unwrap().len();
        assert_eq!(json_len(&value), real, "{value}");
        assert_eq!(json_len_up_to(&value, real), Some(real), "{value}");
        assert_eq!(json_len_up_to(&value, real - 1), None, "{value}");
    }
}

/// Collects the first `limit` bytes of a JSON text (then stops the serializer).
struct Prefix {
    bytes: Vec<u8>,
    limit: usize,
}

impl Write for Prefix {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.limit - self.bytes.len();
        self.bytes.extend_from_slice(&buf[..room.min(buf.len())]);
        if buf.len() > room {
            return Err(io::Error::other("prefix complete"));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The longest prefix of `text` of at most `limit` bytes that ends on a character boundary.
fn str_prefix(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `value` itself when its JSON fits [`MAX_PARAM_BYTES`], else a string prefix (and `true`).
fn bounded_value(value: &Value) -> (Value, bool) {
    if json_len_up_to(value, MAX_PARAM_BYTES).is_some() {
        return (value.clone(), false);
    }
    let prefix = match value {
        Value::String(s) => str_prefix(s, MAX_PARAM_BYTES).to_owned(),
        other => {
            let mut out = Prefix {
                bytes: Vec::with_capacity(MAX_PARAM_BYTES),
                limit: MAX_PARAM_BYTES,
            };
            // Stops with an error once the prefix is full; that is the point.
            let _ = serde_json::to_writer(&mut out, other);
            let text = String::from_utf8_lossy(&out.bytes).into_owned();
            // A lossy cut may have ended inside a character: drop the replacement tail.
            text.trim_end_matches('\u{fffd}').to_owned()
        }
    };
    (Value::String(prefix), true)
}

/// A bounded copy of an object of parameters, in the order given; `received` is the size of the
/// parameters as received (reported when something is cut). A value is measured only up to
/// [`MAX_PARAM_BYTES`], so a huge one is never walked whole.
pub(crate) fn bounded_object<'a>(
    pairs: impl Iterator<Item = (&'a String, &'a Value)>,
    received: usize,
) -> (Map<String, Value>, Option<ParamsTruncation>) {
    let mut out = Map::new();
    let mut used = 0usize;
    let mut shortened = Vec::new();
    let mut dropped = 0u64;
    for (name, value) in pairs {
        if used >= MAX_PARAMS_BYTES {
            dropped += 1;
            continue;
        }
        let kept_name = str_prefix(name, MAX_NAME_BYTES);
        let (kept, cut) = bounded_value(value);
        if cut || kept_name.len() < name.len() {
            shortened.push(kept_name.to_owned());
        }
        used += kept_name.len() + json_len(&kept) + 4;
        out.insert(kept_name.to_owned(), kept);
    }
    let truncation = (!shortened.is_empty() || dropped > 0).then_some(ParamsTruncation {
        original_bytes: received as u64,
        shortened,
        dropped,
    });
    (out, truncation)
}

/// A bounded copy of a parameters value that is not an object (a body such as `[...]`).
pub(crate) fn bounded_other(value: &Value, received: usize) -> (Value, Option<ParamsTruncation>) {
    let (kept, cut) = bounded_value(value);
    let truncation = cut.then(|| ParamsTruncation {
        original_bytes: received as u64,
        shortened: vec!["$".to_owned()],
        dropped: 0,
    });
    (kept, truncation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_parameters_are_kept_as_given() {
        let params = json!({"InstanceId": "crs-1", "Limit": 20, "Status": [2, 4]});
        let (kept, cut) = bounded_object(params.as_object().unwrap().iter(), 12_345);
        assert_eq!(Value::Object(kept), params);
        assert!(cut.is_none());
    }

    #[test]
    fn an_oversized_string_keeps_a_prefix_on_a_character_boundary() {
        let long = "é".repeat(MAX_PARAM_BYTES); // 2 bytes each
        let params = json!({"InstanceId": long, "Limit": 20});
        let (kept, cut) = bounded_object(params.as_object().unwrap().iter(), 12_345);
        let id = kept["InstanceId"].as_str().unwrap();
        assert!(id.len() <= MAX_PARAM_BYTES && id.len() > MAX_PARAM_BYTES - 2);
        assert!(long.starts_with(id));
        assert_eq!(kept["Limit"], 20);
        let cut = cut.unwrap();
        assert_eq!(cut.shortened, vec!["InstanceId".to_owned()]);
        assert_eq!(cut.dropped, 0);
        assert_eq!(cut.original_bytes, 12_345);
    }

    #[test]
    fn an_oversized_array_keeps_the_start_of_its_json_and_many_names_are_dropped() {
        let params = json!({"Status": vec![2; 10_000]});
        let (kept, cut) = bounded_object(params.as_object().unwrap().iter(), 12_345);
        let text = kept["Status"].as_str().unwrap();
        assert!(text.starts_with("[2,2,2") && text.len() == MAX_PARAM_BYTES);
        assert_eq!(cut.unwrap().shortened, vec!["Status".to_owned()]);

        let many: Map<String, Value> = (0..100_000)
            .map(|i| (format!("P{i}"), json!("x".repeat(100))))
            .collect();
        let (kept, cut) = bounded_object(many.iter(), 12_345);
        let cut = cut.unwrap();
        assert!(kept.len() < 200, "{}", kept.len());
        assert_eq!(cut.dropped as usize, 100_000 - kept.len());
        assert!(json_len(&Value::Object(kept)) <= MAX_PARAMS_BYTES + MAX_PARAM_BYTES + 300);
    }

    #[test]
    fn a_huge_name_is_cut_and_reported() {
        let name = "N".repeat(10_000);
        let params = json!({ name.clone(): 1 });
        let (kept, cut) = bounded_object(params.as_object().unwrap().iter(), 12_345);
        let (kept_name, _) = kept.iter().next().unwrap();
        assert_eq!(kept_name.len(), MAX_NAME_BYTES);
        assert_eq!(cut.unwrap().shortened, vec![kept_name.clone()]);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_bounded_as_one_value() {
        let (kept, cut) = bounded_other(&json!(vec!["abc"; 5_000]), 30_000);
        assert_eq!(kept.as_str().unwrap().len(), MAX_PARAM_BYTES);
        assert_eq!(cut.unwrap().shortened, vec!["$".to_owned()]);
        let (kept, cut) = bounded_other(&json!([1, 2]), 5);
        assert_eq!(kept, json!([1, 2]));
        assert!(cut.is_none());
    }
}
