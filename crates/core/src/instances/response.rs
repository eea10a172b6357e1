//! [`DescribeInstancesResponse`] and [`Instance`]: tolerant typed fields (names and types from
//! the official SDK models: `ZoneId` an integer, `Size` a float in MB, `Createtime`, resource
//! tags in `InstanceTags`) next to each item's raw JSON.

use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::InstanceTag;
use crate::error::{MalformedKind, MalformedResponse, ResponseError};

/// An instance's `Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InstanceStatus {
    /// 0: being initialised.
    Initialising,
    /// 1: in process (a change is running).
    InProcess,
    /// 2: running.
    Running,
    /// -2: isolated.
    Isolated,
    /// -3: being deleted.
    Deleting,
    /// Any other value.
    Other(i64),
}

impl InstanceStatus {
    /// From the API's number.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Initialising,
            1 => Self::InProcess,
            2 => Self::Running,
            -2 => Self::Isolated,
            -3 => Self::Deleting,
            other => Self::Other(other),
        }
    }
    /// The API's number.
    pub fn code(self) -> i64 {
        match self {
            Self::Initialising => 0,
            Self::InProcess => 1,
            Self::Running => 2,
            Self::Isolated => -2,
            Self::Deleting => -3,
            Self::Other(n) => n,
        }
    }
    /// A short lower-case name (`running`, `isolated`, ...; the number for unknown values).
    pub fn name(self) -> String {
        match self {
            Self::Initialising => "initialising".into(),
            Self::InProcess => "in-process".into(),
            Self::Running => "running".into(),
            Self::Isolated => "isolated".into(),
            Self::Deleting => "deleting".into(),
            Self::Other(n) => n.to_string(),
        }
    }
    /// Whether backups are expected: running (2) or in process (1).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Running | Self::InProcess)
    }
}

impl fmt::Display for InstanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Fields {
    instance_id: Option<String>,
    instance_name: Option<String>,
    region_id: Option<i64>,
    zone_id: Option<i64>,
    project_id: Option<i64>,
    status: Option<i64>,
    #[serde(rename = "Type")]
    instance_type: Option<i64>,
    engine: Option<String>,
    product_type: Option<String>,
    size: Option<f64>,
    createtime: Option<String>,
    instance_tags: Option<Vec<InstanceTag>>,
}

/// One `InstanceSet` item: the fields a fleet uses, typed, and the raw JSON as the server sent it
/// (every other field passes through unchanged).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Instance {
    /// `InstanceId`.
    pub instance_id: Option<String>,
    /// `InstanceName`.
    pub instance_name: Option<String>,
    /// `RegionId` (a number; the region of the request is what callers normally want).
    pub region_id: Option<i64>,
    /// `ZoneId`.
    pub zone_id: Option<i64>,
    /// `ProjectId`.
    pub project_id: Option<i64>,
    /// `Status` (see [`InstanceStatus`]).
    pub status: Option<i64>,
    /// `Type` (the product type number).
    pub instance_type: Option<i64>,
    /// `Engine`.
    pub engine: Option<String>,
    /// `ProductType`.
    pub product_type: Option<String>,
    /// `Size`, MB.
    pub size: Option<f64>,
    /// `Createtime` (Beijing time).
    pub createtime: Option<String>,
    /// `InstanceTags`.
    pub instance_tags: Vec<InstanceTag>,
    raw: Box<str>,
}

impl Instance {
    /// The item's JSON exactly as received.
    pub fn raw_json(&self) -> &str {
        &self.raw
    }
    /// The typed status, when the item has one.
    pub fn parsed_status(&self) -> Option<InstanceStatus> {
        self.status.map(InstanceStatus::from_code)
    }
    /// Parses one item from JSON text.
    pub fn from_json(json: &str) -> Result<Self, MalformedResponse> {
        let fields: Fields = serde_json::from_str(json).map_err(|e| {
            MalformedResponse::new(
                MalformedKind::WrongType {
                    path: "InstanceSet[]".into(),
                },
                e.to_string(),
                json.as_bytes(),
            )
        })?;
        Ok(Self::from_fields(fields, json))
    }

    fn from_fields(f: Fields, raw: &str) -> Self {
        Self {
            instance_id: f.instance_id,
            instance_name: f.instance_name,
            region_id: f.region_id,
            zone_id: f.zone_id,
            project_id: f.project_id,
            status: f.status,
            instance_type: f.instance_type,
            engine: f.engine,
            product_type: f.product_type,
            size: f.size,
            createtime: f.createtime,
            instance_tags: f.instance_tags.unwrap_or_default(),
            raw: raw.into(),
        }
    }
}

impl crate::pagination::PageItem for Instance {
    /// The `InstanceId`; without one, the item's raw JSON.
    fn item_id(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(self.instance_id.as_deref().unwrap_or(&self.raw))
    }
}

/// A `DescribeInstances` answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DescribeInstancesResponse {
    /// `TotalCount`.
    pub total_count: u64,
    /// `InstanceSet`, in server order.
    pub instance_set: Vec<Instance>,
    /// `RequestId`.
    pub request_id: String,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "Response", borrow)]
    response: Option<Body<'a>>,
}

#[derive(Deserialize)]
struct Body<'a> {
    #[serde(rename = "Error")]
    error: Option<crate::error::ErrorBody>,
    #[serde(rename = "TotalCount")]
    total_count: Option<u64>,
    #[serde(rename = "InstanceSet", borrow)]
    instance_set: Option<Vec<&'a RawValue>>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

/// Parses a `DescribeInstances` body: the page, a typed [`ApiError`](crate::error::ApiError) for an error envelope, or
/// a [`MalformedResponse`] naming what is wrong. A `null` field is absent.
pub fn parse_response(body: &[u8]) -> Result<DescribeInstancesResponse, ResponseError> {
    let malformed =
        |kind, detail: String| ResponseError::Malformed(MalformedResponse::new(kind, detail, body));
    let envelope: Envelope<'_> = serde_json::from_slice(body)
        .map_err(|e| malformed(MalformedKind::NotJson, e.to_string()))?;
    let Some(response) = envelope.response else {
        return Err(malformed(
            MalformedKind::NoResponseObject,
            "no Response object".into(),
        ));
    };
    if let Some(error) = response.error {
        return Err(ResponseError::Api(
            error.into_api_error(response.request_id),
        ));
    }
    let total_count = response.total_count.ok_or_else(|| {
        malformed(
            MalformedKind::MissingField {
                path: "Response.TotalCount".into(),
            },
            "TotalCount is missing".into(),
        )
    })?;
    let mut instance_set = Vec::new();
    for (index, raw) in response
        .instance_set
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let fields: Fields = serde_json::from_str(raw.get()).map_err(|e| {
            malformed(
                MalformedKind::WrongType {
                    path: format!("Response.InstanceSet[{index}]"),
                },
                e.to_string(),
            )
        })?;
        instance_set.push(Instance::from_fields(fields, raw.get()));
    }
    Ok(DescribeInstancesResponse {
        total_count,
        instance_set,
        request_id: response.request_id.unwrap_or_default(),
    })
}
