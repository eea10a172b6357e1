//! [`Fleet::check`]: a verdict per instance with the fewest requests. Per region: the instances
//! (`DescribeInstances`), one region-wide good-status listing over `[now - max_age, now]`
//! grouped by InstanceId, then one per-instance search over the rest of the lookback for the
//! instances without a good backup in it (STALE or MISSING). With explicit instance IDs, or when
//! the region-wide listing is refused or distrusted, every instance gets the per-instance search
//! of the recent window first.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt as _};
use tcredis_core::fleet::{
    Fallback, is_checked, older_windows, recent_windows, refuses_region_wide,
};
use tcredis_core::freshness::{GoodBackups, Rules};
use tcredis_core::instances::InstanceStatus;
use tcredis_core::response::Backup;
use tcredis_core::window::Window;

use super::search::RegionSearch;
use super::{CheckReport, CheckResult, Fleet, InstanceCheck, RegionReport, RegionResult};
use crate::error::Error;

/// What a check expects, and when "now" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckOptions {
    /// Now, Unix seconds (the caller's clock: the fleet API never reads one for data).
    pub now: i64,
    /// The newest good backup must be at most this old (seconds); `None`: any good backup
    /// within the lookback is OK.
    pub max_age: Option<i64>,
    /// How far back to look for the newest good backup (seconds; default 30 days).
    pub lookback: i64,
}

impl CheckOptions {
    /// A check at `now` (Unix seconds), lookback 30 days, no age limit yet.
    pub fn new(now: i64) -> Self {
        Self {
            now,
            max_age: None,
            lookback: 30 * tcredis_core::fleet::DAY,
        }
    }
    /// The largest acceptable age of the newest good backup, seconds.
    pub fn max_age(mut self, seconds: i64) -> Self {
        self.max_age = Some(seconds);
        self
    }
    /// How far back to look, seconds.
    pub fn lookback(mut self, seconds: i64) -> Self {
        self.lookback = seconds;
        self
    }
    /// The span of the recent (region-wide) window: `max_age`, at most the lookback.
    fn recent_span(&self) -> i64 {
        self.max_age.map_or(self.lookback, |m| m.min(self.lookback))
    }
}

/// How the instances of a region are searched.
enum Mode {
    /// Recent good backups known region-wide; the others get the older search.
    Grouped(GoodBackups),
    /// The region-wide answer was empty (and one running instance, if any, confirmed it): every
    /// other instance searches its whole lookback at once (as many requests as the older window
    /// alone, and exact even if the probed instance was not representative).
    ConfirmedEmpty,
    /// Every instance gets its own recent search, then the older one if needed.
    PerInstance,
}

