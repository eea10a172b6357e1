//! `backups check`: a verdict per instance (OK, STALE, MISSING, SKIPPED, ERROR) for cron and
//! monitoring, through the transport's fleet API: every running instance of each region with
//! the fewest requests (`docs/architecture.md`), or the `--instance-id`s given, each searched on
//! its own (the `--max-age` window first, then the rest of the lookback). The report is written
//! by [`crate::output::check`].

use std::io::Write;

use tcredis_core::fleet::{GOOD_STATUSES, older_windows, recent_windows};
use tcredis_core::freshness::Rules;
use tcredis_transport_hyper::fleet::{
    CheckOptions, CheckResult, FleetInstance, RegionResult, Selector, SurveyOptions, SurveyResult,
};

use crate::backend::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions};
use crate::commands::plan::{
    ALL_LIMIT, Filters, ItemCap, MAX_BACKUPS_PER_DAY, Paging, Plan, Search,
};
use crate::config::CheckConfig;
use crate::exit::{CliError, Failure, Outcome, report_instance};
use crate::output::check::{CheckFormat, Report};

/// What a check run needs besides the client.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// The regions.
    pub regions: Regions,
    /// Which instances.
    pub selector: Selector,
    /// `--max-age`, seconds (`None`: `--schedule` alone).
    pub max_age: Option<i64>,
    /// `--schedule`: the grace after each slot, seconds.
    pub schedule_grace: Option<i64>,
    /// `--lookback`, seconds.
    pub lookback: i64,
    /// Now, Unix seconds.
    pub now: i64,
    /// `--output`.
    pub format: CheckFormat,
    /// `--textfile`: with `-o prometheus`, the file the metrics replace atomically.
    pub textfile: Option<std::path::PathBuf>,
    /// `-v` count.
    pub verbose: u8,
}

fn seconds(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// How far back a check looks: `--lookback`, or `--max-age` when that is longer (a backup
/// within the max age is OK, so it must be searched for).
pub fn lookback(cfg: &CheckConfig) -> i64 {
    seconds(cfg.lookback).max(cfg.max_age.map_or(0, seconds))
}

/// What a check of `--instance-id`s is sure to ask first (what `--dry-run` prints): each
/// instance's `[now - max_age, now]` window, good statuses only. Without `--instance-id` the
/// first request is each region's `DescribeInstances` instead (see `Planned::discovery`).
pub fn plan(cfg: &CheckConfig, now: i64) -> Plan {
    let lookback = lookback(cfg);
    let max_age = cfg.max_age.map_or(lookback, seconds);
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
pub async fn run(api: &ClientApi, run: CheckRun, out: &mut dyn Write) -> Result<Outcome, Failure> {
    if run.format == CheckFormat::Prometheus {
        return run_metrics(api, run, out).await;
    }
    let fleet = api
        .client()
        .fleet(run.regions.names.clone())
        .selector(run.selector.clone())
        .tolerate_unavailable(run.regions.all);
    let mut options = CheckOptions::new(run.now).lookback(run.lookback);
    if let Some(max_age) = run.max_age {
        options = options.max_age(max_age);
    }
    if let Some(grace) = run.schedule_grace {
        options = options.schedule(grace);
    }
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
        grace: run.schedule_grace,
        lookback: run.lookback,
        outcome,
    };
    if let CheckFormat::Nagios(thresholds) = run.format {
        let state = crate::output::nagios::write(out, &report, &thresholds, run.lookback)?;
        return Ok(Outcome::Plugin(state));
    }
    crate::output::check::write(out, run.format, &view)?;
    Ok(outcome)
}

/// `-o prometheus`: one survey (a region-wide listing over the lookback, every status), judged
/// against `--max-age` for the exit code, its backup families written to stdout or atomically
/// to `--textfile`.
async fn run_metrics(
    api: &ClientApi,
    run: CheckRun,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    use crate::metrics::exposition::{ExpositionFormat, render};
    use crate::metrics::families::{SlotState, backup_families, collect_success, region_succeeded};
    let fleet = api
        .client()
        .fleet(run.regions.names.clone())
        .selector(run.selector.clone())
        .tolerate_unavailable(run.regions.all);
    let survey = fleet
        .survey(SurveyOptions::new(run.now).lookback(run.lookback))
        .await;
    let regions: Vec<_> = survey.regions.iter().map(|r| r.report.clone()).collect();
    note_regions(&regions, run.verbose);
    let schedules = match run.schedule_grace {
        Some(_) => {
            let listed: Vec<FleetInstance> = survey
                .instances
                .iter()
                .filter(|s| matches!(s.result, SurveyResult::Listed(_)))
                .map(|s| s.instance.clone())
                .collect();
            let report = fleet.schedules(&listed).await;
            listed.into_iter().zip(report.results).collect()
        }
        None => Vec::new(),
    };
    let mut outcome = Outcome::Success;
    for region in &regions {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            report_instance(Some(&region.region), &e);
            outcome = outcome.worst(e.outcome);
        }
    }
    let mut slots: Vec<(FleetInstance, SlotState)> = Vec::new();
    for s in &survey.instances {
        let schedule = schedules
            .iter()
            .find(|(i, _)| i == &s.instance)
            .map(|(_, r)| r);
        let schedule = match schedule {
            Some(Err(e)) => {
                let e = api.classify(e.clone());
                report_instance(Some(&s.instance.instance_id), &e);
                outcome = outcome.worst(e.outcome);
                continue;
            }
            Some(Ok(schedule)) => *schedule,
            None => None,
        };
        let rules = Rules {
            max_age: run.max_age,
            schedule: schedule.zip(run.schedule_grace),
        };
        outcome = outcome.worst(match &s.result {
            SurveyResult::Listed(census) => {
                let judged = rules.judge(Some(&census.good), run.now);
                if let Some(slot) = judged.expected_slot {
                    slots.push((
                        s.instance.clone(),
                        SlotState {
                            expected_start: slot.start,
                            missed: judged.verdict == tcredis_core::freshness::Verdict::Missed,
                        },
                    ));
                }
                if judged.verdict.is_problem() {
                    Outcome::Stale
                } else {
                    Outcome::Success
                }
            }
            SurveyResult::Failed(e) => {
                let e = api.classify(e.clone());
                report_instance(Some(&s.instance.instance_id), &e);
                e.outcome
            }
            _ => Outcome::Success,
        });
    }
    let slot_of = |i: &FleetInstance| slots.iter().find(|(s, _)| s == i).map(|(_, state)| *state);
    let mut families = backup_families(&survey.instances, run.schedule_grace.is_some(), &slot_of);
    families.push(collect_success(
        survey
            .regions
            .iter()
            .map(|r| (r.report.region.as_str(), region_succeeded(r))),
    ));
    let text = render(&families, ExpositionFormat::Prometheus);
    match &run.textfile {
        Some(path) => crate::metrics::textfile::write_atomically(path, &text).map_err(|e| {
            CliError::usage(format!(
                "--textfile {}: cannot write the metrics there: {e}",
                path.display()
            ))
        })?,
        None => {
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(outcome)
}
