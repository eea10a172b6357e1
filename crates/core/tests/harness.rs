//! The socket-free harness (quinn-proto's `Pair` idea): Paginator + Pacer + RetryState +
//! SkewEstimator driven against an in-memory backend on a simulated clock. The backend answers
//! with real response bytes (JSON pages, error envelopes, truncated bodies, a `Date` header),
//! parsed by the real `response::parse_response`; every attempt is a real TC3-signed
//! `http::Request` built by `call::describe_instance_backups` and checked by the core's verifier. Proves exactly-once
//! delivery (or a reported Drift), the pacing bound, and recovery from retryable failures.

#[path = "harness/backend.rs"]
mod backend;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use backend::{
    Backend, DEMO_SECRET_ID, DEMO_SECRET_KEY, Fault, Mutation, SimClock, Wire, worst_window_excess,
};
use tcredis_core::call::{self, CallOptions};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::pacer::Pacer;
use tcredis_core::pagination::{Drift, DriftKind, DriftPolicy, PaginationOptions, Paginator};
use tcredis_core::random::SplitMix64;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::parse_response;
use tcredis_core::retry::{AttemptOutcome, GiveUpReason, RetryBudget, RetryDecision, RetryPolicy};
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::skew::{SkewEstimator, offset_from_date_header};

/// The client side: one per "process", shared by its calls.
struct Client {
    pacer: Pacer,
    policy: RetryPolicy,
    budget: Option<RetryBudget>,
    rng: SplitMix64,
    skew: SkewEstimator,
    latency: Duration,
    credentials: Credentials,
    signing_keys: SigningKeyCache,
}

impl Client {
    fn new(pacer: Pacer) -> Self {
        Self {
            pacer,
            policy: RetryPolicy::default(),
            budget: None,
            rng: SplitMix64::new(0x7c3d),
            skew: SkewEstimator::new(),
            latency: Duration::from_millis(3),
            credentials: Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap(),
            signing_keys: SigningKeyCache::new(),
        }
    }
}

#[derive(Debug)]
enum RunError {
    Drift(Drift),
    GaveUp(GiveUpReason, AttemptOutcome),
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

/// The driver loop a transport runs, minus sockets: poll a request, pace, "send", classify,
/// retry or hand the page to the paginator.
fn run(
    client: &mut Client,
    backend: &mut Backend,
    clock: &mut SimClock,
    options: PaginationOptions,
) -> Run {
    let mut pager = Paginator::new(DescribeInstanceBackupsRequest::default(), options).unwrap();
    let mut out = Run {
        items: Vec::new(),
        error: None,
        sends: Vec::new(),
        attempts: 0,
        restarts: 0,
        skew_corrections: Vec::new(),
    };
    'pages: while let Some(request) = pager.poll_request() {
        let mut retry = client.policy.start();
        loop {
            let send_at = client.pacer.reserve(clock.now());
            clock.advance_to(send_at);
            out.sends.push(clock.now());
            out.attempts += 1;
            let local_unix = clock.client_unix();
            let signed = client.skew.corrected_timestamp(local_unix);
            // Every attempt is built and signed afresh, with the (corrected) current time.
            let http_request = call::describe_instance_backups(
                &Endpoint::for_region("ap-guangzhou"),
                &request,
                &CallOptions {
                    region: Some("ap-guangzhou"),
                    ..CallOptions::default()
                },
                signed as u64,
                &client.credentials,
                &client.signing_keys,
                false,
            )
            .unwrap()
            .request;
            let wire = backend.handle_signed(clock.now(), clock, &http_request);
            clock.advance(client.latency);
            // What a transport does with the bytes: status check, real parsing, Date header.
            let (outcome, page) = match wire {
                Wire::Broken(failure) => (AttemptOutcome::Transport(failure), None),
                Wire::Http { status, .. } if status != 200 => {
                    (AttemptOutcome::HttpStatus(status), None)
                }
                Wire::Http { date, body, .. } => {
                    let parsed = parse_response(&body);
                    // Against the local clock reading, so a new offset replaces the old one.
                    let offset = offset_from_date_header(local_unix, Some(&date));
                    (
                        AttemptOutcome::from_parse_result(&parsed, offset),
                        parsed.ok(),
                    )
                }
            };
            let decision = retry.handle_outcome(
                &outcome,
                clock.now(),
                &mut client.rng,
                client.budget.as_mut(),
            );
            match decision {
                RetryDecision::Succeeded => {
                    let page = page.expect("success carries a page");
                    match pager.handle_response(page) {
                        Ok(accepted) => {
                            if accepted.restarted_after.is_some() {
                                out.restarts += 1;
                            }
                            let ids = accepted
                                .items
                                .into_iter()
                                .map(|b| b.backup_id.clone().unwrap());
                            out.items.extend(ids);
                        }
                        Err(drift) => {
                            out.error = Some(RunError::Drift(drift));
                            break 'pages;
                        }
                    }
                    continue 'pages;
                }
                RetryDecision::RetryAt(at) => {
                    assert!(at >= clock.now());
                    clock.advance_to(at);
                }
                RetryDecision::RetryNowWithSkew(offset) => {
                    client.skew.set_offset(offset);
                    out.skew_corrections.push(offset);
                }
                RetryDecision::GiveUp(reason) => {
                    out.error = Some(RunError::GaveUp(reason, outcome));
                    break 'pages;
                }
                other => panic!("unexpected decision {other:?}"),
            }
        }
    }
    out
}

