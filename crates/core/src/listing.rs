//! The listing machine of a paged action (documented on [`Listing`], re-exported at the crate root).

use std::collections::VecDeque;
use std::time::Instant;

use crate::action::{Page, PagedAction};
use crate::credentials::Credentials;
use crate::exchange::{CallContext, ErrorKind, Event, Exchange, ExchangeError, Note, Transmit};
use crate::pagination::{DriftPolicy, PaginationConfigError, Paginator};
use crate::retry::TransportFailure;

/// How a [`Listing`] pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct ListingOptions {
    limit: Option<u32>,
    drift_policy: DriftPolicy,
    max_items: Option<u64>,
}

impl ListingOptions {
    /// Defaults: the request's own `Limit`, else the action's default; drift is an error; no
    /// item cap.
    pub fn new() -> Self {
        Self::default()
    }
    /// The page size (`Limit`), overriding the request's. At least 1; the action's maximum is
    /// checked when the listing starts.
    pub fn limit(mut self, limit: u32) -> Result<Self, PaginationConfigError> {
        if limit == 0 {
            return Err(PaginationConfigError::InvalidLimit(0));
        }
        self.limit = Some(limit);
        Ok(self)
    }
    /// What to do on drift.
    pub fn drift_policy(mut self, policy: DriftPolicy) -> Self {
        self.drift_policy = policy;
        self
    }
    /// Fail with [`ErrorKind::TooManyItems`] rather than yield more than `cap` items: a bound
    /// that does not come from the server.
    pub fn max_items(mut self, cap: u64) -> Self {
        self.max_items = Some(cap);
        self
    }
}

/// The events of a [`Listing`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ListingEvent<T> {
    /// Something to trace.
    Note(Note),
    /// An accepted page: the items to yield, in server order.
    Page(Page<T>),
    /// Every page was read. Nothing follows.
    Done,
    /// The listing failed. Nothing follows; items already yielded stay valid.
    Failed(ExchangeError),
}

/// Every page of a paged action, one [`Exchange`] per page, with the paginator's
/// drift detection and an item cap that does not come from the server.
///
/// The call order is the [`Exchange`]'s (see [`Exchange`]): drain
/// [`poll`](Listing::poll), then [`poll_transmit`](Listing::poll_transmit) and report the answer
/// with [`handle_response`](Listing::handle_response) /
/// [`handle_transport_error`](Listing::handle_transport_error), else sleep until
/// [`poll_timeout`](Listing::poll_timeout) and call [`handle_timeout`](Listing::handle_timeout).
/// Each accepted page comes out as [`ListingEvent::Page`] (only the items to yield, in server
/// order); [`ListingEvent::Done`] or [`ListingEvent::Failed`] ends the listing. Memory stays flat:
/// one page at a time (see the [pagination contract](crate::pagination)).
///
/// ```
/// use std::time::Instant;
/// use tcredis_core::{
///     CallContext, Credentials, DescribeInstanceBackupsRequest, Endpoint, Listing, ListingEvent,
///     ListingOptions,
/// };
///
/// let ctx = CallContext::builder(Endpoint::parse("http://127.0.0.1:9")?).build();
/// let base = DescribeInstanceBackupsRequest::builder().instance_id("crs-demo0001").build();
/// let mut listing = Listing::new(ctx, base, ListingOptions::new().limit(2)?)?;
/// let credentials = Credentials::new("AKIDexample", "example-key")?;
/// let now = Instant::now();
/// let mut pages = 0;
/// let answers = [
///     r#"{"Response":{"TotalCount":3,"BackupSet":[{"BackupId":"a"},{"BackupId":"b"}],"RequestId":"r1"}}"#,
///     r#"{"Response":{"TotalCount":3,"BackupSet":[{"BackupId":"c"}],"RequestId":"r2"}}"#,
/// ];
/// for answer in answers {
///     let sent = listing.poll_transmit(now, 1_700_000_000, Some(&credentials)).expect("a page is due");
///     assert!(sent.request.body().starts_with(br#"{"Limit":2,"Offset":"#));
///     listing.handle_response(now, http::StatusCode::OK, &http::HeaderMap::new(), answer.as_bytes());
///     while let Some(event) = listing.poll() {
///         match event {
///             ListingEvent::Page(page) => pages += page.items.len(),
///             ListingEvent::Done => assert_eq!(pages, 3),
///             other => panic!("{other:?}"),
///         }
///     }
/// }
/// assert!(listing.is_finished());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Listing<A: PagedAction> {
    ctx: CallContext,
    base: A,
    pager: Paginator,
    current: Option<Exchange<A>>,
    events: VecDeque<ListingEvent<A::Item>>,
    max_items: Option<u64>,
    yielded: u64,
    pages: u64,
    finished: bool,
}

