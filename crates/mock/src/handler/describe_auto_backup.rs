//! `DescribeAutoBackupConfig` (redis 2018-04-12): an instance's backup schedule from the seed
//! (`AutoBackupConfig`), the daily schedule of demo and generated instances, or — for an
//! instance without one — no weekday at all.

use serde_json::{Map, Value};

use super::failure::Failure;
use super::params::{ParamType, Schema};
use crate::data::auto_backup::unscheduled_answer;
use crate::data::lifecycle::Lifecycle;
use crate::data::store::Store;

/// The action's parameters.
pub(crate) const SCHEMA: Schema = &[("InstanceId", ParamType::String)];

/// Answers the schedule of the instance named by `InstanceId` within the region scope.
pub(crate) fn describe(
    store: &Store,
    lifecycle: &Lifecycle,
    params: &Map<String, Value>,
    region: Option<&str>,
    request_id: &str,
) -> Result<Vec<u8>, Failure> {
    let Some(instance_id) = params
        .get("InstanceId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return Err(Failure::new(
            "MissingParameter",
            "The parameter `InstanceId` is required by DescribeAutoBackupConfig.",
        ));
    };
    if !store.instance_exists(instance_id, region) {
        let where_ = region.map_or_else(String::new, |r| format!(" in region {r}"));
        return Err(Failure::new(
            "ResourceNotFound.InstanceNotExists",
            format!("The instance {instance_id} does not exist{where_}."),
        ));
    }
    Ok(super::envelope::success_body(
        &match lifecycle.config_for(instance_id) {
            Some(config) => config.answer(request_id),
            None => unscheduled_answer(request_id),
        },
    ))
}
