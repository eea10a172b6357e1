//! The sans-IO request handler: raw request parts and the current time in, the response and how
//! to deliver it (normally, late, truncated, dropped, or never) out. No sockets, no clock reads,
//! no runtime: the hyper server, the tests' in-memory harness and the benches all drive it.
//!
//! Call order: build a [`Handler`] from a [`crate::MockConfig`] once, then call
//! [`Handler::handle`] for every request with the time it arrived; carry out the returned
//! [`Delivery`]. Admin requests (`/_mock/...`) go through the same call.
//!
//! Checks run in the documented precedence order (see `docs/mock.md`); the first failing
//! check answers, always with HTTP 200, `Content-Type: application/json` and a RequestId.

mod admin;
mod auth;
mod authenticate;
mod describe;
mod describe_auto_backup;
mod describe_instances;
mod envelope;
mod failure;
mod params;
mod region_scope;
mod sts;
mod world_admin;

pub use admin::JournalCursor;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tcredis_core::credentials::Secret;
use tcredis_core::random::{RandomSource, SplitMix64};

use crate::clock::{ClockStart, MockClock};
use crate::config::{AcceptedCredential, ConfigError, DataSource, FaultKind, MockConfig};
use crate::data::demo::demo_seed;
use crate::data::generate::Generated;
use crate::data::lifecycle::{Lifecycle, Selection, SkippedSlots};
use crate::data::store::Store;
use crate::forward::ForwardRequest;
use crate::journal::{Journal, JournalEntry, ParamsTruncation, SignatureResult};
use crate::rate_limit::RateLimiter;
use crate::rng;
use crate::script::{RequestView, Script, Scripts};
use crate::world::{World, WorldState};
use failure::Failure;
use params::{RawParams, Schema};

/// Bodies above this many bytes get `RequestSizeLimitExceeded` (10 MB, the POST v3 limit).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// The public demo SecretId, accepted when no credential is configured.
pub const DEMO_SECRET_ID: &str = "AKIDTCREDISDEMO000000000000000000000";
/// The public demo SecretKey (not a secret: documented, may be printed).
pub const DEMO_SECRET_KEY: &str = "tcredis-demo-key-public-not-secret";

/// How the server should deliver a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryMode {
    /// Send it.
    Respond,
    /// Close the connection without answering.
    Drop,
    /// Send the headers and the first half of the body, then close the connection.
    Truncate,
    /// Never answer; keep the connection open until the client leaves or the server stops.
    Stall,
}

/// Delivery instructions for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// Wait this long first.
    pub delay: Duration,
    /// Then do this.
    pub mode: DeliveryMode,
}

/// The handler's answer: a response and how to deliver it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Outcome {
    /// The HTTP response (for API requests always 200 with `Content-Type: application/json`).
    pub response: http::Response<Vec<u8>>,
    /// How to deliver it.
    pub delivery: Delivery,
    /// Record mode: send this request upstream and answer with what comes back (the
    /// `response` is then a placeholder).
    pub forward: Option<ForwardRequest>,
}

/// A script that cannot be accepted (the message says which step and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError(String);

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid script: {}", self.0)
    }
}
impl std::error::Error for ScriptError {}

/// Expectations that were not met, with the closest unmatched request for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectationError(String);

impl fmt::Display for ExpectationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mock expectations not met:\n{}", self.0)
    }
}
impl std::error::Error for ExpectationError {}

/// Which action a request names, and what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionKind {
    Describe,
    DescribeInstances,
    DescribeAutoBackupConfig,
    AssumeRole,
    WebIdentity,
}

#[derive(Debug)]
struct Route {
    kind: ActionKind,
    service: &'static str,
    version: &'static str,
    schema: Schema,
}

