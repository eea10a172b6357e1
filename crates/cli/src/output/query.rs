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

impl Query {
    /// Compiles an expression; the error says where it is wrong.
    pub fn compile(text: &str) -> Result<Self, String> {
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
            (QueryStyle::Raw, serde_json::Value::String(s)) => Ok(s.clone()),
            (QueryStyle::Raw, serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => Ok(s.clone()),
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
    /// `--raw`: strings unquoted, arrays one item a line (as `jq -r`).
    Raw,
}

/// The raw object of a backup as a JSON value: the server's fields, unknown ones included,
/// `null` members left out (absent).
fn value(backup: &Backup) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(backup.raw_json()).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut v {
        map.retain(|_, field| !field.is_null());
    }
    v
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
        self.items.push(value(backup));
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
    }

    #[test]
    fn bad_expressions_are_refused_up_front() {
        let err = Query::compile("BackupSet[?").unwrap_err();
        assert!(err.contains("is not a JMESPath expression"), "{err}");
    }
}
