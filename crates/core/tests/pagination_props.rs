//! Property tests of the pagination contract: exactly once on a stable data set whatever the
//! page size, start offset and retried failures; drift always reported (or, with the restart
//! policy, a complete de-duplicated result); never a repeat; never past the iteration cap.

#[path = "harness/backend.rs"]
mod backend;

use std::collections::HashSet;

use backend::{Backend, Mutation, Reply, SimClock};
use proptest::prelude::*;
use tcredis_core::pagination::{
    DriftKind, DriftPolicy, PaginationConfigError, PaginationOptions, Paginator,
};
use tcredis_core::request::DescribeInstanceBackupsRequest;

struct Outcome {
    items: Vec<String>,
    drift: Option<DriftKind>,
    pages_handled: u64,
}

/// Drives the paginator against the backend; `fail_pattern[i]` makes the i-th send fail
/// (the driver then sends the same request again, as a retry would).
fn drive(pager: &mut Paginator, backend: &mut Backend, fail_pattern: &[bool]) -> Outcome {
    let clock = SimClock::new(0);
    let mut out = Outcome {
        items: Vec::new(),
        drift: None,
        pages_handled: 0,
    };
    let mut sends = 0usize;
    while let Some(request) = pager.poll_request() {
        let failed = fail_pattern.get(sends).copied().unwrap_or(false);
        sends += 1;
        if failed {
            // A failed attempt: nothing reaches the paginator; the retry re-polls.
            assert_eq!(pager.poll_request(), Some(request));
            continue;
        }
        let (reply, _) = backend.handle(
            clock.now(),
            &clock,
            0,
            request.offset.unwrap(),
            request.limit.unwrap(),
        );
        let Reply::Page { total_count, items } = reply else {
            unreachable!()
        };
        out.pages_handled += 1;
        assert!(out.pages_handled < 10_000, "runaway paginator");
        match pager.handle_page(total_count as u64, items) {
            Ok(accepted) => out.items.extend(accepted.items),
            Err(drift) => {
                out.drift = Some(drift.kind().clone());
                assert!(pager.has_failed());
                assert!(pager.poll_request().is_none());
            }
        }
    }
    out
}

fn no_repeats(items: &[String]) -> bool {
    let mut seen = HashSet::new();
    items.iter().all(|i| seen.insert(i))
}

fn options(limit: u32, policy: DriftPolicy) -> PaginationOptions {
    PaginationOptions::new()
        .with_limit(limit)
        .unwrap()
        .with_drift_policy(policy)
}

fn policy() -> impl Strategy<Value = DriftPolicy> {
    prop_oneof![Just(DriftPolicy::Fail), Just(DriftPolicy::Restart)]
}

