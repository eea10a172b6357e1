//! `--query`: a JMESPath expression evaluated over the json output's shape
//! (`{"TotalCount": N, "BackupSet": [...]}`); the result is printed as pretty JSON.

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

    /// Evaluates over a document and renders the result as pretty JSON.
    pub fn render(&self, document: serde_json::Value) -> Result<String, String> {
        let result = self
            .expression
            .search(document)
            .map_err(|e| format!("the query {:?} failed: {e}", self.expression.as_str()))?;
        let value = serde_json::to_value(&*result).map_err(|e| e.to_string())?;
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    }
}

/// The raw object of a backup as a JSON value: the server's fields, unknown ones included.
fn value(backup: &Backup) -> serde_json::Value {
    serde_json::from_str(backup.raw_json()).unwrap_or(serde_json::Value::Null)
}

pub(super) struct QueryWriter<'w> {
    query: Query,
    out: Box<dyn Write + 'w>,
    items: Vec<serde_json::Value>,
}

impl<'w> QueryWriter<'w> {
    pub(super) fn new(query: Query, out: Box<dyn Write + 'w>) -> Self {
        Self {
            query,
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
            .render(document)
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
        let mut buf = Vec::new();
        {
            let mut w = QueryWriter::new(Query::compile(expr).unwrap(), Box::new(&mut buf));
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
    fn bad_expressions_are_refused_up_front() {
        let err = Query::compile("BackupSet[?").unwrap_err();
        assert!(err.contains("is not a JMESPath expression"), "{err}");
    }
}
