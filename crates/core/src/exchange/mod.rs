//! The exchange machine of one API call (documented on [`Exchange`], re-exported at the crate root).

mod context;
mod error;
mod event;
mod failover;

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::time::Instant;

pub use context::{CallContext, CallContextBuilder, MAX_PLAUSIBLE_SKEW_SECONDS, SharedPacer};
pub use error::{ErrorKind, ExchangeError};
pub use event::{Event, Note, Transmit};
pub use failover::{BREAKER_FAILURES, BREAKER_OPEN, triggers_failover};

use crate::action::{Action, Signing};
use crate::call::{self, CallSpec, Payload, SigningMethod};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{ApiError, ResponseError};
use crate::retry::{AttemptOutcome, GiveUpReason, RetryDecision, RetryState, TransportFailure};

/// Locks a mutex of the shared context, a poisoned one included (its state is plain data that
/// a panic elsewhere cannot leave half-written in a way that matters here).
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Ready to book a pacer slot and send.
    Idle,
    /// A pacer slot is booked for this instant.
    Paced(Instant),
    /// A request is out; waiting for its answer.
    InFlight,
    /// Backing off until this instant.
    Backoff(Instant),
    /// Done or failed; the event is queued.
    Finished,
}

/// The sans-IO state machine of one API call, in the manner of quinn-proto.
///
/// The machine owns every protocol decision of a call: it waits for the shared pacer, builds and
/// signs each attempt afresh (new timestamp, corrected by the client's clock-skew estimate),
/// classifies the answer (error envelope, HTTP status, body — parsed once), retries as the
/// [`RetryPolicy`](crate::retry::RetryPolicy) says (backoff with seeded jitter, retry budget),
/// corrects the clock from the server's `Date` when a timestamp is refused, and keeps the
/// whole-call deadline. It never reads a clock, never opens a socket and never sleeps: time comes
/// in as arguments, requests go out as [`Transmit`]s, answers come back as bytes.
///
/// # Call order
/// A driver loops:
/// 1. **Events**: `while let Some(event) = exchange.poll()`; [`Event::Done`] and
///    [`Event::Failed`] end the call, [`Event::Note`]s are for tracing.
/// 2. **Transmit**: `exchange.poll_transmit(now, unix_time, credentials)`. When it gives a
///    [`Transmit`], send `transmit.request` as it is, then report the answer with
///    [`handle_response`](Exchange::handle_response) or the failure with
///    [`handle_transport_error`](Exchange::handle_transport_error). If
///    [`poll_timeout`](Exchange::poll_timeout) passes while the request is in flight, call
///    [`handle_timeout`](Exchange::handle_timeout) instead and drop the request. Go to 1.
/// 3. **Wait**: otherwise sleep until [`poll_timeout`](Exchange::poll_timeout), call
///    [`handle_timeout`](Exchange::handle_timeout), go to 1.
///
/// `now` is a monotonic [`Instant`] (pacing, backoff, deadline); `unix_time` is the wall clock
/// in Unix seconds (only for `X-TC-Timestamp`). The same machine drives async clients, blocking
/// code and simulated-time tests.
///
/// ```
/// use std::time::Instant;
/// use tcredis_core::{
///     CallContext, Credentials, DescribeInstanceBackupsRequest, Endpoint, Event, Exchange,
/// };
///
/// let ctx = CallContext::builder(Endpoint::parse("http://127.0.0.1:9")?).region("ap-guangzhou").build();
/// let request = DescribeInstanceBackupsRequest::builder().instance_id("crs-demo0001").build();
/// let credentials = Credentials::new("AKIDexample", "example-key")?;
/// let t0 = Instant::now();
/// let mut call = Exchange::new(ctx, &request, t0);
/// let transmit = call.poll_transmit(t0, 1_700_000_000, Some(&credentials)).expect("sends at once");
/// assert_eq!(transmit.request.headers()["x-tc-action"], "DescribeInstanceBackups");
///
/// // ... send it; the server answers:
/// let body = br#"{"Response":{"TotalCount":0,"BackupSet":[],"RequestId":"r-1"}}"#;
/// call.handle_response(t0, http::StatusCode::OK, &http::HeaderMap::new(), body);
/// match call.poll() {
///     Some(Event::Done(page)) => assert_eq!(page.request_id, "r-1"),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Exchange<A: Action> {
    ctx: CallContext,
    body: Vec<u8>,
    retry: RetryState,
    deadline_at: Option<Instant>,
    state: State,
    attempts: u32,
    /// Local, uncorrected Unix time of the last signature (skew is estimated against it).
    signed_at_local: i64,
    corrected_skew: Option<i64>,
    /// The failover candidates (indices) this attempt may try, in order; empty between
    /// attempts (the next transmit starts a new round).
    round: Vec<usize>,
    /// The position in `round` of the host being tried.
    position: usize,
    events: VecDeque<Event<A::Output>>,
    action: PhantomData<fn() -> A>,
}

