//! `backups check`: for each instance, the newest good backup and its age against `--max-age`;
//! one line per instance and a one-line summary for cron and monitoring. The window is
//! `--max-age` first (cheap when healthy), then up to 30 days more to say how stale it is.

use std::io::Write;
use std::sync::Arc;

use tcredis_core::time::BeijingTime;

use crate::backend::Api;
use crate::commands::latest::find_all;
use crate::exit::{CliError, Outcome};
use crate::time::duration::format_compact;
use crate::time::window::{MAX_WINDOW_SECS, Window};
use tcredis_core::response::Backup;

/// One instance's verdict.
#[derive(Debug)]
pub enum Verdict {
    /// A good backup younger than max-age.
    Ok { backup: Backup, age: i64 },
    /// The newest good backup is older than max-age.
    Stale { backup: Backup, age: i64 },
    /// No good backup in the searched window.
    Missing { searched: i64 },
    /// The API or the network failed.
    Error(CliError),
}

impl Verdict {
    fn outcome(&self) -> Outcome {
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

/// The windows searched: `[now - max_age, now]`, then older windows up to 30 days back.
pub fn windows(max_age: i64, now: i64) -> (Vec<Window>, i64) {
    let recent_begin = now.saturating_sub(max_age);
    let mut out = Window::closed(recent_begin, now).split(now);
    let searched = max_age.max(MAX_WINDOW_SECS);
    if searched > max_age {
        out.extend(Window::closed(now - searched, recent_begin - 1).split(now));
    }
    (out, searched)
}

/// Runs the check and prints the report; returns the worst outcome.
pub async fn run(
    api: Arc<dyn Api>,
    instances: &[String],
    max_age: i64,
    now: i64,
    json: bool,
    out: &mut dyn Write,
) -> Result<Outcome, std::io::Error> {
    let (windows, searched) = windows(max_age, now);
    let found = find_all(api, instances, windows).await;
    let verdicts: Vec<Verdict> = found
        .into_iter()
        .map(|r| match r {
            Ok(Some(backup)) => {
                let start = backup
                    .fields()
                    .start_time
                    .as_deref()
                    .and_then(|t| BeijingTime::parse(t).ok());
                let age = start.map_or(i64::MAX, |t| now - t.unix());
                if age <= max_age {
                    Verdict::Ok { backup, age }
                } else {
                    Verdict::Stale { backup, age }
                }
            }
            Ok(None) => Verdict::Missing { searched },
            Err(e) => Verdict::Error(e),
        })
        .collect();
    let outcome = verdicts
        .iter()
        .map(Verdict::outcome)
        .fold(Outcome::Success, Outcome::worst);
    if json {
        write_json(out, instances, &verdicts, max_age, outcome)?;
    } else {
        write_text(out, instances, &verdicts, max_age, outcome)?;
    }
    Ok(outcome)
}

fn describe(backup: &Backup) -> (String, String) {
    let f = backup.fields();
    (
        f.start_time.clone().unwrap_or_default(),
        f.backup_id.clone().unwrap_or_default(),
    )
}

fn write_text(
    out: &mut dyn Write,
    ids: &[String],
    verdicts: &[Verdict],
    max_age: i64,
    outcome: Outcome,
) -> std::io::Result<()> {
    let width = ids.iter().map(String::len).max().unwrap_or(0);
    let max = format_compact(max_age.unsigned_abs());
    for (id, v) in ids.iter().zip(verdicts) {
        let detail = match v {
            Verdict::Ok { backup, age } | Verdict::Stale { backup, age } => {
                let (start, backup_id) = describe(backup);
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
            crate::commands::list::report(Some(id), e);
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

fn write_json(
    out: &mut dyn Write,
    ids: &[String],
    verdicts: &[Verdict],
    max_age: i64,
    outcome: Outcome,
) -> std::io::Result<()> {
    let instances: Vec<serde_json::Value> = ids
        .iter()
        .zip(verdicts)
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
    let doc = serde_json::json!({ "MaxAgeSeconds": max_age, "ExitCode": outcome.code(), "Instances": instances });
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

    #[test]
    fn recent_window_first_then_older_ones_without_overlap() {
        let now = 1_000_000_000;
        let (w, searched) = windows(26 * 3600, now);
        assert_eq!(searched, MAX_WINDOW_SECS);
        assert_eq!(w[0], Window::closed(now - 26 * 3600, now));
        assert_eq!(w[1].end, Some(now - 26 * 3600 - 1));
        assert_eq!(w.last().unwrap().begin, Some(now - MAX_WINDOW_SECS));
        let (w, searched) = windows(40 * 86_400, now);
        assert_eq!(searched, 40 * 86_400);
        assert_eq!(w.len(), 2);
    }
}
