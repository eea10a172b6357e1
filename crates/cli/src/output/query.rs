//! `--query`: a JMESPath expression evaluated over the json output's shape
//! (`{"BackupSet": [...], "TotalCount": N}`, absent fields omitted); the result is printed as
//! pretty JSON, compact JSON (`-o ndjson`), or raw (`--raw`, as `jq -r`: a string without
//! quotes, an array one item a line, its strings unquoted and anything else as compact JSON).

use std::io::{self, Write};

use tcredis_core::response::Backup;

use super::Emit;

/// A compiled JMESPath expression.
pub struct Query {
    expression: jmespath::Expression<'static>,
}

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Query")
            .field(&self.expression.as_str())
            .finish()
    }
}

/// Longest `--query` accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Deepest nesting accepted in a `--query`: brackets, parentheses, braces and `!` (the JMESPath
/// parser and evaluator recurse once per level, so an unbounded expression overflows the
/// stack).
pub const MAX_QUERY_DEPTH: usize = 64;

/// The deepest nesting in `text`, counting `(`, `[`, `{` and runs of `!` outside literals
/// (`'raw'`, `"identifier"`, `` `json` ``).
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut bangs, mut max) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '!' if chars.peek() != Some(&'=') => bangs += 1,
            c if c.is_whitespace() => {}
            _ => bangs = 0,
        }
        max = max.max(depth + bangs);
    }
    max
}

/// A string printed by `--raw`: whole (never cut), with control and bidirectional characters
/// as visible escapes (`\n`, `\u{1b}`).
fn raw_text(s: &str) -> String {
    crate::terminal::escape(s, s.len()).into_owned()
}

impl Query {
    /// Compiles an expression of at most [`MAX_QUERY_BYTES`] and [`MAX_QUERY_DEPTH`] levels;
    /// the error says what is wrong (where, for syntax).
    pub fn compile(text: &str) -> Result<Self, String> {
        if text.len() > MAX_QUERY_BYTES {
            return Err(format!(
                "the expression is {} bytes, over the limit of {MAX_QUERY_BYTES}",
                text.len()
            ));
        }
        let depth = nesting_depth(text);
        if depth > MAX_QUERY_DEPTH {
            return Err(format!(
                "the expression nests {depth} levels deep (brackets, parentheses, braces, `!`), over the limit of {MAX_QUERY_DEPTH}"
            ));
        }
        jmespath::compile(text)
            .map(|expression| Self { expression })
            .map_err(|e| format!("{text:?} is not a JMESPath expression: {e}"))
    }

    /// Evaluates over a document and renders the result in `style` (without a final newline).
    pub fn render(&self, document: serde_json::Value, style: QueryStyle) -> Result<String, String> {
        let result = self
            .expression
            .search(document)
            .map_err(|e| format!("the query {:?} failed: {e}", self.expression.as_str()))?;
        let value = serde_json::to_value(&*result).map_err(|e| e.to_string())?;
        let compact = |v: &serde_json::Value| serde_json::to_string(v).map_err(|e| e.to_string());
        match (style, &value) {
            (QueryStyle::Pretty, v) => serde_json::to_string_pretty(v).map_err(|e| e.to_string()),
            (QueryStyle::Compact, v) => compact(v),
            (QueryStyle::Raw, serde_json::Value::String(s)) => Ok(raw_text(s)),
            (QueryStyle::Raw, serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => Ok(raw_text(s)),
                    other => compact(other),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|lines| lines.join("\n")),
            (QueryStyle::Raw, v) => compact(v),
        }
    }
}

/// How a query's result is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// Pretty JSON (the default).
    Pretty,
    /// Compact JSON on one line (`-o ndjson`).
    Compact,
    /// `--raw`: strings unquoted, arrays one item a line (as `jq -r`); control and
    /// bidirectional characters in them are written as visible escapes, so a server's text
    /// cannot add lines or drive the terminal.
    Raw,
}

/// The raw object of a backup as a JSON value: the server's fields, unknown ones included,
/// `null` members left out (absent). An item the JSON reader cannot hold as a value (a field
/// nested past its 128-level limit) fails the command: dropping it, or querying a `null` in
/// its place, would print a wrong answer with exit 0. (json and ndjson pass such items through
/// unchanged.)
fn value(backup: &Backup) -> io::Result<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_str(backup.raw_json()).map_err(|e| {
        let id = backup
            .fields()
            .backup_id
            .as_deref()
            .unwrap_or("(no BackupId)");
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "--query cannot evaluate backup {}: {}; --output json or ndjson print it unchanged",
                crate::terminal::escape(id, crate::terminal::MAX_FIELD_CHARS),
                if e.to_string().contains("recursion limit") {
                    "a field is nested deeper than 128 levels".to_owned()
                } else {
                    e.to_string()
                }
            ),
        )
    })?;
    if let serde_json::Value::Object(map) = &mut v {
        map.retain(|_, field| !field.is_null());
    }
    Ok(v)
}

