//! The socket-free client/server harness (quinn-proto's `Pair` idea): the production `Listing`
//! machine of `tcredis-core` (pacing, signing, classification, retries, skew correction, paging)
//! against the mock's sans-IO `Handler` on a simulated clock: the same code path as the
//! transport, minus sockets. Every attempt is the machine's own TC3-signed request, verified by
//! the mock; delivery faults become what a transport would see (reset, truncated body, timeout).

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tcredis_core::pacer::Pacer;
use tcredis_core::{
    CallContext, Credentials, DescribeInstanceBackupsRequest, Endpoint, Listing, ListingEvent,
    ListingOptions, SharedPacer, TransportFailure,
};
use tcredis_mock::handler::{DeliveryMode, Handler};
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, MockConfig, Script, Step};

const T0: i64 = 1_780_000_000;
/// What a transport would wait before calling a stalled request a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Simulated time: an `Instant` for the drivers, Unix seconds for signing and the server.
struct SimClock {
    base: Instant,
    elapsed: Duration,
    /// Client clock minus real (server) clock, in seconds.
    client_skew: i64,
}

impl SimClock {
    fn new() -> Self {
        Self {
            base: Instant::now(),
            elapsed: Duration::ZERO,
            client_skew: 0,
        }
    }
    fn now(&self) -> Instant {
        self.base + self.elapsed
    }
    fn advance(&mut self, by: Duration) {
        self.elapsed += by;
    }
    fn advance_to(&mut self, at: Instant) {
        if at > self.now() {
            self.elapsed = at - self.base;
        }
    }
    fn server_time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(T0 as u64) + self.elapsed
    }
    fn server_unix(&self) -> i64 {
        T0 + self.elapsed.as_secs() as i64
    }
    fn client_unix(&self) -> i64 {
        self.server_unix() + self.client_skew
    }
}

/// The `Date` header hyper adds to every response (IMF-fixdate).
fn http_date(unix: i64) -> String {
    tcredis_core::time::http_date::format(unix)
}

struct Client {
    ctx: CallContext,
    credentials: Credentials,
}

impl Client {
    fn new(pacer: Pacer) -> Self {
        Self::with_deadline(pacer, None)
    }

    fn with_deadline(pacer: Pacer, deadline: Option<Duration>) -> Self {
        let mut ctx = CallContext::builder(Endpoint::for_region("ap-guangzhou"))
            .region("ap-guangzhou")
            .pacer(Some(SharedPacer::new(pacer)))
            .random_seed(0x5eed);
        if let Some(d) = deadline {
            ctx = ctx.deadline(d);
        }
        let ctx = ctx.build();
        Self {
            ctx,
            credentials: Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap(),
        }
    }
}

#[derive(Debug, Default)]
struct Run {
    items: Vec<String>,
    sends: Vec<Instant>,
    notes: Vec<String>,
    error: Option<String>,
}

