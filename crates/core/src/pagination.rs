//! The paginator: offset/limit paging with TotalCount, exactly-once delivery on a stable data
//! set, drift detection and an opt-in restart policy.
//!
//! # Contract
//! - Pages are requested at `Offset = start, start + Limit, ...` while `offset < TotalCount`
//!   (default `Limit` 100, the API's maximum; `start` is the base request's `Offset`, default 0).
//! - On a stable data set every item is yielded **exactly once**, in server order.
//! - **Drift** — an empty or short page before `TotalCount` is reached, a page longer than
//!   expected, a `TotalCount` that differs from the pass's first page, or a page repeating an
//!   item of the previous page — is reported as a typed [`Drift`] error by default. The page
//!   that revealed it is not yielded, and nothing already yielded is ever repeated.
//! - At most `TotalCount / Limit + 2` pages are requested per pass.
//! - Detection keeps only the previous page's item ids, so memory stays flat (at most `Limit`
//!   ids) however long the listing is.
//! - With [`DriftPolicy::Restart`] a drift instead restarts the listing from the start offset,
//!   at most [`MAX_RESTARTS`] times, and items already yielded are skipped by id. This keeps a
//!   set of **every id yielded so far**, so memory grows with the listing (about 100 bytes per
//!   backup); it is opt-in for that reason. After the last restart a further drift is an error.
//!
//! # Limitation
//! Offset paging cannot see every concurrent change: if one item leaves the listing *behind*
//! the cursor while another arrives *ahead* of it, `TotalCount` stays the same and no page
//! overlaps the previous one, yet the item that moved into the already-read range is missed.
//! Nothing short of a server-side snapshot can detect that; narrow the time window (`BeginTime`
//! / `EndTime`) to make it unlikely.
//!
//! Items are identified through [`PageItem`]: the `BackupId`, or the item's JSON text when it
//! has none (two distinct items without `BackupId` and with identical JSON look like one).
//!
//! # Call order
//! Loop: [`Paginator::poll_request`] gives the next request (offset and limit set) or `None`
//! when the listing is complete or has failed; send it (retrying failures as the retry policy
//! says: `poll_request` returns the same request until a page is handled); pass the page to
//! [`Paginator::handle_page`] and yield the accepted items.
//!
//! ```
//! use tcredis_core::pagination::{Paginator, PaginationOptions};
//! use tcredis_core::request::DescribeInstanceBackupsRequest;
//!
//! // A stable listing of 250 backups, served by a stand-in for the API.
//! let all: Vec<String> = (0..250).map(|i| format!("backup-{i:03}")).collect();
//! let serve = |offset: i64, limit: i64| -> (u64, Vec<String>) {
//!     let page = all.iter().skip(offset as usize).take(limit as usize).cloned().collect();
//!     (all.len() as u64, page)
//! };
//!
//! let options = PaginationOptions::new().with_limit(100).unwrap();
//! let mut pager = Paginator::new(DescribeInstanceBackupsRequest::default(), options).unwrap();
//! let mut got = Vec::new();
//! while let Some(request) = pager.poll_request() {
//!     let (total, items) = serve(request.offset.unwrap(), request.limit.unwrap());
//!     let accepted = pager.handle_page(total, items).expect("stable listing never drifts");
//!     got.extend(accepted.items);
//! }
//! assert!(pager.is_done());
//! assert_eq!(got, all);
//! ```

mod drift;
mod item;

use std::collections::HashSet;
use std::fmt;

pub use drift::{Drift, DriftKind};
pub use item::PageItem;

use crate::request::DescribeInstanceBackupsRequest;
use crate::response::{Backup, DescribeInstanceBackupsResponse};

/// The default page size (the API's maximum).
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page size the API accepts.
pub const MAX_LIMIT: u32 = 100;
/// How many times [`DriftPolicy::Restart`] re-reads from the start before giving up.
pub const MAX_RESTARTS: u32 = 2;

/// What to do when drift is detected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DriftPolicy {
    /// Report a [`Drift`] error (default; flat memory).
    #[default]
    Fail,
    /// Re-read from the start offset, at most [`MAX_RESTARTS`] times, skipping items already
    /// yielded (memory grows with the listing).
    Restart,
}

/// A pagination setting that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationConfigError {
    /// The page size is outside `1..=100`.
    InvalidLimit(i64),
    /// The starting offset is negative.
    NegativeOffset(i64),
}