fn assert_no_repeats(items: &[String]) {
    let mut seen = HashSet::new();
    for item in items {
        assert!(seen.insert(item), "item {item} was yielded twice");
    }
}

fn limit(n: u32) -> PaginationOptions {
    PaginationOptions::new().with_limit(n).unwrap()
}

const UNIX_T0: i64 = 1_795_819_953;

#[test]
fn stable_listing_arrives_exactly_once_and_paced() {
    let mut backend = Backend::with_items(1234);
    let expected = backend.items().to_vec();
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
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
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
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
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
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
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
    match run.error {
        Some(RunError::GaveUp(
            GiveUpReason::AttemptsExhausted { attempts: 5 },
            AttemptOutcome::Transport(_),
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
    let paced = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
    assert!(paced.error.is_none());
    assert_eq!(paced.items.len(), 3000);
    assert_eq!(paced.attempts, 30, "no request was throttled");

    // Unpaced against a server limit of 5/s with a burst of 5: throttled, and backoff recovers.
    let mut backend = Backend::with_items(3000).server_rate_limit(5.0);
    let expected = backend.items().to_vec();
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::unlimited());
    client.policy = RetryPolicy::default().with_max_retries(10);
    let unpaced = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
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
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
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
    let options = limit(100).with_drift_policy(DriftPolicy::Restart);
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
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
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
    let run = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
    assert!(run.error.is_none(), "{:?}", run.error);
    assert_eq!(run.skew_corrections, [412]);
    assert_eq!(
        client.skew.describe(),
        "your clock is 412 s behind the server"
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
    let mut client = Client::new(Pacer::default());
    client.budget = Some(RetryBudget::new(20, 5, 10, 1));
    let mut total_attempts = 0;
    for _ in 0..5 {
        let mut backend = Backend::with_items(10).script([Some(Fault::InternalError); 10]);
        let run = run(
            &mut client,
            &mut backend,
            &mut clock,
            PaginationOptions::new(),
        );
        assert!(run.error.is_some());
        total_attempts += run.attempts;
    }
    assert_eq!(total_attempts, 5 + 4);
    assert_eq!(client.budget.as_ref().unwrap().available(), 0);
    // Successes refill it.
    let mut backend = Backend::with_items(10);
    let ok = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
    assert!(ok.error.is_none());
    assert_eq!(client.budget.as_ref().unwrap().available(), 1);
}

#[test]
fn a_second_skew_correction_replaces_the_first() {
    // The client was corrected once (412 s); later the server clock moves again (to 1000 s
    // ahead). The new estimate is taken against the local clock, so it replaces the old one.
    let mut clock = SimClock::new(UNIX_T0);
    let mut client = Client::new(Pacer::default());
    let mut backend = Backend::with_items(50).server_clock_offset(412);
    let first = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
    assert_eq!(first.skew_corrections, [412]);
    let mut backend = Backend::with_items(50).server_clock_offset(1000);
    let second = run(
        &mut client,
        &mut backend,
        &mut clock,
        PaginationOptions::new(),
    );
    assert!(second.error.is_none(), "{:?}", second.error);
    assert_eq!(second.skew_corrections, [1000]);
    assert_eq!(client.skew.offset(), 1000);
}

#[test]
fn concurrent_listings_sharing_one_pacer_keep_the_aggregate_rate() {
    // Four listings (as the CLI's fan-out over instances) run concurrently in simulated time,
    // sharing one client pacer. Discrete-event loop: each task books a slot when it is ready,
    // the earliest booked send goes next.
    struct Task {
        backend: Backend,
        pager: Paginator,
        items: Vec<String>,
        send_at: Option<Instant>,
        ready_at: Instant,
    }
    let clock = SimClock::new(UNIX_T0);
    let t0 = clock.now();
    let mut pacer = Pacer::new(20.0).unwrap();
    let mut tasks: Vec<Task> = [250usize, 1000, 30, 480]
        .into_iter()
        .map(|n| Task {
            backend: Backend::with_items(n),
            pager: Paginator::new(DescribeInstanceBackupsRequest::default(), limit(50)).unwrap(),
            items: Vec::new(),
            send_at: None,
            ready_at: t0,
        })
        .collect();
    let mut sends = Vec::new();
    loop {
        // Tasks that are ready and have no slot book one (in readiness order).
        let mut waiting: Vec<usize> = (0..tasks.len())
            .filter(|&i| tasks[i].send_at.is_none() && tasks[i].pager.poll_request().is_some())
            .collect();
        waiting.sort_by_key(|&i| tasks[i].ready_at);
        for i in waiting {
            tasks[i].send_at = Some(pacer.reserve(tasks[i].ready_at));
        }
        let Some(next) = (0..tasks.len())
            .filter(|&i| tasks[i].send_at.is_some())
            .min_by_key(|&i| tasks[i].send_at)
        else {
            break;
        };
        let task = &mut tasks[next];
        let at = task.send_at.take().unwrap();
        sends.push(at);
        let request = task.pager.poll_request().unwrap();
        let (reply, _) = task.backend.handle(
            at,
            &clock,
            UNIX_T0,
            request.offset.unwrap(),
            request.limit.unwrap(),
        );
        let backend::Reply::Page { total_count, items } = reply else {
            unreachable!()
        };
        let accepted = task.pager.handle_page(total_count as u64, items).unwrap();
        task.items.extend(accepted.items);
        task.ready_at = at + Duration::from_millis(40); // response latency
    }
    for task in &tasks {
        assert!(task.pager.is_done());
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