impl<A: Action> Exchange<A> {
    /// A call of `action` with the client's `ctx`, starting at `now` (the deadline counts from
    /// here). The request body is serialised once, here.
    pub fn new(ctx: CallContext, action: &A, now: Instant) -> Self {
        let deadline_at = ctx.deadline().and_then(|d| now.checked_add(d));
        Self {
            retry: ctx.retry().start(),
            body: action.to_body(),
            ctx,
            deadline_at,
            state: State::Idle,
            attempts: 0,
            signed_at_local: 0,
            corrected_skew: None,
            round: Vec::new(),
            position: 0,
            events: VecDeque::new(),
            action: PhantomData,
        }
    }

    /// The request body sent by every attempt.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Attempts sent so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// `true` once the call has succeeded or failed (its last event may still be queued).
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished
    }

    /// The next event, if any.
    pub fn poll(&mut self) -> Option<Event<A::Output>> {
        self.events.pop_front()
    }

    /// When the driver must call [`handle_timeout`](Self::handle_timeout) if nothing else
    /// happened first: the end of a pacing wait or a backoff, or the deadline. `None` when the
    /// machine waits for nothing time-bound.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let wake = match self.state {
            State::Paced(at) | State::Backoff(at) => Some(at),
            State::Idle | State::InFlight => None,
            State::Finished => return None,
        };
        match (wake, self.deadline_at) {
            (Some(a), Some(d)) => Some(a.min(d)),
            (a, d) => a.or(d),
        }
    }

    /// Time has reached `now`: fails the call when its deadline has passed; otherwise nothing
    /// (the next [`poll_transmit`](Self::poll_transmit) sends when a wait is over).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.check_deadline(now);
    }

    /// The request to send now, if one is due: waits for the pacer and the backoff, then builds
    /// and signs a fresh attempt. `credentials` are needed for signed actions (pass the
    /// provider's current ones; `None` for an unsigned action).
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        unix_time: i64,
        credentials: Option<&Credentials>,
    ) -> Option<Transmit> {
        match self.state {
            State::Finished | State::InFlight => return None,
            State::Paced(at) | State::Backoff(at) if now < at => return None,
            State::Paced(_) => {}
            State::Idle | State::Backoff(_) => {
                if self.check_deadline(now) {
                    return None;
                }
                let at = self.ctx.pacer().map_or(now, |p| p.reserve(now));
                if at > now {
                    self.state = State::Paced(at);
                    self.events
                        .push_back(Event::Note(Note::Paced { until: at }));
                    return None;
                }
            }
        }
        if self.check_deadline(now) {
            return None;
        }
        if self.round.is_empty() {
            self.round = self
                .ctx
                .failover()
                .map_or_else(|| vec![0], |f| f.usable(now));
            self.position = 0;
        }
        let timestamp = self.ctx.skew().corrected_timestamp(unix_time).max(0) as u64;
        match self.build(timestamp, credentials) {
            Ok(signed) => {
                let mut request = signed.request;
                if let Some(value) = self
                    .ctx
                    .user_agent()
                    .and_then(|agent| http::HeaderValue::from_str(agent).ok())
                {
                    request
                        .headers_mut()
                        .insert(http::header::USER_AGENT, value);
                }
                self.signed_at_local = unix_time;
                self.attempts += 1;
                self.state = State::InFlight;
                Some(Transmit {
                    request,
                    attempt: self.attempts,
                    timestamp,
                    stages: signed.stages,
                })
            }
            Err(kind) => {
                self.fail(kind, None);
                None
            }
        }
    }

    /// The answer to the request in flight: its status, headers and complete body. Ignored when
    /// no request is in flight.
    pub fn handle_response(
        &mut self,
        now: Instant,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &[u8],
    ) {
        if self.state != State::InFlight {
            return;
        }
        if let Some(f) = self.ctx.failover() {
            f.answered(self.candidate());
        }
        self.round.clear();
        let clock_offset = self.date_offset(headers);
        let (outcome, result) = if status == http::StatusCode::OK {
            match A::parse(body) {
                Ok(output) => (AttemptOutcome::Success, Ok(output)),
                Err(ResponseError::Api(error)) => (
                    AttemptOutcome::Api {
                        code: error.code().as_str().to_owned(),
                        clock_offset,
                    },
                    Err(ErrorKind::Api(error)),
                ),
                Err(ResponseError::Malformed(m)) => (
                    AttemptOutcome::MalformedBody,
                    Err(ErrorKind::InvalidResponse {
                        status: 200,
                        malformed: Some(m),
                    }),
                ),
            }
        } else {
            match ApiError::from_body(body) {
                Some(error) => (
                    AttemptOutcome::Api {
                        code: error.code().as_str().to_owned(),
                        clock_offset,
                    },
                    Err(ErrorKind::Api(error)),
                ),
                None => (
                    AttemptOutcome::HttpStatus(status.as_u16()),
                    Err(ErrorKind::InvalidResponse {
                        status: status.as_u16(),
                        malformed: None,
                    }),
                ),
            }
        };
        self.decide(now, outcome, result);
    }

    /// The request in flight got no complete answer. When the host could not be reached and
    /// the endpoint has another root domain left to try (see
    /// [`CallContextBuilder::failover`]), the request is sent there next, at once, without
    /// counting as a retry; [`Note::FailedOver`] says so.
    pub fn handle_transport_error(&mut self, now: Instant, failure: TransportFailure) {
        if self.state != State::InFlight {
            return;
        }
        if let Some(f) = self.ctx.failover()
            && triggers_failover(failure)
        {
            f.failed(self.candidate(), now);
            if self.position + 1 < self.round.len() {
                let from = self.endpoint().host().to_owned();
                self.position += 1;
                self.state = State::Idle;
                self.events.push_back(Event::Note(Note::FailedOver {
                    from,
                    to: self.endpoint().host().to_owned(),
                    failure,
                }));
                return;
            }
        }
        self.round.clear();
        self.decide(
            now,
            AttemptOutcome::Transport(failure),
            Err(ErrorKind::Transport(failure)),
        );
    }

    /// The failover candidate being tried (0: the endpoint itself).
    fn candidate(&self) -> usize {
        self.round.get(self.position).copied().unwrap_or(0)
    }

    /// The endpoint of the host being tried.
    fn endpoint(&self) -> &Endpoint {
        match self.ctx.failover() {
            Some(f) => f.candidate(self.candidate()),
            None => self.ctx.endpoint(),
        }
    }

    fn build(
        &self,
        timestamp: u64,
        credentials: Option<&Credentials>,
    ) -> Result<call::SignedRequest, ErrorKind> {
        let endpoint = self.endpoint();
        let host = endpoint.host_header();
        let spec = CallSpec {
            service: A::SERVICE,
            action: A::NAME,
            version: A::VERSION,
            region: self.ctx.region().or(A::DEFAULT_REGION),
            language: self.ctx.language(),
            request_client: self.ctx.request_client(),
            scheme: endpoint.scheme().as_str(),
            authority: &host,
            host: &host,
            payload: Payload::Json(&self.body),
            signing: match A::SIGNING {
                Signing::Tc3 => SigningMethod::Tc3 {
                    unsigned_payload: false,
                },
                Signing::Skip => SigningMethod::Skip,
            },
            timestamp,
        };
        let built = match (A::SIGNING, credentials) {
            (Signing::Skip, _) => call::build_unsigned(&spec),
            (Signing::Tc3, None) => return Err(ErrorKind::NoCredentials),
            (Signing::Tc3, Some(credentials)) if self.ctx.records_stages() => {
                call::build_request_with_stages(&spec, credentials, self.ctx.keys())
            }
            (Signing::Tc3, Some(credentials)) => {
                call::build_request(&spec, credentials, self.ctx.keys())
            }
        };
        built.map_err(ErrorKind::Request)
    }

    /// The server-minus-local offset from the answer's `Date`, when it has a plausible one.
    fn date_offset(&mut self, headers: &http::HeaderMap) -> Option<i64> {
        let date = headers.get(http::header::DATE)?.to_str().ok()?;
        let server = crate::time::http_date::parse(date).ok()?;
        let offset = crate::skew::estimate_offset(self.signed_at_local, server);
        if offset.unsigned_abs() > MAX_PLAUSIBLE_SKEW_SECONDS.unsigned_abs() {
            self.events
                .push_back(Event::Note(Note::SkewIgnored { offset }));
            return None;
        }
        Some(offset)
    }

    fn decide(
        &mut self,
        now: Instant,
        outcome: AttemptOutcome,
        result: Result<A::Output, ErrorKind>,
    ) {
        let decision = {
            let mut rng = self.ctx.rng();
            let mut budget = self.ctx.budget();
            self.retry
                .handle_outcome(&outcome, now, &mut *rng, budget.as_deref_mut())
        };
        match (decision, result) {
            (RetryDecision::Succeeded, Ok(output)) => {
                self.state = State::Finished;
                self.events.push_back(Event::Done(output));
            }
            (RetryDecision::RetryAt(at), Err(kind)) => {
                if self.deadline_at.is_some_and(|d| at >= d) {
                    // The next attempt could not start before the deadline: report what failed.
                    self.fail(kind, None);
                    return;
                }
                self.state = State::Backoff(at);
                self.events.push_back(Event::Note(Note::Retrying {
                    attempt: self.attempts,
                    at,
                    outcome,
                }));
            }
            (RetryDecision::RetryNowWithSkew(offset), Err(_)) => {
                self.ctx.skew().set_offset(offset);
                self.corrected_skew = Some(offset);
                self.state = State::Idle;
                self.events
                    .push_back(Event::Note(Note::SkewCorrected { offset }));
            }
            (RetryDecision::GiveUp(reason), Err(kind)) => {
                let measured = match &outcome {
                    AttemptOutcome::Api { clock_offset, .. } => {
                        self.corrected_skew.or(*clock_offset)
                    }
                    _ => None,
                };
                let kind = match (reason, kind, measured) {
                    (GiveUpReason::ClockSkewUncorrectable, ErrorKind::Api(error), Some(skew)) => {
                        ErrorKind::ClockSkew {
                            error,
                            skew_seconds: skew,
                        }
                    }
                    (_, kind, _) => kind,
                };
                self.fail(kind, Some(reason));
            }
            // The retry state classifies the same outcome we built the result from, so a
            // success is never retried and a failure never "succeeds"; stay total anyway.
            (_, Ok(output)) => {
                self.state = State::Finished;
                self.events.push_back(Event::Done(output));
            }
            (_, Err(kind)) => self.fail(kind, None),
        }
    }

    /// Fails the call when the deadline has passed; `true` if it did (or already had finished).
    fn check_deadline(&mut self, now: Instant) -> bool {
        if self.state == State::Finished {
            return true;
        }
        match (self.deadline_at, self.ctx.deadline()) {
            (Some(at), Some(after)) if now >= at => {
                self.fail(ErrorKind::Deadline { after }, None);
                true
            }
            _ => false,
        }
    }

    fn fail(&mut self, kind: ErrorKind, reason: Option<GiveUpReason>) {
        self.state = State::Finished;
        self.events.push_back(Event::Failed(ExchangeError::new(
            kind,
            self.attempts,
            reason,
        )));
    }
}
