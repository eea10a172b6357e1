//! The retry policy: which failures are retried, exponential backoff with full jitter, attempt
//! caps and an optional retry budget.
//!
//! # Pieces
//! - [`RetryPolicy`]: configuration (max attempts, backoff base and cap), cheap to clone; one per
//!   client.
//! - [`RetryBudget`]: an optional per-client token bucket (like the AWS SDKs' retry quota) that
//!   stops retry storms when a service is down: every retry spends tokens, every success
//!   returns some. Shared by all calls of a client (behind a mutex).
//! - [`RetryState`]: the per-call state machine.
//! - [`AttemptOutcome`]: plain data describing how one attempt ended; the transport maps its
//!   errors into it.
//!
//! # Call order
//! 1. Per call, [`RetryPolicy::start`] gives a [`RetryState`].
//! 2. Build and **sign** a request (fresh timestamp, corrected by the clock-skew estimator
//!    when one is known), send it, and map the result into an [`AttemptOutcome`].
//! 3. Call [`RetryState::handle_outcome`] with the outcome, the current time, the random source
//!    and the budget (if any). Act on the [`RetryDecision`]:
//!    - [`Succeeded`](RetryDecision::Succeeded): done;
//!    - [`RetryAt`](RetryDecision::RetryAt): wait until the instant, then go to 2;
//!    - [`RetryNowWithSkew`](RetryDecision::RetryNowWithSkew): record the offset in the skew
//!      estimator and go to 2 at once;
//!    - [`GiveUp`](RetryDecision::GiveUp): report the last failure.
//!
//! **Every attempt is re-signed**: the policy only says *when* to try again; the caller builds a
//! new signed request each time (a fresh `X-TC-Timestamp`, so a retry after a long backoff never
//! trips `AuthFailure.SignatureExpire`). A whole-call deadline is the transport's business: it
//! compares the returned instant with its deadline.
//!
//! # What is retried
//! `RequestLimitExceeded` and its sub-codes, `InternalError` and its sub-codes,
//! `FailedOperation.SystemError`, `ServiceUnavailable`, transport failures
//! (connect, reset, timeout), non-200 HTTP statuses and truncated or unparseable bodies.
//! `AuthFailure.SignatureExpire` is retried **once**, immediately, after clock-skew correction.
//! Everything else (authentication, parameters, TLS, ...) is never retried.
//!
//! ```
//! use std::time::Instant;
//! use tcredis_core::random::SplitMix64;
//! use tcredis_core::retry::{AttemptOutcome, RetryDecision, RetryPolicy, TransportFailure};
//!
//! let policy = RetryPolicy::default(); // 5 attempts, full jitter
//! let mut state = policy.start();
//! let mut rng = SplitMix64::new(1);
//! let now = Instant::now();
//! let throttled = AttemptOutcome::api("RequestLimitExceeded");
//! match state.handle_outcome(&throttled, now, &mut rng, None) {
//!     RetryDecision::RetryAt(at) => assert!(at >= now),
//!     other => panic!("unexpected {other:?}"),
//! }
//! let bad_param = AttemptOutcome::api("InvalidParameter.InvalidParameter");
//! assert!(matches!(state.handle_outcome(&bad_param, now, &mut rng, None), RetryDecision::GiveUp(_)));
//! # let _ = TransportFailure::Reset;
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use crate::error::ResponseError;
use crate::random::RandomSource;

/// How a transport-level attempt failed (before a complete HTTP response was read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportFailure {
    /// The connection could not be established (DNS, refused, unreachable). Retried.
    Connect,
    /// The connection was reset or closed before the response was complete. Retried.
    Reset,
    /// The attempt timed out. Retried.
    Timeout,
    /// The TLS handshake or certificate verification failed. Never retried (configuration).
    Tls,
    /// Any other local failure (e.g. an invalid proxy URL). Never retried.
    Other,
}

/// How one attempt ended, as plain data the transport builds from its own result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// A well-formed success response.
    Success,
    /// No complete HTTP response.
    Transport(TransportFailure),
    /// An HTTP status other than 200 (the API answers every processed request with 200).
    HttpStatus(u16),
    /// Status 200 but the body was truncated or could not be parsed.
    MalformedBody,
    /// The API answered `Response.Error`.
    Api {
        /// `Response.Error.Code`, e.g. `RequestLimitExceeded`.
        code: String,
        /// The server-minus-client clock offset in seconds estimated from this response's
        /// `Date` header (its time minus the local signing time), when the response had
        /// one. Estimate it against the **local, uncorrected** clock reading taken when the
        /// request was signed, so the offset replaces (rather than adds to) any earlier
        /// correction.
        clock_offset: Option<i64>,
    },
}

impl AttemptOutcome {
    /// An API error with the given code and no clock evidence.
    pub fn api(code: impl Into<String>) -> Self {
        Self::Api {
            code: code.into(),
            clock_offset: None,
        }
    }

