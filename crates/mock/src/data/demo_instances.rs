//! The demo instances' `DescribeInstances` fields (zone, project, type, engine, size, creation
//! time, tags), kept apart from the demo backups so each can change on its own. The newest
//! demo instance, `crs-demo0005` (no backups yet), is still initialising (Status 0).

use serde_json::json;
use tcredis_core::time::BeijingTime;

use super::seed::{Seed, SeedInstance};

const DAY: i64 = 86_400;

/// `unix` as the API writes times: `YYYY-MM-DD HH:MM:SS`, Beijing time (core's rule).
fn beijing(unix: i64) -> String {
    BeijingTime::from_unix(unix).to_string()
}

/// (InstanceId, Status, ZoneId, ProjectId, Type, Size MB, days since creation, env tag, team tag)
type Fields = (
    &'static str,
    i64,
    i64,
    i64,
    i64,
    f64,
    i64,
    &'static str,
    &'static str,
);

const FIELDS: &[Fields] = &[
    (
        "crs-demo0001",
        2,
        100_003,
        0,
        16,
        8192.0,
        400,
        "prod",
        "orders",
    ),
    ("crs-demo0002", 2, 200_002, 1, 6, 1024.0, 300, "prod", "web"),
    (
        "crs-demo0003",
        2,
        200_101,
        2,
        16,
        4096.0,
        200,
        "prod",
        "risk",
    ),
    (
        "crs-demo0004",
        2,
        800_002,
        1,
        15,
        16384.0,
        365,
        "staging",
        "data",
    ),
    ("crs-demo0005", 0, 100_004, 0, 16, 256.0, 0, "dev", "orders"),
    ("crs-demo0006", 2, 150_001, 3, 6, 512.0, 90, "prod", "web"),
];

/// Adds the fields to the demo seed's instances (anchored at `now`).
pub(crate) fn with_instance_fields(seed: Seed, now: i64) -> Seed {
    let instances = seed.instances().to_vec();
    let mut out = Seed::new();
    for instance in instances {
        let decorated = match FIELDS.iter().find(|f| f.0 == instance.instance_id()) {
            Some(&(_, status, zone, project, kind, size, age_days, env, team)) => decorate(
                instance,
                status,
                zone,
                project,
                kind,
                size,
                now - age_days * DAY,
                env,
                team,
            ),
            None => instance,
        };
        out = out.instance(decorated);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn decorate(
    instance: SeedInstance,
    status: i64,
    zone: i64,
    project: i64,
    kind: i64,
    size: f64,
    created: i64,
    env: &str,
    team: &str,
) -> SeedInstance {
    // Created at 10:00 Beijing time on its day.
    let created = created.div_euclid(DAY) * DAY + 2 * 3600;
    instance
        .field("Status", json!(status))
        .field("ZoneId", json!(zone))
        .field("ProjectId", json!(project))
        .field("Type", json!(kind))
        .field("Engine", json!("Redis"))
        .field("Size", json!(size))
        .field("Createtime", json!(beijing(created)))
        .tag("env", env)
        .tag("team", team)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_demo_instance_is_described() {
        let seed = super::super::demo::demo_seed(1_780_286_400);
        for instance in seed.instances() {
            assert!(
                instance.fields().as_map().contains_key("ZoneId"),
                "{}",
                instance.instance_id()
            );
        }
        let new = seed
            .instances()
            .iter()
            .find(|i| i.instance_id() == "crs-demo0005")
            .unwrap();
        assert_eq!(new.status(), 0);
        assert!(new.backups().is_empty());
    }
}
