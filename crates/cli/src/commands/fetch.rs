//! What each instance's job does on the transport's ordered fan-out
//! ([`FanOut`], bounded concurrency, sharing the client and so its pacer): walk its windows
//! newest first and report page by page; results come back in the order the instances were
//! given, so output order is deterministic and memory stays flat however long the listing.

use std::sync::Arc;

use futures_util::StreamExt;
use tcredis_core::response::Backup;
use tcredis_transport_hyper::fan_out::{self, FanOut, Lane, Reporter};

use crate::backend::{Api, Page};
use crate::commands::plan::{Paging, Plan, base_request};
use crate::exit::CliError;

/// Instances fetched at the same time.
pub const CONCURRENCY: usize = fan_out::DEFAULT_CONCURRENCY;
/// Pages buffered per instance ahead of the writer.
const PREFETCH_PAGES: usize = 2;

/// What a job reports, in order, for its instance.
#[derive(Debug)]
pub enum Event {
    /// A page of backups.
    Page {
        /// The window's TotalCount on the first page of each window, `None` on the pages after
        /// it; the listing's TotalCount is the sum of these.
        total_count: Option<i64>,
        /// Items in server order.
        items: Vec<Backup>,
    },
    /// The instance failed; nothing more comes for it.
    Failed(CliError),
}

/// Starts every job on the transport's ordered fan-out, target `i` through `apis[i]` (its
/// region's API; a shorter list repeats its last API, so one API serves every target); the lanes
/// come back in target order.
pub fn start(apis: Vec<Arc<dyn Api>>, plan: Arc<Plan>) -> Vec<Lane<Event>> {
    let jobs = 0..plan.targets.len();
    let apis = Arc::new(apis);
    FanOut::new(CONCURRENCY, PREFETCH_PAGES).spawn(jobs, move |index, out| {
        let (apis, plan) = (Arc::clone(&apis), Arc::clone(&plan));
        async move {
            let Some(api) = apis.get(index).or(apis.last()) else {
                return; // no API at all: nothing can be fetched (an empty fleet has no targets)
            };
            let target = plan.targets[index].as_deref();
            if let Err(e) = run_target(api.as_ref(), &plan, target, &out).await {
                out.send(Event::Failed(e)).await;
            }
        }
    })
}

async fn run_target(
    api: &dyn Api,
    plan: &Plan,
    target: Option<&str>,
    tx: &Reporter<Event>,
) -> Result<(), CliError> {
    match plan.paging {
        Paging::All => {
            for &window in &plan.windows {
                let mut req = base_request(&plan.filters, target, window);
                req.limit = Some(plan.all_limit);
                req.offset = Some(0);
                let cap = plan.item_cap;
                let mut pages = api.pages(
                    req,
                    cap.for_window(window),
                    Box::new(move |n| cap.explain(n, window)),
                );
                let mut first = true;
                while let Some(page) = pages.next().await {
                    let page = page?;
                    let total_count = first.then_some(page.total_count);
                    first = false;
                    if !tx
                        .send(Event::Page {
                            total_count,
                            items: page.items,
                        })
                        .await
                    {
                        return Ok(()); // the writer stopped (closed pipe)
                    }
                }
            }
            Ok(())
        }
        Paging::Single { limit, offset } => single_page(api, plan, target, limit, offset, tx).await,
    }
}

/// One page over the merged windows: skip `offset` items across windows (using each window's
/// TotalCount), then take up to `limit`. With one window this is exactly one request as given.
async fn single_page(
    api: &dyn Api,
    plan: &Plan,
    target: Option<&str>,
    limit: Option<i64>,
    offset: Option<i64>,
    tx: &Reporter<Event>,
) -> Result<(), CliError> {
    if let [window] = plan.windows[..] {
        let mut req = base_request(&plan.filters, target, window);
        req.limit = limit;
        req.offset = offset;
        let page: Page = api.page(req).await?;
        tx.send(Event::Page {
            total_count: Some(page.total_count),
            items: page.items,
        })
        .await;
        return Ok(());
    }
    let mut want = limit.unwrap_or(20);
    let mut skip = offset.unwrap_or(0);
    for &window in &plan.windows {
        let mut req = base_request(&plan.filters, target, window);
        // A window after the page is full is asked only for its TotalCount.
        req.limit = Some(want.max(1));
        req.offset = Some(skip);
        let page = api.page(req).await?;
        let items: Vec<_> = if want > 0 {
            page.items
                .into_iter()
                .take(usize::try_from(want).unwrap_or(0))
                .collect()
        } else {
            Vec::new()
        };
        want -= i64::try_from(items.len()).unwrap_or(0);
        skip = (skip - page.total_count).max(0);
        if !tx
            .send(Event::Page {
                total_count: Some(page.total_count),
                items,
            })
            .await
        {
            return Ok(());
        }
    }
    Ok(())
}
