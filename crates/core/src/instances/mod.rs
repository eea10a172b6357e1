//! redis `DescribeInstances` (2018-04-12): the request (the selectors a fleet needs, in the
//! official model's field order) and a tolerant response model that keeps each instance's raw
//! JSON for pass-through.
//!
//! Paging: `Limit` defaults to 20 on the server and may be at most 1000; a
//! [`Listing`](crate::Listing) of this action asks for 1000 per page (fewest requests).
//!
//! ```
//! use tcredis_core::instances::{DescribeInstancesRequest, parse_response};
//!
//! let request = DescribeInstancesRequest::new().search_key("orders").tag("env", "prod");
//! assert_eq!(request.to_json(), br#"{"SearchKey":"orders","InstanceTags":[{"TagKey":"env","TagValue":"prod"}]}"#);
//!
//! let body = br#"{"Response":{"TotalCount":1,"InstanceSet":[{"InstanceId":"crs-1","InstanceName":"orders","Status":2,"ZoneId":100003,"Size":1024.0,"Extra":true}],"RequestId":"r"}}"#;
//! let page = parse_response(body)?;
//! let instance = &page.instance_set[0];
//! assert_eq!(instance.instance_id.as_deref(), Some("crs-1"));
//! assert_eq!(instance.zone_id, Some(100003));
//! assert!(instance.raw_json().contains(r#""Extra":true"#));
//! # Ok::<(), tcredis_core::ResponseError>(())
//! ```

mod request;
mod response;

pub use request::{DescribeInstancesRequest, InstanceTag};
pub use response::{DescribeInstancesResponse, Instance, InstanceStatus, parse_response};

/// The largest `Limit` DescribeInstances accepts.
pub const MAX_LIMIT: u32 = 1000;