const ROUTES: &[(&str, Route)] = &[
    (
        "DescribeInstanceBackups",
        Route {
            kind: ActionKind::Describe,
            service: "redis",
            version: "2018-04-12",
            schema: describe::SCHEMA,
        },
    ),
    (
        "DescribeInstances",
        Route {
            kind: ActionKind::DescribeInstances,
            service: "redis",
            version: "2018-04-12",
            schema: describe_instances::SCHEMA,
        },
    ),
    (
        "DescribeAutoBackupConfig",
        Route {
            kind: ActionKind::DescribeAutoBackupConfig,
            service: "redis",
            version: "2018-04-12",
            schema: describe_auto_backup::SCHEMA,
        },
    ),
    (
        "AssumeRole",
        Route {
            kind: ActionKind::AssumeRole,
            service: "sts",
            version: "2018-08-13",
            schema: sts::ASSUME_ROLE_SCHEMA,
        },
    ),
    (
        "AssumeRoleWithWebIdentity",
        Route {
            kind: ActionKind::WebIdentity,
            service: "sts",
            version: "2018-08-13",
            schema: sts::WEB_IDENTITY_SCHEMA,
        },
    ),
];

/// Mutable state behind one lock.
#[derive(Debug)]
struct State {
    journal: Journal,
    scripts: Scripts,
    limiter: RateLimiter,
    rng: SplitMix64,
    issued: HashMap<String, sts::Issued>,
    world: WorldState,
}

/// The sans-IO mock endpoint.
#[derive(Debug)]
pub struct Handler {
    store: Store,
    credentials: Vec<AcceptedCredential>,
    faults: Vec<(FaultKind, f64)>,
    strict_signing: bool,
    journal_exact_requests: bool,
    world: World,
    state: Mutex<State>,
}

/// A credential found for a SecretId.
struct Found {
    secret_key: String,
    token: Option<String>,
}

/// Per-request facts for the journal and the delivery.
struct Exchange {
    style: &'static str,
    action: Option<String>,
    version: Option<String>,
    region: Option<String>,
    secret_id: Option<String>,
    params: Value,
    params_truncated: Option<ParamsTruncation>,
    signature: SignatureResult,
    leniency: Vec<&'static str>,
    script: Option<u64>,
    fault: Option<String>,
    delay: Duration,
    mode: DeliveryMode,
    /// A replayed answer's status and Content-Type.
    raw_answer: Option<(u16, String)>,
    forward: Option<ForwardRequest>,
}

fn header<'r, B>(request: &'r http::Request<B>, name: &str) -> Option<&'r str> {
    request
        .headers()
        .get(name)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
}

/// The Host as sent: the `Host` header, or the URI authority (HTTP/2 `:authority`).
fn raw_host<B>(request: &http::Request<B>) -> String {
    header(request, "host")
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_default()
}

