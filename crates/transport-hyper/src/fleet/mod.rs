//! The fleet API: every Redis instance of one or more regions, their newest good backups and
//! their freshness verdicts, with the fewest requests.
//!
//! A [`Fleet`] is a [`Client`] plus the regions to cover and which instances to look at
//! ([`Selector`]: `DescribeInstances` filters, or explicit instance IDs). It answers:
//!
//! - [`Fleet::instances`]: the instances of each region (`DescribeInstances`, 1000 per page),
//!   ordered by InstanceId;
//! - [`Fleet::check`]: a verdict per instance (OK / STALE / MISSING / SKIPPED / ERROR): one
//!   region-wide good-status listing over `[now - max_age, now]` grouped by InstanceId, then one
//!   per-instance listing over the rest of the lookback only for the instances without a good
//!   backup there;
//! - [`Fleet::latest`]: the newest good backup per instance, searching windows that widen back
//!   from now (1 day, 2, 4, ...), stopping at the first that holds one;
//! - [`Fleet::schedules`]: each instance's automatic backup schedule (`DescribeAutoBackupConfig`);
//!   a check with [`CheckOptions::schedule`] also reports MISSED slots;
//! - [`Fleet::survey`]: for metrics, each instance's good backups and its backup count by status,
//!   from one region-wide listing over the lookback without a Status filter.
//!
//! The three fallbacks of [`tcredis_core::fleet`] (region-wide listing refused, Status filter
//! refused, empty region-wide answer cross-checked) are detected once per region and reported
//! in [`RegionReport::fallbacks`]. Every report carries the number of requests it took (every
//! attempt, retries included), counted per region.
//!
//! Regions run concurrently and instances within a region too (bounded), all through the
//! client's one pacer, so the account-wide rate limit holds; reports come back in region order,
//! instances by InstanceId within a region (explicit IDs: in the order given).
//!
//! ```no_run
//! use tcredis_transport_hyper::Client;
//! use tcredis_transport_hyper::fleet::{CheckOptions, Selector};
//!
//! # async fn run(client: Client) {
//! let fleet = client.fleet(["ap-guangzhou", "ap-shanghai"]).selector(Selector::new().tag("env", "prod"));
//! let now = 1_780_286_400; // Unix seconds: the caller decides what "now" is
//! let report = fleet.check(CheckOptions::new(now).max_age(26 * 3600)).await;
//! for instance in &report.instances {
//!     println!("{} {} {}", instance.instance.region, instance.instance.instance_id, instance.verdict());
//! }
//! println!("{} requests", report.requests);
//! # }
//! ```

mod check;
mod latest;
mod schedules;
mod search;
mod survey;

use std::sync::Arc;

use futures_util::stream::{self, StreamExt as _};
use tcredis_core::ListingOptions;
use tcredis_core::fleet::Fallback;
use tcredis_core::freshness::{Judgement, Verdict};
use tcredis_core::instances::{DescribeInstancesRequest, Instance};
use tcredis_core::response::Backup;

use crate::client::Client;
use crate::error::Error;

pub use check::CheckOptions;
pub use latest::LatestOptions;
pub use schedules::{ScheduleResult, SchedulesReport};
pub use survey::{Census, InstanceSurvey, SurveyOptions, SurveyRegion, SurveyReport, SurveyResult};

/// Regions looked at concurrently.
const REGION_CONCURRENCY: usize = 4;
/// Default number of per-instance searches in flight in one region.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Which instances of each region a fleet run looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selector {
    /// Explicit instance IDs: exactly these, in this order, without `DescribeInstances`
    /// (empty: discover the instances).
    pub instance_ids: Vec<String>,
    /// `SearchKey`: a fuzzy match on the instance name (or ID).
    pub search: Option<String>,
    /// `InstanceTags`: every tag must match.
    pub tags: Vec<(String, String)>,
    /// `ProjectIds`: any of them.
    pub project_ids: Vec<i64>,
    /// Also check instances that are not running (initialising, isolated, being deleted).
    pub include_isolated: bool,
}

impl Selector {
    /// Every instance of the region.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only instances whose name (or ID) matches `text` (`SearchKey`).
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }
    /// Only instances carrying this tag (repeat: all of them).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }
    /// Only instances of this project (repeat: any of them).
    pub fn project_id(mut self, id: i64) -> Self {
        self.project_ids.push(id);
        self
    }
    /// Exactly this instance (repeat for several; no discovery).
    pub fn instance_id(mut self, id: impl Into<String>) -> Self {
        self.instance_ids.push(id.into());
        self
    }
    /// Whether to check instances that are not running too.
    pub fn include_isolated(mut self, yes: bool) -> Self {
        self.include_isolated = yes;
        self
    }

    /// The `DescribeInstances` request for these filters (explicit IDs become `InstanceIds`).
    pub fn request(&self) -> DescribeInstancesRequest {
        let mut request = DescribeInstancesRequest::new();
        if let Some(search) = &self.search {
            request = request.search_key(search.clone());
        }
        for (key, value) in &self.tags {
            request = request.tag(key.clone(), value.clone());
        }
        for id in &self.project_ids {
            request = request.project_id(*id);
        }
        for id in &self.instance_ids {
            request = request.instance_id(id.clone());
        }
        request
    }
}

