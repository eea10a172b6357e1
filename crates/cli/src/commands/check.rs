//! `backups check`: for each instance, the newest good backup and its age against `--max-age`.
//! The plan searches `--max-age` first (cheap when healthy), then up to 30 days more to say how
//! stale it is; the report is written by [`crate::output::check`].

use std::io::Write;
use std::sync::Arc;

use tcredis_core::time::BeijingTime;

use crate::backend::Api;
use crate::commands::latest::{Found, find_all};
use crate::commands::plan::Plan;
use crate::config::CheckConfig;
use crate::exit::Outcome;
use crate::output::check::{Report, Verdict};
use crate::time::window::{MAX_WINDOW_SECS, Window};

/// How far back the check searches: `--max-age`, and at least the API's 30 days.
pub fn searched(max_age: i64) -> i64 {
    max_age.max(MAX_WINDOW_SECS)
}

/// The windows searched: `[now - max_age, now]`, then older windows back to
/// [`searched`]`(max_age)`.
pub fn windows(max_age: i64, now: i64) -> Vec<Window> {
    let recent_begin = now.saturating_sub(max_age);
    let mut out = Window::closed(recent_begin, now).split(now);
    let searched = searched(max_age);
    if searched > max_age {
        out.extend(Window::closed(now - searched, recent_begin - 1).split(now));
    }
    out
}

/// `--max-age` in whole seconds.
fn max_age(cfg: &CheckConfig) -> i64 {
    i64::try_from(cfg.max_age.as_secs()).unwrap_or(i64::MAX)
}

/// The newest good backup of each instance over [`windows`].
pub fn plan(cfg: &CheckConfig, now: i64) -> Plan {
    Plan::newest_good(&cfg.instance_ids, windows(max_age(cfg), now))
}

/// The verdict on what the search found for one instance.
fn judge(found: Found, max_age: i64, now: i64) -> Verdict {
    match found {
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
        Ok(None) => Verdict::Missing {
            searched: searched(max_age),
        },
        Err(e) => Verdict::Error(e),
    }
}

/// Runs the plan and writes the report; returns the worst outcome.
pub async fn run(
    api: Arc<dyn Api>,
    plan: Plan,
    cfg: &CheckConfig,
    now: i64,
    out: &mut dyn Write,
) -> Result<Outcome, std::io::Error> {
    let max_age = max_age(cfg);
    let verdicts: Vec<Verdict> = find_all(api, plan)
        .await
        .into_iter()
        .map(|found| judge(found, max_age, now))
        .collect();
    let outcome = verdicts
        .iter()
        .map(Verdict::outcome)
        .fold(Outcome::Success, Outcome::worst);
    let report = Report {
        instances: &cfg.instance_ids,
        verdicts: &verdicts,
        max_age,
        outcome,
    };
    crate::output::check::write(out, cfg.format, &report)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_window_first_then_older_ones_without_overlap() {
        let now = 1_000_000_000;
        let w = windows(26 * 3600, now);
        assert_eq!(searched(26 * 3600), MAX_WINDOW_SECS);
        assert_eq!(w[0], Window::closed(now - 26 * 3600, now));
        assert_eq!(w[1].end, Some(now - 26 * 3600 - 1));
        assert_eq!(w.last().unwrap().begin, Some(now - MAX_WINDOW_SECS));
        let w = windows(40 * 86_400, now);
        assert_eq!(searched(40 * 86_400), 40 * 86_400);
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn ages_up_to_max_age_pass() {
        let now = BeijingTime::parse("2026-06-01 12:00:00").unwrap().unix();
        let backup = |start: &str| {
            tcredis_core::response::Backup::from_json(&format!(
                r#"{{"BackupId":"b","StartTime":"{start}","Status":2}}"#
            ))
            .unwrap()
        };
        let verdict = judge(Ok(Some(backup("2026-06-01 11:00:00"))), 3_600, now);
        assert!(
            matches!(verdict, Verdict::Ok { age: 3_600, .. }),
            "{verdict:?}"
        );
        let verdict = judge(Ok(Some(backup("2026-06-01 10:59:59"))), 3_600, now);
        assert!(
            matches!(verdict, Verdict::Stale { age: 3_601, .. }),
            "{verdict:?}"
        );
        let verdict = judge(Ok(None), 3_600, now);
        assert!(matches!(verdict, Verdict::Missing { searched } if searched == MAX_WINDOW_SECS));
    }
}
