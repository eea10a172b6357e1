//! The `DescribeInstanceBackups` request: its seven parameters, a builder, validation before
//! anything is sent, and the exact JSON body / GET query serialisation.

use serde::{Deserialize, Serialize};

/// Parameters of `DescribeInstanceBackups`. Every field is optional; only the fields that are set
/// are sent. Field order is the official model's order, which the JSON body keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeInstanceBackupsRequest {
    /// Page size, 1..=100 (server default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Page offset, >= 0, normally a multiple of `limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Instance ID such as `crs-5a4py64p`; absent means every instance of the region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Window start, `YYYY-MM-DD HH:MM:SS` Beijing time (on the backup's StartTime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<String>,
    /// Window end, same format; the window may span at most 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Status filter (1, 2, 3, 4, -1, -2); absent means no filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<i64>>,
    /// Instance name, substring match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_name: Option<String>,
}
