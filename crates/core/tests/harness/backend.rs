//! Socket-free test support: an in-memory stand-in for the `DescribeInstanceBackups` backend
//! (stable or drifting data, Limit/Offset/TotalCount, injected throttling and failures, a
//! server clock that may disagree with the client's) and a simulated clock, so the core's
//! drivers can be run together without sockets, threads or sleeping.
//!
//! The mock crate's sans-IO handler replaces this backend later; the drivers' loop stays.
#![allow(dead_code)] // each test crate that includes this module uses a different part of it

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use tcredis_core::retry::{AttemptOutcome, TransportFailure};

/// A simulated clock: a fixed origin plus simulated time. Nothing ever sleeps.
#[derive(Debug, Clone)]
pub struct SimClock {
    origin: Instant,
    elapsed: Duration,
    /// The client's wall clock at the origin (Unix seconds).
    pub client_unix_at_origin: i64,
}

impl SimClock {
    pub fn new(client_unix_at_origin: i64) -> Self {
        Self {
            origin: Instant::now(),
            elapsed: Duration::ZERO,
            client_unix_at_origin,
        }
    }
    pub fn now(&self) -> Instant {
        self.origin + self.elapsed
    }
    pub fn origin(&self) -> Instant {
        self.origin
    }
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
    /// Moves forward to `t` (never backwards).
    pub fn advance_to(&mut self, t: Instant) {
        if t > self.now() {
            self.elapsed = t - self.origin;
        }
    }
    pub fn advance(&mut self, d: Duration) {
        self.elapsed += d;
    }
    /// The client's wall-clock Unix seconds now.
    pub fn client_unix(&self) -> i64 {
        self.client_unix_at_origin + self.elapsed.as_secs() as i64
    }
}

/// A failure the backend injects instead of answering a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Throttle,
    InternalError,
    SystemError,
    Reset,
    Timeout,
    Truncated,
    BadGateway,
    /// A non-retryable error: the call must give up.
    InvalidParameter,
}

impl Fault {
    pub fn outcome(self) -> AttemptOutcome {
        match self {
            Fault::Throttle => AttemptOutcome::api("RequestLimitExceeded"),
            Fault::InternalError => AttemptOutcome::api("InternalError.DbOperationFailed"),
            Fault::SystemError => AttemptOutcome::api("FailedOperation.SystemError"),
            Fault::Reset => AttemptOutcome::Transport(TransportFailure::Reset),
            Fault::Timeout => AttemptOutcome::Transport(TransportFailure::Timeout),
            Fault::Truncated => AttemptOutcome::MalformedBody,
            Fault::BadGateway => AttemptOutcome::HttpStatus(502),
            Fault::InvalidParameter => AttemptOutcome::api("InvalidParameter.InvalidParameter"),
        }
    }
}

/// A change to the data set, applied right after the `after_pages`-th page served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// Insert a new item at this index of the listing (server order).
    Insert(usize, String),
    /// Remove the item at this index (ignored when out of range).
    Remove(usize),
}

/// What the backend answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Page {
        total_count: i64,
        items: Vec<String>,
    },
    Failure(AttemptOutcome),
}

/// One request the backend saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub at: Instant,
    pub offset: i64,
    pub limit: i64,
}

/// The in-memory backend.
#[derive(Debug)]
pub struct Backend {
    items: Vec<String>,
    scripted_faults: VecDeque<Option<Fault>>,
    mutations: Vec<(u64, Mutation)>,
    pages_served: u64,
    /// Server-side token bucket (capacity = rate, refilled at rate/s), `None` = no limit.
    server_rate: Option<f64>,
    bucket: f64,
    bucket_at: Option<Instant>,
    /// Server clock minus client clock, seconds; requests signed more than 300 s away fail.
    server_clock_offset: i64,
    pub journal: Vec<Seen>,
}

