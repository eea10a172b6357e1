//! A builder for [`DescribeInstanceBackupsRequest`].

use super::DescribeInstanceBackupsRequest;

/// Builds a [`DescribeInstanceBackupsRequest`]; every setter is optional. `build` does not
/// validate: call [`DescribeInstanceBackupsRequest::validate`] before sending.
#[derive(Debug, Clone, Default)]
pub struct DescribeInstanceBackupsRequestBuilder {
    request: DescribeInstanceBackupsRequest,
}

impl DescribeInstanceBackupsRequestBuilder {
    /// Page size (1..=100).
    pub fn limit(mut self, limit: i64) -> Self {
        self.request.limit = Some(limit);
        self
    }
    /// Page offset (>= 0, a multiple of the limit).
    pub fn offset(mut self, offset: i64) -> Self {
        self.request.offset = Some(offset);
        self
    }
    /// Instance ID.
    pub fn instance_id(mut self, id: impl Into<String>) -> Self {
        self.request.instance_id = Some(id.into());
        self
    }
    /// Window start, `YYYY-MM-DD HH:MM:SS` Beijing time (a `BeijingTime` displays so).
    pub fn begin_time(mut self, time: impl ToString) -> Self {
        self.request.begin_time = Some(time.to_string());
        self
    }
    /// Window end, `YYYY-MM-DD HH:MM:SS` Beijing time.
    pub fn end_time(mut self, time: impl ToString) -> Self {
        self.request.end_time = Some(time.to_string());
        self
    }
    /// Status filter values (replaces any set before).
    pub fn status<I>(mut self, statuses: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<i64>,
    {
        self.request.status = Some(statuses.into_iter().map(Into::into).collect());
        self
    }
    /// Instance name (substring match).
    pub fn instance_name(mut self, name: impl Into<String>) -> Self {
        self.request.instance_name = Some(name.into());
        self
    }
    /// The request.
    pub fn build(self) -> DescribeInstanceBackupsRequest {
        self.request
    }
}
