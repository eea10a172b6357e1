//! `check`'s report: one line per instance and a one-line summary for cron and monitoring
//! (`text`), or one JSON document (`json`).

use std::io::Write;

use tcredis_core::response::Backup;

use crate::exit::{CliError, Outcome, report_instance};
use crate::terminal;
use crate::time::duration::format_compact;

/// One instance's verdict.
#[derive(Debug)]
pub enum Verdict {
    /// A good backup younger than max-age.
    Ok {
        /// The newest good backup.
        backup: Backup,
        /// Its age in seconds.
        age: i64,
    },
    /// The newest good backup is older than max-age.
    Stale {
        /// The newest good backup.
        backup: Backup,
        /// Its age in seconds.
        age: i64,
    },
    /// No good backup in the searched window.
    Missing {
        /// How far back was searched, in seconds.
        searched: i64,
    },
    /// The API or the network failed.
    Error(CliError),
}

impl Verdict {
    /// The exit class this verdict asks for.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Ok { .. } => Outcome::Success,
            Self::Stale { .. } | Self::Missing { .. } => Outcome::Stale,
            Self::Error(e) => e.outcome,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Self::Ok { .. } => "ok",
            Self::Stale { .. } => "stale",
            Self::Missing { .. } => "missing",
            Self::Error(_) => "error",
        }
    }
}

/// The report's format (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    /// One line per instance and a summary line.
    Text,
    /// One pretty JSON document.
    Json,
}

/// Everything the report says.
#[derive(Debug)]
pub struct Report<'a> {
    /// The instances, in the order given.
    pub instances: &'a [String],
    /// Their verdicts, in the same order.
    pub verdicts: &'a [Verdict],
    /// `--max-age` in seconds.
    pub max_age: i64,
    /// The worst of the verdicts' outcomes.
    pub outcome: Outcome,
}

/// Writes the report and flushes. In text, an instance's error is also reported on stderr.
pub fn write(out: &mut dyn Write, format: CheckFormat, report: &Report<'_>) -> std::io::Result<()> {
    match format {
        CheckFormat::Text => write_text(out, report),
        CheckFormat::Json => write_json(out, report),
    }
}

fn describe(backup: &Backup) -> (String, String) {
    let f = backup.fields();
    (
        f.start_time.clone().unwrap_or_default(),
        f.backup_id.clone().unwrap_or_default(),
    )
}

/// The server's values for a line of the text report: escaped and bounded, so a newline in a
/// BackupId cannot forge a report line.
fn for_text((start, backup_id): (String, String)) -> (String, String) {
    let safe = |s: &str| terminal::escape(s, terminal::MAX_FIELD_CHARS).into_owned();
    (safe(&start), safe(&backup_id))
}

fn write_text(out: &mut dyn Write, report: &Report<'_>) -> std::io::Result<()> {
    let Report {
        instances,
        verdicts,
        max_age,
        outcome,
    } = *report;
    let width = instances.iter().map(String::len).max().unwrap_or(0);
    let max = format_compact(max_age.unsigned_abs());
    for (id, v) in instances.iter().zip(verdicts) {
        let id = terminal::escape(id, terminal::MAX_FIELD_CHARS);
        let detail = match v {
            Verdict::Ok { backup, age } | Verdict::Stale { backup, age } => {
                let (start, backup_id) = for_text(describe(backup));
                let cmp = if matches!(v, Verdict::Ok { .. }) {
                    "<="
                } else {
                    ">"
                };
                format!(
                    "newest good backup {backup_id} started {start} ({} old {cmp} {max})",
                    format_compact(age.unsigned_abs())
                )
            }
            Verdict::Missing { searched } => {
                format!(
                    "no good backup in the last {}",
                    format_compact(searched.unsigned_abs())
                )
            }
            Verdict::Error(e) => e.message.lines().next().unwrap_or_default().to_owned(),
        };
        writeln!(
            out,
            "{:<7}  {id:<width$}  {detail}",
            v.label().to_uppercase()
        )?;
        if let Verdict::Error(e) = v {
            report_instance(Some(&id), e);
        }
    }
    let count = |label: &str| verdicts.iter().filter(|v| v.label() == label).count();
    writeln!(
        out,
        "tcredis check: {} ok={} stale={} missing={} error={} instances={} max_age={max} exit={}",
        match outcome {
            Outcome::Success => "OK",
            Outcome::Stale => "STALE",
            _ => "ERROR",
        },
        count("ok"),
        count("stale"),
        count("missing"),
        count("error"),
        verdicts.len(),
        outcome.code()
    )?;
    out.flush()
}

fn write_json(out: &mut dyn Write, report: &Report<'_>) -> std::io::Result<()> {
    let instances: Vec<serde_json::Value> = report
        .instances
        .iter()
        .zip(report.verdicts)
        .map(|(id, v)| {
            let mut o = serde_json::json!({ "InstanceId": id, "Result": v.label() });
            match v {
                Verdict::Ok { backup, age } | Verdict::Stale { backup, age } => {
                    let (start, backup_id) = describe(backup);
                    o["BackupId"] = backup_id.into();
                    o["StartTime"] = start.into();
                    o["AgeSeconds"] = (*age).into();
                }
                Verdict::Missing { searched } => o["SearchedSeconds"] = (*searched).into(),
                Verdict::Error(e) => o["Error"] = e.message.clone().into(),
            }
            o
        })
        .collect();
    let doc = serde_json::json!({
        "MaxAgeSeconds": report.max_age,
        "ExitCode": report.outcome.code(),
        "Instances": instances,
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?
    )?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: CheckFormat) -> String {
        let backup =
            Backup::from_json(r#"{"BackupId":"b-1","StartTime":"2026-06-01 02:00:06","Status":2}"#)
                .unwrap();
        let instances = ["crs-a".to_owned(), "crs-bb".to_owned(), "crs-c".to_owned()];
        let verdicts = [
            Verdict::Ok { backup, age: 3_600 },
            Verdict::Missing {
                searched: 30 * 86_400,
            },
            Verdict::Error(CliError::api("API error X\n  hint: y")),
        ];
        let outcome = verdicts
            .iter()
            .map(Verdict::outcome)
            .fold(Outcome::Success, Outcome::worst);
        let report = Report {
            instances: &instances,
            verdicts: &verdicts,
            max_age: 26 * 3_600,
            outcome,
        };
        let mut buf = Vec::new();
        write(&mut buf, format, &report).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn text_has_a_line_per_instance_and_a_summary() {
        assert_eq!(
            render(CheckFormat::Text),
            "OK       crs-a   newest good backup b-1 started 2026-06-01 02:00:06 (1h old <= 26h)\n\
             MISSING  crs-bb  no good backup in the last 30d\n\
             ERROR    crs-c   API error X\n\
             tcredis check: ERROR ok=1 stale=0 missing=1 error=1 instances=3 max_age=26h exit=3\n"
        );
    }

    #[test]
    fn json_keys_and_values() {
        let doc: serde_json::Value = serde_json::from_str(&render(CheckFormat::Json)).unwrap();
        assert_eq!(doc["ExitCode"], 3);
        assert_eq!(doc["MaxAgeSeconds"], 93_600);
        let instances = doc["Instances"].as_array().unwrap();
        assert_eq!(instances[0]["BackupId"], "b-1");
        assert_eq!(instances[0]["AgeSeconds"], 3_600);
        assert_eq!(instances[1]["SearchedSeconds"], 2_592_000);
        assert_eq!(instances[2]["Error"], "API error X\n  hint: y");
    }
}
