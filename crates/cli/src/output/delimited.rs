//! `csv` and `tsv`: RFC 4180 records (CRLF, quotes only where needed) with a header row of the
//! 16 model fields; absent values are empty cells.

use std::io::{self, Write};

use tcredis_core::response::Backup;

use super::Emit;
use super::cells::{FIELD_NAMES, row};

pub(super) struct DelimitedWriter<'w> {
    inner: csv::Writer<Box<dyn Write + 'w>>,
    header_written: bool,
}

impl<'w> DelimitedWriter<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>, delimiter: u8) -> Self {
        let inner = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        Self {
            inner,
            header_written: false,
        }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.inner.write_record(FIELD_NAMES).map_err(into_io)?;
            self.header_written = true;
        }
        Ok(())
    }
}

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl Emit for DelimitedWriter<'_> {
    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        self.header()?;
        self.inner.write_record(row(backup)).map_err(into_io)
    }

    fn end_page(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    fn finish(&mut self, _total_count: i64) -> io::Result<()> {
        self.header()?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::samples;
    use super::*;

    fn render(delimiter: u8) -> String {
        let mut buf = Vec::new();
        {
            let mut w = DelimitedWriter::new(Box::new(&mut buf), delimiter);
            for b in samples() {
                w.item(&b).unwrap();
            }
            w.finish(2).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn csv_header_quoting_and_empty_cells() {
        let text = render(b',');
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "StartTime,BackupId,BackupType,Status,Remark,Locked,BackupSize,FullBackup,InstanceType,InstanceId,InstanceName,Region,EndTime,FileType,ExpireTime,Encrypted"
        );
        assert_eq!(
            lines.next().unwrap(),
            "2026-06-01 02:00:48,165706342-5832225-1641692389,1,2,,0,537,0,16,crs-ei43p3gr,testbackup,ap-guangzhou,2026-06-01 02:01:09,RDB-Redis 6.2,2026-06-08 02:00:48,false"
        );
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[1][4], "a \"quoted\", remark\nwith newline");
        assert_eq!(&rows[1][6], "3221225472");
        assert_eq!(&rows[1][10], "备份test");
        assert_eq!(&rows[1][15], "");
    }

    #[test]
    fn tsv_uses_tabs() {
        let text = render(b'\t');
        assert!(text.starts_with("StartTime\tBackupId\t"));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .from_reader(text.as_bytes());
        assert_eq!(reader.records().count(), 2);
    }

    #[test]
    fn an_empty_listing_still_has_the_header() {
        let mut buf = Vec::new();
        DelimitedWriter::new(Box::new(&mut buf), b',')
            .finish(0)
            .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            format!("{}\r\n", FIELD_NAMES.join(","))
        );
    }
}
