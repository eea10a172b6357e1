//! [`CallContext`]: what every call of one client shares — endpoint, region, headers, retry
//! policy, and the shared handles (pacer, retry budget, jitter source, clock-skew estimate,
//! signing-key cache) that all of that client's machines consult.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::failover::Failover;
use super::lock;
use crate::endpoint::Endpoint;
use crate::pacer::Pacer;
use crate::random::SplitMix64;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::sign::tc3::SigningKeyCache;
use crate::skew::SkewEstimator;

/// The language sent as `X-TC-Language` unless configured otherwise (the official SDKs send
/// `zh-CN` by default): [`crate::language::DEFAULT`].
pub const DEFAULT_LANGUAGE: &str = crate::language::DEFAULT;

/// The largest clock correction accepted from a server's `Date` header, in seconds (7 days).
/// A `Date` further away than this is ignored (and reported as
/// [`Note::SkewIgnored`](super::Note::SkewIgnored)), so the request is not re-signed for it.
/// A week covers the real cases (a virtual machine restored from an old snapshot, a dead RTC
/// battery: a client clock three days behind is corrected, see the transport's
/// `reliability_clock` test) while a `Date` of year 0 or 9999 is refused.
pub const MAX_PLAUSIBLE_SKEW_SECONDS: i64 = 7 * 24 * 60 * 60;

/// A pacer shared by every machine of one client (and by clones of the handle): each request
/// books a distinct slot, so concurrent calls together respect the rate.
#[derive(Clone, Debug)]
pub struct SharedPacer(Arc<Mutex<Pacer>>);

impl SharedPacer {
    /// Shares `pacer`.
    pub fn new(pacer: Pacer) -> Self {
        Self(Arc::new(Mutex::new(pacer)))
    }

    /// Books the next slot at or after `now` (see [`Pacer::reserve`]).
    pub fn reserve(&self, now: Instant) -> Instant {
        lock(&self.0).reserve(now)
    }

    /// The configured rate, `None` when pacing is off.
    pub fn rate(&self) -> Option<f64> {
        lock(&self.0).rate()
    }
}

#[derive(Debug)]
struct Inner {
    endpoint: Endpoint,
    region: Option<String>,
    language: Option<String>,
    request_client: String,
    user_agent: Option<String>,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    record_stages: bool,
    pacer: Option<SharedPacer>,
    budget: Option<Arc<Mutex<RetryBudget>>>,
    rng: Arc<Mutex<SplitMix64>>,
    skew: Arc<Mutex<SkewEstimator>>,
    keys: Arc<SigningKeyCache>,
    /// Whether failover was asked for (kept so that [`CallContext::for_region`] can give the
    /// other region's endpoint its own candidates).
    failover_enabled: bool,
    /// The endpoint's candidate hosts and their breakers: per endpoint, never shared across
    /// regions (the hosts differ).
    failover: Option<Failover>,
}

/// The shared configuration and state of one client. Cheap to clone (a reference count):
/// clones share the pacer, retry budget, jitter source, skew estimate and key cache.
///
/// ```
/// use std::time::Duration;
/// use tcredis_core::{CallContext, Endpoint, RetryPolicy};
///
/// let ctx = CallContext::builder(Endpoint::for_region("ap-guangzhou"))
///     .region("ap-guangzhou")
///     .retry(RetryPolicy::new().with_max_retries(10))
///     .rate_limit(20.0)?
///     .deadline(Duration::from_secs(30))
///     .random_seed(7)
///     .build();
/// assert_eq!(ctx.region(), Some("ap-guangzhou"));
/// assert_eq!(ctx.retry().max_attempts(), 11);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct CallContext {
    inner: Arc<Inner>,
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("endpoint", &self.inner.endpoint)
            .field("region", &self.inner.region)
            .field("retry", &self.inner.retry)
            .field("deadline", &self.inner.deadline)
            .finish_non_exhaustive()
    }
}