    /// Maps the result of parsing an HTTP 200 body (e.g. [`crate::response::parse_response`]):
    /// `Ok` is [`Success`](Self::Success), an API error keeps its code with `clock_offset`
    /// (the `Date` header's time minus the local signing time), a malformed body is
    /// [`MalformedBody`](Self::MalformedBody).
    pub fn from_parse_result<T>(
        result: &Result<T, ResponseError>,
        clock_offset: Option<i64>,
    ) -> Self {
        match result {
            Ok(_) => Self::Success,
            Err(ResponseError::Api(e)) => Self::Api {
                code: e.code().as_str().to_owned(),
                clock_offset,
            },
            Err(_) => Self::MalformedBody,
        }
    }
}

/// What kind of retry an outcome calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// The attempt succeeded.
    Success,
    /// Retry after a backoff (server overload, transient fault, transport failure).
    Transient,
    /// Retry after a backoff; the server throttled us.
    Throttled,
    /// Retry once, immediately, with a clock-skew-corrected timestamp.
    ClockSkew,
    /// Never retry.
    Permanent,
}

/// Classifies an API error code (`Response.Error.Code`). Agrees with
/// [`crate::error::ErrorCode::is_retryable`] and [`crate::error::ErrorCode::is_clock_skew`].
pub fn classify_code(code: &str) -> RetryClass {
    let is_family = |family: &str| {
        code == family
            || code
                .strip_prefix(family)
                .is_some_and(|r| r.starts_with('.'))
    };
    if is_family("RequestLimitExceeded") {
        RetryClass::Throttled
    } else if is_family("InternalError")
        || code == "ServiceUnavailable"
        || code == "FailedOperation.SystemError"
    {
        RetryClass::Transient
    } else if code == "AuthFailure.SignatureExpire" {
        RetryClass::ClockSkew
    } else {
        RetryClass::Permanent
    }
}

/// Classifies an attempt outcome.
pub fn classify(outcome: &AttemptOutcome) -> RetryClass {
    match outcome {
        AttemptOutcome::Success => RetryClass::Success,
        AttemptOutcome::Transport(
            TransportFailure::Connect | TransportFailure::Reset | TransportFailure::Timeout,
        ) => RetryClass::Transient,
        AttemptOutcome::Transport(_) => RetryClass::Permanent,
        AttemptOutcome::HttpStatus(200) => RetryClass::Permanent,
        AttemptOutcome::HttpStatus(_) | AttemptOutcome::MalformedBody => RetryClass::Transient,
        AttemptOutcome::Api { code, .. } => classify_code(code),
    }
}

/// A retry configuration that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryConfigError {
    /// `max_attempts` was 0; at least one attempt is needed.
    ZeroAttempts,
    /// The backoff cap is below the base.
    CapBelowBase,
}

impl fmt::Display for RetryConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ZeroAttempts => "max attempts 0 is not accepted: at least 1 attempt is needed",
            Self::CapBelowBase => "the backoff cap must be at least the backoff base",
        })
    }
}

impl std::error::Error for RetryConfigError {}

/// Retry configuration: attempt cap and backoff. One per client; cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base: Duration,
    cap: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts (1 + [`RetryPolicy::DEFAULT_MAX_RETRIES`] retries), backoff base 250 ms,
    /// cap 8 s.
    fn default() -> Self {
        Self {
            max_attempts: Self::DEFAULT_MAX_RETRIES + 1,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Retries after the first attempt unless configured otherwise (`--max-retries`): the
    /// one definition the transport's and the CLI's defaults point to.
    pub const DEFAULT_MAX_RETRIES: u32 = 4;

    /// The default policy (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries (one attempt).
    pub fn no_retries() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of retries after the first attempt (`--max-retries`, default 4).
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_attempts = retries.saturating_add(1);
        self
    }

    /// Sets the total number of attempts, including the first (default 5).
    pub fn with_max_attempts(mut self, attempts: u32) -> Result<Self, RetryConfigError> {
        if attempts == 0 {
            return Err(RetryConfigError::ZeroAttempts);
        }
        self.max_attempts = attempts;
        Ok(self)
    }

    /// Sets the backoff: the `n`-th retry (from 0) waits a uniformly random time in
    /// `0..=min(cap, base·2^n)` ("full jitter").
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Result<Self, RetryConfigError> {
        if cap < base {
            return Err(RetryConfigError::CapBelowBase);
        }
        self.base = base;
        self.cap = cap;
        Ok(self)
    }

    /// Total attempts allowed per call.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The upper bound of the backoff before retry number `retry_index` (0 = first retry):
    /// `min(cap, base·2^retry_index)`.
    pub fn backoff_ceiling(&self, retry_index: u32) -> Duration {
        let factor = 1u32.checked_shl(retry_index.min(31)).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.cap, |d| d.min(self.cap))
    }

    /// Starts the retry state of one call (the machine's building block: hidden, not API).
    #[doc(hidden)]
    pub fn start(&self) -> RetryState {
        RetryState {
            policy: self.clone(),
            attempts: 0,
            retries_with_backoff: 0,
            skew_corrected: false,
            spent_on_this_call: 0,
        }
    }
}

