//! [`Client`]: `DescribeInstanceBackups` calls, paginated streams and a bounded fan-out over
//! many instances, all sharing one pacer, one connection pool and one skew estimate.

use std::sync::Arc;

use futures_util::stream::{self, Stream, StreamExt as _};
use tcredis_core::endpoint::Endpoint;
use tcredis_core::pagination::DriftPolicy;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::{Backup, DescribeInstanceBackupsResponse};
use tcredis_core::{Action, Page, PagedAction};
use tcredis_core::{Event, Exchange, Transmit};
use tcredis_core::{Listing, ListingEvent, ListingOptions};

use crate::engine::Engine;
use crate::error::Error;
use crate::fan_out::{self, FanOut};

/// The async client. Cheap to clone: clones share the connection pool, the pacer, the retry
/// budget, the signing-key cache and the clock-skew estimate.
#[derive(Debug, Clone)]
pub struct Client {
    engine: Arc<Engine>,
    drift_policy: DriftPolicy,
}

impl Client {
    pub(crate) fn from_parts(engine: Arc<Engine>, drift_policy: DriftPolicy) -> Self {
        Self {
            engine,
            drift_policy,
        }
    }

    /// The endpoint requests go to (the signed Host is its `host_header()`).
    pub fn endpoint(&self) -> &Endpoint {
        self.engine.ctx.endpoint()
    }

    /// The region sent as `X-TC-Region`.
    pub fn region(&self) -> &str {
        self.engine.ctx.region().unwrap_or_default()
    }

    /// The same client for another region: its clones and it share the connection pool, the
    /// credentials provider, the account-wide pacer (the API's rate limit is per account, not
    /// per region), the retry budget, the skew estimate and the request count. The endpoint is
    /// the builder's when one was configured (a custom or loopback endpoint serves every
    /// region), else derived from `region` as the builder does (`redis.<region>...` for `*-fsi`).
    ///
    /// Fails (nothing sent) for an empty region or one the configured endpoint cannot serve
    /// (a financial region's host for another region).
    pub fn for_region(&self, region: &str) -> Result<Client, Error> {
        if region.trim().is_empty() || region.trim() != region {
            return Err(Error::config(format!(
                "region {region:?} is empty or has white space"
            )));
        }
        let endpoint = if self.engine.endpoint_configured {
            self.engine.ctx.endpoint().clone()
        } else {
            Endpoint::for_region(region)
        };
        endpoint
            .check_region(region)
            .map_err(|e| Error::config(e.to_string()))?;
        let mut engine = Engine::clone(&self.engine);
        engine.ctx = self.engine.ctx.for_region(endpoint, region);
        Ok(Self::from_parts(Arc::new(engine), self.drift_policy))
    }

    /// How this client's listings treat a listing that changes while paging.
    pub(crate) fn drift_policy(&self) -> DriftPolicy {
        self.drift_policy
    }

    /// The same client (pool, pacer, credentials, region) with a request count of its own,
    /// starting at 0: [`requests_sent`](Self::requests_sent) of the copy and of its
    /// [`for_region`](Self::for_region) clients counts only their requests.
    pub fn with_request_counter(&self) -> Client {
        let mut engine = Engine::clone(&self.engine);
        engine.stack = self.engine.stack.with_fresh_count();
        Self::from_parts(Arc::new(engine), self.drift_policy)
    }

    /// The same client (and every client derived from it: [`for_region`](Self::for_region),
    /// [`with_request_counter`](Self::with_request_counter), fleets) reporting each request
    /// attempt to `observer` ([`crate::attempts`]).
    pub fn with_attempt_observer(
        &self,
        observer: Arc<dyn crate::attempts::AttemptObserver>,
    ) -> Client {
        let mut engine = Engine::clone(&self.engine);
        engine.stack.observer = Some(observer);
        Self::from_parts(Arc::new(engine), self.drift_policy)
    }

    /// HTTP requests this client and the clients sharing its count have sent: every attempt,
    /// retries included (what the API's rate limit and bill count). Credential (STS, metadata)
    /// requests are not included.
    pub fn requests_sent(&self) -> u64 {
        self.engine.stack.requests_sent()
    }

    /// The current clock-skew correction in seconds (server minus local), learned from
    /// `AuthFailure.SignatureExpire` answers.
    pub fn clock_skew_seconds(&self) -> i64 {
        self.engine.ctx.clock_skew_seconds()
    }

    /// One `DescribeInstanceBackups` call (validated first, then paced, signed, retried).
    pub async fn describe_instance_backups(
        &self,
        req: &DescribeInstanceBackupsRequest,
    ) -> Result<DescribeInstanceBackupsResponse, Error> {
        req.validate()
            .map_err(|e| Error::config(format!("invalid request: {e}")))?;
        self.engine.call(req).await
    }

