//! [`Fleet::survey`]: everything a metrics collection needs about every selected instance, with
//! one region-wide listing over the lookback and no Status filter: each instance's good backups
//! (the newest picked by StartTime, client-side) and the number of its backups in each status.
//! Per region that is `ceil(N/1000)` `DescribeInstances` requests plus `ceil(B/100)` listing
//! pages per 30-day window (N instances, B backups). A region that refuses the region-wide
//! listing gets one listing per instance instead; explicit instance IDs are listed each on
//! their own.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt as _};
use tcredis_core::fleet::{Fallback, is_checked, refuses_region_wide};
use tcredis_core::freshness::{GoodBackups, InstanceBackups};
use tcredis_core::window::Window;

use super::search::RegionSearch;
use super::{Fleet, FleetInstance, RegionReport, RegionResult};
use crate::error::Error;

/// When "now" is and how far back to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SurveyOptions {
    /// Now, Unix seconds.
    pub now: i64,
    /// How far back to list (seconds; default 30 days).
    pub lookback: i64,
}

impl SurveyOptions {
    /// A survey at `now` (Unix seconds) over 30 days.
    pub fn new(now: i64) -> Self {
        Self {
            now,
            lookback: 30 * tcredis_core::fleet::DAY,
        }
    }
    /// How far back to list, seconds.
    pub fn lookback(mut self, seconds: i64) -> Self {
        self.lookback = seconds;
        self
    }
}

/// One instance's backups within the lookback.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Census {
    /// Its good backups (Status 2, 3 or 4): the newest and every start time.
    pub good: InstanceBackups,
    /// How many backups it has in each `Status` (every status, good or not).
    pub by_status: BTreeMap<i64, u64>,
    /// Every backup with a readable StartTime and a Status: `(StartTime in Unix seconds,
    /// Status)`, in listing order (for pictures by day).
    pub starts: Vec<(i64, i64)>,
}

/// One instance's survey result.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SurveyResult {
    /// Listed.
    Listed(Census),
    /// Not running (and not included): not listed.
    Skipped,
    /// Its backups could not be listed.
    Failed(Error),
}

/// One instance of a survey.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InstanceSurvey {
    /// The instance.
    pub instance: FleetInstance,
    /// What was found.
    pub result: SurveyResult,
}

/// One region of a survey, with how long it took.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SurveyRegion {
    /// The region's report (result, fallbacks, requests).
    pub report: RegionReport,
    /// Wall time from its first request to its last answer.
    pub duration: Duration,
}

/// A fleet survey.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SurveyReport {
    /// Every region, in the order given.
    pub regions: Vec<SurveyRegion>,
    /// Every instance, region by region, by InstanceId within a region.
    pub instances: Vec<InstanceSurvey>,
    /// Requests sent in all.
    pub requests: u64,
}

impl Fleet {
    /// Surveys every selected instance of every region: one region-wide listing over the
    /// lookback with no Status filter (`ceil(N/1000)` `DescribeInstances` requests plus
    /// `ceil(B/100)` listing pages per 30-day window); one listing per instance where the
    /// region-wide listing is refused or IDs were given.
    pub async fn survey(&self, options: SurveyOptions) -> SurveyReport {
        let per_region = self
            .per_region(|fleet, region| async move { survey_region(fleet, region, options).await })
            .await;
        let mut report = SurveyReport {
            regions: Vec::new(),
            instances: Vec::new(),
            requests: 0,
        };
        for (region, instances) in per_region {
            report.requests += region.report.requests;
            report.regions.push(region);
            report.instances.extend(instances);
        }
        report
    }
}

/// Backups grouped by instance: good ones and counts by status.
#[derive(Default)]
struct Tally {
    good: GoodBackups,
    by_status: HashMap<String, BTreeMap<i64, u64>>,
    starts: HashMap<String, Vec<(i64, i64)>>,
}

