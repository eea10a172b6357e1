//! The socket-free harness (quinn-proto's `Pair` idea): the production `Listing` machine
//! (pacing, signing, classification, retries, skew correction, paging) driven against an
//! in-memory backend on a simulated clock. The backend answers with real response bytes (JSON
//! pages, error envelopes, truncated bodies, a `Date` header); every attempt is the machine's own
//! TC3-signed `http::Request`, checked by the core's verifier. Proves exactly-once delivery (or a
//! reported Drift), the pacing bound, and recovery from retryable failures. The mock crate's
//! `sans_io_harness` drives the same machine against the real mock handler.

#[path = "harness/backend.rs"]
mod backend;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use backend::{
    Backend, DEMO_SECRET_ID, DEMO_SECRET_KEY, Fault, Mutation, SimClock, Wire, worst_window_excess,
};
use tcredis_core::pacer::Pacer;
use tcredis_core::pagination::{Drift, DriftKind, DriftPolicy};
use tcredis_core::retry::{GiveUpReason, RetryBudget};
use tcredis_core::{
    CallContext, CallContextBuilder, Credentials, DescribeInstanceBackupsRequest, Endpoint,
    ErrorKind, Listing, ListingEvent, ListingOptions, Note, RetryPolicy, SharedPacer,
};

/// The client side: one per "process", shared by its calls (one `CallContext`).
struct Client {
    ctx: CallContext,
    latency: Duration,
    credentials: Credentials,
}

impl Client {
    fn new(pacer: Pacer) -> Self {
        Self::with(pacer, RetryPolicy::default(), None)
    }

    fn with(pacer: Pacer, policy: RetryPolicy, budget: Option<RetryBudget>) -> Self {
        Self::configured(pacer, policy, budget, |b| b)
    }

    fn configured(
        pacer: Pacer,
        policy: RetryPolicy,
        budget: Option<RetryBudget>,
        more: impl FnOnce(CallContextBuilder) -> CallContextBuilder,
    ) -> Self {
        let mut ctx = CallContext::builder(Endpoint::for_region("ap-guangzhou"))
            .region("ap-guangzhou")
            .retry(policy)
            .pacer(Some(SharedPacer::new(pacer)))
            .random_seed(0x7c3d);
        if let Some(budget) = budget {
            ctx = ctx.retry_budget(budget);
        }
        Self {
            ctx: more(ctx).build(),
            latency: Duration::from_millis(3),
            credentials: Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap(),
        }
    }
}

#[derive(Debug)]
enum RunError {
    Drift(Drift),
    GaveUp(GiveUpReason, ErrorKind),
    /// Ended by something other than the retry policy (deadline, item cap).
    Ended(ErrorKind),
}

#[derive(Debug)]
struct Run {
    items: Vec<String>,
    error: Option<RunError>,
    sends: Vec<Instant>,
    attempts: u32,
    restarts: u32,
    skew_corrections: Vec<i64>,
}

/// What a transport does, minus sockets: drain events, send what the machine says to send
/// (the backend answers in simulated time), sleep until the machine's timeout.
fn run(
    client: &mut Client,
    backend: &mut Backend,
    clock: &mut SimClock,
    options: ListingOptions,
) -> Run {
    let base = DescribeInstanceBackupsRequest::default();
    let mut listing = Listing::new(client.ctx.clone(), base, options).unwrap();
    let mut out = Run {
        items: Vec::new(),
        error: None,
        sends: Vec::new(),
        attempts: 0,
        restarts: 0,
        skew_corrections: Vec::new(),
    };
    loop {
        while let Some(event) = listing.poll() {
            match event {
                ListingEvent::Page(page) => out
                    .items
                    .extend(page.items.into_iter().map(|b| b.backup_id.clone().unwrap())),
                ListingEvent::Note(Note::Restarted(_)) => out.restarts += 1,
                ListingEvent::Note(Note::SkewCorrected { offset }) => {
                    out.skew_corrections.push(offset)
                }
                ListingEvent::Note(_) => {}
                ListingEvent::Done => return out,
                ListingEvent::Failed(e) => {
                    let reason = e.give_up_reason();
                    out.error = Some(match (e.into_kind(), reason) {
                        (ErrorKind::Drift(d), _) => RunError::Drift(d),
                        (kind, Some(reason)) => RunError::GaveUp(reason, kind),
                        (kind, None) => RunError::Ended(kind),
                    });
                    return out;
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
        let now = clock.now();
        if let Some(transmit) =
            listing.poll_transmit(now, clock.client_unix(), Some(&client.credentials))
        {
            out.sends.push(now);
            out.attempts += 1;
            let wire = backend.handle_signed(now, clock, &transmit.request);
            clock.advance(client.latency);
            match wire {
                Wire::Broken(failure) => listing.handle_transport_error(clock.now(), failure),
                Wire::Http { status, date, body } => {
                    let mut headers = http::HeaderMap::new();
                    headers.insert(http::header::DATE, date.parse().unwrap());
                    let status = http::StatusCode::from_u16(status).unwrap();
                    listing.handle_response(clock.now(), status, &headers, &body);
                }
            }
        } else {
            let at = listing
                .poll_timeout()
                .expect("a machine with nothing to do has ended");
            assert!(at >= now, "timeouts never lie in the past");
            clock.advance_to(at);
            listing.handle_timeout(clock.now());
        }
    }
}

fn assert_no_repeats(items: &[String]) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item), "item {item} was yielded twice");
    }
}

