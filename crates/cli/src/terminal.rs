//! Text from a server (or any untrusted source) made safe for people's outputs — stderr,
//! `table`, `check`'s text report: control characters (C0, DEL, C1: escape sequences, carriage
//! returns, NUL, newlines that would forge report lines) and bidirectional-text controls (which
//! reorder what a terminal shows) are written as visible escapes (`\n`, `\u{1b}`, `\u{202e}`),
//! and the length is bounded. Machine outputs (json, ndjson, csv, tsv) stay exact and are
//! escaped by their own format.

use std::borrow::Cow;

/// Longest server message printed on stderr, in characters.
pub const MAX_MESSAGE_CHARS: usize = 512;
/// Longest server field (code, RequestId, backup id, a table cell), in characters.
pub const MAX_FIELD_CHARS: usize = 128;

/// Characters a terminal must not receive raw: controls, the bidirectional marks, embeddings,
/// overrides and isolates, and the Unicode line and paragraph separators.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with every dangerous character escaped and at most `max_chars` characters kept (the
/// rest summarized as `… (N more characters)`). Borrowed when nothing had to change.
pub fn escape(text: &str, max_chars: usize) -> Cow<'_, str> {
    let long = text.chars().nth(max_chars).is_some();
    if !long && !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max_chars * 4) + 32);
    let mut chars = text.chars();
    for (kept, c) in chars.by_ref().enumerate() {
        if kept == max_chars {
            let rest = 1 + chars.count();
            out.push_str(&format!("… ({rest} more characters)"));
            return Cow::Owned(out);
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_marks_become_visible_escapes() {
        assert!(matches!(escape("plain 订单 ☃", 100), Cow::Borrowed(_)));
        assert_eq!(
            escape(
                "a\nOK crs-forged\r\u{1b}]0;title\u{7}\0\u{202e}txt.exe\u{2066}x\u{9b}",
                100
            ),
            "a\\nOK crs-forged\\r\\u{1b}]0;title\\u{7}\\0\\u{202e}txt.exe\\u{2066}x\\u{9b}"
        );
        assert_eq!(escape("tab\there", 100), "tab\\there");
    }

    #[test]
    fn long_text_is_cut_and_says_how_much_was_left_out() {
        let long = "x".repeat(10 * 1024 * 1024);
        let shown = escape(&long, MAX_MESSAGE_CHARS);
        assert_eq!(
            shown,
            format!("{}… (10485248 more characters)", "x".repeat(512))
        );
        assert_eq!(escape("12345", 5), "12345");
        assert_eq!(escape("123456", 5), "12345… (1 more characters)");
    }
}