pub(super) struct QueryWriter<'w> {
    query: Query,
    style: QueryStyle,
    out: Box<dyn Write + 'w>,
    items: Vec<serde_json::Value>,
}

impl<'w> QueryWriter<'w> {
    pub(super) fn new(query: Query, style: QueryStyle, out: Box<dyn Write + 'w>) -> Self {
        Self {
            query,
            style,
            out,
            items: Vec::new(),
        }
    }
}

impl Emit for QueryWriter<'_> {
    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        self.items.push(value(backup)?);
        Ok(())
    }

    fn finish(&mut self, total_count: i64) -> io::Result<()> {
        let items = std::mem::take(&mut self.items);
        let document = serde_json::json!({ "TotalCount": total_count, "BackupSet": items });
        // A failing expression is a usage error (exit 2), not an output failure.
        let text = self
            .query
            .render(document, self.style)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("--query: {e}")))?;
        writeln!(self.out, "{text}")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::samples;
    use super::*;

    fn run(expr: &str) -> String {
        run_styled(expr, QueryStyle::Pretty)
    }

    fn run_styled(expr: &str, style: QueryStyle) -> String {
        let mut buf = Vec::new();
        {
            let mut w = QueryWriter::new(Query::compile(expr).unwrap(), style, Box::new(&mut buf));
            for b in samples() {
                w.item(&b).unwrap();
            }
            w.finish(9).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn queries_see_the_json_shape() {
        assert_eq!(run("TotalCount"), "9\n");
        let ids: Vec<String> = serde_json::from_str(&run("BackupSet[].BackupId")).unwrap();
        assert_eq!(
            ids,
            [
                "165706342-5832225-1641692389",
                "154572601-1165734322-153731238"
            ]
        );
        let names: Vec<String> =
            serde_json::from_str(&run("BackupSet[?Status==`-1`].InstanceName")).unwrap();
        assert_eq!(names, ["备份test"]);
        assert_eq!(run("BackupSet[0].FutureField.x[1]"), "2\n");
    }

    #[test]
    fn raw_prints_strings_unquoted_and_arrays_one_item_a_line() {
        assert_eq!(
            run_styled("BackupSet[].BackupId", QueryStyle::Raw),
            "165706342-5832225-1641692389\n154572601-1165734322-153731238\n"
        );
        assert_eq!(
            run_styled("BackupSet[1].InstanceName", QueryStyle::Raw),
            "备份test\n"
        );
        assert_eq!(run_styled("BackupSet[].Status", QueryStyle::Raw), "2\n-1\n");
        assert_eq!(run_styled("TotalCount", QueryStyle::Raw), "9\n");
        assert_eq!(
            run_styled("BackupSet[0].FutureField", QueryStyle::Compact),
            "{\"x\":[1,2]}\n"
        );
        assert_eq!(
            Query::compile("a")
                .unwrap()
                .render(
                    serde_json::json!({ "a": ["x\nforged\u{1b}]0;t\u{7}", "\u{202e}y"] }),
                    QueryStyle::Raw
                )
                .unwrap(),
            "x\\nforged\\u{1b}]0;t\\u{7}\n\\u{202e}y"
        );
    }

    #[test]
    fn deep_or_long_expressions_are_refused_before_parsing() {
        let at_limit = format!("{}a{}", "[".repeat(32), "]".repeat(32));
        assert_eq!(nesting_depth(&at_limit), 32);
        assert_eq!(nesting_depth("BackupSet[?Status != `2` && !(a)]"), 3);
        assert_eq!(nesting_depth("'((((' && \"[[[\" && `{}`"), 0);
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        let err = Query::compile(&deep).unwrap_err();
        assert!(err.contains("over the limit of 4096"), "{err}");
        let deep = format!("{}a{}", "[".repeat(65), "]".repeat(65));
        let err = Query::compile(&deep).unwrap_err();
        assert!(err.contains("nests 65 levels deep"), "{err}");
        let bangs = format!("{}a", "!".repeat(65));
        assert!(
            Query::compile(&bangs)
                .unwrap_err()
                .contains("nests 65 levels")
        );
        let ok = format!("{}BackupSet{}", "(".repeat(64), ")".repeat(64));
        assert!(Query::compile(&ok).is_ok());
    }

    #[test]
    fn bad_expressions_are_refused_up_front() {
        let err = Query::compile("BackupSet[?").unwrap_err();
        assert!(err.contains("is not a JMESPath expression"), "{err}");
    }
}