impl CallContext {
    /// Starts a context for calls to `endpoint` (its Host is what gets signed).
    pub fn builder(endpoint: Endpoint) -> CallContextBuilder {
        CallContextBuilder {
            endpoint,
            region: None,
            language: Some(DEFAULT_LANGUAGE.to_owned()),
            request_client: String::new(),
            user_agent: None,
            retry: RetryPolicy::default(),
            deadline: None,
            record_stages: false,
            pacer: None,
            budget: None,
            seed: 0x7463_7265_6469_7321,
            skew_offset: 0,
            failover: false,
        }
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }
    /// `X-TC-Region`, if any.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }
    /// `X-TC-Language`, if any.
    pub fn language(&self) -> Option<&str> {
        self.inner.language.as_deref()
    }
    /// `X-TC-RequestClient` (empty: none).
    pub fn request_client(&self) -> &str {
        &self.inner.request_client
    }
    /// `User-Agent`, if any (not signed).
    pub fn user_agent(&self) -> Option<&str> {
        self.inner.user_agent.as_deref()
    }
    /// The retry policy of every call.
    pub fn retry(&self) -> &RetryPolicy {
        &self.inner.retry
    }
    /// The whole-call deadline, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.inner.deadline
    }
    /// Whether each transmit carries its signing stages (for `-vvv` tracing).
    pub fn records_stages(&self) -> bool {
        self.inner.record_stages
    }
    /// The shared pacer, `None` when pacing is off.
    pub fn pacer(&self) -> Option<&SharedPacer> {
        self.inner.pacer.as_ref()
    }
    /// The current clock correction, server minus local, in seconds.
    pub fn clock_skew_seconds(&self) -> i64 {
        lock(&self.inner.skew).offset()
    }
    /// Whether a request fails over to the endpoint's other root domains when its host cannot
    /// be reached (see [`Endpoint::failover_candidates`]); `false` as well for an endpoint that
    /// has no alternative host.
    pub fn fails_over(&self) -> bool {
        self.inner.failover.is_some()
    }
    /// The tokens left in the retry budget, if the client has one.
    pub fn retry_budget_available(&self) -> Option<u32> {
        self.inner.budget.as_ref().map(|b| lock(b).available())
    }

    /// The same configuration with [`records_stages`](Self::records_stages) set, for a
    /// one-off request such as `--dry-run`. The copy shares nothing with this context but its
    /// configuration (the current clock correction is carried over).
    pub fn recording_stages(&self) -> CallContext {
        let i = &self.inner;
        let mut skew = SkewEstimator::new();
        skew.set_offset(self.clock_skew_seconds());
        CallContext {
            inner: Arc::new(Inner {
                endpoint: i.endpoint.clone(),
                region: i.region.clone(),
                language: i.language.clone(),
                request_client: i.request_client.clone(),
                user_agent: i.user_agent.clone(),
                retry: i.retry.clone(),
                deadline: i.deadline,
                record_stages: true,
                pacer: None,
                budget: None,
                rng: Arc::new(Mutex::new(SplitMix64::new(0))),
                skew: Arc::new(Mutex::new(skew)),
                keys: Arc::new(SigningKeyCache::new()),
                failover_enabled: false,
                failover: None,
            }),
        }
    }

    /// The same client for another region (and the endpoint that serves it): every call of the
    /// returned context shares this one's pacer (the rate limit is account-wide), retry budget,
    /// jitter source, clock-skew estimate and signing-key cache. Endpoint failover, if this
    /// context has it on, starts fresh for the other endpoint's own candidate hosts (the hosts
    /// differ per region, so their breakers are not shared).
    ///
    /// ```
    /// use tcredis_core::{CallContext, Endpoint};
    ///
    /// let guangzhou = CallContext::builder(Endpoint::for_region("ap-guangzhou"))
    ///     .region("ap-guangzhou")
    ///     .rate_limit(20.0)?
    ///     .build();
    /// let shanghai = guangzhou.for_region(Endpoint::for_region("ap-shanghai"), "ap-shanghai");
    /// assert_eq!(shanghai.region(), Some("ap-shanghai"));
    /// let now = std::time::Instant::now();
    /// let first = guangzhou.pacer().unwrap().reserve(now);
    /// let second = shanghai.pacer().unwrap().reserve(now);
    /// assert!(second > first, "one pacer for both regions");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_region(&self, endpoint: Endpoint, region: impl Into<String>) -> CallContext {
        let i = &self.inner;
        let failover = if i.failover_enabled {
            Failover::new(&endpoint)
        } else {
            None
        };
        CallContext {
            inner: Arc::new(Inner {
                endpoint,
                region: Some(region.into()).filter(|r: &String| !r.is_empty()),
                language: i.language.clone(),
                request_client: i.request_client.clone(),
                user_agent: i.user_agent.clone(),
                retry: i.retry.clone(),
                deadline: i.deadline,
                record_stages: i.record_stages,
                pacer: i.pacer.clone(),
                budget: i.budget.clone(),
                rng: Arc::clone(&i.rng),
                skew: Arc::clone(&i.skew),
                keys: Arc::clone(&i.keys),
                failover_enabled: i.failover_enabled,
                failover,
            }),
        }
    }

    pub(crate) fn failover(&self) -> Option<&Failover> {
        self.inner.failover.as_ref()
    }
    pub(crate) fn keys(&self) -> &SigningKeyCache {
        &self.inner.keys
    }
    pub(crate) fn skew(&self) -> MutexGuard<'_, SkewEstimator> {
        lock(&self.inner.skew)
    }
    pub(crate) fn rng(&self) -> MutexGuard<'_, SplitMix64> {
        lock(&self.inner.rng)
    }
    pub(crate) fn budget(&self) -> Option<MutexGuard<'_, RetryBudget>> {
        self.inner.budget.as_deref().map(lock)
    }
}