impl Backend {
    /// A backend serving `n` items named `bak-00000`, ... in that order.
    pub fn with_items(n: usize) -> Self {
        Self::from_ids((0..n).map(|i| format!("bak-{i:05}")).collect())
    }
    pub fn from_ids(items: Vec<String>) -> Self {
        Self {
            items,
            scripted_faults: VecDeque::new(),
            mutations: Vec::new(),
            pages_served: 0,
            server_rate: None,
            bucket: 0.0,
            bucket_at: None,
            server_clock_offset: 0,
            journal: Vec::new(),
        }
    }
    pub fn items(&self) -> &[String] {
        &self.items
    }
    /// Scripts the next requests: `Some(fault)` fails that request, `None` serves it.
    pub fn script(mut self, faults: impl IntoIterator<Item = Option<Fault>>) -> Self {
        self.scripted_faults.extend(faults);
        self
    }
    /// Changes the data set after `after_pages` pages have been served.
    pub fn mutate_after(mut self, after_pages: u64, m: Mutation) -> Self {
        self.mutations.push((after_pages, m));
        self
    }
    /// Enforces a server-side rate limit (answers `RequestLimitExceeded` above it).
    pub fn server_rate_limit(mut self, per_second: f64) -> Self {
        self.server_rate = Some(per_second);
        self.bucket = per_second;
        self
    }
    /// The server's clock is `offset` seconds ahead of the client's.
    pub fn server_clock_offset(mut self, offset: i64) -> Self {
        self.server_clock_offset = offset;
        self
    }

    fn throttled(&mut self, now: Instant) -> bool {
        let Some(rate) = self.server_rate else {
            return false;
        };
        if let Some(at) = self.bucket_at {
            self.bucket = (self.bucket + (now - at).as_secs_f64() * rate).min(rate);
        }
        self.bucket_at = Some(now);
        if self.bucket >= 1.0 {
            self.bucket -= 1.0;
            false
        } else {
            true
        }
    }

    /// Answers one request, sent at `now` and signed with Unix time `signed_unix`. Returns
    /// the reply and the server's `Date` (Unix seconds).
    pub fn handle(
        &mut self,
        now: Instant,
        clock: &SimClock,
        signed_unix: i64,
        offset: i64,
        limit: i64,
    ) -> (Reply, i64) {
        self.journal.push(Seen {
            at: now,
            offset,
            limit,
        });
        let server_unix = clock.client_unix() + self.server_clock_offset;
        if (signed_unix - server_unix).abs() > 300 {
            let outcome = AttemptOutcome::Api {
                code: "AuthFailure.SignatureExpire".to_owned(),
                clock_offset: Some(server_unix - signed_unix),
            };
            return (Reply::Failure(outcome), server_unix);
        }
        if let Some(Some(fault)) = self.scripted_faults.pop_front() {
            return (Reply::Failure(fault.outcome()), server_unix);
        }
        if self.throttled(now) {
            return (Reply::Failure(Fault::Throttle.outcome()), server_unix);
        }
        assert!((1..=100).contains(&limit), "the client sent Limit {limit}");
        assert!(offset >= 0, "the client sent Offset {offset}");
        let page: Vec<String> = self
            .items
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .cloned()
            .collect();
        let total_count = self.items.len() as i64;
        self.pages_served += 1;
        let served = self.pages_served;
        let due: Vec<Mutation> = self
            .mutations
            .iter()
            .filter(|(after, _)| *after == served)
            .map(|(_, m)| m.clone())
            .collect();
        for m in due {
            match m {
                Mutation::Insert(at, id) => {
                    let at = at.min(self.items.len());
                    self.items.insert(at, id);
                }
                Mutation::Remove(at) => {
                    if at < self.items.len() {
                        self.items.remove(at);
                    }
                }
            }
        }
        (
            Reply::Page {
                total_count,
                items: page,
            },
            server_unix,
        )
    }
}

/// Checks that no window of the send times holds more than `burst + rate·w` requests.
/// Returns the worst excess found (<= 0 when the bound holds).
pub fn worst_window_excess(send_times: &[Instant], rate: f64, burst: u32) -> f64 {
    let mut times = send_times.to_vec();
    times.sort();
    let mut worst = f64::NEG_INFINITY;
    for i in 0..times.len() {
        for j in i..times.len() {
            let w = (times[j] - times[i]).as_secs_f64();
            let count = (j - i + 1) as f64;
            worst = worst.max(count - (f64::from(burst) + rate * w));
        }
    }
    worst
}

/// What the backend put on the wire: an HTTP response (status, `Date`, body bytes) or a
/// transport failure (no response at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    Http {
        status: u16,
        date: String,
        body: Vec<u8>,
    },
    Broken(TransportFailure),
}

/// The credentials the backend accepts (the mock's public demo pair).
pub const DEMO_SECRET_ID: &str = "AKIDTCREDISDEMO000000000000000000000";
/// The demo key (public, not a secret).
pub const DEMO_SECRET_KEY: &str = "tcredis-demo-key-public-not-secret";

