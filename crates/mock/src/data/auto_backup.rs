//! An instance's backup schedule: the seed's `AutoBackupConfig` object under the
//! `DescribeAutoBackupConfig` response names, checked at start (the error names the field's
//! path), the answer that action gives, and the daily schedule of demo and generated instances.

use serde::Serialize;
use serde_json::{Map, Value};
use tcredis_core::auto_backup::Schedule;

/// Every weekday, in the API's spelling (the daily schedule).
pub(crate) const EVERY_DAY: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// An instance's automatic backup configuration (`DescribeAutoBackupConfig`'s answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoBackupConfig {
    pub(crate) auto_backup_type: i64,
    pub(crate) week_days: Vec<String>,
    pub(crate) time_period: String,
    pub(crate) backup_storage_days: i64,
    pub(crate) binlog_storage_days: i64,
    pub(crate) schedule: Schedule,
}

impl AutoBackupConfig {
    /// Backups on `week_days` (`Monday` … `Sunday`) in the hour window `time_period`
    /// (`HH:00-HH:00`, Beijing time; `23:00-00:00` allowed), kept `backup_storage_days` days.
    pub fn new(
        week_days: &[&str],
        time_period: &str,
        backup_storage_days: i64,
    ) -> Result<Self, String> {
        let schedule = Schedule::parse(week_days, time_period).map_err(|e| e.to_string())?;
        if backup_storage_days < 1 {
            return Err(format!(
                "BackupStorageDays {backup_storage_days} must be 1 or more"
            ));
        }
        Ok(Self {
            auto_backup_type: 1,
            week_days: week_days.iter().map(|d| (*d).to_owned()).collect(),
            time_period: time_period.to_owned(),
            backup_storage_days,
            binlog_storage_days: 7,
            schedule,
        })
    }

    /// Every day between 02:00 and 03:00 Beijing time, kept 7 days (demo and generated
    /// instances).
    pub fn daily() -> Self {
        Self::new(&EVERY_DAY, "02:00-03:00", 7).unwrap_or_else(|_| unreachable!("valid"))
    }

    /// The parsed schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// `BackupStorageDays`.
    pub fn backup_storage_days(&self) -> i64 {
        self.backup_storage_days
    }

    /// The `DescribeAutoBackupConfig` answer fields (without RequestId).
    pub(crate) fn answer<'a>(&'a self, request_id: &'a str) -> Answer<'a> {
        Answer {
            auto_backup_type: self.auto_backup_type,
            week_days: self.week_days.iter().map(String::as_str).collect(),
            time_period: &self.time_period,
            backup_storage_days: self.backup_storage_days,
            binlog_storage_days: self.binlog_storage_days,
            request_id,
        }
    }
}

/// The answer for an instance without a schedule: no weekday, so nothing is expected.
pub(crate) fn unscheduled_answer(request_id: &str) -> Answer<'_> {
    Answer {
        auto_backup_type: 1,
        week_days: Vec::new(),
        time_period: "00:00-01:00",
        backup_storage_days: 7,
        binlog_storage_days: 7,
        request_id,
    }
}

/// `DescribeAutoBackupConfig`'s `Response` fields in the official model's order.
#[derive(Debug, Serialize)]
pub(crate) struct Answer<'a> {
    #[serde(rename = "AutoBackupType")]
    auto_backup_type: i64,
    #[serde(rename = "WeekDays")]
    week_days: Vec<&'a str>,
    #[serde(rename = "TimePeriod")]
    time_period: &'a str,
    #[serde(rename = "BackupStorageDays")]
    backup_storage_days: i64,
    #[serde(rename = "BinlogStorageDays")]
    binlog_storage_days: i64,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

/// A wrong `AutoBackupConfig` field: its JSON path and what is wrong (the seed reader turns it
/// into a `SeedError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldProblem {
    pub(crate) path: String,
    pub(crate) problem: String,
}

impl FieldProblem {
    fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            problem: problem.into(),
        }
    }
}

