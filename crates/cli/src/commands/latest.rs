//! `backups latest`: the newest good backup (status ok, exporting or exported) of each instance,
//! through the transport's fleet API: every running instance of each region, or the
//! `--instance-id`s given, each searched over windows widening back from now (1 day, 2, 4, ...
//! up to `--lookback`). The newest is picked by StartTime, never by the listing order.

use tcredis_transport_hyper::fleet::{LatestOptions, LatestResult, RegionResult, Selector};

use crate::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions};
use crate::commands::list::report;
use crate::duration::format_compact;
use crate::exit::Outcome;
use crate::output::Emit;

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
    let mut outcome = Outcome::Success;
    for region in &found.regions {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            crate::exit::stderr_line(format_args!("tcredis: {}: {e}", region.region));
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
                report(Some(id), &e);
                outcome = outcome.worst(e.outcome);
            }
            _ => {}
        }
    }
    emit.finish(count)?;
    Ok(outcome)
}