/// One instance a fleet run covers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FleetInstance {
    /// The region it was found in (or asked about).
    pub region: String,
    /// `InstanceId`.
    pub instance_id: String,
    /// `InstanceName`, when `DescribeInstances` gave one.
    pub instance_name: Option<String>,
    /// `Status`, when `DescribeInstances` gave one.
    pub status: Option<i64>,
    /// The `DescribeInstances` item (`None` for explicit IDs).
    pub described: Option<Instance>,
}

impl FleetInstance {
    /// An instance known only by its ID (an explicit `--instance-id`).
    pub fn listed(region: &str, id: &str) -> Self {
        Self {
            region: region.to_owned(),
            instance_id: id.to_owned(),
            instance_name: None,
            status: None,
            described: None,
        }
    }

    /// An instance as `DescribeInstances` described it in `region`.
    pub fn from_described(region: &str, instance: Instance) -> Self {
        Self {
            region: region.to_owned(),
            instance_id: instance.instance_id.clone().unwrap_or_default(),
            instance_name: instance.instance_name.clone(),
            status: instance.status,
            described: Some(instance),
        }
    }
}

/// How a region fared.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RegionResult {
    /// Its instances were listed (and checked, for a check).
    Ok,
    /// With [`Fleet::tolerate_unavailable`]: the region answered `UnsupportedRegion`, or has no
    /// matching instance. The reason is for people.
    Unavailable(String),
    /// Listing its instances failed, or (check) its region-wide backup listing did.
    Failed(Error),
}

impl RegionResult {
    /// `ok`, `unavailable` or `error`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Unavailable(_) => "unavailable",
            Self::Failed(_) => "error",
        }
    }
}

/// One region of a fleet run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RegionReport {
    /// The region.
    pub region: String,
    /// How it fared.
    pub result: RegionResult,
    /// The strategy changes made in it, each once, in the order they happened.
    pub fallbacks: Vec<Fallback>,
    /// Requests sent for it (every attempt).
    pub requests: u64,
}

/// The instances of each region.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InstancesReport {
    /// Every region, in the order given.
    pub regions: Vec<RegionReport>,
    /// The instances, region by region, by InstanceId within a region.
    pub instances: Vec<FleetInstance>,
    /// Requests sent in all.
    pub requests: u64,
}

/// One instance's check result.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CheckResult {
    /// Checked: the verdict and what it rests on.
    Judged(Judgement),
    /// Not running (and not included): not checked.
    Skipped,
    /// It could not be checked.
    Failed(Error),
}

/// One instance of a check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InstanceCheck {
    /// The instance.
    pub instance: FleetInstance,
    /// Its result.
    pub result: CheckResult,
}

impl InstanceCheck {
    /// OK, STALE, MISSING, SKIPPED or ERROR.
    pub fn verdict(&self) -> Verdict {
        match &self.result {
            CheckResult::Judged(j) => j.verdict,
            CheckResult::Skipped => Verdict::Skipped,
            CheckResult::Failed(_) => Verdict::Error,
        }
    }
}

/// A fleet check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CheckReport {
    /// Every region, in the order given.
    pub regions: Vec<RegionReport>,
    /// Every instance, region by region.
    pub instances: Vec<InstanceCheck>,
    /// Requests sent in all.
    pub requests: u64,
}

/// One instance's newest good backup.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum LatestResult {
    /// The newest good backup (by StartTime) within the lookback.
    Found(Box<Backup>),
    /// No good backup within the lookback.
    NotFound,
    /// Not running (and not included): not searched.
    Skipped,
    /// The search failed.
    Failed(Error),
}

/// One instance of a latest search.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InstanceLatest {
    /// The instance.
    pub instance: FleetInstance,
    /// What was found.
    pub result: LatestResult,
}

/// A fleet's newest good backups.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LatestReport {
    /// Every region, in the order given.
    pub regions: Vec<RegionReport>,
    /// Every instance, region by region.
    pub instances: Vec<InstanceLatest>,
    /// Requests sent in all.
    pub requests: u64,
}

