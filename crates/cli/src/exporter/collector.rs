//! The exporter's background collection: every `--refresh`, one fleet survey through the
//! client's shared pacer, merged into the snapshot scrapes read. Each instance's automatic backup
//! schedule (`DescribeAutoBackupConfig`) is read again only every `--schedule-refresh` (cached in
//! between), and judged at each collection: the last expected slot and whether it was missed. A
//! region whose collection fails keeps its previous instances (and series) and is marked failed;
//! an instance whose own listing fails keeps its previous result. Scrapes never send a request.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tcredis_core::auto_backup::Schedule;
use tcredis_core::freshness::{Rules, Verdict};
use tcredis_transport_hyper::fleet::{
    Fleet, FleetInstance, InstanceSurvey, RegionResult, SurveyOptions, SurveyReport, SurveyResult,
};
use tokio::sync::watch;

use super::counters::ApiCounters;
use crate::metrics::exposition::{ExpositionFormat, Family, MetricType, render};
use crate::metrics::families::{SlotState, backup_families, collect_success};

/// "Now" for collections: the start instant (the real clock, or `TCREDIS_NOW`) plus the time
/// elapsed since the exporter started.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Unix seconds at `started`.
    pub base_unix: i64,
    /// When the exporter started.
    pub started: Instant,
}

impl Clock {
    /// Now, Unix seconds.
    pub fn now(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_secs()).unwrap_or(i64::MAX);
        self.base_unix.saturating_add(elapsed)
    }
}

/// One region as the last collections left it.
#[derive(Debug, Clone)]
pub struct RegionState {
    /// The region.
    pub region: String,
    /// Its instances (the previous ones when the last collection failed).
    pub instances: Vec<InstanceSurvey>,
    /// Whether the last collection succeeded.
    pub success: bool,
    /// Why it failed, for `/healthz` and the page (never a secret).
    pub error: Option<String>,
    /// How long the last collection took.
    pub duration: Duration,
    /// When a collection last succeeded, Unix seconds.
    pub last_success: Option<i64>,
    /// Each scheduled instance's last expected slot, by InstanceId.
    pub slots: HashMap<String, SlotState>,
    /// Each scheduled instance's schedule (for the page's grid), by InstanceId.
    pub schedules: HashMap<String, Schedule>,
}

/// What scrapes read.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Every region, in the order given.
    pub regions: Vec<RegionState>,
    /// When the last collection finished, Unix seconds.
    pub completed_at: i64,
}

impl Snapshot {
    /// Every instance, region by region.
    pub fn instances(&self) -> impl Iterator<Item = &InstanceSurvey> {
        self.regions.iter().flat_map(|r| r.instances.iter())
    }

    /// The first failed region's reason, if any.
    pub fn failure(&self) -> Option<String> {
        self.regions.iter().find(|r| !r.success).map(|r| {
            format!(
                "the last collection of {} failed: {}",
                r.region,
                r.error.as_deref().unwrap_or("unknown error")
            )
        })
    }
}

/// The state the collector writes and the server reads.
#[derive(Debug, Default)]
pub struct Shared {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    /// The API counters (fed by the client's attempt observer).
    pub counters: Arc<ApiCounters>,
}

