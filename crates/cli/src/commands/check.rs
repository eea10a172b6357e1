//! `backups check`: a verdict per instance (OK, STALE, MISSING, SKIPPED, ERROR) for cron and
//! monitoring, through the transport's fleet API: every running instance of each region with
//! the fewest requests (`docs/architecture.md`), or the `--instance-id`s given, each searched on
//! its own (the `--max-age` window first, then the rest of the lookback). The report is written
//! by [`crate::output::check`].

use std::io::Write;

use tcredis_core::fleet::{GOOD_STATUSES, older_windows, recent_windows};
use tcredis_transport_hyper::fleet::{CheckOptions, CheckResult, RegionResult, Selector};

use crate::backend::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions};
use crate::commands::plan::{
    ALL_LIMIT, Filters, ItemCap, MAX_BACKUPS_PER_DAY, Paging, Plan, Search,
};
use crate::config::CheckConfig;
use crate::exit::{Outcome, report_instance};
use crate::output::check::{CheckFormat, Report};

/// What a check run needs besides the client.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// The regions.
    pub regions: Regions,
    /// Which instances.
    pub selector: Selector,
    /// `--max-age`, seconds.
    pub max_age: i64,
    /// `--lookback`, seconds.
    pub lookback: i64,
    /// Now, Unix seconds.
    pub now: i64,
    /// `--output`.
    pub format: CheckFormat,
    /// `-v` count.
    pub verbose: u8,
}

fn seconds(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// How far back a check looks: `--lookback`, or `--max-age` when that is longer (a backup
/// within the max age is OK, so it must be searched for).
pub fn lookback(cfg: &CheckConfig) -> i64 {
    seconds(cfg.lookback).max(seconds(cfg.max_age))
}

/// What a check of `--instance-id`s is sure to ask first (what `--dry-run` prints): each
/// instance's `[now - max_age, now]` window, good statuses only. Without `--instance-id` the
/// first request is each region's `DescribeInstances` instead (see `Planned::discovery`).
pub fn plan(cfg: &CheckConfig, now: i64) -> Plan {
    let (max_age, lookback) = (seconds(cfg.max_age), lookback(cfg));
    let recent = max_age.min(lookback);
    let windows = recent_windows(now, recent)
        .into_iter()
        .chain(older_windows(now, recent, lookback))
        .collect();
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

/// Runs the check and writes the report; returns the worst outcome (0 all OK/SKIPPED, 1 any
/// STALE/MISSING, 3 an API error, 4 a network failure; worst wins).
pub async fn run(
    api: &ClientApi,
    run: CheckRun,
    out: &mut dyn Write,
) -> Result<Outcome, std::io::Error> {
    let fleet = api
        .client()
        .fleet(run.regions.names.clone())
        .selector(run.selector.clone())
        .tolerate_unavailable(run.regions.all);
    let options = CheckOptions::new(run.now)
        .max_age(run.max_age)
        .lookback(run.lookback);
    let report = fleet.check(options).await;
    note_regions(&report.regions, run.verbose);
    let mut outcome = Outcome::Success;
    for region in &report.regions {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            report_instance(Some(&region.region), &e);
            outcome = outcome.worst(e.outcome);
        }
    }
    for c in &report.instances {
        outcome = outcome.worst(match &c.result {
            CheckResult::Failed(e) => {
                let e = api.classify(e.clone());
                report_instance(Some(&c.instance.instance_id), &e);
                e.outcome
            }
            _ if c.verdict().is_problem() => Outcome::Stale,
            _ => Outcome::Success,
        });
    }
    let view = Report {
        check: &report,
        max_age: run.max_age,
        lookback: run.lookback,
        outcome,
    };
    crate::output::check::write(out, run.format, &view)?;
    Ok(outcome)
}