impl fmt::Display for PaginationConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidLimit(n) => {
                write!(
                    f,
                    "page size (Limit) {n} is not accepted: use 1 to {MAX_LIMIT}"
                )
            }
            Self::NegativeOffset(n) => {
                write!(f, "Offset {n} is not accepted: use 0 or more")
            }
        }
    }
}

impl std::error::Error for PaginationConfigError {}

/// Paging options: page size and drift policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaginationOptions {
    limit: Option<u32>,
    drift_policy: DriftPolicy,
}

impl PaginationOptions {
    /// Defaults: the base request's `Limit` if it has one, else [`DEFAULT_LIMIT`];
    /// [`DriftPolicy::Fail`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size (1..=100).
    pub fn with_limit(mut self, limit: u32) -> Result<Self, PaginationConfigError> {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(PaginationConfigError::InvalidLimit(i64::from(limit)));
        }
        self.limit = Some(limit);
        Ok(self)
    }

    /// Sets the drift policy.
    pub fn with_drift_policy(mut self, policy: DriftPolicy) -> Self {
        self.drift_policy = policy;
        self
    }
}

/// The offset and limit of the next page, for callers that build their own requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageBounds {
    /// `Offset` to send.
    pub offset: u64,
    /// `Limit` to send.
    pub limit: u64,
}

/// A page that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageAccepted<T> {
    /// The items to yield, in server order (with the restart policy, without any already
    /// yielded). Empty when the page revealed drift and the listing restarted.
    pub items: Vec<T>,
    /// The listing's `TotalCount` as reported by this page.
    pub total_count: u64,
    /// `Some` when this page revealed drift and the listing restarted from the beginning
    /// ([`DriftPolicy::Restart`]); the drift is given for logging.
    pub restarted_after: Option<Drift>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    Done,
    Failed,
}

/// The pagination state machine. See the [module documentation](self) for the contract and
/// the call order.
#[derive(Debug, Clone)]
pub struct Paginator {
    base: DescribeInstanceBackupsRequest,
    policy: DriftPolicy,
    start_offset: u64,
    limit: u64,
    offset: u64,
    total: Option<u64>,
    pages_this_pass: u64,
    previous_page_ids: HashSet<String>,
    yielded_ids: Option<HashSet<String>>,
    restarts: u32,
    phase: Phase,
}

impl Paginator {
    /// A paginator over `base` (its filters are kept on every page; its `Offset`, if any, is
    /// where paging starts).
    pub fn new(
        base: DescribeInstanceBackupsRequest,
        options: PaginationOptions,
    ) -> Result<Self, PaginationConfigError> {
        let limit = match (options.limit, base.limit) {
            (Some(l), _) => u64::from(l),
            (None, Some(l)) if (1..=i64::from(MAX_LIMIT)).contains(&l) => l as u64,
            (None, Some(l)) => return Err(PaginationConfigError::InvalidLimit(l)),
            (None, None) => u64::from(DEFAULT_LIMIT),
        };
        let start_offset = match base.offset {
            None => 0,
            Some(o) => u64::try_from(o).map_err(|_| PaginationConfigError::NegativeOffset(o))?,
        };
        let yielded_ids = (options.drift_policy == DriftPolicy::Restart).then(HashSet::new);
        Ok(Self {
            base,
            policy: options.drift_policy,
            start_offset,
            limit,
            offset: start_offset,
            total: None,
            pages_this_pass: 0,
            previous_page_ids: HashSet::new(),
            yielded_ids,
            restarts: 0,
            phase: Phase::Running,
        })
    }

    /// A paginator that only tracks bounds (any paged action): pages of `limit` items from
    /// `start_offset`. [`poll_request`](Self::poll_request) then yields an otherwise empty
    /// `DescribeInstanceBackupsRequest`; use [`poll_page`](Self::poll_page).
    pub fn with_bounds(start_offset: u64, limit: u64, policy: DriftPolicy) -> Self {
        Self {
            base: DescribeInstanceBackupsRequest::default(),
            policy,
            start_offset,
            limit: limit.max(1),
            offset: start_offset,
            total: None,
            pages_this_pass: 0,
            previous_page_ids: HashSet::new(),
            yielded_ids: (policy == DriftPolicy::Restart).then(HashSet::new),
            restarts: 0,
            phase: Phase::Running,
        }
    }

    /// The next page's offset and limit, or `None` when done or failed. Returns the same
    /// bounds until [`handle_page`](Self::handle_page) is called (so failed sends are retried
    /// with the same page).
    pub fn poll_page(&self) -> Option<PageBounds> {
        (self.phase == Phase::Running).then_some(PageBounds {
            offset: self.offset,
            limit: self.limit,
        })
    }

