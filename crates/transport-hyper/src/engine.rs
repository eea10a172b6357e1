//! The call engine: pace, sign (fresh timestamp, skew-corrected), send, classify, and retry as
//! the core's retry state machine says, inside a whole-call deadline. Every decision is the
//! core's; this module only waits and moves bytes.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tcredis_core::endpoint::Endpoint;
use tcredis_core::error::ApiError;
use tcredis_core::pacer::Pacer;
use tcredis_core::random::SplitMix64;
use tcredis_core::retry::{
    AttemptOutcome, GiveUpReason, RetryBudget, RetryDecision, RetryPolicy, TransportFailure,
};
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::skew::{SkewEstimator, estimate_offset, parse_http_date};
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::credentials::SharedProvider;
use crate::error::{Error, TimeoutKind, TransportErrorKind};
use crate::http_stack::{Answer, HttpStack};
use crate::signing::{Auth, CallSpec, build_request};

/// Why a 200 answer without `Response.Error` could not be used.
pub(crate) struct Unparseable(pub String);

/// Everything a client shares between its clones.
#[derive(Debug)]
pub(crate) struct Engine {
    pub stack: HttpStack,
    pub endpoint: Endpoint,
    pub region: String,
    pub language: Option<String>,
    pub request_client: String,
    /// `User-Agent` (not signed).
    pub user_agent: http::HeaderValue,
    pub credentials: SharedProvider,
    /// `None` when pacing is off.
    pub pacer: Option<Mutex<Pacer>>,
    pub retry: RetryPolicy,
    pub budget: Option<Mutex<RetryBudget>>,
    pub rng: Mutex<SplitMix64>,
    pub skew: Mutex<SkewEstimator>,
    pub keys: SigningKeyCache,
    pub request_timeout: Duration,
    pub deadline: Option<Duration>,
    /// Added to the system clock when signing (test hook simulating a skewed machine).
    pub clock_offset: i64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

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

impl Engine {
    /// Local Unix time as this client sees it (system clock plus the test offset).
    fn local_unix(&self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        now.saturating_add(self.clock_offset)
    }

    /// Waits for the shared pacer's next slot.
    async fn pace(&self) {
        if let Some(p) = &self.pacer {
            let now = Instant::now();
            let at = lock(p).reserve(now.into_std());
            let at = Instant::from_std(at);
            if at > now {
                tokio::time::sleep_until(at).await;
            }
        }
    }

