//! `backups latest` and the finder `check` shares: the newest good backup (Status 2, 3 or 4)
//! of each instance by StartTime, found by reading every page of a bounded window (never by
//! trusting the listing order), windows newest first, stopping at the first window that has one.

use std::sync::Arc;

use futures_util::StreamExt;
use tcredis_core::time::BeijingTime;
use tokio::sync::Semaphore;

use crate::backend::Api;
use crate::commands::fetch::{ALL_LIMIT, CONCURRENCY, Paging, Plan, base_request};
use crate::commands::list::report;
use crate::exit::{CliError, Outcome};
use crate::output::Emit;
use crate::time::duration::format_compact;
use crate::time::window::Window;
use tcredis_core::response::Backup;

/// What the search found for one instance.
pub type Found = Result<Option<Backup>, CliError>;

fn start_unix(b: &Backup) -> Option<i64> {
    b.fields()
        .start_time
        .as_deref()
        .and_then(|t| BeijingTime::parse(t).ok())
        .map(BeijingTime::unix)
}

/// Searches one instance over `windows` (newest first).
pub async fn newest_good(api: &dyn Api, instance: &str, windows: &[Window]) -> Found {
    let plan = Plan {
        targets: Vec::new(),
        windows: Vec::new(),
        instance_name: None,
        statuses: Vec::new(),
        paging: Paging::All,
    };
    for &window in windows {
        let mut req = base_request(&plan, Some(instance), window);
        req.limit = Some(ALL_LIMIT);
        req.offset = Some(0);
        let mut pages = api.pages(req);
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

/// Runs the finder for every instance (bounded concurrency), results in the given order.
pub async fn find_all(api: Arc<dyn Api>, instances: &[String], windows: Vec<Window>) -> Vec<Found> {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let windows = Arc::new(windows);
    let handles: Vec<_> = instances
        .iter()
        .map(|id| {
            let (api, permits, windows, id) = (
                Arc::clone(&api),
                Arc::clone(&permits),
                Arc::clone(&windows),
                id.clone(),
            );
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                newest_good(api.as_ref(), &id, &windows).await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(
            h.await
                .unwrap_or_else(|e| Err(CliError::network(format!("internal task failed: {e}")))),
        );
    }
    out
}

/// `backups latest`: writes the found backups; a missing one exits 1, errors 3 or 4.
pub async fn run(
    api: Arc<dyn Api>,
    instances: &[String],
    lookback_secs: i64,
    now: i64,
    emit: &mut dyn Emit,
) -> Result<Outcome, std::io::Error> {
    let windows = Window::closed(now.saturating_sub(lookback_secs), now).split(now);
    let found = find_all(api, instances, windows).await;
    let mut outcome = Outcome::Success;
    let mut count = 0;
    for (id, result) in instances.iter().zip(found) {
        match result {
            Ok(Some(b)) => {
                emit.item(&b)?;
                count += 1;
            }
            Ok(None) => {
                crate::exit::stderr_line(format_args!(
                    "tcredis: {id}: no good backup (status ok, exporting or exported) in the last {}",
                    format_compact(lookback_secs.unsigned_abs())
                ));
                outcome = outcome.worst(Outcome::Stale);
            }
            Err(e) => {
                report(Some(id), &e);
                outcome = outcome.worst(e.outcome);
            }
        }
    }
    emit.finish(count)?;
    Ok(outcome)
}