proptest! {
    #[test]
    fn stable_data_every_item_exactly_once(
        n in 0usize..700,
        limit in 1u32..=100,
        start in 0usize..50,
        fails in proptest::collection::vec(any::<bool>(), 0..40),
        policy in policy(),
    ) {
        let mut backend = Backend::with_items(n);
        let mut base = DescribeInstanceBackupsRequest::default();
        base.offset = Some(start as i64);
        let mut pager = Paginator::new(base, options(limit, policy)).unwrap();
        let out = drive(&mut pager, &mut backend, &fails);
        prop_assert!(out.drift.is_none());
        prop_assert!(pager.is_done());
        let expected: Vec<String> = backend.items().iter().skip(start).cloned().collect();
        prop_assert_eq!(&out.items, &expected);
        prop_assert!(out.pages_handled <= n as u64 / u64::from(limit) + 2);
        // Requests keep the base filters and set Offset/Limit only.
        for seen in &backend.journal {
            prop_assert_eq!(seen.limit, i64::from(limit));
            prop_assert_eq!((seen.offset - start as i64) % i64::from(limit), 0);
        }
    }

    #[test]
    fn a_detectable_change_is_drift_or_with_restart_a_complete_listing(
        n in 2usize..600,
        limit in 1u32..=100,
        change_at_fraction in 0.0f64..1.0,
        position_fraction in 0.0f64..1.0,
        insert in any::<bool>(),
        policy in policy(),
    ) {
        let pages = n.div_ceil(limit as usize) as u64;
        prop_assume!(pages >= 2);
        // After a page that is not the last one, so there is a next page to reveal it.
        let after = 1 + ((pages - 1) as f64 * change_at_fraction) as u64;
        let after = after.min(pages - 1);
        let position = (n as f64 * position_fraction) as usize;
        let mutation = if insert {
            Mutation::Insert(position, "bak-inserted".to_owned())
        } else {
            Mutation::Remove(position.min(n - 1))
        };
        let mut backend = Backend::with_items(n).mutate_after(after, mutation);
        let mut pager =
            Paginator::new(DescribeInstanceBackupsRequest::default(), options(limit, policy)).unwrap();
        let out = drive(&mut pager, &mut backend, &[]);
        prop_assert!(no_repeats(&out.items), "an item was yielded twice");
        let cap = (n as u64 + 1) / u64::from(limit) + 2;
        match policy {
            DriftPolicy::Fail => {
                // TotalCount changed: always detected.
                prop_assert!(out.drift.is_some());
                prop_assert!(out.pages_handled <= cap);
            }
            _ => {
                prop_assert!(out.drift.is_none(), "{:?}", out.drift);
                prop_assert_eq!(pager.restarts(), 1);
                let got: HashSet<&String> = out.items.iter().collect();
                for item in backend.items() {
                    prop_assert!(got.contains(item), "{} missing", item);
                }
                prop_assert!(out.pages_handled <= 2 * cap);
            }
        }
    }

    #[test]
    fn an_adversarial_server_never_causes_a_repeat_a_panic_or_a_runaway(
        limit in 1u32..=20,
        pages in proptest::collection::vec(
            (0u64..60, proptest::collection::vec(0u8..40, 0..25)), 1..40),
    ) {
        let mut pager = Paginator::new(
            DescribeInstanceBackupsRequest::default(),
            options(limit, DriftPolicy::Restart),
        ).unwrap();
        let mut yielded = Vec::new();
        let mut handled = 0u64;
        let mut script = pages.into_iter();
        while pager.poll_request().is_some() {
            let Some((total, ids)) = script.next() else { break };
            handled += 1;
            let items: Vec<String> = ids.iter().map(|i| format!("id-{i}")).collect();
            if let Ok(accepted) = pager.handle_page(total, items) {
                yielded.extend(accepted.items);
            }
        }
        prop_assert!(no_repeats(&yielded));
        // Three passes at most, each within its cap (TotalCount < 60).
        prop_assert!(handled <= 3 * (60 / u64::from(limit) + 2));
    }
}

#[test]
fn drift_kinds_are_reported_precisely() {
    let ids = |r: std::ops::Range<u32>| r.map(|i| format!("b{i}")).collect::<Vec<_>>();
    let new = || {
        Paginator::new(
            DescribeInstanceBackupsRequest::default(),
            options(10, DriftPolicy::Fail),
        )
        .unwrap()
    };

    let mut p = new();
    p.handle_page(25, ids(0..10)).unwrap();
    assert_eq!(
        *p.handle_page(25, Vec::<String>::new()).unwrap_err().kind(),
        DriftKind::EmptyPage { expected: 10 }
    );

    let mut p = new();
    p.handle_page(25, ids(0..10)).unwrap();
    assert_eq!(
        *p.handle_page(25, ids(10..15)).unwrap_err().kind(),
        DriftKind::ShortPage {
            expected: 10,
            got: 5
        }
    );

    let mut p = new();
    p.handle_page(25, ids(0..10)).unwrap();
    p.handle_page(25, ids(10..20)).unwrap();
    assert_eq!(
        *p.handle_page(25, ids(20..27)).unwrap_err().kind(),
        DriftKind::OverfullPage {
            expected: 5,
            got: 7
        }
    );

    let mut p = new();
    p.handle_page(25, ids(0..10)).unwrap();
    let drift = p.handle_page(25, ids(9..19)).unwrap_err();
    assert_eq!(*drift.kind(), DriftKind::RepeatedItem { id: "b9".into() });
    assert_eq!(drift.offset(), 10);
    let text = drift.to_string();
    assert!(
        text.contains("Offset 10") && text.contains("\"b9\""),
        "{text}"
    );

    let mut p = new();
    assert!(matches!(
        p.handle_page(25, vec!["x".to_string(), "x".to_string()])
            .unwrap_err()
            .kind(),
        DriftKind::ShortPage { .. }
    ));
    let mut p = new();
    let dup: Vec<String> = ids(0..9).into_iter().chain(["b0".to_string()]).collect();
    assert_eq!(
        *p.handle_page(25, dup).unwrap_err().kind(),
        DriftKind::RepeatedItem { id: "b0".into() }
    );
}

