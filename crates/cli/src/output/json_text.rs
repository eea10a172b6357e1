//! Re-layout of JSON text without parsing it into values, so every byte of the server's data
//! (unknown fields, number spellings, key order) passes through unchanged: only white space
//! outside strings changes, and `\uXXXX` escapes of non-ASCII characters become UTF-8. Top-level
//! `null` members of a backup are dropped ([`without_null_members`]): absent fields are omitted.

use std::borrow::Cow;

/// How to lay the text out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// No white space at all (ndjson).
    Compact,
    /// Two-space indentation, `"key": value`, starting at the given nesting depth.
    Pretty {
        /// Nesting depth of the value's first line.
        depth: usize,
    },
}

/// Nesting depth beyond which pretty layout stays on one line.
const MAX_PRETTY_DEPTH: usize = 64;

/// The object without its top-level members whose value is `null` (the contract: absent
/// fields are omitted, and the API writes `null` for fields it has no value for). Every other
/// byte, nested `null`s included, is kept; an object without a `null` member is borrowed as is.
pub fn without_null_members(raw: &str) -> Cow<'_, str> {
    if !raw.contains("null") {
        return Cow::Borrowed(raw);
    }
    let Some(open) = raw.find('{').filter(|&i| raw[..i].trim().is_empty()) else {
        return Cow::Borrowed(raw);
    };
    let bytes = raw.as_bytes();
    let mut members: Vec<&str> = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, open + 1, open + 1);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(raw, i);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => {
                members.push(&raw[start..i]);
                break;
            }
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                members.push(&raw[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let is_null = |member: &str| {
        let member = member.trim_start();
        if !member.starts_with('"') {
            return false;
        }
        let key_end = string_end(member, 0);
        member[key_end..]
            .trim_start()
            .strip_prefix(':')
            .is_some_and(|value| value.trim() == "null")
    };
    if !members.iter().any(|m| is_null(m)) {
        return Cow::Borrowed(raw);
    }
    let kept: Vec<&str> = members
        .into_iter()
        .filter(|m| !m.trim().is_empty() && !is_null(m))
        .collect();
    Cow::Owned(format!("{{{}}}", kept.join(",")))
}

/// Lays out one JSON value (which must already be valid JSON, as the response parser checked).
pub fn relayout(raw: &str, layout: Layout) -> String {
    let mut out = String::with_capacity(raw.len() + raw.len() / 4);
    let (pretty, mut depth) = match layout {
        Layout::Compact => (false, 0),
        Layout::Pretty { depth } => (true, depth),
    };
    let newline = |out: &mut String, depth: usize| {
        // Deeper than this, lay out compactly: indenting every level of a hostile, deeply
        // nested value would make the output grow with the square of its depth.
        if depth > MAX_PRETTY_DEPTH {
            return;
        }
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                let end = string_end(raw, i);
                push_unescaped(&mut out, &raw[i..end]);
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            '{' | '[' => {
                out.push(c);
                // An empty container stays on one line.
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|(_, n)| n.is_ascii_whitespace()) {
                    chars.next();
                }
                if chars.peek().is_some_and(|(_, n)| *n == close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    if pretty {
                        newline(&mut out, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if pretty {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(',');
                if pretty {
                    newline(&mut out, depth);
                }
            }
            ':' => out.push_str(if pretty { ": " } else { ":" }),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// The byte index just past the string literal that starts at `start` (a `"`).
fn string_end(raw: &str, start: usize) -> usize {
    let bytes = raw.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Copies a string literal, turning `\uXXXX` escapes of non-ASCII characters (and valid
/// surrogate pairs) into UTF-8; every other escape is kept as written.
fn push_unescaped(out: &mut String, literal: &str) {
    let mut rest = literal;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        let esc = &rest[pos..];
        if let Some((ch, used)) = decode_unicode_escape(esc) {
            out.push(ch);
            rest = &esc[used..];
        } else {
            // Keep the two-character escape (or a lone trailing backslash) unchanged.
            let take = esc.char_indices().nth(2).map_or(esc.len(), |(i, _)| i);
            out.push_str(&esc[..take]);
            rest = &esc[take..];
        }
    }
    out.push_str(rest);
}

fn hex4(text: &str) -> Option<u32> {
    let digits = text.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

fn decode_unicode_escape(esc: &str) -> Option<(char, usize)> {
    let unit = hex4(esc.strip_prefix("\\u")?)?;
    if unit < 0x80 {
        return None;
    }
    if (0xD800..0xDC00).contains(&unit) {
        let low = hex4(esc.get(6..)?.strip_prefix("\\u")?)?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        return char::from_u32(code).map(|c| (c, 12));
    }
    char::from_u32(unit).map(|c| (c, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_values_byte_for_byte() {
        let raw = "{ \"A\" : 1.50e3 , \"B\":[ 1, 2 ],\"C\":{ },\"D\":[ ] , \"E\" : \"x : , { y\" , \"N\": 123456789012345678901234567890 }";
        assert_eq!(
            relayout(raw, Layout::Compact),
            "{\"A\":1.50e3,\"B\":[1,2],\"C\":{},\"D\":[],\"E\":\"x : , { y\",\"N\":123456789012345678901234567890}"
        );
    }

    #[test]
    fn pretty_indents_two_spaces_from_the_given_depth() {
        let raw = r#"{"A":1,"B":[true,null],"C":{}}"#;
        assert_eq!(
            relayout(raw, Layout::Pretty { depth: 0 }),
            "{\n  \"A\": 1,\n  \"B\": [\n    true,\n    null\n  ],\n  \"C\": {}\n}"
        );
        assert_eq!(
            relayout(r#"{"A":1}"#, Layout::Pretty { depth: 2 }),
            "{\n      \"A\": 1\n    }"
        );
    }

    #[test]
    fn unicode_escapes_become_utf8_but_quotes_stay_escaped() {
        let raw = r#"{"Name":"\u5907\u4efdtest","Emoji":"\ud83d\ude00","Q":"a\"b\\c\u0041\n"}"#;
        let out = relayout(raw, Layout::Compact);
        assert_eq!(
            out,
            r#"{"Name":"备份test","Emoji":"😀","Q":"a\"b\\c\u0041\n"}"#
        );
        let reparsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        let original: serde_json::Value = serde_json::from_str(raw).unwrap();
        assert_eq!(reparsed, original);
    }

    #[test]
    fn a_lone_surrogate_escape_is_kept_as_written() {
        assert_eq!(
            relayout(r#"["\ud800x","\u00e9"]"#, Layout::Compact),
            r#"["\ud800x","é"]"#
        );
    }

    #[test]
    fn top_level_nulls_are_dropped_and_everything_else_kept() {
        let raw = r#"{"A":null, "B" : 1.50 ,"C":{"D":null},"E":"null","F":null}"#;
        assert_eq!(
            without_null_members(raw),
            r#"{ "B" : 1.50 ,"C":{"D":null},"E":"null"}"#
        );
        let none = r#"{"A":"no nulls","B":[null]}"#;
        assert!(matches!(without_null_members(none), Cow::Borrowed(_)));
        assert_eq!(without_null_members(r#"{"A":null}"#), "{}");
        assert_eq!(without_null_members("{ }"), "{ }");
        let reparsed: serde_json::Value = serde_json::from_str(&without_null_members(raw)).unwrap();
        assert_eq!(reparsed["C"]["D"], serde_json::Value::Null);
        assert!(reparsed.get("A").is_none());
    }

    #[test]
    fn already_utf8_text_passes_through() {
        let raw = "{\"InstanceName\":\"备份test\"}";
        assert_eq!(relayout(raw, Layout::Compact), raw);
    }
}
