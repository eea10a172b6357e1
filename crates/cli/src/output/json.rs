//! `json`: `{"TotalCount": N, "BackupSet": [...]}`, pretty, UTF-8 unescaped; each item is the
//! server's raw object re-indented, so unknown fields and number spellings pass through.

use std::io::{self, Write};

use super::Emit;
use crate::backup::Backup;
use crate::json_text::{Layout, relayout};

pub(super) struct JsonWriter<'w> {
    out: Box<dyn Write + 'w>,
    items: Vec<String>,
}

impl<'w> JsonWriter<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            items: Vec::new(),
        }
    }
}

impl Emit for JsonWriter<'_> {
    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        self.items
            .push(relayout(backup.raw_json(), Layout::Pretty { depth: 2 }));
        Ok(())
    }

    fn finish(&mut self, total_count: i64) -> io::Result<()> {
        let out = &mut self.out;
        write!(
            out,
            "{{\n  \"TotalCount\": {total_count},\n  \"BackupSet\": ["
        )?;
        if self.items.is_empty() {
            out.write_all(b"]\n}\n")?;
        } else {
            for (i, item) in self.items.iter().enumerate() {
                out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
                out.write_all(item.as_bytes())?;
            }
            out.write_all(b"\n  ]\n}\n")?;
        }
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::samples;
    use super::*;

    fn render(items: &[Backup], total: i64) -> String {
        let mut buf = Vec::new();
        {
            let mut w = JsonWriter::new(Box::new(&mut buf));
            for b in items {
                w.item(b).unwrap();
            }
            w.finish(total).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn shape_total_and_unknown_fields() {
        let text = render(&samples(), 7);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["TotalCount"], 7);
        assert_eq!(doc["BackupSet"].as_array().unwrap().len(), 2);
        assert_eq!(doc["BackupSet"][0]["FutureField"]["x"][0], 1);
        assert_eq!(doc["BackupSet"][1]["BackupSize"], 3_221_225_472_i64);
        assert!(text.contains("\"InstanceName\": \"备份test\""));
        assert!(
            text.starts_with(
                "{\n  \"TotalCount\": 7,\n  \"BackupSet\": [\n    {\n      \"BackupId\""
            ),
            "{text}"
        );
    }

    #[test]
    fn empty_listing() {
        assert_eq!(
            render(&[], 0),
            "{\n  \"TotalCount\": 0,\n  \"BackupSet\": []\n}\n"
        );
    }
}
