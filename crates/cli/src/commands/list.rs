//! `backups list`: every API parameter, fan-out over instances, windows over 30 days split and
//! merged, `--all` or one page, written in the chosen format in a deterministic order.

use std::sync::Arc;

use crate::api::Api;
use crate::commands::fetch::{self, Event, Paging, Plan};
use crate::config::{ListConfig, TimeSpec};
use crate::exit::{CliError, Outcome};
use crate::output::Emit;
use crate::progress::Progress;
use crate::window::Window;

/// The window a list asks for, split at 30 days.
pub fn windows(time: TimeSpec, now: i64) -> Vec<Window> {
    let whole = match time {
        TimeSpec::Absolute { begin, end } => Window { begin, end },
        TimeSpec::Since(d) => {
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            Window::closed(now.saturating_sub(secs), now)
        }
    };
    whole.split(now)
}

/// The fan-out plan of a list.
pub fn plan(cfg: &ListConfig, now: i64) -> Plan {
    let targets = if cfg.instance_ids.is_empty() {
        vec![None]
    } else {
        cfg.instance_ids.iter().cloned().map(Some).collect()
    };
    Plan {
        targets,
        windows: windows(cfg.time, now),
        instance_name: cfg.instance_name.clone(),
        statuses: cfg.statuses.clone(),
        paging: if cfg.all {
            Paging::All
        } else {
            Paging::Single {
                limit: cfg.limit,
                offset: cfg.offset,
            }
        },
    }
}

/// Runs the plan, writing every backup in order; per-instance errors are reported on stderr
/// and the worst outcome is returned (an I/O error on stdout is returned as such).
pub async fn run(
    api: Arc<dyn Api>,
    plan: Plan,
    emit: &mut dyn Emit,
) -> Result<Outcome, std::io::Error> {
    let plan = Arc::new(plan);
    let mut progress = Progress::new(matches!(plan.paging, Paging::All));
    let receivers = fetch::start(api, Arc::clone(&plan));
    let mut outcome = Outcome::Success;
    let mut total: i64 = 0;
    for (target, mut rx) in plan.targets.iter().zip(receivers) {
        while let Some(event) = rx.recv().await {
            match event {
                Event::Page { total_count, items } => {
                    total = total.saturating_add(total_count);
                    progress.page(items.len());
                    for item in &items {
                        emit.item(item)?;
                    }
                    emit.end_page()?;
                }
                Event::Failed(e) => {
                    progress.finish();
                    report(target.as_deref(), &e);
                    outcome = outcome.worst(e.outcome);
                }
            }
        }
    }
    progress.finish();
    emit.finish(total)?;
    Ok(outcome)
}

/// Prints one instance's error on stderr.
pub fn report(target: Option<&str>, e: &CliError) {
    match target {
        Some(id) => crate::exit::stderr_line(format_args!("tcredis: {id}: {e}")),
        None => crate::exit::stderr_line(format_args!("tcredis: {e}")),
    }
}
