//! The retry policy: classification per the design card, the attempt cap, full-jitter backoff
//! bounds and determinism, the one-shot clock-skew retry and the retry budget.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use tcredis_core::random::SplitMix64;
use tcredis_core::retry::{
    AttemptOutcome, GiveUpReason, RetryBudget, RetryClass, RetryConfigError, RetryDecision,
    RetryPolicy, TransportFailure, classify, classify_code,
};

#[test]
fn classification_follows_the_design_card() {
    for code in [
        "RequestLimitExceeded",
        "RequestLimitExceeded.UinLimitExceeded",
        "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
        "RequestLimitExceeded.IPLimitExceeded",
    ] {
        assert_eq!(classify_code(code), RetryClass::Throttled, "{code}");
    }
    for code in [
        "InternalError",
        "InternalError.DbOperationFailed",
        "InternalError.InternalError",
        "FailedOperation.SystemError",
        "ServiceUnavailable",
    ] {
        assert_eq!(classify_code(code), RetryClass::Transient, "{code}");
    }
    assert_eq!(
        classify_code("AuthFailure.SignatureExpire"),
        RetryClass::ClockSkew
    );
    for code in [
        "AuthFailure.SignatureFailure",
        "AuthFailure.SecretIdNotFound",
        "AuthFailure.TokenFailure",
        "InvalidParameter.InvalidParameter",
        "ResourceNotFound.InstanceNotExists",
        "UnauthorizedOperation.NoCAMAuthed",
        "FailedOperation",
        "FailedOperation.Other",
        "LimitExceeded",
        "RequestLimitExceededX",
        "InternalErrorish",
        "ServiceUnavailable.Maintenance",
        "UnsupportedRegion",
        "",
    ] {
        assert_eq!(classify_code(code), RetryClass::Permanent, "{code:?}");
    }
    use TransportFailure::*;
    for f in [Connect, Reset, Timeout] {
        assert_eq!(
            classify(&AttemptOutcome::Transport(f)),
            RetryClass::Transient
        );
    }
    for f in [Tls, Other] {
        assert_eq!(
            classify(&AttemptOutcome::Transport(f)),
            RetryClass::Permanent
        );
    }
    for status in [400, 404, 429, 500, 502, 503, 504] {
        assert_eq!(
            classify(&AttemptOutcome::HttpStatus(status)),
            RetryClass::Transient
        );
    }
    assert_eq!(
        classify(&AttemptOutcome::MalformedBody),
        RetryClass::Transient
    );
    assert_eq!(classify(&AttemptOutcome::Success), RetryClass::Success);
}

fn now() -> Instant {
    Instant::now()
}

#[test]
fn default_is_five_attempts_then_give_up() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts(), 5);
    let mut state = policy.start();
    let mut rng = SplitMix64::new(3);
    let t = now();
    let fail = AttemptOutcome::Transport(TransportFailure::Reset);
    for _ in 0..4 {
        assert!(matches!(
            state.handle_outcome(&fail, t, &mut rng, None),
            RetryDecision::RetryAt(_)
        ));
    }
    assert_eq!(
        state.handle_outcome(&fail, t, &mut rng, None),
        RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted { attempts: 5 })
    );
    assert_eq!(state.attempts(), 5);
    assert!(
        GiveUpReason::AttemptsExhausted { attempts: 5 }
            .to_string()
            .contains("5 attempts")
    );
}

#[test]
fn max_retries_maps_to_attempts_and_is_validated() {
    assert_eq!(RetryPolicy::default().with_max_retries(0).max_attempts(), 1);
    assert_eq!(
        RetryPolicy::default().with_max_retries(9).max_attempts(),
        10
    );
    assert_eq!(RetryPolicy::no_retries().max_attempts(), 1);
    assert_eq!(
        RetryPolicy::default().with_max_attempts(0),
        Err(RetryConfigError::ZeroAttempts)
    );
    assert_eq!(
        RetryPolicy::default().with_backoff(Duration::from_secs(2), Duration::from_secs(1)),
        Err(RetryConfigError::CapBelowBase)
    );
    let mut state = RetryPolicy::no_retries().start();
    let d = state.handle_outcome(
        &AttemptOutcome::MalformedBody,
        now(),
        &mut SplitMix64::new(1),
        None,
    );
    assert_eq!(
        d,
        RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted { attempts: 1 })
    );
}

