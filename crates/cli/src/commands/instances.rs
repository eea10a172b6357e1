//! `instances list`: the instances of each region (`DescribeInstances`, 1000 per page), region by
//! region and by InstanceId within one; isolated (-2) and deleting (-3) instances are hidden
//! unless `--include-isolated`.

use std::io::Write;

use tcredis_core::instances::InstanceStatus;
use tcredis_transport_hyper::fleet::{FleetInstance, RegionResult};

use crate::backend::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions, selector};
use crate::config::InstancesListConfig;
use crate::exit::Outcome;
use crate::output::{Format, Query, QueryStyle};

/// Whether `instances list` shows an instance: not isolated or being deleted, unless asked.
pub fn shown(instance: &FleetInstance, include_isolated: bool) -> bool {
    include_isolated
        || !matches!(
            instance.status.map(InstanceStatus::from_code),
            Some(InstanceStatus::Isolated | InstanceStatus::Deleting)
        )
}

/// Lists the instances and writes them; region failures are reported on stderr (exit 3 or 4).
pub async fn run(
    api: &ClientApi,
    regions: &Regions,
    cfg: &InstancesListConfig,
    format: Format,
    query: Option<(&Query, QueryStyle)>,
    verbose: u8,
    out: &mut dyn Write,
) -> Result<Outcome, std::io::Error> {
    let report = api
        .client()
        .fleet(regions.names.clone())
        .selector(selector(&cfg.instance_ids, &cfg.selectors))
        .tolerate_unavailable(regions.all)
        .instances()
        .await;
    note_regions(&report.regions, verbose);
    let mut outcome = Outcome::Success;
    for region in &report.regions {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            crate::exit::stderr_line(format_args!("tcredis: {}: {e}", region.region));
            outcome = outcome.worst(e.outcome);
        }
    }
    let instances: Vec<FleetInstance> = report
        .instances
        .into_iter()
        .filter(|i| shown(i, cfg.selectors.include_isolated))
        .collect();
    crate::output::instances::write(out, format, query, &instances)?;
    Ok(outcome)
}
