//! The `DescribeInstanceBackups` request: its seven parameters, a builder, validation before
//! anything is sent, and the exact JSON body / GET query serialisation.
//!
//! ```
//! use tcredis_core::request::DescribeInstanceBackupsRequest;
//! let req = DescribeInstanceBackupsRequest::builder()
//!     .instance_id("crs-5a4py64p")
//!     .limit(20)
//!     .offset(0)
//!     .status([2, 4])
//!     .build();
//! // Valid; Status 4 is only in older documentation, so it comes back as a warning.
//! assert_eq!(req.validate().unwrap().len(), 1);
//! assert_eq!(
//!     req.to_json(),
//!     br#"{"Limit":20,"Offset":0,"InstanceId":"crs-5a4py64p","Status":[2,4]}"#
//! );
//! assert_eq!(req.to_query(), "Limit=20&Offset=0&InstanceId=crs-5a4py64p&Status.0=2&Status.1=4");
//! ```

mod builder;
mod encode;
mod validate;

pub use builder::DescribeInstanceBackupsRequestBuilder;
pub use validate::{
    MAX_LIMIT, MAX_WINDOW_SECONDS, STATUS_VALUES, TimeParameter, ValidationError, ValidationWarning,
};

use serde::{Deserialize, Serialize};

/// The page size the server uses when `Limit` is absent.
pub const DEFAULT_LIMIT: i64 = 20;

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

impl DescribeInstanceBackupsRequest {
    /// An empty request (every field absent).
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a builder.
    pub fn builder() -> DescribeInstanceBackupsRequestBuilder {
        DescribeInstanceBackupsRequestBuilder::default()
    }

    /// The same request for another page: `Offset` and `Limit` replaced, all filters kept.
    /// Paginators call this for each page.
    pub fn with_page(&self, offset: i64, limit: i64) -> Self {
        Self {
            offset: Some(offset),
            limit: Some(limit),
            ..self.clone()
        }
    }

    /// The page size in effect: `Limit`, or the server default 20.
    pub fn effective_limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    /// The JSON body: compact, fields in the official model order (Limit, Offset, InstanceId,
    /// BeginTime, EndTime, Status, InstanceName), only the fields that are set, non-ASCII as
    /// raw UTF-8 (only `"`, `\` and control characters are escaped). `{}` when nothing is set.
    pub fn to_json(&self) -> Vec<u8> {
        encode::json(self, encode::JsonStyle::Compact)
    }

    /// The body exactly as the official Python SDK's `json.dumps` writes it (`", "` and `": "`
    /// separators, non-ASCII as `\uXXXX`). Not what this crate sends; for interoperability
    /// tests of servers that must hash the raw bytes of any client.
    pub fn to_python_json(&self) -> Vec<u8> {
        encode::json(self, encode::JsonStyle::Python)
    }

    /// The GET query string: the same fields in the same order, arrays flattened as
    /// `Status.0=2&Status.1=4`.
    ///
    /// Values are percent-encoded as RFC 3986 says: the unreserved characters
    /// `A-Z a-z 0-9 - . _ ~` are kept, every other byte of the UTF-8 text becomes `%XX` with
    /// upper-case hex, and a space is `%20` (not `+`, which form encoding would use). The TC3
    /// signature covers this exact string, so it must be sent unchanged.
    pub fn to_query(&self) -> String {
        encode::query(self)
    }
}
