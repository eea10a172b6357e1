//! Every output format. Backup listings (`list`, `latest`): each format gets items in final
//! order and the total at the end; json, ndjson, csv and tsv write each item at once (json puts
//! `TotalCount` last); table and `--query` buffer. No writer writes anything before its first
//! item or its finish, so a command whose every query failed prints nothing on stdout.
//! `check`'s report: [`check`].

mod cells;
pub mod check;
mod delimited;
pub mod instances;
mod json;
mod json_text;
mod ndjson;
mod query;
mod table;

use std::io::{self, BufWriter, Write};

use tcredis_core::response::Backup;

use crate::exit::CliError;

pub use query::{Query, QueryStyle};

/// An output format name as given to `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// `{"BackupSet": [...], "TotalCount": N}`, pretty.
    Json,
    /// One compact backup object per line.
    Ndjson,
    /// RFC 4180 comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

impl Format {
    /// The default: a table for a terminal, JSON for a pipe or file.
    pub fn default_for(stdout_is_terminal: bool) -> Self {
        if stdout_is_terminal {
            Self::Table
        } else {
            Self::Json
        }
    }
}

/// Receives backups in output order, then the total.
pub trait Emit {
    /// Writes (or buffers) one backup.
    fn item(&mut self, backup: &Backup) -> io::Result<()>;
    /// A page is complete: streaming formats flush here, so output leaves page by page.
    fn end_page(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Completes the document; `total_count` is the server's TotalCount (summed over queries).
    fn finish(&mut self, total_count: i64) -> io::Result<()>;
    /// Completes a listing that lost backups after some of them were received (an instance
    /// failed part way): the json document is left without its closing `]`, its TotalCount
    /// and `}` so it cannot pass for complete; every other writer finishes as usual.
    fn finish_incomplete(&mut self, total_count: i64) -> io::Result<()> {
        self.finish(total_count)
    }
}

/// How a `--query` result is printed: `--raw` as `jq -r`, compact with `-o ndjson`, else pretty.
pub fn query_style(format: Format, raw: bool) -> QueryStyle {
    match (raw, format) {
        (true, _) => QueryStyle::Raw,
        (false, Format::Ndjson) => QueryStyle::Compact,
        (false, _) => QueryStyle::Pretty,
    }
}

/// The writer for a format, or for a JMESPath query when one is given: a query prints JSON,
/// pretty (compact on one line with ndjson), or with `raw` strings unquoted and arrays one item
/// a line.
pub fn emitter<'w>(
    format: Format,
    query: Option<Query>,
    raw: bool,
    out: Box<dyn Write + 'w>,
) -> Box<dyn Emit + 'w> {
    if let Some(query) = query {
        let style = query_style(format, raw);
        return Box::new(query::QueryWriter::new(query, style, out));
    }
    match format {
        Format::Table => Box::new(table::TableWriter::new(out)),
        Format::Json => Box::new(json::JsonWriter::new(out)),
        Format::Ndjson => Box::new(ndjson::NdjsonWriter::new(out)),
        Format::Csv => Box::new(delimited::DelimitedWriter::new(out, b',')),
        Format::Tsv => Box::new(delimited::DelimitedWriter::new(out, b'\t')),
    }
}

/// Standard output, buffered (64 KiB): writers flush at page ends and at the finish.
pub fn stdout_writer() -> Box<dyn Write> {
    Box::new(BufWriter::with_capacity(64 * 1024, io::stdout()))
}

/// The writer for `--output`/`--query`/`--raw` on stdout: without `--output`, a table on a
/// terminal and json otherwise (with `--query`: json). A query that does not compile is a usage
/// error.
pub fn stdout_emitter(
    output: Option<Format>,
    query: Option<&str>,
    raw: bool,
    stdout_is_terminal: bool,
) -> Result<Box<dyn Emit>, CliError> {
    let format = output.unwrap_or_else(|| Format::default_for(stdout_is_terminal));
    let query = query
        .map(Query::compile)
        .transpose()
        .map_err(CliError::usage)?;
    Ok(emitter(format, query, raw, stdout_writer()))
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Shared test data: a few backups with unusual content.
    use tcredis_core::response::Backup;

    pub fn backup(raw: &str) -> Backup {
        Backup::from_json(raw).unwrap()
    }

    pub fn samples() -> Vec<Backup> {
        vec![
            backup(
                r#"{"BackupId":"165706342-5832225-1641692389","BackupSize":537,"BackupType":"1","Encrypted":false,"EndTime":"2026-06-01 02:01:09","ExpireTime":"2026-06-08 02:00:48","FileType":"RDB-Redis 6.2","FullBackup":0,"InstanceId":"crs-ei43p3gr","InstanceName":"testbackup","InstanceType":16,"Locked":0,"Region":"ap-guangzhou","Remark":"","StartTime":"2026-06-01 02:00:48","Status":2,"FutureField":{"x":[1,2]}}"#,
            ),
            backup(
                r#"{"StartTime":"2022-12-23 16:24:41","BackupId":"154572601-1165734322-153731238","BackupType":"0","Status":-1,"Remark":"a \"quoted\", remark\nwith newline","Locked":1,"BackupSize":3221225472,"InstanceId":"crs-c7nuafdt","InstanceName":"备份test"}"#,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_table_on_a_terminal_and_json_otherwise() {
        assert_eq!(Format::default_for(true), Format::Table);
        assert_eq!(Format::default_for(false), Format::Json);
    }
}
