//! `DescribeInstances` (redis 2018-04-12) from the seed: every instance of the request's region
//! scope, instances without backups included, filtered by `InstanceId`, `InstanceIds` (any),
//! `SearchKey` (a substring of the ID or the name), `ProjectIds` (any), `Status` (any) and
//! `InstanceTags` (all), ordered by InstanceId, paged with `Limit` (default 20, at most 1000) and
//! `Offset`.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use super::failure::Failure;
use super::params::{ParamType, Schema};
use crate::data::generate::{GENERATED_REGION, Generated};
use crate::data::instance_fields::{InstanceFields, InstanceItem};
use crate::data::store::Store;

/// The action's parameters in the official model's order (the subset the mock filters on).
pub(crate) const SCHEMA: Schema = &[
    ("Limit", ParamType::Integer),
    ("Offset", ParamType::Integer),
    ("InstanceId", ParamType::String),
    ("SearchKey", ParamType::String),
    ("ProjectIds", ParamType::IntegerArray),
    ("Status", ParamType::IntegerArray),
    ("InstanceTags", ParamType::TagArray),
    ("InstanceIds", ParamType::StringArray),
];

/// `Limit` when the request has none.
pub(crate) const DEFAULT_LIMIT: i64 = 20;
/// The largest `Limit` accepted.
pub(crate) const MAX_LIMIT: i64 = 1000;

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "TotalCount")]
    total_count: u64,
    #[serde(rename = "InstanceSet")]
    instance_set: Vec<InstanceItem<'a>>,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

/// The request's filters.
struct Filter<'p> {
    region: Option<&'p str>,
    instance_id: Option<&'p str>,
    instance_ids: Option<Vec<&'p str>>,
    search_key: Option<&'p str>,
    project_ids: Option<Vec<i64>>,
    status: Option<Vec<i64>>,
    tags: Vec<(&'p str, &'p str)>,
}

impl Filter<'_> {
    fn matches(&self, id: &str, name: &str, region: &str, fields: &InstanceFields) -> bool {
        self.region.is_none_or(|r| r == region)
            && self.instance_id.is_none_or(|i| i == id)
            && self
                .instance_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&id))
            && self
                .search_key
                .is_none_or(|k| id.contains(k) || name.contains(k))
            && self
                .project_ids
                .as_ref()
                .is_none_or(|p| p.contains(&fields.project_id()))
            && self
                .status
                .as_ref()
                .is_none_or(|s| s.contains(&fields.status()))
            && self.tags.iter().all(|tag| fields.tags().contains(tag))
    }
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

fn integers(params: &Map<String, Value>, name: &str) -> Option<Vec<i64>> {
    params
        .get(name)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_i64).collect())
}

/// Answers the page, or the first business-rule failure.
pub(crate) fn describe_instances(
    store: &Store,
    params: &Map<String, Value>,
    region: Option<&str>,
    request_id: &str,
) -> Result<Vec<u8>, Failure> {
    let limit = params
        .get("Limit")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(business(format!(
            "Limit must be between 1 and {MAX_LIMIT} (default {DEFAULT_LIMIT}), got {limit}."
        )));
    }
    let offset = params.get("Offset").and_then(Value::as_i64).unwrap_or(0);
    if offset < 0 {
        return Err(business(format!("Offset must be 0 or more, got {offset}.")));
    }
    let filter = Filter {
        region,
        instance_id: string_param(params, "InstanceId"),
        instance_ids: params
            .get("InstanceIds")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_str).collect()),
        search_key: string_param(params, "SearchKey"),
        project_ids: integers(params, "ProjectIds"),
        status: integers(params, "Status"),
        tags: params
            .get("InstanceTags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| {
                        Some((t.get("TagKey")?.as_str()?, t.get("TagValue")?.as_str()?))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let (total, page) = list(
        store,
        &filter,
        u64::try_from(offset).unwrap_or(0),
        u64::try_from(limit).unwrap_or(0),
    );
    Ok(super::envelope::success_body(&Answer {
        total_count: total,
        instance_set: page
            .iter()
            .map(|(id, name, region, fields)| InstanceItem {
                id,
                name,
                region,
                fields,
            })
            .collect(),
        request_id,
    }))
}

