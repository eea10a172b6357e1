//! Enum views of the `BackupType` and `Status` fields: the wire values stay on the item; these
//! give them names.

use std::fmt;

/// What started a backup (`RedisBackupSet.BackupType`, a string on the wire).
///
/// ```
/// use tcredis_core::response::BackupType;
/// assert_eq!(BackupType::from_wire("1"), BackupType::Automatic);
/// assert_eq!(BackupType::from_wire("manualBackupInstance").name(), "manual");
/// assert_eq!(BackupType::from_wire("7").name(), "7");
/// assert_eq!(BackupType::from_wire("systemBackupInstance").short_name(), "auto");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackupType {
    /// `"0"` (legacy `"manualBackupInstance"`): started by a user.
    Manual,
    /// `"1"` (legacy `"systemBackupInstance"`): the system's scheduled backup.
    Automatic,
    /// `"2"`: triggered by a specification change.
    SpecChange,
    /// Any other wire value, kept as received.
    Unknown(String),
}

impl BackupType {
    /// Maps a wire value (`"0"`, `"1"`, `"2"` or a legacy name).
    pub fn from_wire(wire: &str) -> Self {
        match wire {
            "0" | "manualBackupInstance" => BackupType::Manual,
            "1" | "systemBackupInstance" => BackupType::Automatic,
            "2" => BackupType::SpecChange,
            other => BackupType::Unknown(other.to_owned()),
        }
    }
    /// A short name for people: `manual`, `automatic`, `spec-change`, or the unknown wire value.
    pub fn name(&self) -> &str {
        match self {
            BackupType::Manual => "manual",
            BackupType::Automatic => "automatic",
            BackupType::SpecChange => "spec-change",
            BackupType::Unknown(wire) => wire,
        }
    }
    /// The name a table column shows: [`BackupType::name`], with `auto` for `automatic`.
    pub fn short_name(&self) -> &str {
        match self {
            BackupType::Automatic => "auto",
            other => other.name(),
        }
    }
    /// The current wire value (`"0"`, `"1"`, `"2"`, or the unknown value as received).
    pub fn wire(&self) -> &str {
        match self {
            BackupType::Manual => "0",
            BackupType::Automatic => "1",
            BackupType::SpecChange => "2",
            BackupType::Unknown(wire) => wire,
        }
    }
}

impl fmt::Display for BackupType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The state of a backup (`RedisBackupSet.Status`, and the values of the request's `Status`
/// filter), with the names the CLI uses.
///
/// ```
/// use tcredis_core::response::BackupStatus;
/// let s: BackupStatus = "exported".parse().unwrap();
/// assert_eq!(s.code(), 4);
/// assert!(s.is_good());
/// assert_eq!("-1".parse::<BackupStatus>().unwrap(), BackupStatus::Expired);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackupStatus {
    /// 1: in progress (or locked by another process).
    Running,
    /// 2: normal.
    Ok,
    /// 3: being exported (converted to an RDB file).
    Exporting,
    /// 4: export done.
    Exported,
    /// -1: expired.
    Expired,
    /// -2: deleted.
    Deleted,
    /// Any other value, kept.
    Unknown(i64),
}

impl BackupStatus {
    /// Every named status, in code order 1, 2, 3, 4, -1, -2.
    pub const ALL: [BackupStatus; 6] = [
        BackupStatus::Running,
        BackupStatus::Ok,
        BackupStatus::Exporting,
        BackupStatus::Exported,
        BackupStatus::Expired,
        BackupStatus::Deleted,
    ];

    /// Maps a wire value.
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => BackupStatus::Running,
            2 => BackupStatus::Ok,
            3 => BackupStatus::Exporting,
            4 => BackupStatus::Exported,
            -1 => BackupStatus::Expired,
            -2 => BackupStatus::Deleted,
            other => BackupStatus::Unknown(other),
        }
    }
    /// The wire value.
    pub fn code(self) -> i64 {
        match self {
            BackupStatus::Running => 1,
            BackupStatus::Ok => 2,
            BackupStatus::Exporting => 3,
            BackupStatus::Exported => 4,
            BackupStatus::Expired => -1,
            BackupStatus::Deleted => -2,
            BackupStatus::Unknown(code) => code,
        }
    }
    /// `running`, `ok`, `exporting`, `exported`, `expired`, `deleted`, or `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            BackupStatus::Running => "running",
            BackupStatus::Ok => "ok",
            BackupStatus::Exporting => "exporting",
            BackupStatus::Exported => "exported",
            BackupStatus::Expired => "expired",
            BackupStatus::Deleted => "deleted",
            BackupStatus::Unknown(_) => "unknown",
        }
    }
    /// A usable backup: ok (2), exporting (3) or exported (4).
    pub fn is_good(self) -> bool {
        matches!(
            self,
            BackupStatus::Ok | BackupStatus::Exporting | BackupStatus::Exported
        )
    }
}

impl fmt::Display for BackupStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupStatus::Unknown(code) => write!(f, "{code}"),
            known => f.write_str(known.name()),
        }
    }
}

impl From<BackupStatus> for i64 {
    fn from(status: BackupStatus) -> i64 {
        status.code()
    }
}

/// A status name or number that is not a backup status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusParseError {
    input: String,
}

impl fmt::Display for StatusParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a backup status: accepted running (1), ok (2), exporting (3), exported (4), expired (-1), deleted (-2)",
            self.input
        )
    }
}
impl std::error::Error for StatusParseError {}

impl std::str::FromStr for BackupStatus {
    type Err = StatusParseError;
    /// Accepts a name (case-insensitive) or one of the numbers 1, 2, 3, 4, -1, -2.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let by_name = BackupStatus::ALL
            .into_iter()
            .find(|status| status.name().eq_ignore_ascii_case(t));
        let by_code = t
            .parse::<i64>()
            .ok()
            .map(BackupStatus::from_code)
            .filter(|status| !matches!(status, BackupStatus::Unknown(_)));
        by_name.or(by_code).ok_or_else(|| StatusParseError {
            input: s.to_owned(),
        })
    }
}
