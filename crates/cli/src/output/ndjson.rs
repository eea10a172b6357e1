//! `ndjson`: one compact backup object per line (top-level `null` members dropped), written as
//! soon as it arrives.

use std::io::{self, Write};

use tcredis_core::response::Backup;

use super::Emit;
use super::json_text::{Layout, relayout, without_null_members};

pub(super) struct NdjsonWriter<'w> {
    out: Box<dyn Write + 'w>,
}

impl<'w> NdjsonWriter<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self { out }
    }
}

impl Emit for NdjsonWriter<'_> {
    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        let line = relayout(&without_null_members(backup.raw_json()), Layout::Compact);
        self.out.write_all(line.as_bytes())?;
        self.out.write_all(b"\n")
    }

    fn end_page(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, _total_count: i64) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::samples;
    use super::*;

    #[test]
    fn one_object_per_line_with_unknown_fields() {
        let mut buf = Vec::new();
        {
            let mut w = NdjsonWriter::new(Box::new(&mut buf));
            for b in samples() {
                w.item(&b).unwrap();
            }
            w.finish(2).unwrap();
        }
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["FutureField"]["x"][1], 2);
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["InstanceName"], "备份test");
        assert!(lines[1].contains("备份test"), "UTF-8 unescaped");
    }
}