#[test]
fn the_restart_policy_gives_up_after_two_restarts() {
    let ids = |r: std::ops::Range<u32>| r.map(|i| format!("b{i}")).collect::<Vec<_>>();
    let mut p = Paginator::new(
        DescribeInstanceBackupsRequest::default(),
        options(10, DriftPolicy::Restart),
    )
    .unwrap();
    let first = p.handle_page(30, ids(0..10)).unwrap();
    assert_eq!(first.items.len(), 10);
    for restart in 1..=2 {
        let accepted = p.handle_page(31, ids(10..20)).unwrap();
        assert!(accepted.items.is_empty());
        assert!(accepted.restarted_after.is_some());
        assert_eq!(p.restarts(), restart);
        assert_eq!(p.poll_page().unwrap().offset, 0);
        // The re-read first page yields nothing already yielded.
        assert!(p.handle_page(30, ids(0..10)).unwrap().items.is_empty());
    }
    let drift = p.handle_page(31, ids(10..20)).unwrap_err();
    assert_eq!(drift.restarts(), 2);
    assert!(drift.to_string().contains("after 2 restarts"));
    assert!(p.poll_request().is_none());
}

#[test]
fn configuration_is_validated() {
    assert_eq!(
        PaginationOptions::new().with_limit(0),
        Err(PaginationConfigError::InvalidLimit(0))
    );
    assert_eq!(
        PaginationOptions::new().with_limit(101),
        Err(PaginationConfigError::InvalidLimit(101))
    );
    let mut base = DescribeInstanceBackupsRequest::default();
    base.offset = Some(-1);
    assert_eq!(
        Paginator::new(base, PaginationOptions::new()).unwrap_err(),
        PaginationConfigError::NegativeOffset(-1)
    );
    let mut base = DescribeInstanceBackupsRequest::default();
    base.limit = Some(20);
    base.instance_id = Some("crs-5a4py64p".into());
    let p = Paginator::new(base.clone(), PaginationOptions::new()).unwrap();
    assert_eq!(
        p.limit(),
        20,
        "the base request's Limit is used when no option is given"
    );
    let request = p.poll_request().unwrap();
    assert_eq!(request.instance_id.as_deref(), Some("crs-5a4py64p"));
    assert_eq!((request.offset, request.limit), (Some(0), Some(20)));
    assert_eq!(
        Paginator::new(
            DescribeInstanceBackupsRequest::default(),
            PaginationOptions::new()
        )
        .unwrap()
        .limit(),
        100
    );
    base.limit = Some(500);
    assert_eq!(
        Paginator::new(base, PaginationOptions::new()).unwrap_err(),
        PaginationConfigError::InvalidLimit(500)
    );
}

#[test]
fn an_empty_listing_is_done_after_one_page() {
    let mut p = Paginator::new(
        DescribeInstanceBackupsRequest::default(),
        PaginationOptions::new(),
    )
    .unwrap();
    let accepted = p.handle_page(0, Vec::<String>::new()).unwrap();
    assert!(accepted.items.is_empty());
    assert!(p.is_done());
    assert!(p.poll_request().is_none());
}
