//! `table`: aligned columns for people, with core's status and type names and human sizes.

use std::io::{self, Write};

use tcredis_core::response::{Backup, BackupType};
use unicode_width::UnicodeWidthStr;

use super::Emit;
use crate::terminal;

const HEADER: [&str; 9] = [
    "INSTANCE",
    "BACKUP ID",
    "START TIME",
    "END TIME",
    "TYPE",
    "STATUS",
    "SIZE",
    "FILE TYPE",
    "REMARK",
];

pub(super) struct TableWriter<'w> {
    out: Box<dyn Write + 'w>,
    rows: Vec<[String; 9]>,
}

impl<'w> TableWriter<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            rows: Vec::new(),
        }
    }
}

/// Bytes as a short human size with binary units: `537 B`, `1.5 KiB`, `3.0 GiB`.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes.unsigned_abs() < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A cell: control and bidi characters (which would break the columns or the terminal) as
/// visible escapes, at most [`terminal::MAX_FIELD_CHARS`] characters.
fn text_or_dash(value: Option<&str>) -> String {
    match value {
        Some(s) if !s.is_empty() => terminal::escape(s, terminal::MAX_FIELD_CHARS).into_owned(),
        _ => "-".to_owned(),
    }
}

impl Emit for TableWriter<'_> {
    fn item(&mut self, backup: &Backup) -> io::Result<()> {
        let f = backup.fields();
        self.rows.push([
            text_or_dash(f.instance_id.as_deref()),
            text_or_dash(f.backup_id.as_deref()),
            text_or_dash(f.start_time.as_deref()),
            text_or_dash(f.end_time.as_deref()),
            text_or_dash(f.parsed_backup_type().as_ref().map(BackupType::short_name)),
            f.parsed_status()
                .map_or_else(|| "-".to_owned(), |s| s.to_string()),
            f.backup_size.map_or_else(|| "-".to_owned(), human_size),
            text_or_dash(f.file_type.as_deref()),
            text_or_dash(f.remark.as_deref()),
        ]);
        Ok(())
    }

    fn finish(&mut self, _total_count: i64) -> io::Result<()> {
        let mut widths = HEADER.map(UnicodeWidthStr::width);
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let mut write_row = |cells: &[&str]| -> io::Result<()> {
            let mut line = String::new();
            for (i, cell) in cells.iter().enumerate() {
                line.push_str(cell);
                if i + 1 < cells.len() {
                    let pad = widths[i] - cell.width() + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(self.out, "{}", line.trim_end())
        };
        write_row(&HEADER)?;
        for row in &self.rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            write_row(&cells)?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::samples;
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(537), "537 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3_221_225_472), "3.0 GiB");
    }

    #[test]
    fn columns_align_with_wide_characters() {
        let mut buf = Vec::new();
        {
            let mut w = TableWriter::new(Box::new(&mut buf));
            for b in samples() {
                w.item(&b).unwrap();
            }
            w.finish(2).unwrap();
        }
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("INSTANCE      BACKUP ID"), "{text}");
        assert!(
            lines[1].contains("auto") && lines[1].contains(" ok ") && lines[1].contains("537 B"),
            "{text}"
        );
        assert!(
            lines[2].contains("manual")
                && lines[2].contains("expired")
                && lines[2].contains("3.0 GiB")
        );
        assert!(
            lines[2].ends_with("a \"quoted\", remark\\nwith newline"),
            "control characters escaped: {text}"
        );
        // The START TIME column starts at the same display column on every line.
        let col = |line: &str| {
            line.find("2026")
                .or_else(|| line.find("2022"))
                .or_else(|| line.find("START"))
                .unwrap()
        };
        assert_eq!(col(lines[0]), col(lines[1]));
        assert_eq!(col(lines[1]), col(lines[2]));
    }
}