fn limit(n: u32) -> ListingOptions {
    ListingOptions::new().limit(n).unwrap()
}

const UNIX_T0: i64 = 1_795_819_953;

#[test]
fn stable_listing_arrives_exactly_once_and_paced() {
    let mut backend = Backend::with_items(1234);
    let expected = backend.items().to_vec();
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.items, expected);
    assert_eq!(run.attempts, 13);
    assert!(worst_window_excess(&run.sends, 20.0, 1) <= 1e-9);
    // 13 requests evenly spaced 50 ms apart: the last goes out at 600 ms.
    assert_eq!(
        *run.sends.last().unwrap() - clock.origin(),
        Duration::from_millis(600)
    );
}

#[test]
fn retries_recover_from_every_retryable_failure() {
    use Fault::*;
    let script = [
        Some(Throttle),
        None,
        Some(Reset),
        Some(Timeout),
        None,
        Some(Truncated),
        Some(BadGateway),
        Some(InternalError),
        Some(SystemError),
        None,
    ];
    let mut backend = Backend::with_items(450).script(script);
    let expected = backend.items().to_vec();
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.items, expected);
    assert_eq!(run.attempts, 5 + 7, "5 pages plus 7 failed attempts");
    assert!(worst_window_excess(&run.sends, 20.0, 1) <= 1e-9);
    // Every failed attempt was followed by a retry of the same page.
    let offsets: Vec<i64> = backend.journal.iter().map(|s| s.offset).collect();
    assert_eq!(
        offsets,
        [0, 0, 100, 100, 100, 200, 200, 200, 200, 200, 300, 400]
    );
}

#[test]
fn a_permanent_error_gives_up_at_once_without_repeating_items() {
    let mut backend = Backend::with_items(300).script([None, Some(Fault::InvalidParameter)]);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(matches!(
        run.error,
        Some(RunError::GaveUp(GiveUpReason::NotRetryable, _))
    ));
    assert_eq!(run.items, backend.items()[..100].to_vec());
    assert_eq!(run.attempts, 2);
}

#[test]
fn attempts_are_capped_at_five_per_call() {
    let mut backend =
        Backend::with_items(300).script([None].into_iter().chain([Some(Fault::Reset); 6]));
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    match run.error {
        Some(RunError::GaveUp(
            GiveUpReason::AttemptsExhausted { attempts: 5 },
            ErrorKind::Transport(_),
        )) => {}
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(run.attempts, 1 + 5);
    assert_no_repeats(&run.items);
}

#[test]
fn pacing_at_the_server_rate_avoids_throttling_and_unpaced_bursts_recover() {
    // Paced at the server's own rate: never throttled.
    let mut backend = Backend::with_items(3000).server_rate_limit(20.0);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::new(20.0).unwrap());
    let paced = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(paced.error.is_none());
    assert_eq!(paced.items.len(), 3000);
    assert_eq!(paced.attempts, 30, "no request was throttled");

    // Unpaced against a server limit of 5/s with a burst of 5: throttled, and backoff recovers.
    let mut backend = Backend::with_items(3000).server_rate_limit(5.0);
    let expected = backend.items().to_vec();
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::with(
        Pacer::unlimited(),
        RetryPolicy::default().with_max_retries(10),
        None,
    );
    let unpaced = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(unpaced.error.is_none(), "{:?}", unpaced.error);
    assert_eq!(unpaced.items, expected);
    assert!(
        unpaced.attempts > 30,
        "some requests were throttled and retried"
    );
}