impl Fleet {
    /// Checks every selected instance of every region. See the [module documentation](super).
    pub async fn check(&self, options: CheckOptions) -> CheckReport {
        let per_region = self
            .per_region(|fleet, region| async move { check_region(fleet, region, options).await })
            .await;
        let mut report = CheckReport {
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

fn judge(rules: &Rules, id: &str, newest: Option<&Backup>, now: i64) -> CheckResult {
    let mut found = GoodBackups::new();
    if let Some(backup) = newest {
        found.observe_for(id, backup);
    }
    CheckResult::Judged(rules.judge(found.get(id), now))
}

async fn check_region(
    fleet: Arc<Fleet>,
    region: String,
    options: CheckOptions,
) -> (RegionReport, Vec<InstanceCheck>) {
    let discovered = fleet.discover(&region, false).await;
    let mut report = discovered.report;
    let Some(client) = discovered.client else {
        return (report, Vec::new());
    };
    let instances = discovered.instances;
    let search = RegionSearch::new(client);
    let now = options.now;
    let rules = Rules {
        max_age: options.max_age,
        schedule: None,
    };
    let recent = recent_windows(now, options.recent_span());
    let older = older_windows(now, options.recent_span(), options.lookback);
    let include_isolated = fleet.selector.include_isolated;
    let checked: Vec<usize> = (0..instances.len())
        .filter(|&i| is_checked(instances[i].status, include_isolated))
        .collect();
    let mut decided: HashMap<usize, CheckResult> = HashMap::new();
    // Recent-window results learnt while deciding the mode (the cross-check).
    let mut known_recent: HashMap<usize, Option<Backup>> = HashMap::new();
    let explicit = !fleet.selector.instance_ids.is_empty();
    let mut mode = Mode::PerInstance;
    if !explicit && !checked.is_empty() && matches!(report.result, RegionResult::Ok) {
        match search.region_wide(&recent, instances.len() as u64).await {
            Ok((found, items)) => {
                let running = checked.iter().copied().find(|&i| {
                    instances[i].status.map(InstanceStatus::from_code)
                        == Some(InstanceStatus::Running)
                });
                match (items, running) {
                    (0, Some(probe)) => {
                        let id = &instances[probe].instance_id;
                        match search.newest(id, &recent).await {
                            Ok(None) => {
                                search.note(Fallback::EmptyAnswerConfirmed);
                                known_recent.insert(probe, None);
                                mode = Mode::ConfirmedEmpty;
                            }
                            Ok(Some(backup)) => {
                                search.note(Fallback::EmptyAnswerDistrusted);
                                known_recent.insert(probe, Some(backup));
                            }
                            // The answer cannot be confirmed: search each instance (exact).
                            Err(e) => {
                                decided.insert(probe, CheckResult::Failed(e));
                            }
                        }
                    }
                    // Empty, and no running instance to cross-check it with (only instances in
                    // process, or included isolated ones): search each over its whole lookback,
                    // which costs what the older window alone would and stays exact.
                    (0, None) => mode = Mode::ConfirmedEmpty,
                    _ => mode = Mode::Grouped(found),
                }
            }
            Err(e) if e.api_error().is_some_and(refuses_region_wide) => {
                search.note(Fallback::PerInstance);
            }
            Err(e) => {
                for &i in &checked {
                    decided.insert(i, CheckResult::Failed(e.clone()));
                }
                report.result = RegionResult::Failed(e);
            }
        }
    }
    let whole = Window::closed(now.saturating_sub(options.lookback), now).split(now);
    let search = &search;
    let (recent, older, whole, rules, mode) = (&recent, &older, &whole, &rules, &mode);
    let jobs: Vec<(usize, Option<Option<Backup>>)> = checked
        .iter()
        .copied()
        .filter(|i| !decided.contains_key(i))
        .map(|i| (i, known_recent.remove(&i)))
        .collect();
    let results: Vec<(usize, CheckResult)> = stream::iter(jobs)
        .map(|(i, known)| {
            let id = instances[i].instance_id.clone();
            async move {
                let result = match mode {
                    Mode::Grouped(found) if found.has(&id) => {
                        CheckResult::Judged(rules.judge(found.get(&id), now))
                    }
                    Mode::Grouped(_) => match search.newest(&id, older).await {
                        Ok(newest) => judge(rules, &id, newest.as_ref(), now),
                        Err(e) => CheckResult::Failed(e),
                    },
                    Mode::ConfirmedEmpty => {
                        let windows = if known.is_some() { older } else { whole };
                        match search.newest(&id, windows).await {
                            Ok(newest) => judge(rules, &id, newest.as_ref(), now),
                            Err(e) => CheckResult::Failed(e),
                        }
                    }
                    Mode::PerInstance => {
                        match per_instance(search, &id, known, recent, older).await {
                            Ok(newest) => judge(rules, &id, newest.as_ref(), now),
                            Err(e) => CheckResult::Failed(e),
                        }
                    }
                };
                (i, result)
            }
        })
        .buffered(fleet.concurrency)
        .collect()
        .await;
    decided.extend(results);
    report.fallbacks = search.fallbacks();
    report.requests = search.client.requests_sent();
    let checks = instances
        .into_iter()
        .enumerate()
        .map(|(i, instance)| InstanceCheck {
            instance,
            result: decided.remove(&i).unwrap_or(CheckResult::Skipped),
        })
        .collect();
    (report, checks)
}

/// The newest good backup of one instance: the recent window (unless already known), then the
/// older windows.
async fn per_instance(
    search: &RegionSearch,
    id: &str,
    known_recent: Option<Option<Backup>>,
    recent: &[Window],
    older: &[Window],
) -> Result<Option<Backup>, Error> {
    let recent_found = match known_recent {
        Some(found) => found,
        None => search.newest(id, recent).await?,
    };
    match recent_found {
        Some(backup) => Ok(Some(backup)),
        None => search.newest(id, older).await,
    }
}
