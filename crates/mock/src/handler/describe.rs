//! `DescribeInstanceBackups` (redis 2018-04-12): business rules, instance lookup within the
//! request's region scope, and the listing (the data's backups with the lifecycle's merged in).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use super::failure::Failure;
use super::params::{ParamType, Schema};
use crate::data::backup::SeedBackup;
use crate::data::store::{Query, Store};
use tcredis_core::time::BeijingTime;

/// The action's parameters in model order.
pub(crate) const SCHEMA: Schema = &[
    ("Limit", ParamType::Integer),
    ("Offset", ParamType::Integer),
    ("InstanceId", ParamType::String),
    ("BeginTime", ParamType::String),
    ("EndTime", ParamType::String),
    ("Status", ParamType::IntegerArray),
    ("InstanceName", ParamType::String),
];

const STATUSES: [i64; 6] = [-2, -1, 1, 2, 3, 4];
const MAX_WINDOW: i64 = 30 * 86_400;

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "TotalCount")]
    total_count: u64,
    #[serde(rename = "BackupSet")]
    backup_set: Vec<Cow<'a, SeedBackup>>,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

fn business(message: String) -> Failure {
    Failure::new("InvalidParameter.InvalidParameter", message)
}

fn string_param<'p>(params: &'p Map<String, Value>, name: &str) -> Option<&'p str> {
    params
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn window_bound<'p>(
    params: &'p Map<String, Value>,
    name: &str,
) -> Result<Option<(&'p str, i64)>, Failure> {
    match string_param(params, name) {
        None => Ok(None),
        Some(text) => match BeijingTime::parse(text) {
            Ok(time) => Ok(Some((text, time.unix()))),
            Err(_) => Err(business(format!(
                "{name} {text:?} is not a time of the form YYYY-MM-DD HH:MM:SS (Beijing time, UTC+8)."
            ))),
        },
    }
}

/// Answers the listing, or the first business-rule or lookup failure.
pub(crate) fn describe(
    store: &Store,
    lifecycle_backups: Vec<SeedBackup>,
    params: &Map<String, Value>,
    region: Option<&str>,
    request_id: &str,
) -> Result<Vec<u8>, Failure> {
    let limit = params.get("Limit").and_then(Value::as_i64).unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(business(format!(
            "Limit must be between 1 and 100 (default 20), got {limit}."
        )));
    }
    let offset = params.get("Offset").and_then(Value::as_i64).unwrap_or(0);
    if offset < 0 {
        return Err(business(format!("Offset must be 0 or more, got {offset}.")));
    }
    let begin = window_bound(params, "BeginTime")?;
    let end = window_bound(params, "EndTime")?;
    if let (Some((b, bu)), Some((e, eu))) = (begin, end) {
        if bu > eu {
            return Err(business(format!("BeginTime {b} is after EndTime {e}.")));
        }
        if eu - bu > MAX_WINDOW {
            let days = (eu - bu) as f64 / 86_400.0;
            return Err(business(format!(
                "The window from BeginTime {b} to EndTime {e} spans {days:.1} days; at most 30 days are allowed (split the query)."
            )));
        }
    }
    let status: Option<Vec<i64>> = params
        .get("Status")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_i64).collect());
    if let Some(bad) = status.iter().flatten().find(|s| !STATUSES.contains(s)) {
        return Err(business(format!(
            "Status {bad} is not one of -2, -1, 1, 2, 3, 4."
        )));
    }
    let instance_id = string_param(params, "InstanceId");
    if let Some(id) = instance_id
        && !store.instance_exists(id, region)
    {
        let where_ = region.map_or_else(String::new, |r| format!(" in region {r}"));
        return Err(Failure::new(
            "ResourceNotFound.InstanceNotExists",
            format!("The instance {id} does not exist{where_}."),
        ));
    }
    let query = Query {
        instance_id,
        region,
        instance_name: string_param(params, "InstanceName"),
        begin,
        end,
        status: status.as_deref(),
        offset: offset as u64,
        limit: limit as u64,
    };
    let page = crate::data::merged::list(store, lifecycle_backups, &query);
    Ok(super::envelope::success_body(&Answer {
        total_count: page.total,
        backup_set: page.items,
        request_id,
    }))
}