    /// One API call with retries, inside the deadline. `parse` turns a 200 answer without
    /// `Response.Error` into the value and its RequestId.
    pub(crate) async fn call<T>(
        &self,
        action: &'static str,
        version: &'static str,
        body: Vec<u8>,
        parse: impl Fn(&Answer) -> Result<(T, String), Unparseable>,
    ) -> Result<T, Error> {
        let span = tracing::info_span!("tcredis.call", action, region = %self.region, host = %self.endpoint.host());
        let run = self.call_with_retries(action, version, body, parse);
        match self.deadline {
            None => run.instrument(span).await,
            Some(d) => match tokio::time::timeout(d, run.instrument(span)).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout {
                    kind: TimeoutKind::Deadline,
                    after: d,
                }),
            },
        }
    }

    async fn call_with_retries<T>(
        &self,
        action: &'static str,
        version: &'static str,
        body: Vec<u8>,
        parse: impl Fn(&Answer) -> Result<(T, String), Unparseable>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let deadline_at = self.deadline.map(|d| started + d);
        let mut state = self.retry.start();
        let mut attempt: u32 = 0;
        let mut corrected_skew: Option<i64> = None;
        loop {
            attempt += 1;
            self.pace().await;
            let credentials = self
                .credentials
                .provide()
                .await
                .map_err(|e| Error::Credentials {
                    message: e.to_string(),
                })?;
            let local = self.local_unix();
            let timestamp = lock(&self.skew).corrected_timestamp(local).max(0) as u64;
            let spec = CallSpec {
                service: tcredis_core::SERVICE,
                action,
                version,
                region: &self.region,
                language: self.language.as_deref(),
                request_client: &self.request_client,
            };
            let req = build_request(
                &self.endpoint,
                &spec,
                body.clone(),
                timestamp,
                Auth::Tc3 {
                    credentials: &credentials,
                    cache: &self.keys,
                },
            )
            .map_err(Error::config)?;
            let mut req = req;
            req.headers_mut()
                .insert(http::header::USER_AGENT, self.user_agent.clone());
            let attempt_span = tracing::debug_span!(
                "attempt",
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                error = tracing::field::Empty,
            );
            let sent_at = Instant::now();
            let result = self
                .stack
                .send(req, self.request_timeout)
                .instrument(attempt_span.clone())
                .await;
            let latency_ms = sent_at.elapsed().as_millis() as u64;
            attempt_span.record("latency_ms", latency_ms);
            let mut request_id = String::new();

            let (outcome, result) = match result {
                Err(e) => {
                    attempt_span.record("error", tracing::field::display(&e));
                    (AttemptOutcome::Transport(transport_failure(&e)), Err(e))
                }
                Ok(answer) => {
                    attempt_span.record("status", answer.status.as_u16());
                    if let Some(api) = ApiError::from_body(&answer.body) {
                        request_id = api.request_id().to_owned();
                        attempt_span.record("request_id", api.request_id());
                        attempt_span.record("error", api.code().as_str());
                        let clock_offset = answer
                            .headers
                            .get(http::header::DATE)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| parse_http_date(v).ok())
                            .map(|server| estimate_offset(local, server));
                        (
                            AttemptOutcome::Api {
                                code: api.code().as_str().to_owned(),
                                clock_offset,
                            },
                            Err(Error::Api(api)),
                        )
                    } else if answer.status != http::StatusCode::OK {
                        let status = answer.status.as_u16();
                        (
                            AttemptOutcome::HttpStatus(status),
                            Err(Error::InvalidResponse {
                                status,
                                message: format!("HTTP status {}", answer.status),
                            }),
                        )
                    } else {
                        match parse(&answer) {
                            Ok((v, id)) => {
                                attempt_span.record("request_id", id.as_str());
                                request_id = id;
                                (AttemptOutcome::Success, Ok(v))
                            }
                            Err(Unparseable(message)) => (
                                AttemptOutcome::MalformedBody,
                                Err(Error::InvalidResponse {
                                    status: 200,
                                    message,
                                }),
                            ),
                        }
                    }
                }
            };
            tracing::debug!(
                parent: &attempt_span,
                attempt,
                latency_ms,
                request_id = request_id.as_str(),
                outcome = ?outcome,
                "attempt finished"
            );
            let decision = {
                let mut rng = lock(&self.rng);
                let mut budget = self.budget.as_ref().map(lock);
                state.handle_outcome(
                    &outcome,
                    std::time::Instant::now(),
                    &mut *rng,
                    budget.as_deref_mut(),
                )
            };
            match decision {
                RetryDecision::Succeeded => {
                    tracing::debug!(
                        attempt,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "call succeeded"
                    );
                    return result;
                }
                RetryDecision::RetryAt(at) => {
                    let at = Instant::from_std(at);
                    let err = result.err();
                    if deadline_at.is_some_and(|d| at >= d) {
                        tracing::warn!(
                            attempt,
                            "the next retry would pass the deadline; giving up"
                        );
                        return Err(err.unwrap_or_else(|| Error::Timeout {
                            kind: TimeoutKind::Deadline,
                            after: self.deadline.unwrap_or_default(),
                        }));
                    }
                    if let Some(e) = &err {
                        tracing::info!(attempt, error = %e, wait_ms = at.saturating_duration_since(Instant::now()).as_millis() as u64, "retrying");
                    }
                    tokio::time::sleep_until(at).await;
                }
                RetryDecision::RetryNowWithSkew(offset) => {
                    tracing::warn!(
                        offset,
                        "request timestamp refused; retrying with the clock corrected by the server's Date"
                    );
                    lock(&self.skew).set_offset(offset);
                    corrected_skew = Some(offset);
                }
                RetryDecision::GiveUp(reason) => {
                    let err = result
                        .err()
                        .unwrap_or_else(|| Error::config("retry state gave up on a success"));
                    let measured = match &outcome {
                        AttemptOutcome::Api { clock_offset, .. } => {
                            corrected_skew.or(*clock_offset)
                        }
                        _ => None,
                    };
                    if let (
                        GiveUpReason::ClockSkewUncorrectable,
                        Error::Api(api),
                        Some(skew_seconds),
                    ) = (reason, &err, measured)
                    {
                        return Err(Error::ClockSkew {
                            error: api.clone(),
                            skew_seconds,
                        });
                    }
                    if attempt > 1 {
                        tracing::warn!(attempt, %reason, "giving up");
                    }
                    return Err(err);
                }
                _ => return result,
            }
        }
    }
}