impl Shared {
    /// The last complete snapshot.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Merges one survey (finished at `completed_at`), the slot states judged from it and the
    /// schedule failures (by region) into the snapshot.
    fn merge(
        &self,
        survey: SurveyReport,
        completed_at: i64,
        mut slots: HashMap<(String, String), SlotState>,
        schedule_failures: &HashMap<String, String>,
        schedules: &HashMap<(String, String), CachedSchedule>,
    ) {
        let previous = self.snapshot();
        let mut instances = survey.instances;
        let mut regions = Vec::new();
        for region in survey.regions {
            let name = region.report.region.clone();
            let before = previous
                .as_ref()
                .and_then(|p| p.regions.iter().find(|r| r.region == name));
            let mut mine: Vec<InstanceSurvey> = Vec::new();
            let mut rest = Vec::new();
            for i in instances {
                if i.instance.region == name {
                    mine.push(i);
                } else {
                    rest.push(i);
                }
            }
            instances = rest;
            let mut error = match &region.report.result {
                RegionResult::Failed(e) => Some(e.to_string()),
                _ => schedule_failures.get(&name).cloned(),
            };
            let mut region_slots: HashMap<String, SlotState> = mine
                .iter()
                .filter_map(|i| {
                    let key = (name.clone(), i.instance.instance_id.clone());
                    slots.remove(&key).map(|s| (key.1, s))
                })
                .collect();
            let mut region_schedules: HashMap<String, Schedule> = mine
                .iter()
                .filter_map(|i| {
                    let key = (name.clone(), i.instance.instance_id.clone());
                    schedules
                        .get(&key)
                        .and_then(|c| c.schedule)
                        .map(|s| (key.1, s))
                })
                .collect();
            if matches!(region.report.result, RegionResult::Failed(_)) {
                // Keep the previous series of a failed region.
                mine = before.map(|b| b.instances.clone()).unwrap_or_default();
                region_slots = before.map(|b| b.slots.clone()).unwrap_or_default();
                region_schedules = before.map(|b| b.schedules.clone()).unwrap_or_default();
            } else {
                for instance in &mut mine {
                    if let SurveyResult::Failed(e) = &instance.result {
                        error.get_or_insert_with(|| {
                            format!("{}: {e}", instance.instance.instance_id)
                        });
                        if let Some(old) = before.and_then(|b| {
                            b.instances
                                .iter()
                                .find(|o| o.instance.instance_id == instance.instance.instance_id)
                        }) {
                            instance.result = old.result.clone();
                        }
                    }
                }
            }
            if let Some(e) = &error {
                tracing::warn!(region = %name, error = %e.lines().next().unwrap_or_default(), "collection failed");
            }
            let success = error.is_none();
            regions.push(RegionState {
                region: name,
                instances: mine,
                success,
                error: error.map(|e| e.lines().next().unwrap_or_default().to_owned()),
                duration: region.duration,
                slots: region_slots,
                schedules: region_schedules,
                last_success: if success {
                    Some(completed_at)
                } else {
                    before.and_then(|b| b.last_success)
                },
            });
        }
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(Snapshot {
            regions,
            completed_at,
        }));
    }

    /// `/metrics`: the last snapshot's families (none before the first) and the counters.
    pub fn render_metrics(&self, format: ExpositionFormat) -> String {
        let mut families: Vec<Family> = Vec::new();
        let mut duration = Family::new(
            "tcredis_collect_duration_seconds",
            MetricType::Gauge,
            "How long the region's last listing (DescribeInstances and backup pages) took, seconds; schedule reads are not included.",
        );
        let mut last_success = Family::new(
            "tcredis_collect_last_success_timestamp_seconds",
            MetricType::Gauge,
            "When the region's last successful collection finished, Unix seconds.",
        );
        let mut success = collect_success([]);
        if let Some(snapshot) = self.snapshot() {
            let slot_of = |i: &FleetInstance| {
                snapshot
                    .regions
                    .iter()
                    .find(|r| r.region == i.region)
                    .and_then(|r| r.slots.get(&i.instance_id))
                    .copied()
            };
            families.extend(backup_families(snapshot.instances(), true, &slot_of));
            success = collect_success(
                snapshot
                    .regions
                    .iter()
                    .map(|r| (r.region.as_str(), r.success)),
            );
            for r in &snapshot.regions {
                let labels = vec![("region", r.region.clone())];
                duration.push(labels.clone(), r.duration.as_secs_f64());
                if let Some(t) = r.last_success {
                    last_success.push(labels, t as f64);
                }
            }
        }
        families.extend([success, duration, last_success]);
        families.extend(self.counters.families());
        render(&families, format)
    }
}

