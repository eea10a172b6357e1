//! The call engine: drives the core's [`Exchange`] and [`Listing`] machines over the HTTP
//! stack. It sends, sleeps and traces; every protocol decision (pacing, signing, classifying,
//! retrying, clock skew, deadline, paging) is the core's.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcredis_core::Exchange;
use tcredis_core::credentials::Credentials;
use tcredis_core::{Action, PagedAction};
use tcredis_core::{CallContext, ErrorKind, Event, ExchangeError, Note, Transmit};
use tcredis_core::{Listing, ListingEvent};

use crate::attempts::{AttemptOutcome, AttemptRecord};
use tcredis_core::retry::TransportFailure;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::error::{Error, TimeoutKind, TransportErrorKind};
use crate::http_stack::{Answer, HttpStack};
use crate::provide::{CredentialsError, SharedProvider};

/// Everything a client shares between its clones.
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub stack: HttpStack,
    pub ctx: CallContext,
    pub credentials: SharedProvider,
    pub request_timeout: Duration,
    /// Added to the system clock when signing (test hook simulating a skewed machine).
    pub clock_offset: i64,
    /// Whether the endpoint was configured (kept for every region) rather than derived from the
    /// region (derived again for another region).
    pub endpoint_configured: bool,
}

/// The driver's view of a machine: [`Exchange`] and [`Listing`] alike.
pub(crate) trait Machine {
    type Event;
    fn poll(&mut self) -> Option<Self::Event>;
    fn poll_transmit(
        &mut self,
        now: std::time::Instant,
        unix_time: i64,
        credentials: Option<&Credentials>,
    ) -> Option<Transmit>;
    fn poll_timeout(&self) -> Option<std::time::Instant>;
    fn handle_timeout(&mut self, now: std::time::Instant);
    fn handle_response(
        &mut self,
        now: std::time::Instant,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &[u8],
    );
    fn handle_transport_error(&mut self, now: std::time::Instant, failure: TransportFailure);
}

macro_rules! machine {
    ($ty:ty, $event:ty, $($bound:tt)*) => {
        impl<A: $($bound)*> Machine for $ty {
            type Event = $event;
            fn poll(&mut self) -> Option<Self::Event> {
                <$ty>::poll(self)
            }
            fn poll_transmit(
                &mut self,
                now: std::time::Instant,
                unix_time: i64,
                credentials: Option<&Credentials>,
            ) -> Option<Transmit> {
                <$ty>::poll_transmit(self, now, unix_time, credentials)
            }
            fn poll_timeout(&self) -> Option<std::time::Instant> {
                <$ty>::poll_timeout(self)
            }
            fn handle_timeout(&mut self, now: std::time::Instant) {
                <$ty>::handle_timeout(self, now)
            }
            fn handle_response(
                &mut self,
                now: std::time::Instant,
                status: http::StatusCode,
                headers: &http::HeaderMap,
                body: &[u8],
            ) {
                <$ty>::handle_response(self, now, status, headers, body)
            }
            fn handle_transport_error(&mut self, now: std::time::Instant, failure: TransportFailure) {
                <$ty>::handle_transport_error(self, now, failure)
            }
        }
    };
}
machine!(Exchange<A>, Event<A::Output>, Action);
machine!(Listing<A>, ListingEvent<A::Item>, PagedAction);

/// How a stack error reads to the retry policy.
fn transport_failure(e: &Error) -> TransportFailure {
    match e {
        Error::Transport {
            kind: TransportErrorKind::Connect,
            ..
        } => TransportFailure::Connect,
        Error::Transport {
            kind: TransportErrorKind::Io | TransportErrorKind::Protocol,
            ..
        } => TransportFailure::Reset,
        Error::Timeout { .. } => TransportFailure::Timeout,
        Error::Tls { .. } => TransportFailure::Tls,
        _ => TransportFailure::Other,
    }
}

