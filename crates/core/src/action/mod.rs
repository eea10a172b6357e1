//! What an API 3.0 action is to the exchange machine (documented on [`Action`], re-exported at the crate root).

mod describe_instance_backups;
mod redis_fleet;
mod sts;

use crate::error::ResponseError;
use crate::pagination::PageItem;

/// How an action's requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Signing {
    /// TC3-HMAC-SHA256 over the JSON body (the normal case).
    Tc3,
    /// No signature: `Authorization: SKIP` (STS `AssumeRoleWithWebIdentity`, which
    /// authenticates with the OIDC token in its body).
    Skip,
}

/// One Tencent Cloud API 3.0 action, sent as a POST with a JSON body.
///
/// What an API 3.0 action is to the [exchange machine](crate::Exchange): its names, where it is
/// served, how it is signed, how its request becomes a body and how its answer is parsed.
///
/// One trait, [`Action`], describes a single call; [`PagedAction`] adds the offset/limit paging
/// rule a [`Listing`](crate::Listing) needs. A new action is a type implementing them:
/// no new loop, no new retry or pacing code.
///
/// | action | type | signing | paged |
/// |---|---|---|---|
/// | redis `DescribeInstanceBackups` 2018-04-12 | [`DescribeInstanceBackupsRequest`](crate::request::DescribeInstanceBackupsRequest) | TC3 | yes (Limit ≤ 100) |
/// | redis `DescribeInstances` 2018-04-12 | [`DescribeInstancesRequest`](crate::instances::DescribeInstancesRequest) | TC3 | yes (Limit ≤ 1000) |
/// | redis `DescribeAutoBackupConfig` 2018-04-12 | [`DescribeAutoBackupConfigRequest`](crate::auto_backup::DescribeAutoBackupConfigRequest) | TC3 | no |
/// | sts `AssumeRole` 2018-08-13 | [`AssumeRoleRequest`](crate::credentials::sts::AssumeRoleRequest) | TC3 | no |
/// | sts `AssumeRoleWithWebIdentity` 2018-08-13 | [`AssumeRoleWithWebIdentityRequest`](crate::credentials::sts::AssumeRoleWithWebIdentityRequest) | none (`Authorization: SKIP`) | no |
pub trait Action {
    /// The parsed success answer.
    type Output: std::fmt::Debug;

    /// The credential-scope service, e.g. `redis` or `sts`.
    const SERVICE: &'static str;
    /// The action name sent as `X-TC-Action`.
    const NAME: &'static str;
    /// The API version sent as `X-TC-Version`.
    const VERSION: &'static str;
    /// The host the official SDKs use when nothing else is configured.
    const DEFAULT_HOST: &'static str;
    /// The region sent when the caller names none (`None`: no `X-TC-Region`).
    const DEFAULT_REGION: Option<&'static str> = None;
    /// How requests are authenticated.
    const SIGNING: Signing = Signing::Tc3;

    /// The request body: compact JSON in the official model's field order.
    fn to_body(&self) -> Vec<u8>;

    /// Parses a complete answer body. An error envelope (`Response.Error`) is
    /// [`ResponseError::Api`]; anything unusable is [`ResponseError::Malformed`].
    fn parse(body: &[u8]) -> Result<Self::Output, ResponseError>;
}

/// One page of a paged listing, as the server answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// `TotalCount` as this page reported it.
    pub total_count: u64,
    /// The items of the page, in server order.
    pub items: Vec<T>,
    /// `RequestId` of the answer.
    pub request_id: String,
}

impl<T> Page<T> {
    /// A page from its parts.
    pub fn new(total_count: u64, items: Vec<T>, request_id: impl Into<String>) -> Self {
        Self {
            total_count,
            items,
            request_id: request_id.into(),
        }
    }
}

/// An action listed page by page with `Offset` and `Limit`.
pub trait PagedAction: Action + Clone {
    /// One listed item.
    type Item: PageItem + std::fmt::Debug;

    /// The page size used when the request names none.
    const DEFAULT_LIMIT: u32;
    /// The largest page size the API accepts.
    const MAX_LIMIT: u32;

    /// The request's own `Offset` (where paging starts) and `Limit` (the page size), if set.
    fn page_bounds(&self) -> (Option<i64>, Option<i64>);

    /// The same request for the page at `offset` of `limit` items.
    fn with_page(&self, offset: u64, limit: u64) -> Self;

    /// Splits a parsed answer into its page.
    fn into_page(output: Self::Output) -> Page<Self::Item>;
}
