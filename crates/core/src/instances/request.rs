//! [`DescribeInstancesRequest`]: the selectors of a fleet listing, serialised compactly in the
//! official model's field order (Limit, Offset, InstanceId, SearchKey, ProjectIds, Status,
//! InstanceTags, InstanceIds), only the fields that are set.

use serde::{Deserialize, Serialize};

/// A resource tag filter (`InstanceTags` item): the instance must carry this key and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceTag {
    /// `TagKey`.
    #[serde(rename = "TagKey")]
    pub key: String,
    /// `TagValue`.
    #[serde(rename = "TagValue")]
    pub value: String,
}

/// `DescribeInstances` parameters. Every field is optional; absent ones are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DescribeInstancesRequest {
    /// Page size, 1..=1000 (server default 20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Page offset, a multiple of `limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// One instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Fuzzy match on the instance name or ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_key: Option<String>,
    /// Any of these projects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_ids: Option<Vec<i64>>,
    /// Any of these instance statuses (0, 1, 2, -2, -3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<i64>>,
    /// Every one of these tags (key and value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_tags: Option<Vec<InstanceTag>>,
    /// Any of these instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_ids: Option<Vec<String>>,
}

impl DescribeInstancesRequest {
    /// An empty request: every instance of the region.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `SearchKey`.
    #[must_use]
    pub fn search_key(mut self, key: impl Into<String>) -> Self {
        self.search_key = Some(key.into());
        self
    }
    /// Adds a tag every returned instance must carry.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.instance_tags
            .get_or_insert_with(Vec::new)
            .push(InstanceTag {
                key: key.into(),
                value: value.into(),
            });
        self
    }
    /// Adds a project (any of them matches).
    #[must_use]
    pub fn project_id(mut self, id: i64) -> Self {
        self.project_ids.get_or_insert_with(Vec::new).push(id);
        self
    }
    /// Adds an instance ID (any of them matches).
    #[must_use]
    pub fn instance_id(mut self, id: impl Into<String>) -> Self {
        self.instance_ids
            .get_or_insert_with(Vec::new)
            .push(id.into());
        self
    }
    /// The compact JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, integers and lists of them always serialise.
        serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec())
    }
}
