//! The examples of `docs/mock.md` marked `<!-- example: NAME -->` are run here: the lifecycle
//! seed and the policy file are parsed, the admin/API sessions are replayed against a handler
//! (`→` lines are the expected answers: admin answers exactly, API answers on the fields shown),
//! the denial message and the cassette line are checked. A missing example is a failure.

mod common;

use common::{NOW, Req, at, envelope};
use serde_json::Value;
use tcredis_core::call::Payload;
use tcredis_core::credentials::Credentials;
use tcredis_mock::handler::Handler;
use tcredis_mock::{Cassette, ClockStart, MockConfig, PolicySet, Seed};

fn docs() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/mock.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced block after `<!-- example: NAME -->`.
fn example(name: &str) -> String {
    let docs = docs();
    let marker = format!("<!-- example: {name} -->");
    let at = docs
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/mock.md has no example {name:?}"));
    let rest = &docs[at + marker.len()..];
    let open = rest.find("```").expect("a fenced block follows the marker");
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").expect("the block is closed")].to_owned()
}

/// 2026-06-01 10:00 Beijing, the clock the documented sessions start at.
const CLOCK: &str = "2026-06-01 10:00:00";

fn handler(extra: impl FnOnce(MockConfig) -> MockConfig) -> Handler {
    let seed = Seed::from_json(example("lifecycle-seed").as_bytes()).expect("the seed parses");
    let config = MockConfig::new()
        .seed(seed)
        .rate_limit(0)
        .random_seed(1)
        .clock(ClockStart::parse(CLOCK).unwrap());
    Handler::new(&extra(config), at(NOW)).unwrap()
}

/// `expected` holds only fields that `actual` has with the same values (arrays: same length,
/// item by item).
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|got| contains(got, v))),
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(x, y)| contains(x, y))
        }
        _ => actual == expected,
    }
}

fn api(handler: &Handler, credentials: Credentials, body: &str) -> Value {
    let req = Req {
        region: Some("ap-guangzhou"),
        payload: Payload::Json(body.as_bytes()),
        credentials,
        ..Req::default()
    };
    envelope(&handler.handle(&req.build(), at(NOW)))
}

fn run_session(name: &str, handler: &Handler) {
    let text = example(name);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let mut steps = 0;
    while let Some(line) = lines.next() {
        let expected_line = lines
            .next()
            .unwrap_or_else(|| panic!("{name}: {line} has no → line"));
        let expected: Value = serde_json::from_str(
            expected_line
                .strip_prefix("→ ")
                .unwrap_or_else(|| panic!("{name}: expected a → line, got {expected_line}")),
        )
        .unwrap();
        let (verb, rest) = line.split_once(' ').unwrap();
        if verb == "API" {
            let answer = api(handler, common::demo_credentials(), rest);
            assert!(
                contains(&answer, &expected),
                "{name}: {line}\nwant {expected}\ngot  {answer}"
            );
        } else {
            let (path, body) = rest.split_once(' ').unwrap_or((rest, ""));
            let request = http::Request::builder()
                .method(verb)
                .uri(path)
                .body(body.as_bytes().to_vec())
                .unwrap();
            let outcome = handler.handle(&request, at(NOW));
            assert_eq!(outcome.response.status(), 200, "{name}: {line}");
            let answer: Value = serde_json::from_slice(outcome.response.body()).unwrap();
            assert_eq!(answer, expected, "{name}: {line}");
        }
        steps += 1;
    }
    assert!(steps >= 3, "{name}: the session ran {steps} steps");
}

#[test]
fn the_clock_session_runs_as_documented() {
    run_session("clock-session", &handler(|c| c));
}

#[test]
fn the_skipped_night_runs_as_documented() {
    run_session("skip-slot", &handler(|c| c));
}

#[test]
fn the_fault_sequence_runs_as_documented() {
    run_session("sequence", &handler(|c| c));
}

#[test]
fn the_documented_policy_denies_as_documented() {
    let policy = PolicySet::from_json(example("policy").as_bytes()).expect("the policy parses");
    let limited = "AKIDLIMITEDEXAMPLE000000000000000000";
    let handler = handler(|c| {
        c.policy(policy).credential(
            limited,
            "tcredis-test-secret-DO-NOT-PRINT-docs-limited",
            None,
        )
    });
    let credentials =
        || Credentials::new(limited, "tcredis-test-secret-DO-NOT-PRINT-docs-limited").unwrap();
    let denied = api(&handler, credentials(), r#"{"InstanceId": "crs-nightly"}"#);
    assert_eq!(denied["Error"]["Code"], "UnauthorizedOperation.NoCAMAuthed");
    let documented = example("policy-denial").replace("RID", denied["RequestId"].as_str().unwrap());
    assert_eq!(denied["Error"]["Message"], documented);
    assert!(api(&handler, credentials(), r#"{"InstanceId": "crs-plain"}"#)["Error"].is_null());
    let wide = api(&handler, credentials(), "{}");
    assert_eq!(
        wide["Error"]["Code"], "UnauthorizedOperation.NoCAMAuthed",
        "instance/* is not crs-*"
    );
}

#[test]
fn the_documented_cassette_line_replays_byte_for_byte() {
    let line = example("cassette");
    let cassette = Cassette::from_jsonl(line.as_bytes()).expect("the cassette parses");
    let recorded = cassette.entries()[0].body.clone();
    let handler = handler(|c| c.replay(cassette));
    let req = Req {
        region: Some("ap-guangzhou"),
        payload: Payload::Query("Limit=2&InstanceId=crs-1"),
        ..Req::default()
    };
    let outcome = handler.handle(&req.build(), at(NOW));
    assert_eq!(outcome.response.body(), &recorded);
    assert_eq!(
        outcome.response.headers()["content-type"],
        "application/json"
    );
}