impl Backend {
    /// Answers a real signed HTTP request: verifies its TC3 signature (strict, ±300 s against
    /// the server's clock) with the core's verifier, reads Offset/Limit from the JSON body and
    /// answers as [`Backend::handle_http_parts`] does. A signature failure answers the error
    /// envelope the API would send.
    pub fn handle_signed(
        &mut self,
        now: Instant,
        clock: &SimClock,
        request: &http::Request<Vec<u8>>,
    ) -> Wire {
        use tcredis_core::credentials::Secret;
        use tcredis_core::sign::verify::{Tc3Request, VerifyOptions, verify_tc3};
        let server_unix = clock.client_unix() + self.server_clock_offset;
        let host = request.headers()["host"].to_str().unwrap().to_owned();
        let parts = Tc3Request {
            method: request.method().as_str(),
            host: &host,
            query: request.uri().query().unwrap_or(""),
            headers: request.headers(),
            body: request.body(),
        };
        let verified = verify_tc3(
            &parts,
            server_unix as u64,
            &VerifyOptions::strict("redis"),
            |id| (id == DEMO_SECRET_ID).then(|| (Secret::new(DEMO_SECRET_KEY), None)),
        );
        if let Err(e) = verified {
            self.journal.push(Seen {
                at: now,
                offset: -1,
                limit: -1,
            });
            let body = serde_json::json!({"Response": {
                "Error": {"Code": e.code(), "Message": e.detail()}, "RequestId": "req-auth"}});
            return Wire::Http {
                status: 200,
                date: format_imf_fixdate(server_unix),
                body: serde_json::to_vec(&body).unwrap(),
            };
        }
        let signed_unix: i64 = request.headers()["x-tc-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let params: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        let offset = params["Offset"]
            .as_i64()
            .expect("the paginator always sends Offset");
        let limit = params["Limit"]
            .as_i64()
            .expect("the paginator always sends Limit");
        self.handle_http(now, clock, signed_unix, offset, limit)
    }

    /// Like [`Backend::handle`], but answers with the bytes a real server would send: a JSON
    /// page or error envelope with a `Date` header, a truncated body, a non-200 status, or a
    /// broken connection.
    pub fn handle_http(
        &mut self,
        now: Instant,
        clock: &SimClock,
        signed_unix: i64,
        offset: i64,
        limit: i64,
    ) -> Wire {
        let request_id = format!("req-{}", self.journal.len() + 1);
        let (reply, server_unix) = self.handle(now, clock, signed_unix, offset, limit);
        let date = format_imf_fixdate(server_unix);
        let http = |status, body: Vec<u8>| Wire::Http {
            status,
            date: date.clone(),
            body,
        };
        match reply {
            Reply::Page { total_count, items } => {
                let items: Vec<serde_json::Value> = items
                    .iter()
                    .map(|id| {
                        serde_json::json!({
                            "BackupId": id, "InstanceId": "crs-harness", "Status": 2,
                            "BackupType": "1", "StartTime": "2026-11-27 02:00:00",
                        })
                    })
                    .collect();
                let body = serde_json::json!({"Response": {
                    "TotalCount": total_count, "BackupSet": items, "RequestId": request_id}});
                http(200, serde_json::to_vec(&body).unwrap())
            }
            Reply::Failure(AttemptOutcome::Api { code, .. }) => {
                let body = serde_json::json!({"Response": {
                    "Error": {"Code": code, "Message": "injected by the harness"},
                    "RequestId": request_id}});
                http(200, serde_json::to_vec(&body).unwrap())
            }
            Reply::Failure(AttemptOutcome::MalformedBody) => http(
                200,
                br#"{"Response":{"TotalCount":5,"BackupSet":[{"Back"#.to_vec(),
            ),
            Reply::Failure(AttemptOutcome::HttpStatus(status)) => {
                http(status, b"<html>502 Bad Gateway</html>".to_vec())
            }
            Reply::Failure(AttemptOutcome::Transport(failure)) => Wire::Broken(failure),
            Reply::Failure(other) => panic!("the backend cannot put {other:?} on the wire"),
        }
    }
}

/// Formats Unix seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`): core's
/// `time::http_date::format`, the one the skew estimator's parser is tested against.
pub fn format_imf_fixdate(unix: i64) -> String {
    tcredis_core::time::http_date::format(unix)
}
