//! redis `DescribeAutoBackupConfig` (2018-04-12): the request (`InstanceId`, required), the
//! answer (`AutoBackupType`, `WeekDays`, `TimePeriod`, `BackupStorageDays`,
//! `BinlogStorageDays`; fields the docs mark "ignore" are kept but unused), and the
//! [`Schedule`] it describes: on which Beijing-time weekdays, in which hour window, a backup is
//! expected, and which slot was the last one due.
//!
//! ```
//! use tcredis_core::auto_backup::Schedule;
//!
//! // Every Monday and Thursday between 02:00 and 03:00 Beijing time.
//! let schedule = Schedule::parse(&["Monday", "Thursday"], "02:00-03:00")?;
//! // 2026-06-04 (a Thursday) 05:00 Beijing = 2026-06-03T21:00:00Z.
//! let now = 1_780_520_400;
//! let slot = schedule.last_due_slot(now, 3600).expect("one is due");
//! assert_eq!(slot.start, 1_780_509_600); // 2026-06-04 02:00 Beijing
//! assert_eq!(slot.end, slot.start + 3600);
//! assert_eq!(Schedule::parse(&[], "02:00-03:00")?.last_due_slot(now, 0), None);
//! # Ok::<(), tcredis_core::auto_backup::ScheduleError>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{MalformedKind, MalformedResponse, ResponseError};

/// The parameters: the instance whose schedule is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeAutoBackupConfigRequest {
    /// `InstanceId` (required).
    pub instance_id: String,
}

impl DescribeAutoBackupConfigRequest {
    /// The request for `instance_id`.
    pub fn new(instance_id: impl Into<String>) -> Self {
        Self {
            instance_id: instance_id.into(),
        }
    }
    /// The compact JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec())
    }
}

/// The answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeAutoBackupConfigResponse {
    /// `AutoBackupType` (the docs: "ignore").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_backup_type: Option<i64>,
    /// `WeekDays`: `Monday` … `Sunday`; empty means no scheduled backup.
    #[serde(default)]
    pub week_days: Vec<String>,
    /// `TimePeriod`: `HH:00-HH:00`, Beijing time (`23:00-00:00` ends at midnight).
    #[serde(default)]
    pub time_period: String,
    /// `BackupStorageDays`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_storage_days: Option<i64>,
    /// `BinlogStorageDays` (the docs: "ignore").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binlog_storage_days: Option<i64>,
    /// `RequestId`.
    #[serde(default)]
    pub request_id: String,
}

impl DescribeAutoBackupConfigResponse {
    /// The schedule this configuration describes.
    pub fn schedule(&self) -> Result<Schedule, ScheduleError> {
        let days: Vec<&str> = self.week_days.iter().map(String::as_str).collect();
        Schedule::parse(&days, &self.time_period)
    }
}

/// Parses a `DescribeAutoBackupConfig` body (an error envelope is a typed API error).
pub fn parse_response(body: &[u8]) -> Result<DescribeAutoBackupConfigResponse, ResponseError> {
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: Option<serde_json::Value>,
    }
    let malformed =
        |kind, detail: String| ResponseError::Malformed(MalformedResponse::new(kind, detail, body));
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|e| malformed(MalformedKind::NotJson, e.to_string()))?;
    let Some(response) = envelope.response else {
        return Err(malformed(
            MalformedKind::NoResponseObject,
            "no Response object".into(),
        ));
    };
    if let Some(api) = crate::error::ApiError::from_body(body) {
        return Err(ResponseError::Api(api));
    }
    serde_json::from_value(response).map_err(|e| {
        malformed(
            MalformedKind::WrongType {
                path: "Response".into(),
            },
            e.to_string(),
        )
    })
}

/// A schedule that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleError {
    /// A `WeekDays` entry is not `Monday` … `Sunday`.
    WeekDay(String),
    /// `TimePeriod` is not `HH:00-HH:00` with two different hours.
    TimePeriod(String),
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WeekDay(d) => write!(f, "week day {d:?} is not one of Monday … Sunday"),
            Self::TimePeriod(p) => write!(
                f,
                "time period {p:?} is not of the form HH:00-HH:00 (e.g. 02:00-03:00 or 23:00-00:00)"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

const WEEK_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAY: i64 = 86_400;
const BEIJING_OFFSET: i64 = 8 * 3600;

/// One expected backup window, Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    /// Start of the window.
    pub start: i64,
    /// End of the window.
    pub end: i64,
}

