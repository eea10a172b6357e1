//! The exporter's background collection: every `--refresh`, one fleet survey through the
//! client's shared pacer, merged into the snapshot scrapes read. A region whose collection
//! fails keeps its previous instances (and series) and is marked failed; an instance whose own
//! listing fails keeps its previous result. Scrapes never trigger a request.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tcredis_transport_hyper::fleet::{
    Fleet, InstanceSurvey, RegionResult, SurveyOptions, SurveyResult,
};
use tokio::sync::watch;

use super::counters::ApiCounters;
use crate::metrics::exposition::{ExpositionFormat, Family, MetricType, render};
use crate::metrics::families::{backup_families, collect_success};

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

    /// Merges one survey (taken at `now`, finished at `completed_at`) into the snapshot.
    fn merge(&self, survey: tcredis_transport_hyper::fleet::SurveyReport, completed_at: i64) {
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
                _ => None,
            };
            if error.is_some() {
                // Keep the previous series of a failed region.
                mine = before.map(|b| b.instances.clone()).unwrap_or_default();
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
            "How long the region's last collection took, seconds.",
        );
        let mut last_success = Family::new(
            "tcredis_collect_last_success_timestamp_seconds",
            MetricType::Gauge,
            "When the region's last successful collection finished, Unix seconds.",
        );
        let mut success = collect_success([]);
        if let Some(snapshot) = self.snapshot() {
            families.extend(backup_families(snapshot.instances(), false, &|_| None));
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
    loop {
        let now = clock.now();
        let survey = fleet.survey(SurveyOptions::new(now).lookback(settings.lookback));
        let report = tokio::select! {
            report = survey => report,
            _ = stop.changed() => return,
        };
        shared.merge(report, clock.now());
        tokio::select! {
            () = tokio::time::sleep(settings.refresh) => {}
            _ = stop.changed() => return,
        }
    }
}
