//! The `DescribeInstanceBackups` response: tolerant typed parsing of `RedisBackupSet` items with
//! each item's raw JSON kept, plus a borrowing view for speed.
//!
//! Parsing never looks at the Content-Type: the bytes decide. `Response.Error` becomes
//! [`ResponseError::Api`]; anything else that is not a well-formed answer becomes
//! [`ResponseError::Malformed`] with the place that was wrong.
//!
//! ```
//! use tcredis_core::response::{parse_response, BackupStatus, BackupType};
//!
//! let body = br#"{"Response":{"BackupSet":[{"BackupId":"165706342-5832225-1641692389",
//!     "BackupType":"1","Status":2,"StartTime":"2026-06-01 02:00:48","NewField":[1]}],
//!     "TotalCount":6,"RequestId":"66bb2e15-b864-46ea-894d-529885087fb8"}}"#;
//! let page = parse_response(body)?;
//! assert_eq!(page.total_count, 6);
//! let backup = &page.backup_set[0];
//! assert_eq!(backup.backup_id.as_deref(), Some("165706342-5832225-1641692389"));
//! assert_eq!(backup.parsed_backup_type(), Some(BackupType::Automatic));
//! assert_eq!(backup.parsed_status(), Some(BackupStatus::Ok));
//! assert!(backup.raw_json().contains("\"NewField\":[1]")); // unknown fields kept in the raw JSON
//! # Ok::<(), tcredis_core::error::ResponseError>(())
//! ```

// The modules form a DAG: kinds and strings are leaves; model (the field table) uses both;
// de, envelope and fast use model and strings; owned uses envelope; page and view use all of
// those; nothing imports this file's items back.
mod de;
mod envelope;
mod fast;
mod kinds;
mod model;
mod owned;
mod page;
mod strings;
mod view;

pub use crate::error::{MalformedKind, MalformedResponse, ResponseError};
pub use kinds::{BackupStatus, BackupType, StatusParseError};
pub use model::{BackupView, FIELD_NAMES, Field, FieldKind, FieldValue, RedisBackupSet};
pub use owned::Backup;
pub use page::{DescribeInstanceBackupsResponse, parse_response};
pub use view::{PageView, parse_response_borrowed};