type Row<'s> = (
    Cow<'s, str>,
    Cow<'s, str>,
    Cow<'s, str>,
    Cow<'s, InstanceFields>,
);

/// The matching instances' count and the page at `offset`, in InstanceId order.
fn list<'s>(store: &'s Store, filter: &Filter<'_>, offset: u64, limit: u64) -> (u64, Vec<Row<'s>>) {
    let mut total = 0u64;
    let mut page = Vec::new();
    let mut take = |row: Row<'s>| {
        if total >= offset && (page.len() as u64) < limit {
            page.push(row);
        }
        total += 1;
    };
    match store {
        Store::Stored { instances, .. } => {
            let mut sorted: Vec<_> = instances
                .iter()
                .filter(|i| filter.matches(&i.id, &i.name, &i.region, &i.fields))
                .collect();
            sorted.sort_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));
            for i in sorted {
                take((
                    Cow::Borrowed(i.id.as_str()),
                    Cow::Borrowed(i.name.as_str()),
                    Cow::Borrowed(i.region.as_str()),
                    Cow::Borrowed(&i.fields),
                ));
            }
        }
        Store::Generated(g) => {
            // Generated IDs (`crs-gen00001`, ...) sort in index order.
            let defaults = InstanceFields::default();
            let count = g.instance_count();
            let constant = filter.search_key.is_none()
                && filter.instance_id.is_none()
                && filter.instance_ids.is_none();
            if constant {
                // Every generated instance looks the same to the other filters.
                if !filter.matches("", "", GENERATED_REGION, &defaults) {
                    return (0, Vec::new());
                }
                let end = count.min(offset.saturating_add(limit));
                for k in offset.min(end)..end {
                    page.push(generated_row(k));
                }
                return (count, page);
            }
            for k in 0..count {
                let id = Generated::instance_id(k);
                let name = Generated::instance_name(k);
                if filter.matches(&id, &name, GENERATED_REGION, &defaults) {
                    take(generated_row(k));
                }
            }
        }
    }
    (total, page)
}

