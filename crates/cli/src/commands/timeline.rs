//! `backups timeline`: the last `--days` days by instance ([`crate::timeline`]): one survey per
//! region over those days (one region-wide listing, every status) and each instance's schedule
//! (`DescribeAutoBackupConfig`) to mark missed slots. Exit 0, or 3/4 when a region or an
//! instance could not be read (the others are still drawn).

use std::io::{IsTerminal as _, Write};

use tcredis_transport_hyper::fleet::{FleetInstance, RegionResult, SurveyOptions, SurveyResult};

use crate::backend::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions, selector};
use crate::config::TimelineConfig;
use crate::exit::{Failure, Outcome, report_instance};

/// Runs the timeline at `now` and writes it to `out`.
pub async fn run(
    api: &ClientApi,
    cfg: &TimelineConfig,
    regions: &Regions,
    now: i64,
    verbose: u8,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let fleet = api
        .client()
        .fleet(regions.names.clone())
        .selector(selector(&cfg.instance_ids, &cfg.selectors))
        .tolerate_unavailable(regions.all);
    let lookback = crate::timeline::lookback_for(now, cfg.days);
    let survey = fleet
        .survey(SurveyOptions::new(now).lookback(lookback))
        .await;
    let reports: Vec<_> = survey.regions.iter().map(|r| r.report.clone()).collect();
    note_regions(&reports, verbose);
    let mut outcome = Outcome::Success;
    for region in &reports {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            report_instance(Some(&region.region), &e);
            outcome = outcome.worst(e.outcome);
        }
    }
    let listed: Vec<FleetInstance> = survey
        .instances
        .iter()
        .filter_map(|s| match &s.result {
            SurveyResult::Listed(_) => Some(s.instance.clone()),
            SurveyResult::Failed(e) => {
                let e = api.classify(e.clone());
                report_instance(Some(&s.instance.instance_id), &e);
                outcome = outcome.worst(e.outcome);
                None
            }
            _ => None,
        })
        .collect();
    let schedules = fleet.schedules(&listed).await;
    let mut known = Vec::new();
    for (instance, result) in listed.into_iter().zip(schedules.results) {
        match result {
            Ok(schedule) => known.push((instance, schedule)),
            Err(e) => {
                let e = api.classify(e);
                report_instance(Some(&instance.instance_id), &e);
                outcome = outcome.worst(e.outcome);
            }
        }
    }
    let schedule_of = |i: &FleetInstance| {
        known
            .iter()
            .find(|(k, _)| k == i)
            .and_then(|(_, schedule)| *schedule)
    };
    let grace = i64::try_from(cfg.grace.as_secs()).unwrap_or(i64::MAX);
    let grid = crate::timeline::build(&survey.instances, &schedule_of, now, cfg.days, grace);
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    crate::output::timeline::write(out, &grid, colour)?;
    Ok(outcome)
}
