//! The typed error a paginator reports when the listing changed under it ([`Drift`]).

use std::fmt;

/// What kind of inconsistency was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftKind {
    /// A page came back empty although `offset < TotalCount`.
    EmptyPage {
        /// How many items the page should have held.
        expected: u64,
    },
    /// A page held fewer items than `min(Limit, TotalCount - offset)`.
    ShortPage {
        /// How many items the page should have held.
        expected: u64,
        /// How many it held.
        got: u64,
    },
    /// A page held more items than `min(Limit, TotalCount - offset)`.
    OverfullPage {
        /// How many items the page should have held at most.
        expected: u64,
        /// How many it held.
        got: u64,
    },
    /// `TotalCount` changed between pages.
    TotalCountChanged {
        /// The count of the first page of this pass.
        before: u64,
        /// The count of this page.
        after: u64,
    },
    /// The page repeated an item of the previous page (or held one twice).
    RepeatedItem {
        /// The repeated item's id (a `BackupId`, or its JSON text shortened to 80 characters).
        id: String,
    },
    /// More pages than `TotalCount / Limit + 2` were requested in one pass.
    IterationCap {
        /// The cap that was reached.
        cap: u64,
    },
}

/// The listing changed while it was being paged, so exactly-once delivery can no longer be
/// promised. Nothing already yielded has been or will be yielded again; the items of the page
/// that revealed the drift were **not** yielded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub(crate) kind: DriftKind,
    pub(crate) offset: u64,
    pub(crate) limit: u64,
    pub(crate) restarts: u32,
}

impl Drift {
    /// What was seen.
    pub fn kind(&self) -> &DriftKind {
        &self.kind
    }
    /// The `Offset` of the page that revealed the drift.
    pub fn offset(&self) -> u64 {
        self.offset
    }
    /// The page size in use.
    pub fn limit(&self) -> u64 {
        self.limit
    }
    /// How many restarts from the beginning were made before giving up (restart policy).
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the backup listing changed while paging (Offset {}, Limit {}): ",
            self.offset, self.limit
        )?;
        match &self.kind {
            DriftKind::EmptyPage { expected } => {
                write!(f, "an empty page where {expected} items were expected")?
            }
            DriftKind::ShortPage { expected, got } => {
                write!(f, "a page of {got} items where {expected} were expected")?
            }
            DriftKind::OverfullPage { expected, got } => write!(
                f,
                "a page of {got} items where at most {expected} were expected"
            )?,
            DriftKind::TotalCountChanged { before, after } => {
                write!(f, "TotalCount changed from {before} to {after}")?
            }
            DriftKind::RepeatedItem { id } => {
                write!(f, "item {id:?} appeared again on the next page")?
            }
            DriftKind::IterationCap { cap } => write!(f, "more than {cap} pages were needed")?,
        }
        if self.restarts > 0 {
            write!(f, " (after {} restarts from the beginning)", self.restarts)?;
        }
        f.write_str("; the items printed so far are correct and not repeated; run again, or narrow the query with a time window")
    }
}

impl std::error::Error for Drift {}