fn generated_row<'s>(k: u64) -> Row<'s> {
    (
        Cow::Owned(Generated::instance_id(k)),
        Cow::Owned(Generated::instance_name(k)),
        Cow::Borrowed(GENERATED_REGION),
        Cow::Owned(InstanceFields::default()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::seed::{Seed, SeedInstance};
    use serde_json::json;

    fn store() -> Store {
        Store::from_seed(
            Seed::new()
                .instance(
                    SeedInstance::new("crs-b", "orders", "ap-guangzhou")
                        .tag("env", "prod")
                        .tag("team", "pay")
                        .field("ProjectId", json!(3)),
                )
                .instance(SeedInstance::new("crs-a", "sessions", "ap-guangzhou").tag("env", "prod"))
                .instance(
                    SeedInstance::new("crs-c", "old", "ap-guangzhou").field("Status", json!(-2)),
                )
                .instance(SeedInstance::new("crs-d", "orders-sh", "ap-shanghai")),
        )
    }

    fn ids(params: Value, region: Option<&str>) -> (u64, Vec<String>) {
        let body = describe_instances(&store(), params.as_object().unwrap(), region, "r").unwrap();
        let doc: Value = serde_json::from_slice(&body).unwrap();
        let items = doc["Response"]["InstanceSet"].as_array().unwrap();
        (
            doc["Response"]["TotalCount"].as_u64().unwrap(),
            items
                .iter()
                .map(|i| i["InstanceId"].as_str().unwrap().to_owned())
                .collect(),
        )
    }

    #[test]
    fn filters_combine_and_results_are_in_instance_id_order() {
        let g = Some("ap-guangzhou");
        assert_eq!(
            ids(json!({}), g),
            (3, vec!["crs-a".into(), "crs-b".into(), "crs-c".into()])
        );
        assert_eq!(ids(json!({}), None).0, 4, "no region: every region");
        assert_eq!(ids(json!({"SearchKey": "orders"}), g).1, ["crs-b"]);
        assert_eq!(ids(json!({"SearchKey": "crs-c"}), g).1, ["crs-c"]);
        assert_eq!(
            ids(
                json!({"InstanceTags": [{"TagKey": "env", "TagValue": "prod"}]}),
                g
            )
            .1,
            ["crs-a", "crs-b"]
        );
        assert_eq!(
            ids(
                json!({"InstanceTags": [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "pay"}]}),
                g
            )
            .1,
            ["crs-b"],
            "tags: all must match"
        );
        assert_eq!(ids(json!({"ProjectIds": [3, 9]}), g).1, ["crs-b"]);
        assert_eq!(ids(json!({"ProjectIds": [0]}), g).1, ["crs-a", "crs-c"]);
        assert_eq!(ids(json!({"Status": [-2]}), g).1, ["crs-c"]);
        assert_eq!(
            ids(json!({"Status": [2]}), g).1,
            ["crs-a", "crs-b"],
            "Status defaults to 2"
        );
        assert_eq!(
            ids(json!({"InstanceIds": ["crs-c", "crs-a", "crs-x"]}), g).1,
            ["crs-a", "crs-c"]
        );
        assert_eq!(ids(json!({"InstanceId": "crs-d"}), g), (0, vec![]));
        assert_eq!(
            ids(json!({"Limit": 2, "Offset": 1}), g),
            (3, vec!["crs-b".into(), "crs-c".into()])
        );
    }

    #[test]
    fn limit_and_offset_rules() {
        let s = store();
        for (params, needle) in [
            (json!({"Limit": 0}), "between 1 and 1000"),
            (json!({"Limit": 1001}), "between 1 and 1000"),
            (json!({"Offset": -1}), "Offset"),
        ] {
            let err = describe_instances(&s, params.as_object().unwrap(), None, "r").unwrap_err();
            assert_eq!(err.code, "InvalidParameter.InvalidParameter");
            assert!(err.message.contains(needle), "{}", err.message);
        }
        let twenty = Store::Generated(Generated::new(100, 30, 1_780_000_000));
        let body = describe_instances(&twenty, &Map::new(), Some("ap-guangzhou"), "r").unwrap();
        let doc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(doc["Response"]["TotalCount"], 30);
        assert_eq!(
            doc["Response"]["InstanceSet"].as_array().unwrap().len(),
            20,
            "Limit defaults to 20"
        );
        assert_eq!(
            doc["Response"]["InstanceSet"][0]["InstanceId"],
            "crs-gen00001"
        );
        assert_eq!(doc["Response"]["InstanceSet"][0]["Status"], 2);
    }

    #[test]
    fn generated_instances_filter_like_stored_ones() {
        let g = Store::Generated(Generated::new(100, 30, 1_780_000_000));
        let (total, page) = list(
            &g,
            &Filter {
                region: Some("ap-guangzhou"),
                instance_id: None,
                instance_ids: None,
                search_key: Some("0001"),
                project_ids: None,
                status: None,
                tags: Vec::new(),
            },
            0,
            100,
        );
        assert_eq!(
            total, 11,
            "crs-gen00001 and crs-gen00010 ..= crs-gen00019 hold 0001"
        );
        assert_eq!(page[1].0, "crs-gen00010");
        let (total, _) = list(
            &g,
            &Filter {
                region: Some("ap-shanghai"),
                instance_id: None,
                instance_ids: None,
                search_key: None,
                project_ids: None,
                status: None,
                tags: Vec::new(),
            },
            0,
            100,
        );
        assert_eq!(total, 0);
    }
}