    /// The next request (the base request with `Offset` and `Limit` set), or `None` when done
    /// or failed. Same repetition rule as [`poll_page`](Self::poll_page).
    pub fn poll_request(&self) -> Option<DescribeInstanceBackupsRequest> {
        let bounds = self.poll_page()?;
        let mut request = self.base.clone();
        request.offset = Some(bounds.offset as i64);
        request.limit = Some(bounds.limit as i64);
        Some(request)
    }

    /// `true` once every item has been yielded.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// `true` once a [`Drift`] error has been returned; nothing more will be requested.
    pub fn has_failed(&self) -> bool {
        self.phase == Phase::Failed
    }

    /// The `TotalCount` of the current pass, once its first page has been handled.
    pub fn total_count(&self) -> Option<u64> {
        self.total
    }

    /// Restarts made so far ([`DriftPolicy::Restart`]).
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// The page size in use.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Handles the page answered to the last [`poll_request`](Self::poll_request): its
    /// `TotalCount` and its items in server order. Returns the items to yield, or the drift.
    /// Called when the paginator is already done or failed, it yields nothing.
    pub fn handle_page<T: PageItem>(
        &mut self,
        total: u64,
        items: Vec<T>,
    ) -> Result<PageAccepted<T>, Drift> {
        if self.phase != Phase::Running {
            return Ok(PageAccepted {
                items: Vec::new(),
                total_count: self.total.unwrap_or(0),
                restarted_after: None,
            });
        }
        match self.total {
            Some(before) if before != total => {
                return self.drift(
                    DriftKind::TotalCountChanged {
                        before,
                        after: total,
                    },
                    total,
                );
            }
            _ => {}
        }
        // A consistent page always advances by min(Limit, TotalCount - offset) > 0, so the cap
        // is never reached without drift; it is a hard bound all the same.
        let cap = total / self.limit + 2;
        if self.pages_this_pass >= cap {
            return self.drift(DriftKind::IterationCap { cap }, total);
        }
        let expected = total.saturating_sub(self.offset).min(self.limit);
        let got = items.len() as u64;
        if got == 0 && expected > 0 {
            return self.drift(DriftKind::EmptyPage { expected }, total);
        }
        if got < expected {
            return self.drift(DriftKind::ShortPage { expected, got }, total);
        }
        if got > expected {
            return self.drift(DriftKind::OverfullPage { expected, got }, total);
        }
        let mut page_ids = HashSet::with_capacity(items.len());
        for item in &items {
            let id = item.item_id();
            if self.previous_page_ids.contains(id.as_ref()) || !page_ids.insert(id.into_owned()) {
                let shown: String = item.item_id().chars().take(80).collect();
                return self.drift(DriftKind::RepeatedItem { id: shown }, total);
            }
        }
        self.total = Some(total);
        self.pages_this_pass += 1;
        self.offset += got;
        self.previous_page_ids = page_ids;
        let items = match &mut self.yielded_ids {
            None => items,
            Some(yielded) => items
                .into_iter()
                .filter(|item| yielded.insert(item.item_id().into_owned()))
                .collect(),
        };
        if self.offset >= total {
            self.phase = Phase::Done;
            self.previous_page_ids = HashSet::new();
        }
        Ok(PageAccepted {
            items,
            total_count: total,
            restarted_after: None,
        })
    }

    /// [`handle_page`](Self::handle_page) for a parsed response page: its `TotalCount` and
    /// backups (each with its raw JSON).
    pub fn handle_response(
        &mut self,
        response: DescribeInstanceBackupsResponse,
    ) -> Result<PageAccepted<Backup>, Drift> {
        self.handle_page(response.total_count, response.backup_set)
    }

    fn drift<T>(&mut self, kind: DriftKind, total: u64) -> Result<PageAccepted<T>, Drift> {
        let drift = Drift {
            kind,
            offset: self.offset,
            limit: self.limit,
            restarts: self.restarts,
        };
        if self.policy == DriftPolicy::Restart && self.restarts < MAX_RESTARTS {
            self.restarts += 1;
            self.offset = self.start_offset;
            self.total = None;
            self.pages_this_pass = 0;
            self.previous_page_ids.clear();
            return Ok(PageAccepted {
                items: Vec::new(),
                total_count: total,
                restarted_after: Some(drift),
            });
        }
        self.phase = Phase::Failed;
        self.previous_page_ids = HashSet::new();
        Err(drift)
    }
}
