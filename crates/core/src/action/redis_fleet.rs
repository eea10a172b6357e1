//! redis `DescribeInstances` (paged, Limit ≤ 1000) and `DescribeAutoBackupConfig` (one call per
//! instance) as actions: the fleet and schedule calls go through the same machine.

use super::{Action, Page, PagedAction};
use crate::auto_backup::{self, DescribeAutoBackupConfigRequest, DescribeAutoBackupConfigResponse};
use crate::error::ResponseError;
use crate::instances::{self, DescribeInstancesRequest, DescribeInstancesResponse, Instance};

impl Action for DescribeInstancesRequest {
    type Output = DescribeInstancesResponse;

    const SERVICE: &'static str = crate::SERVICE;
    const NAME: &'static str = "DescribeInstances";
    const VERSION: &'static str = crate::VERSION;
    const DEFAULT_HOST: &'static str = "redis.tencentcloudapi.com";

    fn to_body(&self) -> Vec<u8> {
        self.to_json()
    }

    fn parse(body: &[u8]) -> Result<Self::Output, ResponseError> {
        instances::parse_response(body)
    }
}

impl PagedAction for DescribeInstancesRequest {
    type Item = Instance;

    const DEFAULT_LIMIT: u32 = instances::MAX_LIMIT;
    const MAX_LIMIT: u32 = instances::MAX_LIMIT;

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
        Page::new(output.total_count, output.instance_set, output.request_id)
    }
}

impl Action for DescribeAutoBackupConfigRequest {
    type Output = DescribeAutoBackupConfigResponse;

    const SERVICE: &'static str = crate::SERVICE;
    const NAME: &'static str = "DescribeAutoBackupConfig";
    const VERSION: &'static str = crate::VERSION;
    const DEFAULT_HOST: &'static str = "redis.tencentcloudapi.com";

    fn to_body(&self) -> Vec<u8> {
        self.to_json()
    }

    fn parse(body: &[u8]) -> Result<Self::Output, ResponseError> {
        auto_backup::parse_response(body)
    }
}