/// Reads a seed instance's `AutoBackupConfig` (absent or `null`: no schedule).
pub(crate) fn parse(
    object: &Map<String, Value>,
    path: &str,
) -> Result<Option<AutoBackupConfig>, FieldProblem> {
    let path = format!("{path}.AutoBackupConfig");
    let config = match object.get("AutoBackupConfig") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(config)) => config,
        Some(_) => {
            return Err(FieldProblem::new(
                path,
                "expected an object {\"WeekDays\": [...], \"TimePeriod\": \"HH:00-HH:00\", \"BackupStorageDays\": N}",
            ));
        }
    };
    let integer = |key: &str, default: i64| -> Result<i64, FieldProblem> {
        match config.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(value) => value
                .as_i64()
                .ok_or_else(|| FieldProblem::new(format!("{path}.{key}"), "expected an integer")),
        }
    };
    let week_days: Vec<String> = match config.get("WeekDays") {
        Some(Value::Array(days)) => days
            .iter()
            .enumerate()
            .map(|(i, day)| {
                day.as_str().map(str::to_owned).ok_or_else(|| {
                    FieldProblem::new(
                        format!("{path}.WeekDays[{i}]"),
                        "expected a weekday name (Monday … Sunday)",
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        None | Some(Value::Null) => {
            return Err(FieldProblem::new(
                format!("{path}.WeekDays"),
                "missing: an array of weekday names (Monday … Sunday; [] for none)",
            ));
        }
        Some(_) => {
            return Err(FieldProblem::new(
                format!("{path}.WeekDays"),
                "expected an array of weekday names (Monday … Sunday)",
            ));
        }
    };
    let time_period = match config.get("TimePeriod") {
        Some(Value::String(text)) => text.clone(),
        _ => {
            return Err(FieldProblem::new(
                format!("{path}.TimePeriod"),
                "expected a string \"HH:00-HH:00\" (Beijing time, e.g. \"02:00-03:00\")",
            ));
        }
    };
    let days: Vec<&str> = week_days.iter().map(String::as_str).collect();
    let schedule = Schedule::parse(&days, &time_period).map_err(|e| {
        let field = match e {
            tcredis_core::auto_backup::ScheduleError::WeekDay(_) => "WeekDays",
            _ => "TimePeriod",
        };
        FieldProblem::new(format!("{path}.{field}"), e.to_string())
    })?;
    let backup_storage_days = integer("BackupStorageDays", 7)?;
    if backup_storage_days < 1 {
        return Err(FieldProblem::new(
            format!("{path}.BackupStorageDays"),
            format!("{backup_storage_days} must be 1 or more"),
        ));
    }
    Ok(Some(AutoBackupConfig {
        auto_backup_type: integer("AutoBackupType", 1)?,
        week_days,
        time_period,
        backup_storage_days,
        binlog_storage_days: integer("BinlogStorageDays", 7)?,
        schedule,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_json(text: &str) -> Result<Option<AutoBackupConfig>, FieldProblem> {
        let value: Value = serde_json::from_str(text).unwrap();
        parse(value.as_object().unwrap(), "instances[0]")
    }

    #[test]
    fn reads_the_api_names_with_defaults() {
        let config = parse_json(
            r#"{"AutoBackupConfig": {"WeekDays": ["Monday", "Friday"], "TimePeriod": "23:00-00:00"}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(config.backup_storage_days, 7);
        assert_eq!(config.week_days, ["Monday", "Friday"]);
        assert!(parse_json("{}").unwrap().is_none());
    }

    #[test]
    fn wrong_values_name_the_field() {
        let cases = [
            (
                r#"{"AutoBackupConfig": 3}"#,
                "instances[0].AutoBackupConfig",
            ),
            (
                r#"{"AutoBackupConfig": {"WeekDays": ["Funday"], "TimePeriod": "02:00-03:00"}}"#,
                "instances[0].AutoBackupConfig.WeekDays",
            ),
            (
                r#"{"AutoBackupConfig": {"WeekDays": [], "TimePeriod": "02:30-03:00"}}"#,
                "instances[0].AutoBackupConfig.TimePeriod",
            ),
            (
                r#"{"AutoBackupConfig": {"WeekDays": [1], "TimePeriod": "02:00-03:00"}}"#,
                "instances[0].AutoBackupConfig.WeekDays[0]",
            ),
            (
                r#"{"AutoBackupConfig": {"WeekDays": [], "TimePeriod": "02:00-03:00", "BackupStorageDays": 0}}"#,
                "instances[0].AutoBackupConfig.BackupStorageDays",
            ),
            (
                r#"{"AutoBackupConfig": {"TimePeriod": "02:00-03:00"}}"#,
                "instances[0].AutoBackupConfig.WeekDays",
            ),
        ];
        for (text, path) in cases {
            assert_eq!(parse_json(text).unwrap_err().path, path, "{text}");
        }
    }
}
