//! The backup metric families, built from a fleet survey: what `check -o prometheus`, the
//! `--textfile` and the exporter all publish. Labels `region`, `instance_id`, `instance_name`
//! (empty for `--instance-id`s, which are not described) unless noted; `status` carries the
//! status names (`running`, `ok`, `exporting`, `exported`, `expired`, `deleted`, or the number).
//! Every named status is published for each listed instance (0 when it has none), so a sum over
//! an instance's `tcredis_backups` is 0, not absent, for an instance without backups.

use tcredis_core::response::BackupStatus;
use tcredis_transport_hyper::fleet::{
    FleetInstance, InstanceSurvey, RegionResult, SurveyRegion, SurveyResult,
};

use super::exposition::{Family, MetricType};

/// What an instance's schedule expected, for the schedule families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotState {
    /// Start of the last slot the schedule expected a backup in, Unix seconds.
    pub expected_start: i64,
    /// Whether no good backup started in `[slot start, slot end + grace]`.
    pub missed: bool,
}

fn instance_labels(i: &FleetInstance) -> Vec<(&'static str, String)> {
    vec![
        ("region", i.region.clone()),
        ("instance_id", i.instance_id.clone()),
        ("instance_name", i.instance_name.clone().unwrap_or_default()),
    ]
}

fn with(
    mut labels: Vec<(&'static str, String)>,
    name: &'static str,
    value: String,
) -> Vec<(&'static str, String)> {
    labels.push((name, value));
    labels
}

fn info_labels(i: &FleetInstance) -> Vec<(&'static str, String)> {
    let described = i.described.as_ref();
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut labels = instance_labels(i);
    labels.extend([
        // The API's number (2 running, 1 in process, 0 initialising, -2 isolated, -3 being
        // deleted), as the alert rules select on it.
        ("instance_status", number(i.status)),
        ("type", number(described.and_then(|d| d.instance_type))),
        ("zone_id", number(described.and_then(|d| d.zone_id))),
        ("project_id", number(described.and_then(|d| d.project_id))),
    ]);
    labels
}

/// `tcredis_collect_success{region}`: 1 when the region's last collection succeeded.
pub fn collect_success<'a>(regions: impl IntoIterator<Item = (&'a str, bool)>) -> Family {
    let mut family = Family::new(
        "tcredis_collect_success",
        MetricType::Gauge,
        "1 when the last collection of the region succeeded, 0 when it failed.",
    );
    for (region, ok) in regions {
        family.push(vec![("region", region.to_owned())], f64::from(u8::from(ok)));
    }
    family
}

/// Whether a survey's region succeeded (not [`RegionResult::Failed`]).
pub fn region_succeeded(region: &SurveyRegion) -> bool {
    !matches!(region.report.result, RegionResult::Failed(_))
}

/// The backup families of a survey, and `tcredis_instance_info`. `slot` gives each listed
/// instance's schedule state; the schedule families are published only when `with_schedule`.
pub fn backup_families<'a>(
    instances: impl IntoIterator<Item = &'a InstanceSurvey>,
    with_schedule: bool,
    slot: &dyn Fn(&FleetInstance) -> Option<SlotState>,
) -> Vec<Family> {
    let mut start = Family::new(
        "tcredis_backup_last_good_timestamp_seconds",
        MetricType::Gauge,
        "StartTime of the newest good backup (status ok, exporting or exported) within the lookback, Unix seconds.",
    );
    let mut end = Family::new(
        "tcredis_backup_last_good_end_timestamp_seconds",
        MetricType::Gauge,
        "EndTime of the newest good backup within the lookback, Unix seconds.",
    );
    let mut size = Family::new(
        "tcredis_backup_last_good_size_bytes",
        MetricType::Gauge,
        "BackupSize of the newest good backup within the lookback, bytes.",
    );
    let mut count = Family::new(
        "tcredis_backups",
        MetricType::Gauge,
        "Backups within the lookback, by status.",
    );
    let mut expected = Family::new(
        "tcredis_backup_expected_timestamp_seconds",
        MetricType::Gauge,
        "Start of the last slot the instance's automatic backup schedule expected a backup in, Unix seconds.",
    );
    let mut missed = Family::new(
        "tcredis_backup_schedule_missed",
        MetricType::Gauge,
        "1 when no good backup started in the last expected slot (plus grace), else 0.",
    );
    let mut info = Family::new(
        "tcredis_instance",
        MetricType::Info,
        "The instances looked at, as DescribeInstances describes them.",
    );
    for s in instances {
        let labels = instance_labels(&s.instance);
        info.push(info_labels(&s.instance), 1.0);
        let SurveyResult::Listed(census) = &s.result else {
            continue;
        };
        if let Some(newest) = census.good.newest() {
            start.push(labels.clone(), newest.start as f64);
            if let Some(t) = newest.end {
                end.push(labels.clone(), t as f64);
            }
            if let Some(bytes) = newest.size {
                size.push(labels.clone(), bytes as f64);
            }
        }
        let mut statuses: Vec<BackupStatus> = BackupStatus::ALL.to_vec();
        for &code in census.by_status.keys() {
            let status = BackupStatus::from_code(code);
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
        for status in statuses {
            let n = census.by_status.get(&status.code()).copied().unwrap_or(0);
            count.push(with(labels.clone(), "status", status.to_string()), n as f64);
        }
        if with_schedule && let Some(state) = slot(&s.instance) {
            expected.push(labels.clone(), state.expected_start as f64);
            missed.push(labels, f64::from(u8::from(state.missed)));
        }
    }
    let mut families = vec![start, end, size, count];
    if with_schedule {
        families.extend([expected, missed]);
    }
    families.push(info);
    families
}