/// What a transport does, minus sockets: drain the machine's events, carry each transmit to the
/// handler and its delivery instructions back, sleep until the machine's timeout.
fn run(
    client: &mut Client,
    handler: &Handler,
    clock: &mut SimClock,
    base: DescribeInstanceBackupsRequest,
    options: ListingOptions,
) -> Run {
    let mut listing = Listing::new(client.ctx.clone(), base, options).unwrap();
    let mut out = Run::default();
    loop {
        while let Some(event) = listing.poll() {
            match event {
                ListingEvent::Page(page) => out
                    .items
                    .extend(page.items.into_iter().map(|b| b.backup_id.clone().unwrap())),
                ListingEvent::Note(note) => out.notes.push(format!("{note:?}")),
                ListingEvent::Done => return out,
                ListingEvent::Failed(e) => {
                    out.error = Some(e.to_string());
                    return out;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        let now = clock.now();
        let Some(transmit) =
            listing.poll_transmit(now, clock.client_unix(), Some(&client.credentials))
        else {
            let at = listing
                .poll_timeout()
                .expect("a machine with nothing to do has ended");
            clock.advance_to(at);
            listing.handle_timeout(clock.now());
            continue;
        };
        out.sends.push(now);
        let outcome = handler.handle(&transmit.request, clock.server_time());
        clock.advance(outcome.delivery.delay + Duration::from_millis(2));
        match outcome.delivery.mode {
            DeliveryMode::Drop => {
                listing.handle_transport_error(clock.now(), TransportFailure::Reset);
                continue;
            }
            DeliveryMode::Stall => {
                // The transport waits for the request timeout or the machine's deadline,
                // whichever comes first.
                let timeout_at = clock.now() + REQUEST_TIMEOUT;
                match listing.poll_timeout() {
                    Some(deadline) if deadline < timeout_at => {
                        clock.advance_to(deadline);
                        listing.handle_timeout(clock.now());
                    }
                    _ => {
                        clock.advance_to(timeout_at);
                        listing.handle_transport_error(clock.now(), TransportFailure::Timeout);
                    }
                }
                continue;
            }
            _ => {}
        }
        let truncate = outcome.delivery.mode == DeliveryMode::Truncate;
        let (parts, mut body) = outcome.response.into_parts();
        if truncate {
            body.truncate(body.len() / 2);
        }
        let mut headers = parts.headers;
        headers.insert(
            http::header::DATE,
            http_date(clock.server_unix()).parse().unwrap(),
        );
        listing.handle_response(clock.now(), parts.status, &headers, &body);
    }
}

fn handler(config: MockConfig) -> Handler {
    Handler::new(
        &config.now_override(T0).random_seed(11),
        UNIX_EPOCH + Duration::from_secs(T0 as u64),
    )
    .unwrap()
}

/// The generated listing's IDs in server order (index descending).
fn generated_ids(n: u64, instances: u64) -> Vec<String> {
    (0..n)
        .rev()
        .map(|i| format!("{:010}-gen-{:05}", i, i % instances + 1))
        .collect()
}

fn assert_exactly_once(items: &[String], expected: &[String]) {
    let unique: HashSet<&String> = items.iter().collect();
    assert_eq!(unique.len(), items.len(), "an item was yielded twice");
    assert_eq!(items, expected);
}

/// Most requests in any one-second window of the send times.
fn busiest_second(sends: &[Instant]) -> usize {
    sends
        .iter()
        .enumerate()
        .map(|(i, start)| {
            sends[i..]
                .iter()
                .take_while(|t| t.duration_since(*start) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn stable_listing_arrives_exactly_once_in_order_and_paced() {
    let handler = handler(MockConfig::new().generate(1234, 3));
    let mut clock = SimClock::new();
    let mut client = Client::new(Pacer::default());
    let run = run(
        &mut client,
        &handler,
        &mut clock,
        DescribeInstanceBackupsRequest::default(),
        ListingOptions::new().limit(100).unwrap(),
    );
    assert_eq!(run.error, None);
    assert_exactly_once(&run.items, &generated_ids(1234, 3));
    assert_eq!(run.sends.len(), 13, "ceil(1234 / 100) pages, no retries");
    assert!(busiest_second(&run.sends) <= 21, "pacer: burst 1 + 20/s");
    assert!(
        handler.journal().iter().all(|e| e.code.is_none()),
        "the client's pacing stays under the server's limit"
    );
}

#[test]
fn server_rate_limit_below_the_client_pace_is_retried_to_completion() {
    let handler = handler(MockConfig::new().generate(2000, 1).rate_limit(4));
    let mut clock = SimClock::new();
    let mut client = Client::new(Pacer::new(50.0).unwrap());
    let run = run(
        &mut client,
        &handler,
        &mut clock,
        DescribeInstanceBackupsRequest::default(),
        ListingOptions::new().limit(100).unwrap(),
    );
    assert_eq!(run.error, None);
    assert_exactly_once(&run.items, &generated_ids(2000, 1));
    let throttled = handler
        .journal()
        .iter()
        .filter(|e| e.code.as_deref() == Some("RequestLimitExceeded"))
        .count();
    assert!(throttled > 0, "the server throttled");
    assert_eq!(
        handler
            .journal()
            .iter()
            .filter(|e| e.code.is_none())
            .count(),
        20
    );
}

#[test]
fn scripted_failures_of_every_kind_are_survived_exactly_once() {
    let handler = handler(MockConfig::new().generate(450, 2));
    handler
        .script(
            Script::new()
                .then(Step::error("RequestLimitExceeded"))
                .then(Step::error("RequestLimitExceeded"))
                .then(Step::pass())
                .then(Step::fault(FaultKind::Drop))
                .then(Step::fault(FaultKind::Truncate))
                .then(Step::pass())
                .then(Step::fault(FaultKind::Stall))
                .then(Step::error("InternalError"))
                .then(Step::pass().delay(Duration::from_millis(700)))
                .expect(9),
        )
        .unwrap();
    let mut clock = SimClock::new();
    let mut client = Client::new(Pacer::default());
    let run = run(
        &mut client,
        &handler,
        &mut clock,
        DescribeInstanceBackupsRequest::default(),
        ListingOptions::new().limit(100).unwrap(),
    );
    assert_eq!(run.error, None, "{:?}", run.notes);
    assert_exactly_once(&run.items, &generated_ids(450, 2));
    handler.verify().unwrap();
    assert_eq!(
        run.sends.len(),
        5 + 6,
        "five pages plus six retried failures"
    );
    let verdicts: Vec<String> = handler
        .journal()
        .iter()
        .map(|e| e.verdict.clone())
        .collect();
    assert_eq!(
        verdicts[..9],
        [
            "error", "error", "ok", "drop", "truncate", "ok", "stall", "error", "ok"
        ]
    );
}

#[test]
fn a_client_clock_400_seconds_behind_recovers_through_the_date_header() {
    let handler = handler(MockConfig::new().generate(150, 1));
    let mut clock = SimClock::new();
    clock.client_skew = -400;
    let mut client = Client::new(Pacer::default());
    let run = run(
        &mut client,
        &handler,
        &mut clock,
        DescribeInstanceBackupsRequest::default(),
        ListingOptions::new().limit(100).unwrap(),
    );
    assert_eq!(run.error, None, "{:?}", run.notes);
    assert_exactly_once(&run.items, &generated_ids(150, 1));
    let codes: Vec<Option<String>> = handler.journal().iter().map(|e| e.code.clone()).collect();
    assert_eq!(
        codes,
        [Some("AuthFailure.SignatureExpire".to_owned()), None, None],
        "one expiry, then corrected signing"
    );
}

#[test]
fn a_total_count_that_changes_mid_listing_is_reported_as_drift() {
    let handler = handler(MockConfig::new().generate(300, 1));
    // Page 2 claims a different TotalCount (as if backups were added meanwhile).
    let fake: Vec<serde_json::Value> = generated_ids(300, 1)[100..200]
        .iter()
        .map(|id| json!({"BackupId": id}))
        .collect();
    handler
        .script(
            Script::new()
                .param("Offset", json!(100))
                .then(Step::reply(json!({"TotalCount": 301, "BackupSet": fake}))),
        )
        .unwrap();
    let mut clock = SimClock::new();
    let mut client = Client::new(Pacer::default());
    let run = run(
        &mut client,
        &handler,
        &mut clock,
        DescribeInstanceBackupsRequest::default(),
        ListingOptions::new().limit(100).unwrap(),
    );
    let error = run.error.expect("drift");
    assert!(error.to_lowercase().contains("total"), "{error}");
    assert_eq!(
        run.items,
        generated_ids(300, 1)[..100],
        "nothing after the drift is yielded"
    );
}

#[test]
fn filtered_paging_over_a_window_matches_a_direct_listing() {
    let handler = handler(MockConfig::new().rate_limit(0));
    let mut base = DescribeInstanceBackupsRequest::default();
    base.status = Some(vec![-1, 4]);
    base.begin_time = Some("2026-04-20 00:00:00".into());
    base.end_time = Some("2026-05-19 23:59:59".into());
    let mut clock = SimClock::new();
    let mut client = Client::new(Pacer::unlimited());
    let paged = run(
        &mut client,
        &handler,
        &mut clock,
        base.clone(),
        ListingOptions::new().limit(7).unwrap(),
    );
    assert_eq!(paged.error, None);
    let direct = run(
        &mut client,
        &handler,
        &mut clock,
        base,
        ListingOptions::new().limit(100).unwrap(),
    );
    assert!(paged.items.len() > 25, "{}", paged.items.len());
    assert_eq!(paged.items, direct.items);
}

#[test]
fn a_stalled_server_ends_the_call_at_its_deadline() {
    let handler = handler(MockConfig::new().generate(150, 1));
    handler
        .script(
            Script::new()
                .then(Step::fault(FaultKind::Stall))
                .then(Step::fault(FaultKind::Stall))
                .then(Step::fault(FaultKind::Stall)),
        )
        .unwrap();
    let mut clock = SimClock::new();
    let mut client = Client::with_deadline(Pacer::default(), Some(Duration::from_secs(15)));
    let run = run(
        &mut client,
        &handler,
        &mut clock,
        DescribeInstanceBackupsRequest::default(),
        ListingOptions::new().limit(100).unwrap(),
    );
    let error = run.error.expect("the deadline ends the call");
    assert!(error.contains("deadline"), "{error}");
    assert_eq!(
        run.sends.len(),
        2,
        "one timed-out attempt, one cut by the deadline"
    );
    assert!(run.items.is_empty());
    assert!(clock.elapsed <= Duration::from_secs(15) + Duration::from_millis(10));
}