#[test]
fn a_new_item_ahead_of_the_cursor_is_reported_as_drift_without_repeats() {
    // A backup created mid-listing lands at the front (newest first): every later page shifts.
    let mut backend =
        Backend::with_items(350).mutate_after(2, Mutation::Insert(0, "bak-new".into()));
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    match &run.error {
        Some(RunError::Drift(drift)) => {
            assert_eq!(
                drift.kind(),
                &DriftKind::TotalCountChanged {
                    before: 350,
                    after: 351
                }
            );
            assert_eq!(drift.offset(), 200);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(run.items.len(), 200);
    assert_no_repeats(&run.items);
}

#[test]
fn the_restart_policy_gives_a_complete_deduplicated_listing() {
    let mut backend = Backend::with_items(350)
        .mutate_after(2, Mutation::Insert(0, "bak-new".into()))
        .mutate_after(3, Mutation::Remove(10));
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let options = limit(100).drift_policy(DriftPolicy::Restart);
    let run = run(&mut client, &mut backend, &mut clock, options);
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.restarts, 1);
    assert_no_repeats(&run.items);
    let got: HashSet<&String> = run.items.iter().collect();
    for item in backend.items() {
        assert!(got.contains(item), "{item} is missing");
    }
}

#[test]
fn a_removed_item_behind_the_cursor_is_drift() {
    // Removing an item already read shifts the next page by one: short-listing drift.
    let mut backend = Backend::with_items(250).mutate_after(1, Mutation::Remove(5));
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(
        matches!(run.error, Some(RunError::Drift(_))),
        "{:?}",
        run.error
    );
    assert_eq!(run.items.len(), 100);
}

#[test]
fn a_slow_clock_is_corrected_once_from_the_server_date() {
    let mut backend = Backend::with_items(150).server_clock_offset(412);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.skew_corrections, [412]);
    assert_eq!(
        client.ctx.clock_skew_seconds(),
        412,
        "412 s behind the server"
    );
    assert_eq!(run.items.len(), 150);
    assert_eq!(run.attempts, 3, "one refused attempt, then both pages");
    // The first attempt was refused by the signature verifier (its timestamp was 412 s old);
    // the retry was re-signed with the corrected time and accepted.
    let offsets: Vec<i64> = backend.journal.iter().map(|s| s.offset).collect();
    assert_eq!(offsets, [-1, 0, 100]);
}

#[test]
fn the_retry_budget_stops_retry_storms_across_calls() {
    // A dead backend: every request fails. With a budget of 20 tokens at 5 per retry, the
    // client makes 4 retries in total across all calls, then fails fast.
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::with(
        Pacer::default(),
        RetryPolicy::default(),
        Some(RetryBudget::new(20, 5, 10, 1)),
    );
    let mut total_attempts = 0;
    for _ in 0..5 {
        let mut backend = Backend::with_items(10).script([Some(Fault::InternalError); 10]);
        let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
        assert!(run.error.is_some());
        total_attempts += run.attempts;
    }
    assert_eq!(total_attempts, 5 + 4);
    assert_eq!(client.ctx.retry_budget_available().unwrap(), 0);
    // Successes refill it.
    let mut backend = Backend::with_items(10);
    let ok = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(ok.error.is_none());
    assert_eq!(client.ctx.retry_budget_available().unwrap(), 1);
}

#[test]
fn a_second_skew_correction_replaces_the_first() {
    // The client was corrected once (412 s); later the server clock moves again (to 1000 s
    // ahead). The new estimate is taken against the local clock, so it replaces the old one.
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let mut backend = Backend::with_items(50).server_clock_offset(412);
    let first = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert_eq!(first.skew_corrections, [412]);
    let mut backend = Backend::with_items(50).server_clock_offset(1000);
    let second = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    assert!(second.error.is_none(), "{:?}", second.error);
    assert_eq!(second.skew_corrections, [1000]);
    assert_eq!(client.ctx.clock_skew_seconds(), 1000);
}