/// When backups are expected: weekdays (Beijing time) and an hour window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Schedule {
    /// Bit `d` set: weekday `d` (0 = Monday) has a slot.
    days: u8,
    start_hour: u8,
    hours: u8,
}

impl Schedule {
    /// From `WeekDays` names and a `TimePeriod`.
    pub fn parse(week_days: &[&str], time_period: &str) -> Result<Self, ScheduleError> {
        let mut days = 0u8;
        for day in week_days {
            let index = WEEK_DAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(day.trim()))
                .ok_or_else(|| ScheduleError::WeekDay((*day).to_owned()))?;
            days |= 1 << index;
        }
        let bad = || ScheduleError::TimePeriod(time_period.to_owned());
        let (from, to) = time_period.trim().split_once('-').ok_or_else(bad)?;
        let hour = |t: &str| -> Option<u8> {
            let (h, m) = t.trim().split_once(':')?;
            let h: u8 = h.parse().ok()?;
            (m == "00" && h < 24).then_some(h)
        };
        let (start, end) = (hour(from).ok_or_else(bad)?, hour(to).ok_or_else(bad)?);
        if start == end {
            return Err(bad());
        }
        Ok(Self {
            days,
            start_hour: start,
            hours: (end + 24 - start) % 24,
        })
    }

    /// `true` when no weekday is scheduled (nothing is expected).
    pub fn is_empty(&self) -> bool {
        self.days == 0
    }

    /// The slot that starts on the Beijing-time day `day` (days since 1970-01-01), if that
    /// weekday is scheduled.
    pub fn slot_on_day(&self, day: i64) -> Option<Slot> {
        let weekday = (day + 3).rem_euclid(7); // 1970-01-01 was a Thursday
        if self.days & (1 << weekday) == 0 {
            return None;
        }
        let start = day * DAY + i64::from(self.start_hour) * 3600 - BEIJING_OFFSET;
        Some(Slot {
            start,
            end: start + i64::from(self.hours) * 3600,
        })
    }

    /// The latest slot whose end plus `grace` seconds is at or before `now`: the last one a
    /// backup should already have started in. `None` when nothing is scheduled.
    pub fn last_due_slot(&self, now: i64, grace: i64) -> Option<Slot> {
        if self.is_empty() {
            return None;
        }
        let today = (now + BEIJING_OFFSET).div_euclid(DAY);
        (today - 8..=today)
            .rev()
            .filter_map(|day| self.slot_on_day(day))
            .find(|slot| slot.end.saturating_add(grace) <= now)
    }

    /// Every slot that starts in `(after, until]`, oldest first.
    pub fn slots_between(&self, after: i64, until: i64) -> impl Iterator<Item = Slot> + '_ {
        let first = (after + BEIJING_OFFSET).div_euclid(DAY);
        let last = (until + BEIJING_OFFSET).div_euclid(DAY);
        (first..=last)
            .filter_map(|day| self.slot_on_day(day))
            .filter(move |slot| slot.start > after && slot.start <= until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_ending_at_midnight_is_one_hour() {
        let s = Schedule::parse(&["Sunday"], "23:00-00:00").unwrap();
        // 2026-06-07 is a Sunday: day number 20611.
        let slot = s.slot_on_day(20_611).unwrap();
        assert_eq!(slot.end - slot.start, 3600);
        assert_eq!(s.slot_on_day(20_610), None, "Saturday is not scheduled");
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(
            Schedule::parse(&["Funday"], "02:00-03:00"),
            Err(ScheduleError::WeekDay("Funday".into()))
        );
        for bad in ["02:30-03:00", "2-3", "02:00-02:00", "25:00-01:00", ""] {
            assert!(Schedule::parse(&["Monday"], bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_due_slot_waits_for_the_grace() {
        let s = Schedule::parse(&WEEK_DAYS, "02:00-03:00").unwrap();
        let slot = s.slot_on_day(20_608).unwrap();
        assert_eq!(
            s.last_due_slot(slot.end + 7199, 7200).unwrap().start,
            slot.start - DAY
        );
        assert_eq!(s.last_due_slot(slot.end + 7200, 7200).unwrap(), slot);
        let between: Vec<_> = s
            .slots_between(slot.start - 1, slot.start + 2 * DAY)
            .collect();
        assert_eq!(between.len(), 3);
    }
}
