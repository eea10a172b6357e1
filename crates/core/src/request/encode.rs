//! Byte-exact serialisation of the request: JSON body (compact, or Python `json.dumps` style)
//! and the GET query string.

use super::DescribeInstanceBackupsRequest;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JsonStyle {
    /// No spaces, raw UTF-8.
    Compact,
    /// `", "` / `": "` separators, non-ASCII and DEL as `\uXXXX` (Python `ensure_ascii`).
    Python,
}

enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Ints(&'a [i64]),
}

fn fields(r: &DescribeInstanceBackupsRequest) -> impl Iterator<Item = (&'static str, Value<'_>)> {
    [
        ("Limit", r.limit.map(Value::Int)),
        ("Offset", r.offset.map(Value::Int)),
        ("InstanceId", r.instance_id.as_deref().map(Value::Text)),
        ("BeginTime", r.begin_time.as_deref().map(Value::Text)),
        ("EndTime", r.end_time.as_deref().map(Value::Text)),
        ("Status", r.status.as_deref().map(Value::Ints)),
        ("InstanceName", r.instance_name.as_deref().map(Value::Text)),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|v| (name, v)))
}

pub(super) fn json(r: &DescribeInstanceBackupsRequest, style: JsonStyle) -> Vec<u8> {
    let (item_sep, key_sep) = match style {
        JsonStyle::Compact => (",", ":"),
        JsonStyle::Python => (", ", ": "),
    };
    let mut out = String::with_capacity(128);
    out.push('{');
    for (i, (name, value)) in fields(r).enumerate() {
        if i > 0 {
            out.push_str(item_sep);
        }
        out.push('"');
        out.push_str(name);
        out.push('"');
        out.push_str(key_sep);
        match value {
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Text(s) => json_string(&mut out, s, style),
            Value::Ints(list) => {
                out.push('[');
                for (j, n) in list.iter().enumerate() {
                    if j > 0 {
                        out.push_str(item_sep);
                    }
                    let _ = write!(out, "{n}");
                }
                out.push(']');
            }
        }
    }
    out.push('}');
    out.into_bytes()
}

fn json_string(out: &mut String, s: &str, style: JsonStyle) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if style == JsonStyle::Python && (c as u32) >= 0x7f => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(super) fn query(r: &DescribeInstanceBackupsRequest) -> String {
    let mut out = String::with_capacity(128);
    let mut pair = |key: &str, index: Option<usize>, value: &str| {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        if let Some(i) = index {
            let _ = write!(out, ".{i}");
        }
        out.push('=');
        percent_encode(&mut out, value);
    };
    for (name, value) in fields(r) {
        match value {
            Value::Int(n) => pair(name, None, &n.to_string()),
            Value::Text(s) => pair(name, None, s),
            Value::Ints(list) => {
                for (i, n) in list.iter().enumerate() {
                    pair(name, Some(i), &n.to_string());
                }
            }
        }
    }
    out
}

/// RFC 3986 percent-encoding: unreserved characters kept, everything else `%XX` upper-case.
pub(crate) fn percent_encode(out: &mut String, value: &str) {
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}