    /// The exact first request a call of `action` would send at `unix_time` (`User-Agent`,
    /// language and region included), with its signing stages, without sending anything:
    /// `--dry-run` prints it. Credentials come from the client's provider.
    pub async fn prepare<A: Action>(&self, action: &A, unix_time: i64) -> Result<Transmit, Error> {
        let credentials = self
            .engine
            .credentials
            .provide()
            .await
            .map_err(Error::Credentials)?;
        let ctx = self.engine.ctx.recording_stages();
        let now = std::time::Instant::now();
        let mut call = Exchange::new(ctx, action, now);
        match call.poll_transmit(now, unix_time, Some(&credentials)) {
            Some(transmit) => Ok(transmit),
            None => match call.poll() {
                Some(Event::Failed(e)) => Err(crate::engine::to_error(e, &mut None)),
                _ => Err(Error::config("the request could not be prepared")),
            },
        }
    }

    /// One call of any [`Action`] of this client's service (paced, signed, retried).
    pub async fn call<A: Action>(&self, action: &A) -> Result<A::Output, Error> {
        self.engine.call(action).await
    }

    /// Every page of the listing, in order, exactly once on a stable listing: `Limit` is the
    /// request's (default 100), paging stops at `TotalCount`; drift (see the core's pagination
    /// contract) ends the stream with [`Error::Drift`]. Memory stays flat: one page at a time.
    /// Each page's `backup_set` holds the items to yield (under the restart policy, without
    /// items already yielded). The stream ends after the first error.
    pub fn pages(
        &self,
        req: DescribeInstanceBackupsRequest,
    ) -> impl Stream<Item = Result<DescribeInstanceBackupsResponse, Error>> + Send + 'static {
        let options = ListingOptions::new().drift_policy(self.drift_policy);
        self.listing_pages(req, options).map(|page| {
            page.map(|p| DescribeInstanceBackupsResponse::new(p.total_count, p.items, p.request_id))
        })
    }

    /// Every page of a listing of any [`PagedAction`] of this client's service, driven by the
    /// core's [`Listing`] machine. The stream ends after the first error.
    pub fn listing_pages<A>(
        &self,
        req: A,
        options: ListingOptions,
    ) -> impl Stream<Item = Result<Page<A::Item>, Error>> + Send + 'static
    where
        A: PagedAction + Send + 'static,
        A::Item: Send,
        A::Output: Send,
    {
        let engine = self.engine.clone();
        let listing = Listing::new(engine.ctx.clone(), req, options)
            .map_err(|e| Error::config(e.to_string()));
        stream::unfold(Some((engine, listing)), |state| async move {
            let (engine, listing) = state?;
            let mut listing = match listing {
                Ok(l) => l,
                Err(e) => return Some((Err(e), None)),
            };
            let mut last = None;
            loop {
                let event = crate::engine::drive(
                    &engine.stack,
                    engine.request_timeout,
                    &mut listing,
                    Some(&engine.credentials),
                    || engine.unix_now(),
                    &mut last,
                )
                .await;
                match event {
                    Err(e) => return Some((Err(e), None)),
                    Ok(ListingEvent::Page(page)) => {
                        return Some((Ok(page), Some((engine, Ok(listing)))));
                    }
                    Ok(ListingEvent::Done) => return None,
                    Ok(ListingEvent::Failed(e)) => {
                        return Some((Err(crate::engine::to_error(e, &mut last)), None));
                    }
                    Ok(ListingEvent::Note(note)) => crate::engine::trace_note(&note),
                    Ok(_) => {}
                }
            }
        })
    }

    /// Every backup of the listing, page by page (see [`Client::pages`]), each with its raw JSON.
    pub fn backups(
        &self,
        req: DescribeInstanceBackupsRequest,
    ) -> impl Stream<Item = Result<Backup, Error>> + Send + 'static {
        self.pages(req).flat_map(|page| match page {
            Ok(p) => stream::iter(p.backup_set.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })
    }

    /// The pages of several listings (e.g. one per instance), fetched with at most
    /// `concurrency` listings in flight (all through the shared pacer), yielded in input order:
    /// every page of listing 0, then of listing 1, ... Each item carries its listing's index;
    /// an error ends that listing only. Each listing buffers at most two pages ahead, so memory
    /// is bounded by `concurrency`. Runs on the one ordered [`FanOut`](crate::fan_out::FanOut);
    /// needs a Tokio runtime.
    pub fn pages_for_instances(
        &self,
        reqs: Vec<DescribeInstanceBackupsRequest>,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<DescribeInstanceBackupsResponse, Error>)> + Send + 'static
    {
        let client = self.clone();
        let lanes =
            FanOut::new(concurrency, fan_out::DEFAULT_BUFFER).spawn(reqs, move |req, out| {
                let client = client.clone();
                async move {
                    let mut pages = std::pin::pin!(client.pages(req));
                    while let Some(page) = pages.next().await {
                        if !out.send(page).await {
                            break;
                        }
                    }
                }
            });
        fan_out::in_order(lanes)
    }

    /// The backups of several listings, as [`Client::pages_for_instances`] orders them.
    pub fn backups_for_instances(
        &self,
        reqs: Vec<DescribeInstanceBackupsRequest>,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<Backup, Error>)> + Send + 'static {
        self.pages_for_instances(reqs, concurrency)
            .flat_map(|(index, page)| match page {
                Ok(p) => stream::iter(
                    p.backup_set
                        .into_iter()
                        .map(|b| (index, Ok(b)))
                        .collect::<Vec<_>>(),
                ),
                Err(e) => stream::iter(vec![(index, Err(e))]),
            })
    }
}