#[test]
fn success_and_permanent_errors_stop_at_once() {
    let mut rng = SplitMix64::new(1);
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(&AttemptOutcome::Success, now(), &mut rng, None),
        RetryDecision::Succeeded
    );
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(
            &AttemptOutcome::api("AuthFailure.SignatureFailure"),
            now(),
            &mut rng,
            None
        ),
        RetryDecision::GiveUp(GiveUpReason::NotRetryable)
    );
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(
            &AttemptOutcome::Transport(TransportFailure::Tls),
            now(),
            &mut rng,
            None
        ),
        RetryDecision::GiveUp(GiveUpReason::NotRetryable)
    );
}

#[test]
fn signature_expire_is_retried_once_with_the_skew_and_only_with_evidence() {
    let mut rng = SplitMix64::new(1);
    let expired = AttemptOutcome::Api {
        code: "AuthFailure.SignatureExpire".into(),
        clock_offset: Some(-412),
    };
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(&expired, now(), &mut rng, None),
        RetryDecision::RetryNowWithSkew(-412)
    );
    assert_eq!(
        state.handle_outcome(&expired, now(), &mut rng, None),
        RetryDecision::GiveUp(GiveUpReason::ClockSkewUncorrectable)
    );
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(
            &AttemptOutcome::api("AuthFailure.SignatureExpire"),
            now(),
            &mut rng,
            None
        ),
        RetryDecision::GiveUp(GiveUpReason::ClockSkewUncorrectable)
    );
    // The skew retry does not spend the retry budget.
    let mut budget = RetryBudget::new(0, 5, 10, 1);
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(&expired, now(), &mut rng, Some(&mut budget)),
        RetryDecision::RetryNowWithSkew(-412)
    );
}

#[test]
fn budget_is_spent_by_retries_and_refilled_by_successes() {
    let mut rng = SplitMix64::new(1);
    let mut budget = RetryBudget::new(30, 5, 10, 1);
    let t = now();
    let mut state = RetryPolicy::default().start();
    let timeout = AttemptOutcome::Transport(TransportFailure::Timeout);
    assert!(matches!(
        state.handle_outcome(&timeout, t, &mut rng, Some(&mut budget)),
        RetryDecision::RetryAt(_)
    ));
    assert_eq!(budget.available(), 20);
    let throttle = AttemptOutcome::api("RequestLimitExceeded");
    assert!(matches!(
        state.handle_outcome(&throttle, t, &mut rng, Some(&mut budget)),
        RetryDecision::RetryAt(_)
    ));
    assert_eq!(budget.available(), 15);
    // A success after retries returns what the call spent.
    assert_eq!(
        state.handle_outcome(&AttemptOutcome::Success, t, &mut rng, Some(&mut budget)),
        RetryDecision::Succeeded
    );
    assert_eq!(budget.available(), 30);
    // Empty budget: give up instead of retrying.
    let mut empty = RetryBudget::new(4, 5, 10, 1);
    let mut state = RetryPolicy::default().start();
    assert_eq!(
        state.handle_outcome(&throttle, t, &mut rng, Some(&mut empty)),
        RetryDecision::GiveUp(GiveUpReason::BudgetExhausted)
    );
    // A first-try success refunds a little, never above capacity.
    let mut state = RetryPolicy::default().start();
    state.handle_outcome(&AttemptOutcome::Success, t, &mut rng, Some(&mut empty));
    assert_eq!(empty.available(), 4);
    assert_eq!(RetryBudget::default().available(), 500);
}

