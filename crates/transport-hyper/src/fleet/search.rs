//! One region's backup listings for a fleet run: the region-wide good-status listing grouped by
//! instance, the per-instance search for the newest good backup over windows, and the
//! Status-filter fallback, detected once per region and shared by every search in it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt as _;
use tcredis_core::ListingOptions;
use tcredis_core::fleet::{
    Fallback, GOOD_STATUSES, MAX_BACKUPS_PER_DAY, listing_cap, refuses_status_filter,
};
use tcredis_core::freshness::GoodBackups;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::Backup;
use tcredis_core::time::BeijingTime;
use tcredis_core::window::Window;

use crate::client::Client;
use crate::error::Error;

/// A listing stopped at its item cap ([`Error::TooManyItems`]), said as what it is: the server's
/// `TotalCount` cannot be right, so an invalid answer. Other errors pass unchanged.
fn over_cap(e: Error, window: Window) -> Error {
    match e {
        Error::TooManyItems { cap } => {
            let span = match (window.begin, window.end) {
                (Some(b), Some(e)) => format!(
                    " from {} to {}",
                    BeijingTime::from_unix(b),
                    BeijingTime::from_unix(e)
                ),
                _ => String::new(),
            };
            Error::InvalidResponse {
                status: 200,
                message: format!(
                    "stopped after {cap} items in the window{span}: no instance makes more than \
                     {MAX_BACKUPS_PER_DAY} backups a day, so the server's TotalCount cannot be right"
                ),
            }
        }
        other => other,
    }
}

/// The page size of every fleet backup listing (the API's largest).
pub(super) const BACKUPS_LIMIT: i64 = 100;

/// What a region's searches share.
#[derive(Debug)]
pub(super) struct RegionSearch {
    pub(super) client: Client,
    status_filter: AtomicBool,
    fallbacks: Mutex<Vec<Fallback>>,
}

/// A backup's StartTime in Unix seconds, when it has a readable one.
pub(super) fn start_of(backup: &Backup) -> Option<i64> {
    BeijingTime::parse(backup.start_time.as_deref()?)
        .ok()
        .map(BeijingTime::unix)
}

impl RegionSearch {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            status_filter: AtomicBool::new(true),
            fallbacks: Mutex::new(Vec::new()),
        }
    }

    /// Records a strategy change (once per region) and traces it.
    pub(super) fn note(&self, fallback: Fallback) {
        let mut seen = self.fallbacks.lock().unwrap_or_else(|p| p.into_inner());
        if !seen.contains(&fallback) {
            tracing::debug!(region = self.client.region(), "{fallback}");
            seen.push(fallback);
        }
    }

    /// The strategy changes made so far, in order.
    pub(super) fn fallbacks(&self) -> Vec<Fallback> {
        self.fallbacks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn request(
        &self,
        instance: Option<&str>,
        window: Window,
        status_filter: bool,
    ) -> DescribeInstanceBackupsRequest {
        let mut request = DescribeInstanceBackupsRequest::new();
        request.instance_id = instance.map(str::to_owned);
        request.limit = Some(BACKUPS_LIMIT);
        request.offset = Some(0);
        window.apply(&mut request);
        if status_filter {
            request.status = Some(GOOD_STATUSES.to_vec());
        }
        request
    }

    /// Every backup of one window (every page), given to `each`; with the good-status filter
    /// unless the region refused it (then again without, once, recording the fallback).
    /// `instances` is how many instances the listing covers: it may yield at most
    /// [`listing_cap`] items, whatever the server's `TotalCount` says.
    async fn list_window(
        &self,
        instance: Option<&str>,
        instances: u64,
        window: Window,
        each: &mut (dyn FnMut(&Backup) + Send),
    ) -> Result<(), Error> {
        let cap = listing_cap(window, instances);
        loop {
            let filtered = self.status_filter.load(Ordering::Relaxed);
            let options = ListingOptions::new()
                .drift_policy(self.client.drift_policy())
                .max_items(cap);
            let mut pages = std::pin::pin!(
                self.client
                    .listing_pages(self.request(instance, window, filtered), options)
            );
            let mut failure = None;
            while let Some(page) = pages.next().await {
                match page {
                    Ok(page) => page.items.iter().for_each(&mut *each),
                    Err(e) => {
                        failure = Some(over_cap(e, window));
                        break;
                    }
                }
            }
            match failure {
                None => return Ok(()),
                Some(e) if filtered && e.api_error().is_some_and(refuses_status_filter) => {
                    self.status_filter.store(false, Ordering::Relaxed);
                    self.note(Fallback::NoStatusFilter);
                }
                Some(e) => return Err(e),
            }
        }
    }

    /// Every backup of `windows` (every page, no Status filter), of one instance or (`None`)
    /// region-wide, given to `each`.
    pub(super) async fn every_backup(
        &self,
        instance: Option<&str>,
        windows: &[Window],
        each: &mut (dyn FnMut(&Backup) + Send),
    ) -> Result<(), Error> {
        for &window in windows {
            let mut pages =
                std::pin::pin!(self.client.pages(self.request(instance, window, false)));
            while let Some(page) = pages.next().await {
                page?.backup_set.iter().for_each(&mut *each);
            }
        }
        Ok(())
    }

    /// The region-wide listing (no InstanceId) of `windows` over a region of `instances`
    /// instances: good backups grouped by InstanceId, and how many items the server returned.
    pub(super) async fn region_wide(
        &self,
        windows: &[Window],
        instances: u64,
    ) -> Result<(GoodBackups, u64), Error> {
        let mut found = GoodBackups::new();
        let mut items = 0u64;
        for &window in windows {
            self.list_window(None, instances, window, &mut |backup| {
                items += 1;
                found.observe(backup);
            })
            .await?;
        }
        Ok((found, items))
    }

    /// The newest good backup (by StartTime, whatever the listing order) of one instance,
    /// searching `windows` newest first and stopping at the first window that holds one (the
    /// windows must be disjoint and ordered newest first).
    pub(super) async fn newest(
        &self,
        instance: &str,
        windows: &[Window],
    ) -> Result<Option<Backup>, Error> {
        for &window in windows {
            let mut best: Option<(i64, Backup)> = None;
            self.list_window(Some(instance), 1, window, &mut |backup| {
                if !backup.is_good() {
                    return;
                }
                if let Some(start) = start_of(backup)
                    && best.as_ref().is_none_or(|(t, _)| start > *t)
                {
                    best = Some((start, backup.clone()));
                }
            })
            .await?;
            if let Some((_, backup)) = best {
                return Ok(Some(backup));
            }
        }
        Ok(None)
    }
}