/// The transport's error for a machine's failure; `last_transport` holds the details of the
/// last network failure, which the machine only knows by kind.
pub(crate) fn to_error(e: ExchangeError, last_transport: &mut Option<Error>) -> Error {
    match e.into_kind() {
        ErrorKind::Api(api) => Error::Api(api),
        ErrorKind::ClockSkew {
            error,
            skew_seconds,
        } => Error::ClockSkew {
            error,
            skew_seconds,
        },
        ErrorKind::Transport(kind) => last_transport.take().unwrap_or_else(|| Error::Transport {
            kind: TransportErrorKind::Io,
            message: format!("network failure ({kind:?})"),
        }),
        ErrorKind::InvalidResponse {
            status,
            malformed: Some(m),
        } => Error::InvalidResponse {
            status,
            message: m.to_string(),
        },
        ErrorKind::InvalidResponse {
            status,
            malformed: None,
        } => Error::InvalidResponse {
            status,
            message: match http::StatusCode::from_u16(status) {
                Ok(s) => format!("HTTP status {s}"),
                Err(_) => format!("HTTP status {status}"),
            },
        },
        ErrorKind::Deadline { after } => Error::Timeout {
            kind: TimeoutKind::Deadline,
            after,
        },
        ErrorKind::TooManyItems { cap } => Error::TooManyItems { cap },
        ErrorKind::Drift(drift) => Error::Drift {
            message: drift.to_string(),
        },
        ErrorKind::NoCredentials => Error::Credentials(CredentialsError::Invalid {
            source: "the client".to_owned(),
            reason: "has no credentials to sign the request with".to_owned(),
        }),
        other => Error::InvalidResponse {
            status: 200,
            message: other.to_string(),
        },
    }
}

/// The signing stages at trace level (`-vvv`): canonical request, string to sign and
/// signature, never the key.
fn trace_stages(span: &tracing::Span, stages: &tcredis_core::call::Stages) {
    match stages {
        tcredis_core::call::Stages::Tc3(s) => tracing::trace!(
            parent: span,
            canonical_request = %s.canonical_request,
            string_to_sign = %s.string_to_sign,
            signature = %s.signature,
            "signed"
        ),
        other => tracing::trace!(parent: span, stages = ?other, "signed"),
    }
}

pub(crate) fn trace_note(note: &Note) {
    match note {
        Note::Retrying {
            attempt,
            at,
            outcome,
        } => {
            let wait_ms = at
                .saturating_duration_since(std::time::Instant::now())
                .as_millis() as u64;
            tracing::debug!(attempt, wait_ms, outcome = ?outcome, "retrying");
        }
        Note::SkewCorrected { offset } => tracing::info!(
            offset,
            "request timestamp refused; retrying with the clock corrected by the server's Date"
        ),
        Note::SkewIgnored { offset } => tracing::info!(
            offset,
            "ignored an implausible server Date (more than 7 days from the local clock)"
        ),
        Note::Restarted(drift) => {
            tracing::info!(%drift, "the listing changed while paging; restarted from the beginning")
        }
        Note::Paced { until } => {
            let wait_ms = until
                .saturating_duration_since(std::time::Instant::now())
                .as_millis() as u64;
            tracing::debug!(wait_ms, "pacing: waiting for the rate limit");
        }
        Note::FailedOver { from, to, failure } => {
            tracing::info!(from = %from, to = %to, failure = ?failure, "host unreachable; failing over")
        }
        _ => {}
    }
}

impl Engine {
    /// Local Unix time as this client sees it (system clock plus the test offset).
    pub(crate) fn unix_now(&self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        now.saturating_add(self.clock_offset)
    }

    /// One call of `action`, driven to its end.
    pub(crate) async fn call<A: Action>(&self, action: &A) -> Result<A::Output, Error> {
        let span = tracing::info_span!(
            "tcredis.call",
            action = A::NAME,
            region = %self.ctx.region().unwrap_or_default(),
            host = %self.ctx.endpoint().host()
        );
        async {
            let mut call = Exchange::new(self.ctx.clone(), action, Instant::now().into_std());
            let mut last = None;
            loop {
                match drive(&self.stack, self.request_timeout, &mut call, Some(&self.credentials), || self.unix_now(), &mut last).await? {
                    Event::Note(note) => trace_note(&note),
                    Event::Done(output) => return Ok(output),
                    Event::Failed(e) => {
                        tracing::debug!(attempts = e.attempts(), reason = ?e.give_up_reason(), "call failed");
                        return Err(to_error(e, &mut last));
                    }
                    _ => {}
                }
            }
        }
        .instrument(span)
        .await
    }
}

