//! [`Fleet::latest`]: the newest good backup of every selected instance, each searched over
//! windows that widen back from now (1 day, 2, 4, ... up to the lookback) with the good-status
//! filter, stopping at the first window that holds one; the newest is picked by StartTime, never
//! by the listing order.

use std::sync::Arc;

use futures_util::stream::{self, StreamExt as _};
use tcredis_core::fleet::{FIRST_LATEST_WINDOW, is_checked, widening_windows};

use super::search::RegionSearch;
use super::{Fleet, InstanceLatest, LatestReport, LatestResult, RegionReport};

/// When "now" is and how far back to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LatestOptions {
    /// Now, Unix seconds.
    pub now: i64,
    /// How far back to look (seconds; default 30 days).
    pub lookback: i64,
    /// The first (newest) window, seconds (default 1 day); each next one reaches twice as far.
    pub first_window: i64,
}

impl LatestOptions {
    /// A search at `now` (Unix seconds) over 30 days, starting with the last day.
    pub fn new(now: i64) -> Self {
        Self {
            now,
            lookback: 30 * tcredis_core::fleet::DAY,
            first_window: FIRST_LATEST_WINDOW,
        }
    }
    /// How far back to look, seconds.
    pub fn lookback(mut self, seconds: i64) -> Self {
        self.lookback = seconds;
        self
    }
    /// The first window, seconds.
    pub fn first_window(mut self, seconds: i64) -> Self {
        self.first_window = seconds;
        self
    }
}

impl Fleet {
    /// The newest good backup of every selected instance of every region. See the
    /// [module documentation](super).
    pub async fn latest(&self, options: LatestOptions) -> LatestReport {
        let per_region = self
            .per_region(|fleet, region| async move { latest_region(fleet, region, options).await })
            .await;
        let mut report = LatestReport {
            regions: Vec::new(),
            instances: Vec::new(),
            requests: 0,
        };
        for (region, instances) in per_region {
            report.requests += region.requests;
            report.regions.push(region);
            report.instances.extend(instances);
        }
        report
    }
}

async fn latest_region(
    fleet: Arc<Fleet>,
    region: String,
    options: LatestOptions,
) -> (RegionReport, Vec<InstanceLatest>) {
    let discovered = fleet.discover(&region, false).await;
    let mut report = discovered.report;
    let Some(client) = discovered.client else {
        return (report, Vec::new());
    };
    let search = RegionSearch::new(client);
    let windows = widening_windows(options.now, options.first_window, options.lookback);
    let include_isolated = fleet.selector.include_isolated;
    let (search_ref, windows_ref) = (&search, &windows);
    let instances: Vec<InstanceLatest> = stream::iter(discovered.instances)
        .map(|instance| async move {
            let result = if is_checked(instance.status, include_isolated) {
                match search_ref.newest(&instance.instance_id, windows_ref).await {
                    Ok(Some(backup)) => LatestResult::Found(Box::new(backup)),
                    Ok(None) => LatestResult::NotFound,
                    Err(e) => LatestResult::Failed(e),
                }
            } else {
                LatestResult::Skipped
            };
            InstanceLatest { instance, result }
        })
        .buffered(fleet.concurrency)
        .collect()
        .await;
    report.fallbacks = search.fallbacks();
    report.requests = search.client.requests_sent();
    (report, instances)
}
