//! redis `DescribeInstanceBackups` (2018-04-12) as an [`Action`] and a [`PagedAction`].

use super::{Action, Page, PagedAction};
use crate::error::ResponseError;
use crate::request::DescribeInstanceBackupsRequest;
use crate::response::{self, Backup, DescribeInstanceBackupsResponse};

impl Action for DescribeInstanceBackupsRequest {
    type Output = DescribeInstanceBackupsResponse;

    const SERVICE: &'static str = crate::SERVICE;
    const NAME: &'static str = crate::ACTION;
    const VERSION: &'static str = crate::VERSION;
    const DEFAULT_HOST: &'static str = "redis.tencentcloudapi.com";

    fn to_body(&self) -> Vec<u8> {
        self.to_json()
    }

    fn parse(body: &[u8]) -> Result<Self::Output, ResponseError> {
        response::parse_response(body)
    }
}

impl PagedAction for DescribeInstanceBackupsRequest {
    type Item = Backup;

    const DEFAULT_LIMIT: u32 = crate::pagination::DEFAULT_LIMIT;
    const MAX_LIMIT: u32 = crate::pagination::MAX_LIMIT;

    fn page_bounds(&self) -> (Option<i64>, Option<i64>) {
        (self.offset, self.limit)
    }

    fn with_page(&self, offset: u64, limit: u64) -> Self {
        let mut request = self.clone();
        request.offset = Some(i64::try_from(offset).unwrap_or(i64::MAX));
        request.limit = Some(i64::try_from(limit).unwrap_or(i64::MAX));
        request
    }

    fn into_page(output: Self::Output) -> Page<Self::Item> {
        Page::new(output.total_count, output.backup_set, output.request_id)
    }
}
