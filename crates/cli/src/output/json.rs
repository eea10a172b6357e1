//! `json`: `{"TotalCount": N, "BackupSet": [...]}`, pretty, UTF-8 unescaped; each item is the
//! server's raw object re-indented, so unknown fields and number spellings pass through. Given
//! the total up front (`begin`) it streams item by item; otherwise it holds the items until
//! `finish`. Both paths write the same bytes.

use std::io::{self, Write};

use tcredis_core::response::Backup;

use super::Emit;
use super::json_text::{Layout, relayout};

pub(super) struct JsonWriter<'w> {
    out: Box<dyn Write + 'w>,
    /// Whether the runner may call `begin` (false: always buffer, for comparisons in tests).
    may_stream: bool,
    /// `begin` wrote the head: items go out as they come.
    streaming: bool,
    /// Items held until `finish` when the total was not given up front.
    held: Vec<String>,
    /// Items written so far (the first one has no leading comma).
    written: usize,
}

impl<'w> JsonWriter<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            may_stream: true,
            streaming: false,
            held: Vec::new(),
            written: 0,
        }
    }

    #[cfg(test)]
    pub(super) fn buffered(out: Box<dyn Write + 'w>) -> Self {
        Self {
            may_stream: false,
            ..Self::new(out)
        }
    }

    fn head(&mut self, total_count: i64) -> io::Result<()> {
        write!(
            self.out,
            "{{\n  \"TotalCount\": {total_count},\n  \"BackupSet\": ["
        )
    }

    fn write_item(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(if self.written == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.out.write_all(text.as_bytes())?;
        self.written += 1;
        Ok(())
    }
}

impl Emit for JsonWriter<'_> {
    fn total_first(&self) -> bool {
        self.may_stream
    }

    fn begin(&mut self, total_count: i64) -> io::Result<()> {
        self.streaming = true;
        self.head(total_count)
    }

    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        let text = relayout(backup.raw_json(), Layout::Pretty { depth: 2 });
        if self.streaming {
            self.write_item(&text)
        } else {
            self.held.push(text);
            Ok(())
        }
    }

    fn end_page(&mut self) -> io::Result<()> {
        if self.streaming {
            self.out.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self, total_count: i64) -> io::Result<()> {
        if !self.streaming {
            self.head(total_count)?;
            for text in std::mem::take(&mut self.held) {
                self.write_item(&text)?;
            }
        }
        let tail: &[u8] = if self.written == 0 {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        };
        self.out.write_all(tail)?;
        self.out.flush()
    }

    fn finish_incomplete(&mut self, total_count: i64) -> io::Result<()> {
        if !self.streaming {
            return self.finish(total_count);
        }
        // No closing brackets: a parser must not mistake what was received for the whole.
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::samples;
    use super::*;

    fn render(items: &[Backup], total: i64) -> String {
        let mut buf = Vec::new();
        {
            let mut w = JsonWriter::buffered(Box::new(&mut buf));
            assert!(!w.total_first());
            for b in items {
                w.item(b).unwrap();
            }
            w.finish(total).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    /// The streaming path: head first, then each item written (and flushed per page) at once.
    fn render_streamed(items: &[Backup], total: i64, complete: bool) -> String {
        let mut buf = Vec::new();
        {
            let mut w = JsonWriter::new(Box::new(&mut buf));
            assert!(w.total_first());
            w.begin(total).unwrap();
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
    fn streaming_writes_the_same_bytes_as_buffering() {
        for items in [samples(), Vec::new(), samples()[1..].to_vec()] {
            assert_eq!(render_streamed(&items, 5, true), render(&items, 5));
        }
    }

    #[test]
    fn a_streamed_document_that_lost_items_is_left_open() {
        let whole = render(&samples(), 5);
        let cut = render_streamed(&samples(), 5, false);
        assert_eq!(
            cut,
            format!("{}\n", whole.strip_suffix("\n  ]\n}\n").unwrap()),
            "the buffered bytes up to the last item, then a newline"
        );
        assert!(serde_json::from_str::<serde_json::Value>(&cut).is_err());
        let none = render_streamed(&[], 5, false);
        assert_eq!(none, "{\n  \"TotalCount\": 5,\n  \"BackupSet\": [\n");
        assert!(serde_json::from_str::<serde_json::Value>(&none).is_err());
    }

    #[test]
    fn incomplete_without_begin_is_the_buffered_document() {
        let mut buf = Vec::new();
        {
            let mut w = JsonWriter::new(Box::new(&mut buf));
            for b in samples() {
                w.item(&b).unwrap();
            }
            w.finish_incomplete(2).unwrap();
        }
        assert_eq!(String::from_utf8(buf).unwrap(), render(&samples(), 2));
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
