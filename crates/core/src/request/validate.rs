//! Client-side validation of a request before it is sent: hard errors for what the server
//! refuses, warnings for what it accepts but probably is not meant.

use super::{DEFAULT_LIMIT, DescribeInstanceBackupsRequest};
use crate::time::BeijingTime;
use std::fmt;

/// The largest accepted `Limit`.
pub const MAX_LIMIT: i64 = 100;
/// The longest BeginTime..EndTime window, in seconds (30 days).
pub const MAX_WINDOW_SECONDS: i64 = 30 * 24 * 3600;
/// Every accepted `Status` filter value: 1 running, 2 ok, 3 exporting, 4 exported, -1 expired,
/// -2 deleted. The current documentation names only 1 and 2; the others are legacy but valid.
pub const STATUS_VALUES: [i64; 6] = [1, 2, 3, 4, -1, -2];

/// Which of the two time parameters a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeParameter {
    /// `BeginTime`.
    BeginTime,
    /// `EndTime`.
    EndTime,
}

impl fmt::Display for TimeParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeParameter::BeginTime => "BeginTime",
            TimeParameter::EndTime => "EndTime",
        })
    }
}

/// A request the server would refuse; the message names the parameter, the value and what
/// is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationError {
    /// `Limit` outside 1..=100.
    LimitOutOfRange {
        /// The value given.
        value: i64,
    },
    /// `Offset` below 0.
    NegativeOffset {
        /// The value given.
        value: i64,
    },
    /// A time that is not `YYYY-MM-DD HH:MM:SS` (or names no real date).
    TimeFormat {
        /// Which parameter.
        parameter: TimeParameter,
        /// The value given.
        value: String,
    },
    /// `BeginTime` later than `EndTime`.
    BeginAfterEnd {
        /// BeginTime as given.
        begin: String,
        /// EndTime as given.
        end: String,
    },
    /// The window spans more than 30 days.
    WindowTooLong {
        /// BeginTime as given.
        begin: String,
        /// EndTime as given.
        end: String,
        /// The window's length in seconds.
        seconds: i64,
    },
    /// A `Status` value outside {1, 2, 3, 4, -1, -2}.
    UnknownStatus {
        /// The value given.
        value: i64,
        /// Its position in the list.
        index: usize,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::LimitOutOfRange { value } => {
                write!(f, "Limit {value} is out of range: accepted 1..={MAX_LIMIT}")
            }
            ValidationError::NegativeOffset { value } => {
                write!(f, "Offset {value} is negative: accepted 0 or more")
            }
            ValidationError::TimeFormat { parameter, value } => write!(
                f,
                "{parameter} {value:?} is not a valid time: accepted YYYY-MM-DD HH:MM:SS (Beijing time, UTC+8), e.g. \"2024-01-31 08:00:00\""
            ),
            ValidationError::BeginAfterEnd { begin, end } => write!(
                f,
                "BeginTime {begin:?} is after EndTime {end:?}: accepted BeginTime <= EndTime"
            ),
            ValidationError::WindowTooLong {
                begin,
                end,
                seconds,
            } => write!(
                f,
                "BeginTime {begin:?} to EndTime {end:?} spans {}: accepted at most 30 days",
                describe_span(*seconds)
            ),
            ValidationError::UnknownStatus { value, index } => write!(
                f,
                "Status.{index} {value} is not a backup status: accepted 1 (running), 2 (ok), 3 (exporting), 4 (exported), -1 (expired), -2 (deleted)"
            ),
        }
    }
}

fn describe_span(seconds: i64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    if rest == 0 {
        format!("{days} days")
    } else {
        format!(
            "{days} days {}h{:02}m{:02}s",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
    }
}

impl std::error::Error for ValidationError {}

/// Something the server accepts but that is probably not meant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationWarning {
    /// `Offset` is not a multiple of the page size; pages will not line up with
    /// `offset = limit * (page - 1)`.
    OffsetNotMultipleOfLimit {
        /// The offset.
        offset: i64,
        /// The limit in effect (20 when absent).
        limit: i64,
    },
    /// A `Status` value the current documentation no longer lists (3, 4, -1, -2).
    LegacyStatus {
        /// The value.
        value: i64,
    },
    /// An empty `Status` list: sent as `[]`, whose meaning the server does not document.
    EmptyStatus,
}