proptest! {
    #[test]
    fn backoff_is_full_jitter_within_the_exponential_ceiling(
        seed in any::<u64>(),
        base_ms in 1u64..2000,
        cap_factor in 1u64..64,
    ) {
        let base = Duration::from_millis(base_ms);
        let cap = base * cap_factor as u32;
        let policy = RetryPolicy::default().with_max_retries(12).with_backoff(base, cap).unwrap();
        let mut state = policy.start();
        let mut rng = SplitMix64::new(seed);
        let t = Instant::now();
        for n in 0..12u32 {
            let ceiling = (base * 2u32.pow(n)).min(cap);
            prop_assert_eq!(policy.backoff_ceiling(n), ceiling);
            match state.handle_outcome(&AttemptOutcome::HttpStatus(503), t, &mut rng, None) {
                RetryDecision::RetryAt(at) => prop_assert!(at >= t && at - t <= ceiling),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_delays(seed in any::<u64>()) {
        let delays = |seed| {
            let mut state = RetryPolicy::default().start();
            let mut rng = SplitMix64::new(seed);
            let t = Instant::now();
            (0..4).map(|_| state.handle_outcome(&AttemptOutcome::MalformedBody, t, &mut rng, None)).map(|d| match d {
                RetryDecision::RetryAt(at) => at - t,
                _ => Duration::MAX,
            }).collect::<Vec<_>>()
        };
        prop_assert_eq!(delays(seed), delays(seed));
    }
}

#[test]
fn jitter_spreads_over_the_whole_range() {
    // Full jitter: uniform on [0, ceiling]; over many draws the mean is about half the ceiling.
    let policy = RetryPolicy::default()
        .with_backoff(Duration::from_secs(1), Duration::from_secs(1))
        .unwrap();
    let mut rng = SplitMix64::new(99);
    let t = Instant::now();
    let samples: Vec<f64> = (0..4000)
        .map(|_| {
            match policy
                .start()
                .handle_outcome(&AttemptOutcome::MalformedBody, t, &mut rng, None)
            {
                RetryDecision::RetryAt(at) => (at - t).as_secs_f64(),
                _ => unreachable!(),
            }
        })
        .collect();
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    assert!((0.45..0.55).contains(&mean), "mean {mean}");
    assert!(samples.iter().any(|s| *s < 0.05) && samples.iter().any(|s| *s > 0.95));
}

#[test]
fn agrees_with_the_error_model() {
    use tcredis_core::error::ErrorCode;
    for code in [
        "RequestLimitExceeded",
        "RequestLimitExceeded.IPLimitExceeded",
        "InternalError",
        "InternalError.DbOperationFailed",
        "FailedOperation.SystemError",
        "ServiceUnavailable",
        "AuthFailure.SignatureExpire",
        "AuthFailure.SignatureFailure",
        "InvalidParameter",
        "ResourceNotFound.InstanceNotExists",
        "UnsupportedOperation",
        "Some.FutureCode",
    ] {
        let model = ErrorCode::from(code);
        let expected = if model.is_clock_skew() {
            RetryClass::ClockSkew
        } else if model.is_throttling() {
            RetryClass::Throttled
        } else if model.is_retryable() {
            RetryClass::Transient
        } else {
            RetryClass::Permanent
        };
        assert_eq!(classify_code(code), expected, "{code}");
    }
}

#[test]
fn parse_results_map_to_outcomes() {
    use tcredis_core::response::parse_response;
    let ok = parse_response(br#"{"Response":{"TotalCount":0,"BackupSet":[],"RequestId":"r"}}"#);
    assert_eq!(
        AttemptOutcome::from_parse_result(&ok, None),
        AttemptOutcome::Success
    );
    let api = parse_response(
        br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"m"},"RequestId":"r"}}"#,
    );
    assert_eq!(
        AttemptOutcome::from_parse_result(&api, Some(412)),
        AttemptOutcome::Api {
            code: "AuthFailure.SignatureExpire".into(),
            clock_offset: Some(412)
        }
    );
    let truncated = parse_response(br#"{"Response":{"TotalCount":3,"Backup"#);
    assert_eq!(
        AttemptOutcome::from_parse_result(&truncated, None),
        AttemptOutcome::MalformedBody
    );
}