/// A per-client retry budget: a token bucket that retries draw from and successes refill, as
/// in the AWS SDKs' standard retry mode. When empty, failures are not retried (the call gives
/// up with [`GiveUpReason::BudgetExhausted`]) until successes refill it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    tokens: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
}

impl Default for RetryBudget {
    /// Capacity 500, a retry costs 5 (10 after a timeout), a first-try success returns 1.
    fn default() -> Self {
        Self::new(500, 5, 10, 1)
    }
}

impl RetryBudget {
    /// A full budget of `capacity` tokens; a retry costs `retry_cost` (`timeout_cost` after a
    /// timeout); a success on the first attempt returns `success_refund`, a success after
    /// retries returns what the call spent.
    pub fn new(capacity: u32, retry_cost: u32, timeout_cost: u32, success_refund: u32) -> Self {
        Self {
            capacity,
            tokens: capacity,
            retry_cost,
            timeout_cost,
            success_refund,
        }
    }

    /// Tokens currently available.
    pub fn available(&self) -> u32 {
        self.tokens
    }

    fn try_spend(&mut self, cost: u32) -> bool {
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            false
        }
    }

    fn refund(&mut self, amount: u32) {
        self.tokens = self.tokens.saturating_add(amount).min(self.capacity);
    }
}

/// Why a call stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The failure is not retryable.
    NotRetryable,
    /// The attempt cap was reached.
    AttemptsExhausted {
        /// Attempts made, including the first.
        attempts: u32,
    },
    /// The per-client retry budget is empty.
    BudgetExhausted,
    /// `AuthFailure.SignatureExpire` after a clock-skew correction was already tried, or with no
    /// `Date` header to correct from.
    ClockSkewUncorrectable,
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotRetryable => f.write_str("the error is not retryable"),
            Self::AttemptsExhausted { attempts } => {
                write!(
                    f,
                    "gave up after {attempts} attempts (raise --max-retries to try longer)"
                )
            }
            Self::BudgetExhausted => {
                f.write_str("the client's retry budget is exhausted (too many recent failures)")
            }
            Self::ClockSkewUncorrectable => f.write_str(
                "the request timestamp was refused and correcting it from the server's Date \
                 header did not help; check the system clock",
            ),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// The attempt succeeded; stop.
    Succeeded,
    /// Re-sign and send again at this instant (a backoff after `now`, possibly `now` itself).
    RetryAt(Instant),
    /// Re-sign at once with the clock corrected by this many seconds (server minus client);
    /// the exchange machine keeps it for every later request of the client.
    RetryNowWithSkew(i64),
    /// Stop and report the last failure.
    GiveUp(GiveUpReason),
}

/// The retry state of one call. See the [module documentation](self) for the call order.
#[derive(Debug, Clone)]
pub struct RetryState {
    policy: RetryPolicy,
    attempts: u32,
    retries_with_backoff: u32,
    skew_corrected: bool,
    spent_on_this_call: u32,
}

impl RetryState {
    /// Attempts reported so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Handles the outcome of the attempt that just ended at `now` and says what to do next.
    /// `rng` draws the jitter; `budget` is the client's shared retry budget, if it has one.
    pub fn handle_outcome(
        &mut self,
        outcome: &AttemptOutcome,
        now: Instant,
        rng: &mut dyn RandomSource,
        budget: Option<&mut RetryBudget>,
    ) -> RetryDecision {
        self.attempts = self.attempts.saturating_add(1);
        let class = classify(outcome);
        if class == RetryClass::Success {
            if let Some(budget) = budget {
                let refund = if self.spent_on_this_call > 0 {
                    self.spent_on_this_call
                } else {
                    budget.success_refund
                };
                budget.refund(refund);
            }
            self.spent_on_this_call = 0;
            return RetryDecision::Succeeded;
        }
        if class == RetryClass::Permanent {
            return RetryDecision::GiveUp(GiveUpReason::NotRetryable);
        }
        if self.attempts >= self.policy.max_attempts {
            return RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted {
                attempts: self.attempts,
            });
        }
        if class == RetryClass::ClockSkew {
            let offset = match outcome {
                AttemptOutcome::Api {
                    clock_offset: Some(offset),
                    ..
                } if !self.skew_corrected => *offset,
                _ => return RetryDecision::GiveUp(GiveUpReason::ClockSkewUncorrectable),
            };
            self.skew_corrected = true;
            return RetryDecision::RetryNowWithSkew(offset);
        }
        if let Some(budget) = budget {
            let cost = match outcome {
                AttemptOutcome::Transport(TransportFailure::Timeout) => budget.timeout_cost,
                _ => budget.retry_cost,
            };
            if !budget.try_spend(cost) {
                return RetryDecision::GiveUp(GiveUpReason::BudgetExhausted);
            }
            self.spent_on_this_call = self.spent_on_this_call.saturating_add(cost);
        }
        let ceiling = self.policy.backoff_ceiling(self.retries_with_backoff);
        self.retries_with_backoff += 1;
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let delay = Duration::from_nanos(rng.below_or_equal(nanos));
        RetryDecision::RetryAt(now.checked_add(delay).unwrap_or(now))
    }
}