/// Builds a [`CallContext`]. Defaults: no region, language `zh-CN`, no request client, no
/// `User-Agent`, [`RetryPolicy::default`], no deadline, no pacing, no retry budget, no endpoint
/// failover (the transport's client turns it on by default).
#[derive(Debug, Clone)]
#[must_use]
pub struct CallContextBuilder {
    endpoint: Endpoint,
    region: Option<String>,
    language: Option<String>,
    request_client: String,
    user_agent: Option<String>,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    record_stages: bool,
    pacer: Option<SharedPacer>,
    budget: Option<RetryBudget>,
    seed: u64,
    skew_offset: i64,
    failover: bool,
}

impl CallContextBuilder {
    /// `X-TC-Region`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into()).filter(|r: &String| !r.is_empty());
        self
    }
    /// `X-TC-Language` (`zh-CN` or `en-US`); `None` sends no header.
    pub fn language(mut self, language: Option<&str>) -> Self {
        self.language = language.map(str::to_owned);
        self
    }
    /// `X-TC-RequestClient`.
    pub fn request_client(mut self, client: impl Into<String>) -> Self {
        self.request_client = client.into();
        self
    }
    /// `User-Agent` (not signed).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }
    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// A whole-call deadline: no attempt starts, and no retry is scheduled, past it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
    /// Attach the signing stages to every transmit (for tracing; slower).
    pub fn record_stages(mut self, on: bool) -> Self {
        self.record_stages = on;
        self
    }
    /// Paces requests at `rate` per second (burst 1); `0` turns pacing off.
    pub fn rate_limit(mut self, rate: f64) -> Result<Self, crate::pacer::PacerError> {
        self.pacer = if rate == 0.0 {
            None
        } else {
            Some(SharedPacer::new(Pacer::new(rate)?))
        };
        Ok(self)
    }
    /// Shares an existing pacer (e.g. one account-wide pacer across several clients).
    pub fn pacer(mut self, pacer: Option<SharedPacer>) -> Self {
        self.pacer = pacer;
        self
    }
    /// A per-client retry budget.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }
    /// Seeds the jitter source (deterministic backoff in tests).
    pub fn random_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Starts with this clock correction (server minus local, seconds).
    pub fn clock_skew(mut self, offset: i64) -> Self {
        self.skew_offset = offset;
        self
    }
    /// Endpoint failover (default off here; on in the transport's client, as in the official
    /// SDKs): a request whose host cannot be reached is re-sent to the same host under the
    /// other root domains (see [`Endpoint::failover_candidates`]).
    pub fn failover(mut self, on: bool) -> Self {
        self.failover = on;
        self
    }
    /// The context.
    pub fn build(self) -> CallContext {
        let mut skew = SkewEstimator::new();
        skew.set_offset(self.skew_offset);
        let failover = if self.failover {
            Failover::new(&self.endpoint)
        } else {
            None
        };
        CallContext {
            inner: Arc::new(Inner {
                endpoint: self.endpoint,
                region: self.region,
                language: self.language,
                request_client: self.request_client,
                user_agent: self.user_agent,
                retry: self.retry,
                deadline: self.deadline,
                record_stages: self.record_stages,
                pacer: self.pacer,
                budget: self.budget.map(|b| Arc::new(Mutex::new(b))),
                rng: Arc::new(Mutex::new(SplitMix64::new(self.seed))),
                skew: Arc::new(Mutex::new(skew)),
                keys: Arc::new(SigningKeyCache::new()),
                failover_enabled: self.failover,
                failover,
            }),
        }
    }
}