#[test]
fn concurrent_listings_sharing_one_pacer_keep_the_aggregate_rate() {
    // Four listings (as the fan-out over instances) run concurrently in simulated time, their
    // machines sharing one client context and so one pacer. Discrete-event loop: the task that
    // is ready earliest acts next; a task waiting for its pacer slot sleeps until it.
    struct Task {
        backend: Backend,
        listing: Listing<DescribeInstanceBackupsRequest>,
        items: Vec<String>,
        ready_at: Instant,
        done: bool,
    }
    let mut clock = SimClock::new(UNIX_T0);
    let t0 = clock.now();
    let client = Client::new(Pacer::new(20.0).unwrap());
    let mut tasks: Vec<Task> = [250usize, 1000, 30, 480]
        .into_iter()
        .map(|n| Task {
            backend: Backend::with_items(n),
            listing: Listing::new(
                client.ctx.clone(),
                DescribeInstanceBackupsRequest::default(),
                limit(50),
            )
            .unwrap(),
            items: Vec::new(),
            ready_at: t0,
            done: false,
        })
        .collect();
    let mut sends = Vec::new();
    while let Some(next) = (0..tasks.len())
        .filter(|&i| !tasks[i].done)
        .min_by_key(|&i| tasks[i].ready_at)
    {
        let task = &mut tasks[next];
        clock.advance_to(task.ready_at);
        let now = task.ready_at;
        while let Some(event) = task.listing.poll() {
            match event {
                ListingEvent::Page(page) => task
                    .items
                    .extend(page.items.into_iter().map(|b| b.backup_id.clone().unwrap())),
                ListingEvent::Done => task.done = true,
                // Pacing waits are reported for tracing; the loop below sleeps them out.
                ListingEvent::Note(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        if task.done {
            continue;
        }
        match task
            .listing
            .poll_transmit(now, clock.client_unix(), Some(&client.credentials))
        {
            Some(transmit) => {
                sends.push(now);
                let wire = task.backend.handle_signed(now, &clock, &transmit.request);
                let Wire::Http { status, body, .. } = wire else {
                    unreachable!()
                };
                task.ready_at = now + Duration::from_millis(40); // response latency
                let status = http::StatusCode::from_u16(status).unwrap();
                task.listing
                    .handle_response(task.ready_at, status, &http::HeaderMap::new(), &body);
            }
            None => task.ready_at = task.listing.poll_timeout().expect("waits for its slot"),
        }
    }
    for task in &tasks {
        assert_eq!(task.items, task.backend.items());
    }
    let pages: usize = [5, 20, 1, 10].iter().sum();
    assert_eq!(sends.len(), pages);
    assert!(worst_window_excess(&sends, 20.0, 1) <= 1e-9);
    // Together they used the full rate: 36 sends at 50 ms spacing.
    sends.sort();
    assert_eq!(
        *sends.last().unwrap() - t0,
        Duration::from_millis(50) * (pages as u32 - 1)
    );
}

#[test]
fn the_deadline_stops_retrying_with_the_last_error() {
    // A dead backend and a 2 s deadline: backoff grows until the next retry would start past
    // the deadline; the call then ends with the last answer instead of waiting for nothing.
    let mut backend = Backend::with_items(10).script([Some(Fault::InternalError); 50]);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::configured(
        Pacer::default(),
        RetryPolicy::default().with_max_retries(40),
        None,
        |b| b.deadline(Duration::from_secs(2)),
    );
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    match &run.error {
        Some(RunError::Ended(ErrorKind::Api(api))) => {
            assert_eq!(api.code().as_str(), "InternalError.DbOperationFailed")
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        run.attempts > 1 && run.attempts < 41,
        "{} attempts",
        run.attempts
    );
    assert!(
        clock.elapsed() < Duration::from_secs(2),
        "{:?}",
        clock.elapsed()
    );
}

#[test]
fn a_pacing_wait_past_the_deadline_ends_the_call_at_the_deadline() {
    // One request per 10 s and a 1 s deadline: the second page's slot lies past the deadline.
    let mut backend = Backend::with_items(150);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::configured(
        Pacer::new(0.1).unwrap(),
        RetryPolicy::default(),
        None,
        |b| b.deadline(Duration::from_secs(1)),
    );
    // The first page takes the first slot; every page is a call with its own deadline.
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    match &run.error {
        Some(RunError::Ended(ErrorKind::Deadline { after })) => {
            assert_eq!(*after, Duration::from_secs(1))
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(run.items.len(), 100);
    assert_eq!(run.attempts, 1);
}

#[test]
fn an_implausible_server_date_is_never_trusted() {
    // A server claiming to be ten years ahead refuses our timestamp; its Date is not a clock
    // correction anyone should sign with, so the call gives up instead of re-signing for 2036.
    let ten_years = 10 * 365 * 24 * 3600;
    let mut backend = Backend::with_items(50).server_clock_offset(ten_years);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(&mut client, &mut backend, &mut clock, ListingOptions::new());
    match &run.error {
        Some(RunError::GaveUp(GiveUpReason::ClockSkewUncorrectable, ErrorKind::Api(api))) => {
            assert_eq!(api.code().as_str(), "AuthFailure.SignatureExpire")
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(run.skew_corrections.is_empty());
    assert_eq!(client.ctx.clock_skew_seconds(), 0);
    assert_eq!(run.attempts, 1);
}

#[test]
fn the_item_cap_stops_a_listing_that_would_pass_it() {
    let mut backend = Backend::with_items(1000);
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::unlimited());
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        ListingOptions::new().max_items(250),
    );
    match &run.error {
        Some(RunError::Ended(ErrorKind::TooManyItems { cap: 250 })) => {}
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        run.items,
        backend.items()[..200].to_vec(),
        "no page past the cap"
    );
}
