//! `json`: `{"BackupSet": [...], "TotalCount": N}`, pretty, UTF-8 unescaped; each item is the
//! server's raw object re-indented (top-level `null` members dropped), so unknown fields and
//! number spellings pass through. The document streams item by item in flat memory: it starts
//! at the first backup (or at the end when there is none) and `TotalCount` comes last, once
//! every query has given its own.

use std::io::{self, Write};

use tcredis_core::response::Backup;

use super::Emit;
use super::json_text::{Layout, relayout, without_null_members};

pub(super) struct JsonWriter<'w> {
    out: Box<dyn Write + 'w>,
    /// The head (`{"BackupSet": [`) is written.
    started: bool,
    /// Items written so far (the first one has no leading comma).
    written: usize,
}

impl<'w> JsonWriter<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            started: false,
            written: 0,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.out.write_all(b"{\n  \"BackupSet\": [")?;
            self.started = true;
        }
        Ok(())
    }
}

impl Emit for JsonWriter<'_> {
    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        self.start()?;
        let text = relayout(
            &without_null_members(backup.raw_json()),
            Layout::Pretty { depth: 2 },
        );
        self.out.write_all(if self.written == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.out.write_all(text.as_bytes())?;
        self.written += 1;
        Ok(())
    }

    fn end_page(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self, total_count: i64) -> io::Result<()> {
        self.start()?;
        if self.written > 0 {
            self.out.write_all(b"\n  ")?;
        }
        write!(self.out, "],\n  \"TotalCount\": {total_count}\n}}\n")?;
        self.out.flush()
    }

    fn finish_incomplete(&mut self, _total_count: i64) -> io::Result<()> {
        // No closing bracket and no TotalCount: a parser must not mistake what was received
        // for the whole listing.
        self.start()?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{backup, samples};
    use super::*;

    fn render(items: &[Backup], total: i64, complete: bool) -> String {
        let mut buf = Vec::new();
        {
            let mut w = JsonWriter::new(Box::new(&mut buf));
            for b in items {
                w.item(b).unwrap();
                w.end_page().unwrap();
            }
            if complete {
                w.finish(total).unwrap();
            } else {
                w.finish_incomplete(total).unwrap();
            }
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn shape_total_last_and_unknown_fields() {
        let text = render(&samples(), 7, true);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["TotalCount"], 7);
        assert_eq!(doc["BackupSet"].as_array().unwrap().len(), 2);
        assert_eq!(doc["BackupSet"][0]["FutureField"]["x"][0], 1);
        assert_eq!(doc["BackupSet"][1]["BackupSize"], 3_221_225_472_i64);
        assert!(text.contains("\"InstanceName\": \"备份test\""));
        assert!(
            text.starts_with("{\n  \"BackupSet\": [\n    {\n      \"BackupId\""),
            "{text}"
        );
        assert!(
            text.ends_with("    }\n  ],\n  \"TotalCount\": 7\n}\n"),
            "{text}"
        );
    }

    #[test]
    fn null_fields_are_absent() {
        let b = backup(r#"{"BackupId":"b","BackupSize":null,"Remark":null,"X":{"Y":null}}"#);
        let text = render(&[b], 1, true);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let item = doc["BackupSet"][0].as_object().unwrap();
        assert!(!item.contains_key("BackupSize") && !item.contains_key("Remark"));
        assert_eq!(
            item["X"]["Y"],
            serde_json::Value::Null,
            "nested values unchanged"
        );
    }

    #[test]
    fn a_document_that_lost_items_is_left_open() {
        let whole = render(&samples(), 5, true);
        let cut = render(&samples(), 5, false);
        assert_eq!(
            cut,
            format!(
                "{}\n",
                whole
                    .strip_suffix("\n  ],\n  \"TotalCount\": 5\n}\n")
                    .unwrap()
            ),
            "the whole document's bytes up to the last item, then a newline"
        );
        assert!(serde_json::from_str::<serde_json::Value>(&cut).is_err());
        let none = render(&[], 5, false);
        assert_eq!(none, "{\n  \"BackupSet\": [\n");
        assert!(serde_json::from_str::<serde_json::Value>(&none).is_err());
    }

    #[test]
    fn empty_listing() {
        assert_eq!(
            render(&[], 0, true),
            "{\n  \"BackupSet\": [],\n  \"TotalCount\": 0\n}\n"
        );
    }

    #[test]
    fn nothing_is_written_before_the_first_item() {
        let mut buf = Vec::new();
        {
            let mut w = JsonWriter::new(Box::new(&mut buf));
            w.end_page().unwrap();
        }
        assert!(buf.is_empty());
    }
}