/// Runs `machine` until it has an event: sends what it says to send, sleeps until it says to
/// wake, and reports what happened. `credentials` is the provider of a signed action (`None` for
/// an unsigned one). A credential failure is returned as is.
pub(crate) async fn drive<M: Machine>(
    stack: &HttpStack,
    request_timeout: Duration,
    machine: &mut M,
    credentials: Option<&SharedProvider>,
    unix_now: impl Fn() -> i64,
    last_transport: &mut Option<Error>,
) -> Result<M::Event, Error> {
    loop {
        if let Some(event) = machine.poll() {
            return Ok(event);
        }
        let creds = match credentials {
            Some(provider) => Some(provider.provide().await.map_err(Error::Credentials)?),
            None => None,
        };
        let now = Instant::now();
        if let Some(transmit) = machine.poll_transmit(now.into_std(), unix_now(), creds.as_ref()) {
            let span = tracing::debug_span!(
                "attempt",
                attempt = transmit.attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                error = tracing::field::Empty,
            );
            if transmit.attempt == 1 {
                tracing::info!(
                    host = transmit.request.uri().host().unwrap_or_default(),
                    action = transmit
                        .request
                        .headers()
                        .get("x-tc-action")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default(),
                    body = %String::from_utf8_lossy(transmit.request.body()),
                    "request"
                );
            }
            if let Some(stages) = &transmit.stages {
                trace_stages(&span, stages);
            }
            let header = |name: &str| {
                transmit
                    .request
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let observed = stack
                .observer
                .as_ref()
                .map(|o| (o, header("X-TC-Action"), header("X-TC-Region")));
            let attempt = transmit.attempt;
            let send = stack
                .send(transmit.request, request_timeout)
                .instrument(span.clone());
            let result = match machine.poll_timeout() {
                None => Some(send.await),
                Some(at) => tokio::select! {
                    r = send => Some(r),
                    () = tokio::time::sleep_until(Instant::from_std(at)) => None,
                },
            };
            let done = Instant::now();
            if let Some((observer, action, region)) = &observed {
                let code = match &result {
                    Some(Ok(answer)) if answer.status == http::StatusCode::OK => {
                        crate::attempts::error_code(&answer.body)
                    }
                    _ => Err(()),
                };
                let outcome = match &code {
                    Ok(None) => AttemptOutcome::Ok,
                    Ok(Some(code)) => AttemptOutcome::Api(code),
                    Err(()) => AttemptOutcome::Network,
                };
                observer.attempt(&AttemptRecord {
                    action,
                    region,
                    attempt,
                    outcome,
                });
            }
            let latency_ms = done.saturating_duration_since(now).as_millis() as u64;
            span.record("latency_ms", latency_ms);
            match result {
                Some(Ok(Answer {
                    status,
                    headers,
                    body,
                })) => {
                    span.record("status", status.as_u16());
                    machine.handle_response(done.into_std(), status, &headers, &body);
                }
                Some(Err(e)) => {
                    span.record("error", tracing::field::display(&e));
                    machine.handle_transport_error(done.into_std(), transport_failure(&e));
                    *last_transport = Some(e);
                }
                None => machine.handle_timeout(done.into_std()),
            }
            tracing::debug!(parent: &span, latency_ms, "attempt finished");
            continue;
        }
        match machine.poll_timeout() {
            Some(at) => {
                tokio::time::sleep_until(Instant::from_std(at)).await;
                machine.handle_timeout(Instant::now().into_std());
            }
            // Nothing due and nothing to wait for: the machine has queued its last event.
            None => {
                if let Some(event) = machine.poll() {
                    return Ok(event);
                }
                return Err(Error::config("the call machine stopped without an event"));
            }
        }
    }
}