impl Tally {
    fn observe(&mut self, id: &str, backup: &tcredis_core::response::Backup) {
        self.good.observe_for(id, backup);
        if let (Some(status), Some(start)) = (backup.status, super::search::start_of(backup)) {
            self.starts
                .entry(id.to_owned())
                .or_default()
                .push((start, status));
        }
        if let Some(status) = backup.status {
            *self
                .by_status
                .entry(id.to_owned())
                .or_default()
                .entry(status)
                .or_default() += 1;
        }
    }

    fn census(&self, id: &str) -> Census {
        Census {
            good: self.good.get(id).cloned().unwrap_or_default(),
            by_status: self.by_status.get(id).cloned().unwrap_or_default(),
            starts: self.starts.get(id).cloned().unwrap_or_default(),
        }
    }
}

async fn survey_region(
    fleet: Arc<Fleet>,
    region: String,
    options: SurveyOptions,
) -> (SurveyRegion, Vec<InstanceSurvey>) {
    let started = Instant::now();
    let discovered = fleet.discover(&region, false).await;
    let mut report = discovered.report;
    let Some(client) = discovered.client else {
        let duration = started.elapsed();
        return (SurveyRegion { report, duration }, Vec::new());
    };
    let instances = discovered.instances;
    let search = RegionSearch::new(client);
    let windows = Window::closed(options.now.saturating_sub(options.lookback), options.now)
        .split(options.now);
    let include_isolated = fleet.selector.include_isolated;
    let checked: Vec<bool> = instances
        .iter()
        .map(|i| is_checked(i.status, include_isolated))
        .collect();
    let explicit = !fleet.selector.instance_ids.is_empty();
    let mut results: Vec<Option<SurveyResult>> = vec![None; instances.len()];
    let mut per_instance = explicit;
    if !explicit && checked.iter().any(|&c| c) && matches!(report.result, RegionResult::Ok) {
        let mut tally = Tally::default();
        let listed = search
            .every_backup(None, &windows, &mut |backup| {
                if let Some(id) = backup.instance_id.as_deref() {
                    tally.observe(id, backup);
                }
            })
            .await;
        match listed {
            Ok(()) => {
                for (i, instance) in instances.iter().enumerate() {
                    if checked[i] {
                        results[i] =
                            Some(SurveyResult::Listed(tally.census(&instance.instance_id)));
                    }
                }
            }
            Err(e) if e.api_error().is_some_and(refuses_region_wide) => {
                search.note(Fallback::PerInstance);
                per_instance = true;
            }
            Err(e) => {
                for (i, result) in results.iter_mut().enumerate() {
                    if checked[i] {
                        *result = Some(SurveyResult::Failed(e.clone()));
                    }
                }
                report.result = RegionResult::Failed(e);
            }
        }
    }
    if per_instance {
        let (search, windows) = (&search, &windows);
        let jobs: Vec<usize> = (0..instances.len()).filter(|&i| checked[i]).collect();
        let listed: Vec<(usize, SurveyResult)> = stream::iter(jobs)
            .map(|i| {
                let id = instances[i].instance_id.clone();
                async move {
                    let mut tally = Tally::default();
                    let result = match search
                        .every_backup(Some(&id), windows, &mut |backup| tally.observe(&id, backup))
                        .await
                    {
                        Ok(()) => SurveyResult::Listed(tally.census(&id)),
                        Err(e) => SurveyResult::Failed(e),
                    };
                    (i, result)
                }
            })
            .buffered(fleet.concurrency)
            .collect()
            .await;
        for (i, result) in listed {
            results[i] = Some(result);
        }
    }
    report.fallbacks = search.fallbacks();
    report.requests = search.client.requests_sent();
    let surveyed = instances
        .into_iter()
        .zip(results)
        .map(|(instance, result)| InstanceSurvey {
            instance,
            result: result.unwrap_or(SurveyResult::Skipped),
        })
        .collect();
    let duration = started.elapsed();
    (SurveyRegion { report, duration }, surveyed)
}