/// Instances of several regions and what to find out about them. See the
/// [module documentation](self).
#[derive(Debug, Clone)]
pub struct Fleet {
    client: Client,
    regions: Vec<String>,
    selector: Selector,
    tolerate_unavailable: bool,
    concurrency: usize,
}

impl Client {
    /// A fleet over `regions` (every instance of each, until [`Fleet::selector`] narrows it).
    pub fn fleet<I, S>(&self, regions: I) -> Fleet
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Fleet {
            client: self.clone(),
            regions: regions.into_iter().map(Into::into).collect(),
            selector: Selector::new(),
            tolerate_unavailable: false,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// The instances of this client's region matching `selector` (`DescribeInstances`, Limit
    /// 1000, every page), ordered by InstanceId. Statuses are not filtered here.
    pub async fn instances(&self, selector: &Selector) -> Result<Vec<Instance>, Error> {
        let mut pages =
            std::pin::pin!(self.listing_pages(selector.request(), ListingOptions::new()));
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            out.extend(page?.items);
        }
        out.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        Ok(out)
    }
}

/// What one region's discovery gave.
struct Discovered {
    report: RegionReport,
    client: Option<Client>,
    instances: Vec<FleetInstance>,
}

impl Fleet {
    /// Which instances to look at.
    pub fn selector(mut self, selector: Selector) -> Self {
        self.selector = selector;
        self
    }
    /// Report a region answering `UnsupportedRegion`, or without any matching instance, as
    /// [`RegionResult::Unavailable`] instead of an error (for "every region").
    pub fn tolerate_unavailable(mut self, yes: bool) -> Self {
        self.tolerate_unavailable = yes;
        self
    }
    /// Per-instance searches in flight per region (default [`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }
    /// The regions, as given.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The instances of every region, as `DescribeInstances` describes them (explicit IDs
    /// become its `InstanceIds` filter here), by InstanceId.
    pub async fn instances(&self) -> InstancesReport {
        let discovered: Vec<Discovered> = self
            .per_region(|fleet, region| async move { fleet.discover(&region, true).await })
            .await;
        let mut report = InstancesReport {
            regions: Vec::new(),
            instances: Vec::new(),
            requests: 0,
        };
        for mut d in discovered {
            d.report.requests = d.client.as_ref().map_or(0, Client::requests_sent);
            report.requests += d.report.requests;
            report.regions.push(d.report);
            report.instances.extend(d.instances);
        }
        report
    }

    /// Runs `job` for every region (a few at a time), results in region order.
    async fn per_region<F, Fut, T>(&self, job: F) -> Vec<T>
    where
        F: Fn(Arc<Fleet>, String) -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let fleet = Arc::new(self.clone());
        stream::iter(self.regions.clone())
            .map(|region| job(Arc::clone(&fleet), region))
            .buffered(REGION_CONCURRENCY)
            .collect()
            .await
    }

    /// The region's client (with its own request count) and its instances: explicit IDs as
    /// given unless `describe_explicit`, else `DescribeInstances`.
    async fn discover(&self, region: &str, describe_explicit: bool) -> Discovered {
        let mut report = RegionReport {
            region: region.to_owned(),
            result: RegionResult::Ok,
            fallbacks: Vec::new(),
            requests: 0,
        };
        let client = match self.client.for_region(region) {
            Ok(c) => c.with_request_counter(),
            Err(e) => {
                report.result = RegionResult::Failed(e);
                return Discovered {
                    report,
                    client: None,
                    instances: Vec::new(),
                };
            }
        };
        if !self.selector.instance_ids.is_empty() && !describe_explicit {
            let instances = self
                .selector
                .instance_ids
                .iter()
                .map(|id| FleetInstance::listed(region, id))
                .collect();
            return Discovered {
                report,
                client: Some(client),
                instances,
            };
        }
        let instances = match client.instances(&self.selector).await {
            Ok(found) => found
                .into_iter()
                .map(|i| FleetInstance::from_described(region, i))
                .collect::<Vec<_>>(),
            Err(e) => {
                let unsupported = e
                    .api_error()
                    .is_some_and(|a| a.code().as_str() == "UnsupportedRegion");
                report.result = if self.tolerate_unavailable && unsupported {
                    RegionResult::Unavailable(format!(
                        "the region answered UnsupportedRegion ({})",
                        e.api_error().map_or("", |a| a.message())
                    ))
                } else {
                    RegionResult::Failed(e)
                };
                Vec::new()
            }
        };
        if instances.is_empty()
            && self.tolerate_unavailable
            && matches!(report.result, RegionResult::Ok)
        {
            report.result = RegionResult::Unavailable("no matching instance".to_owned());
        }
        Discovered {
            report,
            client: Some(client),
            instances,
        }
    }
}
