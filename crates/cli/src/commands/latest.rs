//! `backups latest` and the search `check` shares: the newest good backup (Status 2, 3 or 4)
//! of each instance by StartTime, found by reading every page of a bounded window (never by
//! trusting the listing order), windows newest first, stopping at the first window that has one.

use std::sync::Arc;

use futures_util::StreamExt;
use tcredis_core::response::Backup;
use tcredis_core::time::BeijingTime;
use tcredis_transport_hyper::fan_out::FanOut;

use crate::backend::Api;
use crate::commands::fetch::CONCURRENCY;
use crate::commands::plan::{ALL_LIMIT, Plan, base_request};
use crate::config::LatestConfig;
use crate::exit::{CliError, Outcome, report_instance};
use crate::output::Emit;
use crate::time::duration::format_compact;
use crate::time::window::Window;

/// What the search found for one instance.
pub type Found = Result<Option<Backup>, CliError>;

fn start_unix(b: &Backup) -> Option<i64> {
    b.fields()
        .start_time
        .as_deref()
        .and_then(|t| BeijingTime::parse(t).ok())
        .map(BeijingTime::unix)
}

/// `--lookback` in whole seconds.
fn lookback(cfg: &LatestConfig) -> i64 {
    i64::try_from(cfg.lookback.as_secs()).unwrap_or(i64::MAX)
}

/// The newest good backup of each instance over the lookback, split at 30 days.
pub fn plan(cfg: &LatestConfig, now: i64) -> Plan {
    let windows = Window::closed(now.saturating_sub(lookback(cfg)), now).split(now);
    Plan::newest_good(&cfg.instance_ids, windows)
}

/// Searches one target over the plan's windows (newest first).
async fn newest_good(api: &dyn Api, plan: &Plan, target: Option<&str>) -> Found {
    for &window in &plan.windows {
        let mut req = base_request(&plan.filters, target, window);
        req.limit = Some(ALL_LIMIT);
        req.offset = Some(0);
        let cap = plan.item_cap;
        let mut pages = api.pages(
            req,
            cap.for_window(window),
            Box::new(move |n| cap.explain(n, window)),
        );
        let mut best: Option<(i64, Backup)> = None;
        while let Some(page) = pages.next().await {
            for item in page?.items {
                if !item.is_good() {
                    continue;
                }
                let Some(start) = start_unix(&item) else {
                    continue;
                };
                if best.as_ref().is_none_or(|(t, _)| start > *t) {
                    best = Some((start, item));
                }
            }
        }
        if let Some((_, b)) = best {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

/// Runs the search for every target on the transport's ordered fan-out, results in the plan's
/// order.
pub async fn find_all(api: Arc<dyn Api>, plan: Plan) -> Vec<Found> {
    let plan = Arc::new(plan);
    let jobs = 0..plan.targets.len();
    let lanes = FanOut::new(CONCURRENCY, 1).spawn(jobs, move |index, out| {
        let (api, plan) = (Arc::clone(&api), Arc::clone(&plan));
        async move {
            let found = newest_good(api.as_ref(), &plan, plan.targets[index].as_deref()).await;
            out.send(found).await;
        }
    });
    let mut out = Vec::with_capacity(lanes.len());
    for mut lane in lanes {
        out.push(
            lane.recv()
                .await
                .unwrap_or_else(|| Err(CliError::network("internal task ended without a result"))),
        );
    }
    out
}

/// Runs the plan and writes the found backups; a missing one exits 1, errors 3 or 4.
pub async fn run(
    api: Arc<dyn Api>,
    plan: Plan,
    cfg: &LatestConfig,
    emit: &mut dyn Emit,
) -> Result<Outcome, std::io::Error> {
    let found = find_all(api, plan).await;
    let mut outcome = Outcome::Success;
    let mut count = 0;
    for (id, result) in cfg.instance_ids.iter().zip(found) {
        match result {
            Ok(Some(b)) => {
                emit.item(&b)?;
                count += 1;
            }
            Ok(None) => {
                crate::exit::stderr_line(format_args!(
                    "tcredis: {id}: no good backup (status ok, exporting or exported) in the last {}",
                    format_compact(lookback(cfg).unsigned_abs())
                ));
                outcome = outcome.worst(Outcome::Stale);
            }
            Err(e) => {
                report_instance(Some(id), &e);
                outcome = outcome.worst(e.outcome);
            }
        }
    }
    emit.finish(count)?;
    Ok(outcome)
}
