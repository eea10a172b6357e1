//! Endpoint failover in the exchange machine (the official Python SDK's rule): a request whose
//! host cannot be reached goes, at once and re-signed, to the same host under
//! `tencentcloudapi.com.cn`, then `tencentcloudapi.cn`; only then does the retry policy see the
//! failure. HTTP answers never switch host; the international site and custom hosts never do;
//! the builder can turn it off.

use std::time::Instant;

use tcredis_core::credentials::Secret;
use tcredis_core::retry::{RetryPolicy, TransportFailure};
use tcredis_core::sign::verify::{Tc3Request, VerifyOptions, verify_tc3};
use tcredis_core::{CallContext, Event, Exchange, Note, Transmit};
use tcredis_core::{Credentials, DescribeInstanceBackupsRequest, Endpoint};

const KEY: &str = "failover-test-key";

fn credentials() -> Credentials {
    Credentials::new("AKIDfailover", KEY).unwrap()
}

fn context(endpoint: Endpoint, failover: bool) -> CallContext {
    CallContext::builder(endpoint)
        .region("ap-guangzhou")
        .retry(RetryPolicy::new().with_max_retries(1))
        .failover(failover)
        .random_seed(1)
        .build()
}

fn host(t: &Transmit) -> String {
    t.request.headers()["host"].to_str().unwrap().to_owned()
}

/// The transmit's signature verifies against its own Host header.
fn assert_signed_for_its_host(t: &Transmit) {
    let r = &t.request;
    let host = host(t);
    verify_tc3(
        &Tc3Request {
            method: r.method().as_str(),
            host: &host,
            query: r.uri().query().unwrap_or(""),
            headers: r.headers(),
            body: r.body(),
        },
        t.timestamp,
        &VerifyOptions::strict("redis"),
        |_| Some((Secret::new(KEY), None)),
    )
    .unwrap_or_else(|e| panic!("signature over {host}: {e:?}"));
}

fn drain(call: &mut Exchange<DescribeInstanceBackupsRequest>) -> Vec<Note> {
    let mut notes = Vec::new();
    while let Some(e) = call.poll() {
        match e {
            Event::Note(n) => notes.push(n),
            other => panic!("unexpected {other:?}"),
        }
    }
    notes
}

#[test]
fn an_unreachable_host_fails_over_to_the_other_root_domains_in_order() {
    let ctx = context(Endpoint::default(), true);
    assert!(ctx.fails_over());
    let req = DescribeInstanceBackupsRequest::new();
    let t0 = Instant::now();
    let mut call = Exchange::new(ctx, &req, t0);
    let creds = credentials();
    let mut hosts = Vec::new();
    for failure in [TransportFailure::Connect, TransportFailure::Tls] {
        let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
        assert_signed_for_its_host(&t);
        assert_eq!(t.request.uri().host(), Some(host(&t).as_str()));
        hosts.push(host(&t));
        call.handle_transport_error(t0, failure);
        let notes = drain(&mut call);
        assert!(
            matches!(&notes[..], [Note::FailedOver { from, to, failure: f }]
                if *from == hosts[hosts.len() - 1] && to.ends_with(".cn") && *f == failure),
            "{notes:?}"
        );
    }
    // The third candidate goes out at once too (no backoff), re-signed.
    let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
    assert_signed_for_its_host(&t);
    hosts.push(host(&t));
    assert_eq!(
        hosts,
        [
            "redis.tencentcloudapi.com",
            "redis.tencentcloudapi.com.cn",
            "redis.tencentcloudapi.cn"
        ]
    );
    // Every candidate failed: now the retry policy decides (a backoff), and the retry starts
    // again from the primary host.
    call.handle_transport_error(t0, TransportFailure::Timeout);
    let notes = drain(&mut call);
    let [Note::Retrying { at, .. }] = &notes[..] else {
        panic!("{notes:?}")
    };
    let t = call
        .poll_transmit(*at, 1_700_000_001, Some(&creds))
        .unwrap();
    assert_eq!(host(&t), "redis.tencentcloudapi.com");
    assert_eq!(t.attempt, 4, "every transmit is numbered");
}

