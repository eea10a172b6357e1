//! The backup timeline: a grid of the last days (columns, Beijing dates) by instance (rows),
//! each cell the day's state, so a missed night stands out across a fleet. Drawn on a terminal
//! by `backups timeline` ([`crate::output::timeline`]) and as HTML by the exporter's page.
//!
//! A cell is **missed** when the instance's schedule had a slot that day, due by now (its end
//! plus the grace has passed), and no backup of any status started in `[slot start, slot end +
//! grace]` (a backup that has since expired still counts: the night was not missed). Otherwise
//! it is the day's best: **ok** (a good backup, Status 2/3/4, started that day), **running**
//! (Status 1), **expired** (only expired or deleted backups), or **none**.

use tcredis_core::auto_backup::Schedule;
use tcredis_core::response::BackupStatus;
use tcredis_core::time::{BeijingTime, civil_from_days};
use tcredis_transport_hyper::fleet::{FleetInstance, InstanceSurvey, SurveyResult};

const DAY: i64 = 86_400;
const BEIJING_OFFSET: i64 = 8 * 3600;

/// One cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayState {
    /// A good backup started that day.
    Ok,
    /// Only a backup still running.
    Running,
    /// Only expired or deleted backups.
    Expired,
    /// No backup, and nothing was expected.
    None,
    /// The schedule's slot that day has no backup.
    Missed,
}

impl DayState {
    /// Every state, in the legend's order.
    pub const ALL: [DayState; 5] = [
        DayState::Ok,
        DayState::Running,
        DayState::Expired,
        DayState::Missed,
        DayState::None,
    ];

    /// The name used in the legend, in HTML classes and in tests.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Running => "running",
            Self::Expired => "expired",
            Self::None => "none",
            Self::Missed => "missed",
        }
    }

    /// The plain character for the cell.
    pub fn symbol(self) -> char {
        match self {
            Self::Ok => '#',
            Self::Running => 'r',
            Self::Expired => 'e',
            Self::None => '.',
            Self::Missed => 'X',
        }
    }
}

/// One row.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The instance.
    pub instance: &'a FleetInstance,
    /// One cell per day, oldest first.
    pub cells: Vec<DayState>,
}

/// The grid.
#[derive(Debug, Clone)]
pub struct Grid<'a> {
    /// The days (Beijing, days since 1970-01-01), oldest first; the last is today.
    pub days: Vec<i64>,
    /// One row per listed instance, in the survey's order.
    pub rows: Vec<Row<'a>>,
}

/// The Beijing day number of `unix`.
pub fn beijing_day(unix: i64) -> i64 {
    (unix + BEIJING_OFFSET).div_euclid(DAY)
}

/// The first instant of Beijing day `day`, Unix seconds.
pub fn day_start(day: i64) -> i64 {
    day * DAY - BEIJING_OFFSET
}

/// The date of Beijing day `day`, `YYYY-MM-DD`.
pub fn date(day: i64) -> String {
    let text = BeijingTime::from_unix(day_start(day)).to_string();
    text.split(' ').next().unwrap_or_default().to_owned()
}

/// The day of the month of Beijing day `day`.
pub fn day_of_month(day: i64) -> u8 {
    civil_from_days(day).day
}

/// How far back a survey must list for a grid of `days` days ending today.
pub fn lookback_for(now: i64, days: u32) -> i64 {
    now - day_start(beijing_day(now) - i64::from(days.max(1)) + 1)
}

/// Builds the grid of the last `days` days at `now` from the listed instances; `schedule` gives
/// an instance's schedule, `grace` the seconds after a slot's end a backup may still start.
pub fn build<'a>(
    instances: impl IntoIterator<Item = &'a InstanceSurvey>,
    schedule: &dyn Fn(&FleetInstance) -> Option<Schedule>,
    now: i64,
    days: u32,
    grace: i64,
) -> Grid<'a> {
    let today = beijing_day(now);
    let days: Vec<i64> = (today - i64::from(days.max(1)) + 1..=today).collect();
    let rows = instances
        .into_iter()
        .filter_map(|s| match &s.result {
            SurveyResult::Listed(census) => Some((s, census)),
            _ => None,
        })
        .map(|(s, census)| {
            let cells = cells(&census.starts, schedule(&s.instance), &days, now, grace);
            Row {
                instance: &s.instance,
                cells,
            }
        })
        .collect();
    Grid { days, rows }
}

/// The cells of one instance: `starts` are its backups' `(StartTime, Status)`.
pub fn cells(
    starts: &[(i64, i64)],
    schedule: Option<Schedule>,
    days: &[i64],
    now: i64,
    grace: i64,
) -> Vec<DayState> {
    days.iter()
        .map(|&day| {
            if let Some(slot) = schedule.and_then(|sch| sch.slot_on_day(day)) {
                let until = slot.end.saturating_add(grace);
                let kept = starts.iter().any(|&(t, _)| t >= slot.start && t <= until);
                if until <= now && !kept {
                    return DayState::Missed;
                }
            }
            let statuses: Vec<BackupStatus> = starts
                .iter()
                .filter(|&&(t, _)| beijing_day(t) == day)
                .map(|&(_, code)| BackupStatus::from_code(code))
                .collect();
            if statuses.iter().any(|s| s.is_good()) {
                DayState::Ok
            } else if statuses.contains(&BackupStatus::Running) {
                DayState::Running
            } else if statuses
                .iter()
                .any(|s| matches!(s, BackupStatus::Expired | BackupStatus::Deleted))
            {
                DayState::Expired
            } else {
                DayState::None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_beijing_dates() {
        // 2026-06-01 00:30 Beijing = 2026-05-31T16:30:00Z.
        let t = 1_780_245_000;
        assert_eq!(date(beijing_day(t)), "2026-06-01");
        assert_eq!(day_of_month(beijing_day(t)), 1);
        assert_eq!(
            lookback_for(t, 1),
            1800,
            "today only: since Beijing midnight"
        );
    }

    #[test]
    fn a_missed_slot_stands_out_and_other_days_show_their_best_state() {
        let daily = Schedule::parse(
            &[
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            "02:00-03:00",
        )
        .unwrap();
        let at = |t: &str| BeijingTime::parse(t).unwrap().unix();
        let now = at("2026-06-06 12:00:00");
        let days: Vec<i64> = (beijing_day(now) - 5..=beijing_day(now)).collect();
        let starts = [
            (at("2026-06-01 02:05:00"), -1), // kept its slot, expired since
            (at("2026-06-02 02:05:00"), 2),
            // 2026-06-03: nothing in the slot; a manual backup in the evening
            (at("2026-06-03 20:00:00"), 2),
            (at("2026-06-04 02:05:00"), 1), // still running
            (at("2026-06-05 04:30:00"), 2), // after the slot, within 2 h of grace
            (at("2026-06-06 02:05:00"), 2),
        ];
        use DayState::*;
        let with_schedule = cells(&starts, Some(daily), &days, now, 2 * 3600);
        assert_eq!(with_schedule, [Expired, Ok, Missed, Running, Ok, Ok]);
        let with_less_grace = cells(&starts, Some(daily), &days, now, 3600);
        assert_eq!(with_less_grace[4], Missed, "04:30 is after 03:00 + 1 h");
        let no_schedule = cells(&starts, Option::None, &days, now, 2 * 3600);
        assert_eq!(no_schedule, [Expired, Ok, Ok, Running, Ok, Ok]);
        let early = at("2026-06-06 04:00:00");
        let today_not_due = cells(&[], Some(daily), &days[5..], early, 2 * 3600);
        assert_eq!(today_not_due, [None], "the slot's grace has not passed yet");
    }
}