fn unix_f64(now: SystemTime) -> f64 {
    match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

impl Handler {
    /// Builds the handler: validates the configuration and prepares the data set anchored at
    /// `now` (or the configured `now_override`).
    pub fn new(config: &MockConfig, now: SystemTime) -> Result<Self, ConfigError> {
        config.validate()?;
        let real_ms = (unix_f64(now) * 1000.0).floor() as i64;
        let world = &config.world;
        let anchor = match world.clock {
            ClockStart::At(unix) => unix,
            _ => config
                .now_override
                .unwrap_or_else(|| unix_f64(now).floor() as i64),
        };
        let clock = MockClock::new(world.clock, world.clock_speed, real_ms, anchor * 1000);
        let start = clock.start_unix();
        let duration = crate::world::duration_seconds(world);
        let (store, lifecycle) = match &config.data {
            DataSource::Demo => {
                let seed = demo_seed(anchor);
                let lifecycle = Lifecycle::from_seed(&seed, start, duration);
                (Store::from_seed(seed), lifecycle)
            }
            DataSource::Fleet(spec) => {
                let seed = spec.seed(anchor);
                let lifecycle = Lifecycle::from_seed(&seed, start, duration);
                (Store::from_seed(seed), lifecycle)
            }
            DataSource::Seed(seed) => (
                Store::from_seed(seed.clone()),
                Lifecycle::from_seed(seed, start, duration),
            ),
            DataSource::Generate { count, instances } => (
                Store::Generated(Generated::new(*count, *instances, anchor)),
                Lifecycle::generated(*instances, start, duration),
            ),
        };
        let mut credentials = config.credentials.clone();
        if credentials.is_empty() {
            credentials.push(AcceptedCredential {
                secret_id: DEMO_SECRET_ID.to_owned(),
                secret_key: Secret::new(DEMO_SECRET_KEY),
                token: None,
            });
        }
        Ok(Self {
            store,
            credentials,
            faults: config.faults.clone(),
            strict_signing: config.strict_signing,
            journal_exact_requests: config.journal_exact_requests,
            world: World {
                lifecycle,
                policy: world.policy.clone(),
                replay: world.replay.clone(),
                upstream: world.upstream.clone(),
            },
            state: Mutex::new(State {
                journal: Journal::new(config.journal_capacity, config.journal_max_bytes),
                scripts: Scripts::default(),
                limiter: RateLimiter::new(config.rate_limit),
                rng: SplitMix64::new(config.random_seed.unwrap_or_else(rng::process_seed)),
                issued: HashMap::new(),
                world: WorldState {
                    clock,
                    skipped: SkippedSlots::new(),
                    replay_cursors: HashMap::new(),
                },
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-updated in a way that
        // matters for a test fake; keep serving.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Number of backups served.
    pub fn backup_count(&self) -> u64 {
        self.store.len()
    }

    /// A copy of the journal, oldest first.
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.lock().journal.entries()
    }

    /// Scripts queued (live or used up; at most [`crate::MAX_SCRIPTS`]).
    pub fn script_count(&self) -> usize {
        self.lock().scripts.len()
    }

    /// Bytes the journal holds (the measure of its byte bound: entries as compact JSON).
    pub fn journal_bytes(&self) -> usize {
        self.lock().journal.bytes()
    }

    /// Queues a script; returns its id. A script holding only a `skip_slot` marks that slot
    /// skipped (see [`Handler::skip_slot`]).
    pub fn script(&self, script: Script) -> Result<u64, ScriptError> {
        script.check().map_err(ScriptError)?;
        if let Some(skip) = &script.skip_slot {
            self.skip_slot(&skip.instance_id, &skip.date)?;
        }
        self.lock().scripts.add(script).map_err(ScriptError)
    }

    /// Forgets the journal, the scripts (skipped slots included), the rate-limit buckets, issued
    /// STS credentials and the replay position (the data set, configured credentials and the
    /// clock stay).
    pub fn reset(&self) {
        let mut state = self.lock();
        state.journal.clear();
        state.scripts.clear();
        state.limiter.reset();
        state.issued.clear();
        state.world.skipped.clear();
        state.world.replay_cursors.clear();
    }

    /// Checks every script's expectation against what was received.
    pub fn verify(&self) -> Result<(), ExpectationError> {
        let state = self.lock();
        state
            .scripts
            .verify(state.journal.iter())
            .map_err(ExpectationError)
    }

    /// Handles one request that arrived at `now`.
    pub fn handle<B: AsRef<[u8]>>(&self, request: &http::Request<B>, now: SystemTime) -> Outcome {
        if request.uri().path().starts_with("/_mock/") {
            return Outcome {
                response: self.admin(request, now),
                delivery: Delivery {
                    delay: Duration::ZERO,
                    mode: DeliveryMode::Respond,
                },
                forward: None,
            };
        }
        let request_id = rng::uuid(&mut self.lock().rng);
        let mut x = Exchange {
            style: "none",
            action: None,
            version: None,
            region: None,
            secret_id: None,
            params: Value::Null,
            params_truncated: None,
            signature: SignatureResult::NotChecked,
            leniency: Vec::new(),
            script: None,
            fault: None,
            delay: Duration::ZERO,
            mode: DeliveryMode::Respond,
            raw_answer: None,
            forward: None,
        };
        let result = self.process(request, now, &request_id, &mut x);
        let (body, code) = match result {
            Ok(body) => (body, None),
            Err(failure) => (
                envelope::error_body(&failure, &request_id),
                Some(failure.code),
            ),
        };
        let verdict = match (x.mode, &code) {
            _ if x.forward.is_some() => "forwarded".to_owned(),
            _ if x.raw_answer.is_some() => "replayed".to_owned(),
            (DeliveryMode::Drop, _) => "drop".to_owned(),
            (DeliveryMode::Stall, _) => "stall".to_owned(),
            (DeliveryMode::Truncate, _) => "truncate".to_owned(),
            (DeliveryMode::Respond, None) => "ok".to_owned(),
            (DeliveryMode::Respond, Some(_)) => "error".to_owned(),
        };
        let exact = self
            .journal_exact_requests
            .then(|| crate::exact::capture(request));
        let mut state = self.lock();
        let seq = state.journal.next_seq();
        state.journal.push(JournalEntry {
            seq,
            time_unix_ms: (unix_f64(now) * 1000.0) as i64,
            method: request.method().as_str().to_owned(),
            style: x.style,
            action: x.action,
            version: x.version,
            region: x.region,
            secret_id: x.secret_id,
            params: x.params,
            params_truncated: x.params_truncated,
            code,
            verdict,
            signature: x.signature,
            leniency: x.leniency,
            script: x.script,
            fault: x.fault,
            request_id,
            exact,
        });
        // A 2xx answer to CONNECT means "tunnel established" (RFC 9110 9.3.6), and HTTP
        // libraries then drop the body: CONNECT alone gets 405 with the same envelope.
        let response = if request.method() == http::Method::CONNECT {
            let mut response = envelope::json_response(405, body);
            response.headers_mut().insert(
                http::header::ALLOW,
                http::HeaderValue::from_static("GET, POST"),
            );
            response
        } else {
            match x.raw_answer {
                Some((status, content_type)) => envelope::raw_response(status, &content_type, body),
                None => envelope::json_response(200, body),
            }
        };
        Outcome {
            response,
            delivery: Delivery {
                delay: x.delay,
                mode: x.mode,
            },
            forward: x.forward,
        }
    }

    fn process<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        now: SystemTime,
        request_id: &str,
        x: &mut Exchange,
    ) -> Result<Vec<u8>, Failure> {
        let method = request.method();
        if method != http::Method::GET && method != http::Method::POST {
            return Err(Failure::new(
                "UnsupportedProtocol",
                if method == http::Method::CONNECT {
                    "The HTTP method CONNECT is not supported: this is an API endpoint, not a proxy; only GET and POST requests are.".to_owned()
                } else {
                    format!(
                        "The HTTP method {method} is not supported; only GET and POST requests are."
                    )
                },
            ));
        }
        let body = request.body().as_ref();
        if body.len() > MAX_BODY_BYTES {
            return Err(Failure::new(
                "RequestSizeLimitExceeded",
                format!("The request body is over the {MAX_BODY_BYTES}-byte (10 MB) limit."),
            ));
        }
        let content_type = header(request, "content-type").unwrap_or("");
        let is_get = method == http::Method::GET;
        let form = if is_get {
            Some(params::decode_form(
                request.uri().query().unwrap_or("").as_bytes(),
            ))
        } else if content_type
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
        {
            Some(params::decode_form(body))
        } else {
            None
        };
        let authorization = header(request, "authorization");
        let is_v1 = authorization.is_none()
            && form
                .as_ref()
                .is_some_and(|p| p.iter().any(|(k, _)| k == "Signature" || k == "Action"));
        x.style = if is_v1 {
            "v1"
        } else if authorization.is_some() {
            "tc3"
        } else {
            "none"
        };
        let form_value = |name: &str| -> Option<String> {
            form.as_ref()
                .and_then(|pairs| pairs.iter().rev().find(|(k, _)| k == name))
                .map(|(_, v)| v.clone())
        };
        let (action, version, region) = if is_v1 {
            (
                form_value("Action"),
                form_value("Version"),
                form_value("Region"),
            )
        } else {
            let h = |name| header(request, name).map(str::to_owned);
            (h("x-tc-action"), h("x-tc-version"), h("x-tc-region"))
        };
        x.action = action.clone();
        x.version = version.clone();
        let region = region.filter(|r| !r.is_empty());
        x.region = region.clone();
        let (action_name, version_name) = if is_v1 {
            ("the Action parameter", "the Version parameter")
        } else {
            ("the X-TC-Action header", "the X-TC-Version header")
        };
        let Some(action) = action.filter(|a| !a.is_empty()) else {
            return Err(Failure::new(
                "MissingParameter",
                format!("The request is missing the action: send {action_name}."),
            ));
        };
        let Some(version) = version.filter(|v| !v.is_empty()) else {
            return Err(Failure::new(
                "MissingParameter",
                format!("The request is missing the API version: send {version_name}."),
            ));
        };
        let raw = match &form {
            Some(pairs) => RawParams::Form(pairs.clone()),
            None if body.iter().all(u8::is_ascii_whitespace) => {
                RawParams::Json(Value::Object(serde_json::Map::new()))
            }
            None => match serde_json::from_slice::<Value>(body) {
                Ok(value) => RawParams::Json(value),
                Err(e) => RawParams::MalformedJson(e.to_string()),
            },
        };
        let Some((_, route)) = ROUTES.iter().find(|(name, _)| *name == action) else {
            return Err(Failure::new(
                "InvalidAction",
                format!(
                    "The action `{action}` is invalid or not found; this endpoint serves DescribeInstanceBackups, DescribeInstances and DescribeAutoBackupConfig (redis 2018-04-12), AssumeRole and AssumeRoleWithWebIdentity (sts 2018-08-13)."
                ),
            ));
        };
        let received = if is_get {
            request.uri().query().map_or(0, str::len)
        } else {
            body.len()
        };
        (x.params, x.params_truncated) = params::loose_view(&raw, route.schema, received);
        if let Some(token) = x.params.get_mut("WebIdentityToken") {
            *token = Value::String("***".into());
        }
        if version != route.version {
            return Err(Failure::new(
                "NoSuchVersion",
                format!(
                    "The API version `{version}` of {action} does not exist; use {}.",
                    route.version
                ),
            ));
        }
        let now_unix = unix_f64(now);
        let host = raw_host(request);
        let authenticated = if is_v1 {
            self.authenticate_v1(request, route, form_value, &host, body, now_unix, x)?
        } else {
            self.authenticate_tc3(request, route, authorization, &host, body, now_unix, x)?
        };

        // Scripts, then global faults.
        let step = {
            let mut state = self.lock();
            let view = RequestView {
                action: Some(&action),
                secret_id: x.secret_id.as_deref(),
                region: region.as_deref(),
                params: &x.params,
            };
            state.scripts.take(&view)
        };
        let mut fault = None;
        let mut stepped = false;
        if let Some(hit) = step {
            x.script = Some(hit.id);
            if let Some(step) = hit.step {
                stepped = true;
                x.delay += Duration::from_millis(step.delay_ms.unwrap_or(0));
                if let Some(error) = step.error {
                    let message = error
                        .message
                        .unwrap_or_else(|| failure::default_message(&error.code).to_owned());
                    return Err(Failure {
                        code: error.code,
                        message,
                    });
                }
                if let Some(reply) = step.reply {
                    return Ok(envelope::scripted_body(&reply, request_id));
                }
                fault = step.fault;
            }
        }
        if !stepped && !self.faults.is_empty() {
            let mut state = self.lock();
            fault = self
                .faults
                .iter()
                .find(|(_, p)| state.rng.next_f64() < *p)
                .map(|(kind, _)| *kind);
        }
        if let Some(kind) = fault {
            x.fault = Some(kind.to_string());
            match kind {
                FaultKind::InternalError => {
                    return Err(Failure::new(
                        "InternalError",
                        failure::default_message("InternalError"),
                    ));
                }
                FaultKind::Throttle => {
                    return Err(Failure::new(
                        "RequestLimitExceeded",
                        failure::default_message("RequestLimitExceeded"),
                    ));
                }
                FaultKind::Drop => {
                    x.mode = DeliveryMode::Drop;
                    return Ok(Vec::new());
                }
                FaultKind::Stall => {
                    x.mode = DeliveryMode::Stall;
                    return Ok(Vec::new());
                }
                FaultKind::Truncate => x.mode = DeliveryMode::Truncate,
                FaultKind::Delay(d) => x.delay += d,
            }
        }

        if let Some(secret_id) = &authenticated {
            let mut state = self.lock();
            if !state.limiter.admit(secret_id, &action, now_unix) {
                let limit = state.limiter.per_second();
                return Err(Failure::new(
                    "RequestLimitExceeded",
                    format!(
                        "Your {action} requests with SecretId {secret_id} exceed the limit of {limit} per second; slow down and retry later."
                    ),
                ));
            }
        }

        if route.service == "redis" {
            if let Some(secret_id) = &authenticated {
                self.check_policy(secret_id, &action, region.as_deref(), &x.params, request_id)?;
            }
            if self.world.replay.is_some() || self.world.upstream.is_some() {
                let typed = params::typed(&raw, &action, route.schema)?;
                let language = header(request, "x-tc-language").map(str::to_owned);
                return self.replay_or_forward(
                    ForwardRequest {
                        action,
                        version,
                        region,
                        params: typed,
                        language,
                        request_id: request_id.to_owned(),
                    },
                    x,
                );
            }
        }

        let scope = self.region_scope(route, region.as_deref(), &host)?;
        let typed = params::typed(&raw, &action, route.schema)?;
        match route.kind {
            ActionKind::Describe => {
                let extra = self.lifecycle_backups(
                    now,
                    Selection {
                        instance_id: typed
                            .get("InstanceId")
                            .and_then(Value::as_str)
                            .filter(|s| !s.is_empty()),
                        region: scope.as_deref(),
                    },
                );
                describe::describe(&self.store, extra, &typed, scope.as_deref(), request_id)
            }
            ActionKind::DescribeInstances => describe_instances::describe_instances(
                &self.store,
                &typed,
                scope.as_deref(),
                request_id,
            ),
            ActionKind::DescribeAutoBackupConfig => describe_auto_backup::describe(
                &self.store,
                &self.world.lifecycle,
                &typed,
                scope.as_deref(),
                request_id,
            ),
            ActionKind::AssumeRole | ActionKind::WebIdentity => {
                let required: &[&str] = if route.kind == ActionKind::AssumeRole {
                    &["RoleArn", "RoleSessionName"]
                } else {
                    &[
                        "ProviderId",
                        "WebIdentityToken",
                        "RoleArn",
                        "RoleSessionName",
                    ]
                };
                let mut state = self.lock();
                let (body, issued) = sts::assume_role(
                    &action,
                    &typed,
                    required,
                    now_unix.floor() as i64,
                    &mut state.rng,
                    request_id,
                )?;
                let mut issued = issued;
                issued.source = authenticated
                    .as_deref()
                    .map(|id| world_admin::policy_subject(&self.credentials, &state.issued, id));
                state.issued.insert(issued.secret_id.clone(), issued);
                Ok(body)
            }
        }
    }
}