#[test]
fn an_http_answer_never_switches_host_and_the_answering_host_serves_the_call() {
    let ctx = context(Endpoint::default(), true);
    let req = DescribeInstanceBackupsRequest::new();
    let t0 = Instant::now();
    let creds = credentials();
    let mut call = Exchange::new(ctx.clone(), &req, t0);
    let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
    assert_eq!(host(&t), "redis.tencentcloudapi.com");
    call.handle_transport_error(t0, TransportFailure::Connect);
    drain(&mut call);
    let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
    assert_eq!(host(&t), "redis.tencentcloudapi.com.cn");
    call.handle_response(
        t0,
        http::StatusCode::BAD_GATEWAY,
        &http::HeaderMap::new(),
        b"",
    );
    let notes = drain(&mut call);
    assert!(
        matches!(&notes[..], [Note::Retrying { .. }]),
        "a 502 is retried, not failed over: {notes:?}"
    );
    let body = br#"{"Response":{"TotalCount":0,"BackupSet":[],"RequestId":"r"}}"#;
    call.handle_response(t0, http::StatusCode::OK, &http::HeaderMap::new(), body);
    assert!(
        call.poll().is_none(),
        "no answer is taken while nothing is in flight"
    );
}

#[test]
fn a_host_that_failed_five_times_in_a_row_is_skipped_for_a_minute() {
    let ctx = context(Endpoint::default(), true);
    let req = DescribeInstanceBackupsRequest::new();
    let t0 = Instant::now();
    let creds = credentials();
    for _ in 0..tcredis_core::BREAKER_FAILURES {
        let mut call = Exchange::new(ctx.clone(), &req, t0);
        let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
        assert_eq!(host(&t), "redis.tencentcloudapi.com");
        call.handle_transport_error(t0, TransportFailure::Connect);
        drain(&mut call);
        let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
        call.handle_response(
            t0,
            http::StatusCode::OK,
            &http::HeaderMap::new(),
            br#"{"Response":{"TotalCount":0,"BackupSet":[],"RequestId":"r"}}"#,
        );
        assert_eq!(host(&t), "redis.tencentcloudapi.com.cn");
    }
    let mut call = Exchange::new(ctx.clone(), &req, t0);
    let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
    assert_eq!(
        host(&t),
        "redis.tencentcloudapi.com.cn",
        "the primary's breaker is open"
    );
    let later = t0 + tcredis_core::BREAKER_OPEN;
    let mut call = Exchange::new(ctx, &req, later);
    let t = call
        .poll_transmit(later, 1_700_000_060, Some(&creds))
        .unwrap();
    assert_eq!(host(&t), "redis.tencentcloudapi.com", "tried again");
}

#[test]
fn local_failures_custom_hosts_the_international_site_and_the_switch_off_never_fail_over() {
    let req = DescribeInstanceBackupsRequest::new();
    let t0 = Instant::now();
    let creds = credentials();
    for (endpoint, on, failure) in [
        (Endpoint::default(), false, TransportFailure::Connect),
        (Endpoint::international(), true, TransportFailure::Connect),
        (
            Endpoint::parse("http://127.0.0.1:9").unwrap(),
            true,
            TransportFailure::Connect,
        ),
        (Endpoint::default(), true, TransportFailure::Other),
    ] {
        let ctx = context(endpoint.clone(), on);
        let mut call = Exchange::new(ctx, &req, t0);
        let t = call.poll_transmit(t0, 1_700_000_000, Some(&creds)).unwrap();
        assert_eq!(host(&t), endpoint.host_header());
        call.handle_transport_error(t0, failure);
        let notes: Vec<Event<_>> = std::iter::from_fn(|| call.poll()).collect();
        assert!(
            !notes
                .iter()
                .any(|e| matches!(e, Event::Note(Note::FailedOver { .. }))),
            "{endpoint}: {notes:?}"
        );
    }
}