impl<A: PagedAction> Listing<A> {
    /// A listing of `base` (its filters on every page; its `Offset` is where paging starts).
    pub fn new(
        ctx: CallContext,
        base: A,
        options: ListingOptions,
    ) -> Result<Self, PaginationConfigError> {
        let (offset, own_limit) = base.page_bounds();
        let limit = match (options.limit, own_limit) {
            (Some(l), _) if l <= A::MAX_LIMIT => u64::from(l),
            (Some(l), _) => return Err(PaginationConfigError::InvalidLimit(i64::from(l))),
            (None, Some(l)) if (1..=i64::from(A::MAX_LIMIT)).contains(&l) => l as u64,
            (None, Some(l)) => return Err(PaginationConfigError::InvalidLimit(l)),
            (None, None) => u64::from(A::DEFAULT_LIMIT),
        };
        let start = match offset {
            None => 0,
            Some(o) => u64::try_from(o).map_err(|_| PaginationConfigError::NegativeOffset(o))?,
        };
        Ok(Self {
            pager: Paginator::with_bounds(start, limit, options.drift_policy),
            ctx,
            base,
            current: None,
            events: VecDeque::new(),
            max_items: options.max_items,
            yielded: 0,
            pages: 0,
            finished: false,
        })
    }

    /// `true` once [`ListingEvent::Done`] or [`ListingEvent::Failed`] has been queued.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// `TotalCount` of the current pass, once a page has been accepted.
    pub fn total_count(&self) -> Option<u64> {
        self.pager.total_count()
    }

    /// Pages accepted so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// The page size in use.
    pub fn limit(&self) -> u64 {
        self.pager.limit()
    }

    /// The next event, if any.
    pub fn poll(&mut self) -> Option<ListingEvent<A::Item>> {
        self.events.pop_front()
    }

    /// See [`Exchange::poll_timeout`].
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.current.as_ref().and_then(Exchange::poll_timeout)
    }

    /// See [`Exchange::handle_timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(call) = &mut self.current {
            call.handle_timeout(now);
        }
        self.pump();
    }

    /// The next request to send, if one is due (see [`Exchange::poll_transmit`]).
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        unix_time: i64,
        credentials: Option<&Credentials>,
    ) -> Option<Transmit> {
        if self.finished {
            return None;
        }
        if self.current.is_none() {
            match self.pager.poll_page() {
                Some(bounds) => {
                    let request = self.base.with_page(bounds.offset, bounds.limit);
                    self.current = Some(Exchange::new(self.ctx.clone(), &request, now));
                }
                None => {
                    self.finish(None);
                    return None;
                }
            }
        }
        let transmit = self
            .current
            .as_mut()
            .and_then(|call| call.poll_transmit(now, unix_time, credentials));
        self.pump();
        transmit
    }

    /// See [`Exchange::handle_response`].
    pub fn handle_response(
        &mut self,
        now: Instant,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &[u8],
    ) {
        if let Some(call) = &mut self.current {
            call.handle_response(now, status, headers, body);
        }
        self.pump();
    }

    /// See [`Exchange::handle_transport_error`].
    pub fn handle_transport_error(&mut self, now: Instant, failure: TransportFailure) {
        if let Some(call) = &mut self.current {
            call.handle_transport_error(now, failure);
        }
        self.pump();
    }

    /// Moves the current call's events into the listing's.
    fn pump(&mut self) {
        while let Some(event) = self.current.as_mut().and_then(Exchange::poll) {
            match event {
                Event::Note(note) => self.events.push_back(ListingEvent::Note(note)),
                Event::Failed(error) => {
                    self.current = None;
                    self.finish(Some(error));
                }
                Event::Done(output) => {
                    self.current = None;
                    self.accept(A::into_page(output));
                }
            }
        }
    }

    fn accept(&mut self, page: Page<A::Item>) {
        let Page {
            total_count,
            items,
            request_id,
        } = page;
        match self.pager.handle_page(total_count, items) {
            Ok(accepted) => {
                if let Some(drift) = accepted.restarted_after {
                    self.events
                        .push_back(ListingEvent::Note(Note::Restarted(drift)));
                }
                let yielded = self.yielded.saturating_add(accepted.items.len() as u64);
                if let Some(cap) = self.max_items.filter(|cap| yielded > *cap) {
                    self.finish(Some(ExchangeError::new(
                        ErrorKind::TooManyItems { cap },
                        0,
                        None,
                    )));
                    return;
                }
                self.yielded = yielded;
                self.pages += 1;
                self.events.push_back(ListingEvent::Page(Page::new(
                    total_count,
                    accepted.items,
                    request_id,
                )));
                if self.pager.is_done() {
                    self.finish(None);
                }
            }
            Err(drift) => self.finish(Some(ExchangeError::new(ErrorKind::Drift(drift), 0, None))),
        }
    }

    fn finish(&mut self, error: Option<ExchangeError>) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.events.push_back(match error {
            None => ListingEvent::Done,
            Some(e) => ListingEvent::Failed(e),
        });
    }
}