/// How the collector runs.
#[derive(Debug, Clone, Copy)]
pub struct CollectorSettings {
    /// `--refresh`.
    pub refresh: Duration,
    /// `--lookback`, seconds.
    pub lookback: i64,
    /// `--schedule-refresh`.
    pub schedule_refresh: Duration,
    /// `--grace` after each scheduled slot, seconds.
    pub grace: i64,
}

/// A schedule read at `fetched` (`None`: the instance expects no backup).
#[derive(Debug, Clone, Copy)]
pub struct CachedSchedule {
    fetched: Instant,
    schedule: Option<Schedule>,
}

/// Reads the schedules that are missing or older than `--schedule-refresh` (at most one
/// request per instance per refresh), then judges every listed instance's last slot. Returns
/// the slot states and, per region, the first schedule failure.
async fn judge_slots(
    fleet: &Fleet,
    survey: &SurveyReport,
    cache: &mut HashMap<(String, String), CachedSchedule>,
    settings: &CollectorSettings,
    now: i64,
) -> (
    HashMap<(String, String), SlotState>,
    HashMap<String, String>,
) {
    let key = |i: &FleetInstance| (i.region.clone(), i.instance_id.clone());
    let listed: Vec<(&FleetInstance, &tcredis_core::freshness::InstanceBackups)> = survey
        .instances
        .iter()
        .filter_map(|s| match &s.result {
            SurveyResult::Listed(census) => Some((&s.instance, &census.good)),
            _ => None,
        })
        .collect();
    let due: Vec<FleetInstance> = listed
        .iter()
        .filter(|(i, _)| {
            cache
                .get(&key(i))
                .is_none_or(|c| c.fetched.elapsed() >= settings.schedule_refresh)
        })
        .map(|(i, _)| (*i).clone())
        .collect();
    let mut failures: HashMap<String, String> = HashMap::new();
    if !due.is_empty() {
        let report = fleet.schedules(&due).await;
        for (instance, result) in due.iter().zip(report.results) {
            match result {
                Ok(schedule) => {
                    cache.insert(
                        key(instance),
                        CachedSchedule {
                            fetched: Instant::now(),
                            schedule,
                        },
                    );
                }
                Err(e) => {
                    failures.entry(instance.region.clone()).or_insert_with(|| {
                        format!("{}: DescribeAutoBackupConfig: {e}", instance.instance_id)
                    });
                }
            }
        }
    }
    let mut slots = HashMap::new();
    for (instance, good) in listed {
        let Some(schedule) = cache.get(&key(instance)).and_then(|c| c.schedule) else {
            continue;
        };
        let rules = Rules {
            max_age: None,
            schedule: Some((schedule, settings.grace)),
        };
        let judged = rules.judge(Some(good), now);
        if let Some(slot) = judged.expected_slot {
            slots.insert(
                key(instance),
                SlotState {
                    expected_start: slot.start,
                    missed: judged.verdict == Verdict::Missed,
                },
            );
        }
    }
    (slots, failures)
}

/// Collects every `settings.refresh` until `stop` turns true (a collection under way is
/// abandoned then).
pub async fn collect_forever(
    fleet: Fleet,
    shared: Arc<Shared>,
    settings: CollectorSettings,
    clock: Clock,
    mut stop: watch::Receiver<bool>,
) {
    let mut cache = HashMap::new();
    loop {
        let now = clock.now();
        let collection = async {
            let survey = fleet
                .survey(SurveyOptions::new(now).lookback(settings.lookback))
                .await;
            let (slots, failures) = judge_slots(&fleet, &survey, &mut cache, &settings, now).await;
            (survey, slots, failures)
        };
        let (report, slots, failures) = tokio::select! {
            collected = collection => collected,
            _ = stop.changed() => return,
        };
        shared.merge(report, clock.now(), slots, &failures, &cache);
        tokio::select! {
            () = tokio::time::sleep(settings.refresh) => {}
            _ = stop.changed() => return,
        }
    }
}