impl fmt::Display for ValidationWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationWarning::OffsetNotMultipleOfLimit { offset, limit } => write!(
                f,
                "Offset {offset} is not a multiple of Limit {limit}: pages will not line up"
            ),
            ValidationWarning::LegacyStatus { value } => write!(
                f,
                "Status {value} is only in older documentation (current: 1, 2); sent as given"
            ),
            ValidationWarning::EmptyStatus => {
                f.write_str("Status is an empty list; omit it to mean no status filter")
            }
        }
    }
}

impl DescribeInstanceBackupsRequest {
    /// Checks the request before it is sent: `Limit` 1..=100; `Offset` >= 0; `BeginTime` and
    /// `EndTime` strictly `YYYY-MM-DD HH:MM:SS`; `BeginTime <= EndTime`; a window of at most
    /// 30 days when both are given; `Status` values in {1, 2, 3, 4, -1, -2}. Returns the first
    /// error, or the warnings (an offset that is not a multiple of the limit, legacy status
    /// values, an empty status list).
    ///
    /// ```
    /// use tcredis_core::request::DescribeInstanceBackupsRequest;
    /// let err = DescribeInstanceBackupsRequest::builder().limit(0).build().validate().unwrap_err();
    /// assert_eq!(err.to_string(), "Limit 0 is out of range: accepted 1..=100");
    /// ```
    pub fn validate(&self) -> Result<Vec<ValidationWarning>, ValidationError> {
        let mut warnings = Vec::new();
        if let Some(limit) = self.limit
            && !(1..=MAX_LIMIT).contains(&limit)
        {
            return Err(ValidationError::LimitOutOfRange { value: limit });
        }
        if let Some(offset) = self.offset {
            if offset < 0 {
                return Err(ValidationError::NegativeOffset { value: offset });
            }
            let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
            if offset % limit != 0 {
                warnings.push(ValidationWarning::OffsetNotMultipleOfLimit { offset, limit });
            }
        }
        let begin = parse_time(TimeParameter::BeginTime, self.begin_time.as_deref())?;
        let end = parse_time(TimeParameter::EndTime, self.end_time.as_deref())?;
        if let (Some(b), Some(e)) = (begin, end) {
            let (begin, end) = (
                self.begin_time.clone().unwrap_or_default(),
                self.end_time.clone().unwrap_or_default(),
            );
            let seconds = e.unix() - b.unix();
            if seconds < 0 {
                return Err(ValidationError::BeginAfterEnd { begin, end });
            }
            if seconds > MAX_WINDOW_SECONDS {
                return Err(ValidationError::WindowTooLong {
                    begin,
                    end,
                    seconds,
                });
            }
        }
        if let Some(statuses) = &self.status {
            if statuses.is_empty() {
                warnings.push(ValidationWarning::EmptyStatus);
            }
            for (index, &value) in statuses.iter().enumerate() {
                if !STATUS_VALUES.contains(&value) {
                    return Err(ValidationError::UnknownStatus { value, index });
                }
                if !matches!(value, 1 | 2) {
                    warnings.push(ValidationWarning::LegacyStatus { value });
                }
            }
        }
        Ok(warnings)
    }
}

fn parse_time(
    parameter: TimeParameter,
    value: Option<&str>,
) -> Result<Option<BeijingTime>, ValidationError> {
    value
        .map(|v| {
            BeijingTime::parse(v).map_err(|_| ValidationError::TimeFormat {
                parameter,
                value: v.to_owned(),
            })
        })
        .transpose()
}
