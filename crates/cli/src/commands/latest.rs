//! `backups latest`: the newest good backup (status ok, exporting or exported) of each instance,
//! through the transport's fleet API: every running instance of each region, or the
//! `--instance-id`s given, each searched over windows widening back from now (1 day, 2, 4, ...
//! up to `--lookback`). The newest is picked by StartTime, never by the listing order.

use tcredis_core::fleet::{FIRST_LATEST_WINDOW, GOOD_STATUSES, widening_windows};
use tcredis_transport_hyper::fleet::{LatestOptions, LatestResult, RegionResult, Selector};

use crate::backend::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions};
use crate::commands::plan::{
    ALL_LIMIT, Filters, ItemCap, MAX_BACKUPS_PER_DAY, Paging, Plan, Search,
};
use crate::config::LatestConfig;
use crate::exit::{Outcome, report_instance};
use crate::output::Emit;
use crate::time::duration::format_compact;

/// What a latest run needs besides the client.
#[derive(Debug, Clone)]
pub struct LatestRun {
    /// The regions.
    pub regions: Regions,
    /// Which instances.
    pub selector: Selector,
    /// `--lookback`, seconds.
    pub lookback: i64,
    /// Now, Unix seconds.
    pub now: i64,
    /// `-v` count.
    pub verbose: u8,
}

/// What a latest search of `--instance-id`s is sure to ask first (what `--dry-run` prints):
/// each instance's newest window, good statuses only. Without `--instance-id` the first request
/// is each region's `DescribeInstances` instead (see `Planned::discovery`).
pub fn plan(cfg: &LatestConfig, now: i64) -> Plan {
    let lookback = i64::try_from(cfg.lookback.as_secs()).unwrap_or(i64::MAX);
    let windows = widening_windows(now, FIRST_LATEST_WINDOW, lookback);
    Plan {
        targets: cfg.instance_ids.iter().cloned().map(Some).collect(),
        windows,
        filters: Filters {
            instance_name: None,
            statuses: GOOD_STATUSES.to_vec(),
        },
        paging: Paging::All,
        all_limit: ALL_LIMIT,
        search: Search::UntilGood,
        item_cap: ItemCap::PerDay(MAX_BACKUPS_PER_DAY),
    }
}

/// Writes the found backups in instance order; an instance without one exits 1, errors 3 or 4.
pub async fn run(
    api: &ClientApi,
    run: LatestRun,
    emit: &mut dyn Emit,
) -> Result<Outcome, std::io::Error> {
    let fleet = api
        .client()
        .fleet(run.regions.names.clone())
        .selector(run.selector.clone())
        .tolerate_unavailable(run.regions.all);
    let found = fleet
        .latest(LatestOptions::new(run.now).lookback(run.lookback))
        .await;
    note_regions(&found.regions, run.verbose);
    // Nothing on stdout when something failed and no instance could be searched: no document
    // claiming zero.
    let searched_any = found
        .instances
        .iter()
        .any(|i| matches!(i.result, LatestResult::Found(_) | LatestResult::NotFound));
    let failed_any = found
        .regions
        .iter()
        .any(|r| matches!(r.result, RegionResult::Failed(_)))
        || found
            .instances
            .iter()
            .any(|i| matches!(i.result, LatestResult::Failed(_)));
    let every_one_failed = failed_any && !searched_any;
    let mut outcome = Outcome::Success;
    for region in &found.regions {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            report_instance(Some(&region.region), &e);
            outcome = outcome.worst(e.outcome);
        }
    }
    let mut count = 0;
    for instance in &found.instances {
        let id = &instance.instance.instance_id;
        match &instance.result {
            LatestResult::Found(backup) => {
                emit.item(backup)?;
                count += 1;
            }
            LatestResult::NotFound => {
                crate::exit::stderr_line(format_args!(
                    "tcredis: {id}: no good backup (status ok, exporting or exported) in the last {}",
                    format_compact(run.lookback.unsigned_abs())
                ));
                outcome = outcome.worst(Outcome::Stale);
            }
            LatestResult::Skipped if run.verbose > 0 => {
                crate::exit::stderr_line(format_args!(
                    "tcredis: {id}: skipped: not running (--include-isolated searches it)"
                ));
            }
            LatestResult::Failed(e) => {
                let e = api.classify(e.clone());
                report_instance(Some(id), &e);
                outcome = outcome.worst(e.outcome);
            }
            _ => {}
        }
    }
    if !every_one_failed {
        emit.finish(count)?;
    }
    Ok(outcome)
}
