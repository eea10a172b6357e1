//! Scripts: queued answers and faults for the next requests that match, and expectations on how
//! many requests match, verified on drop with the closest unmatched request shown.
//!
//! The same types are the JSON of `POST /_mock/script` (see `docs/mock.md`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::FaultKind;
use crate::journal::JournalEntry;

/// The most scripts queued at once (`POST /_mock/reset` clears them).
pub const MAX_SCRIPTS: usize = 1_000;
/// The most steps one script holds.
pub const MAX_STEPS: usize = 1_000;
/// The most bytes of one `POST /_mock/script` body.
pub const MAX_SCRIPT_BYTES: usize = 1024 * 1024;

/// Which requests a script applies to. Every field that is set must match; an empty matcher
/// matches every (non-admin) request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// The action (`DescribeInstanceBackups`, `AssumeRole`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The SecretId the request claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_id: Option<String>,
    /// The region header / parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Parameters that must be present with exactly these JSON values (GET/v1 values are
    /// compared after typing, so `Limit=10` matches `10`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
}

/// An error answer: the standard envelope with this code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorReply {
    /// The error code, e.g. `RequestLimitExceeded`.
    pub code: String,
    /// The message; a default for the code when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What to do with one matching request. At most one of `error`, `reply`, `fault`; none means
/// "handle normally". `delay_ms` applies first in every case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Wait this long before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Answer this error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReply>,
    /// Answer `{"Response": <reply + RequestId>}` (an object; a RequestId is added unless given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Value>,
    /// Inject this fault (`drop`, `truncate`, `stall`, `throttle`, `internal-error`, `delay=MS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultKind>,
}

impl Step {
    /// Handle the request normally (use after error steps: "fail twice, then succeed").
    pub fn pass() -> Self {
        Self::default()
    }
    /// Answer this error code with its default message.
    pub fn error(code: impl Into<String>) -> Self {
        Self {
            error: Some(ErrorReply {
                code: code.into(),
                message: None,
            }),
            ..Self::default()
        }
    }
    /// Answer this error code and message.
    pub fn error_with_message(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: Some(ErrorReply {
                code: code.into(),
                message: Some(message.into()),
            }),
            ..Self::default()
        }
    }
    /// Answer `{"Response": reply}` (plus a RequestId).
    pub fn reply(reply: Value) -> Self {
        Self {
            reply: Some(reply),
            ..Self::default()
        }
    }
    /// Inject a fault.
    pub fn fault(kind: FaultKind) -> Self {
        Self {
            fault: Some(kind),
            ..Self::default()
        }
    }
    /// Waits `delay` before doing what the step says.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }

    fn check(&self) -> Result<(), String> {
        let actions = usize::from(self.error.is_some())
            + usize::from(self.reply.is_some())
            + usize::from(self.fault.is_some());
        if actions > 1 {
            return Err("a step takes at most one of \"error\", \"reply\" and \"fault\"".into());
        }
        if let Some(reply) = &self.reply
            && !reply.is_object()
        {
            return Err("\"reply\" must be a JSON object (the contents of \"Response\")".into());
        }
        if let Some(error) = &self.error
            && error.code.is_empty()
        {
            return Err("\"error.code\" must not be empty".into());
        }
        Ok(())
    }
}

/// How many requests a script must match by the time it is verified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Exactly this many (sets both bounds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// At least this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// At most this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

impl Expect {
    /// Refuses contradictions: `times` with `min` or `max`, `min` over `max`, and no bound.
    fn check(&self) -> Result<(), String> {
        match (self.times, self.min, self.max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(
                "\"expect\" takes \"times\" (exactly n) or \"min\"/\"max\" (a range), not both"
                    .into(),
            ),
            (None, Some(min), Some(max)) if min > max => Err(format!(
                "\"expect\" has min {min} over max {max}: no number of requests can meet it"
            )),
            (None, None, None) => Err(
                "\"expect\" needs \"times\", \"min\" or \"max\" (an empty expectation checks nothing)"
                    .into(),
            ),
            _ => Ok(()),
        }
    }

    fn bounds(&self) -> (u64, u64) {
        match self.times {
            Some(n) => (n, n),
            None => (self.min.unwrap_or(0), self.max.unwrap_or(u64::MAX)),
        }
    }
    fn describe(&self) -> String {
        match self.bounds() {
            (a, b) if a == b => format!("exactly {a}"),
            (a, u64::MAX) => format!("at least {a}"),
            (0, b) => format!("at most {b}"),
            (a, b) => format!("between {a} and {b}"),
        }
    }
}

/// A scheduled backup that must not happen: `{"InstanceId": ID, "date": "YYYY-MM-DD"}` (the
/// slot's Beijing date). A missed night for monitoring tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipSlot {
    /// The instance.
    #[serde(rename = "InstanceId")]
    pub instance_id: String,
    /// The slot's Beijing date, `YYYY-MM-DD`.
    pub date: String,
}

/// Queued answers for matching requests, and/or an expectation on how many requests match.
///
/// With steps, each matching request takes the next step; once they are used up the script
/// no longer matches. Without steps, the script only counts (and every matching request is
/// handled normally). With `on` (1-based numbers of matching requests, counted from when the
/// script was added), only those requests take a step — the single step, or the step at the
/// same position as the number — and every other matching request is handled normally: a
/// deterministic fault sequence.
///
/// ```
/// use tcredis_mock::{Script, Step};
/// let script = Script::new()
///     .action("DescribeInstanceBackups")
///     .then(Step::error("RequestLimitExceeded"))
///     .then(Step::error("RequestLimitExceeded"))
///     .then(Step::pass())
///     .expect(3);
/// # let _ = script;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// A name shown in verification failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Which requests this script applies to.
    #[serde(rename = "match", default)]
    pub matcher: Matcher,
    /// The answers, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// The expectation verified on drop / `verify()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Which matching requests take a step (1-based); empty: every one, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<u64>,
    /// A scheduled backup slot to suppress (no matcher, steps or expectation then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_slot: Option<SkipSlot>,
}

impl Script {
    /// A script matching every request, with no steps and no expectation yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Names the script for failure messages.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Matches only this action.
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.matcher.action = Some(action.into());
        self
    }
    /// Matches only this SecretId.
    pub fn secret_id(mut self, secret_id: impl Into<String>) -> Self {
        self.matcher.secret_id = Some(secret_id.into());
        self
    }
    /// Matches only this region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.matcher.region = Some(region.into());
        self
    }
    /// Matches only requests with this parameter value.
    pub fn param(mut self, name: impl Into<String>, value: Value) -> Self {
        self.matcher.params.insert(name.into(), value);
        self
    }
    /// Applies the steps only to these matching requests (1-based, counted from when the
    /// script is added): `Script::new().on([3, 5]).then(Step::error("InternalError"))` fails
    /// the third and fifth matching requests.
    pub fn on(mut self, requests: impl IntoIterator<Item = u64>) -> Self {
        self.on = requests.into_iter().collect();
        self
    }
    /// A script that suppresses the scheduled backup of `instance_id` on Beijing date `date`.
    pub fn skip_slot(instance_id: impl Into<String>, date: impl Into<String>) -> Self {
        Self {
            skip_slot: Some(SkipSlot {
                instance_id: instance_id.into(),
                date: date.into(),
            }),
            ..Self::default()
        }
    }
    /// Appends a step.
    pub fn then(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }
    /// Expects exactly `n` matching requests.
    pub fn expect(mut self, n: u64) -> Self {
        self.expect = Some(Expect {
            times: Some(n),
            ..Expect::default()
        });
        self
    }
    /// Expects at least `n` matching requests.
    pub fn expect_at_least(mut self, n: u64) -> Self {
        self.expect = Some(Expect {
            min: Some(n),
            ..Expect::default()
        });
        self
    }
    /// Expects between `min` and `max` matching requests (inclusive).
    pub fn expect_between(mut self, min: u64, max: u64) -> Self {
        self.expect = Some(Expect {
            min: Some(min),
            max: Some(max),
            times: None,
        });
        self
    }

    /// Checks the script: at most [`MAX_STEPS`] steps, each of one shape (one action per step,
    /// `reply` an object), a consistent expectation, a consistent `on` list, and something to
    /// do (steps, an expectation, or a `skip_slot` standing alone).
    pub fn check(&self) -> Result<(), String> {
        if self.steps.len() > MAX_STEPS {
            return Err(format!(
                "{} steps is over the limit of {MAX_STEPS} per script",
                self.steps.len()
            ));
        }
        for (i, step) in self.steps.iter().enumerate() {
            step.check().map_err(|e| format!("steps[{i}]: {e}"))?;
        }
        if self.skip_slot.is_some() {
            if !self.steps.is_empty()
                || self.expect.is_some()
                || !self.on.is_empty()
                || self.matcher != Matcher::default()
            {
                return Err(
                    "a \"skip_slot\" entry stands alone (no match, steps, on or expect)".into(),
                );
            }
            return Ok(());
        }
        if !self.on.is_empty() {
            if self.on.contains(&0) {
                return Err("\"on\" counts matching requests from 1".into());
            }
            let mut sorted = self.on.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() != self.on.len() {
                return Err("\"on\" lists a request number twice".into());
            }
            if self.steps.len() != 1 && self.steps.len() != self.on.len() {
                return Err(format!(
                    "with \"on\" give one step (used for every listed request) or one step per listed request ({}), not {}",
                    self.on.len(),
                    self.steps.len()
                ));
            }
        }
        match &self.expect {
            Some(expect) => expect.check()?,
            None if self.steps.is_empty() => {
                return Err(
                    "the script has neither \"steps\" nor \"expect\", so it would do nothing"
                        .into(),
                );
            }
            None => {}
        }
        Ok(())
    }

    /// Parses the body of `POST /_mock/script`: a JSON object of at most [`MAX_SCRIPT_BYTES`]
    /// (`[]`, `null` and other non-objects are refused, not read as an empty script).
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() > MAX_SCRIPT_BYTES {
            return Err(format!(
                "the script is {} bytes, over the limit of {MAX_SCRIPT_BYTES}",
                bytes.len()
            ));
        }
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| format!("invalid script JSON: {e}"))?;
        if !value.is_object() {
            return Err(format!(
                "a script is a JSON object such as {{\"steps\": [...], \"expect\": {{\"times\": 1}}}}, got {}",
                match value {
                    Value::Array(_) => "an array",
                    Value::Null => "null",
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    Value::Bool(_) => "a boolean",
                    Value::Object(_) => "an object",
                }
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("invalid script JSON: {e}"))
    }

    fn label(&self, id: u64) -> String {
        match &self.name {
            Some(name) => format!("script #{id} ({name:?})"),
            None => format!("script #{id}"),
        }
    }
}

/// What a request looks like to a matcher.
#[derive(Debug)]
pub(crate) struct RequestView<'a> {
    pub(crate) action: Option<&'a str>,
    pub(crate) secret_id: Option<&'a str>,
    pub(crate) region: Option<&'a str>,
    pub(crate) params: &'a Value,
}

impl Matcher {
    fn mismatches(&self, request: &RequestView<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let mut field = |name: &str, want: &Option<String>, got: Option<&str>| {
            if let Some(want) = want
                && Some(want.as_str()) != got
            {
                out.push(format!("{name}: expected {want:?}, got {got:?}"));
            }
        };
        field("action", &self.action, request.action);
        field("secret_id", &self.secret_id, request.secret_id);
        field("region", &self.region, request.region);
        for (name, want) in &self.params {
            let got = request.params.get(name);
            if got != Some(want) {
                out.push(format!(
                    "param {name}: expected {want}, got {}",
                    got.map_or("nothing".to_owned(), Value::to_string)
                ));
            }
        }
        out
    }

    pub(crate) fn matches(&self, request: &RequestView<'_>) -> bool {
        self.mismatches(request).is_empty()
    }
}

/// A script and its progress.
#[derive(Debug)]
pub(crate) struct ScriptState {
    pub(crate) id: u64,
    pub(crate) script: Script,
    pub(crate) next_step: usize,
    pub(crate) hits: u64,
    /// Matching requests seen since the script was added (for `on`).
    pub(crate) seen: u64,
}

/// What a matching script decided for one request.
#[derive(Debug)]
pub(crate) struct ScriptHit {
    pub(crate) id: u64,
    pub(crate) step: Option<Step>,
}

/// The scripts in order of arrival, with an index of those that can still match: by action
/// (plus the ones matching any action). A script whose steps are used up leaves the index (it
/// can never match again) but stays for verification, so a long queue of one-shot scripts costs
/// a request only the live ones for its action.
#[derive(Debug, Default)]
pub(crate) struct Scripts {
    next_id: u64,
    states: Vec<ScriptState>,
    /// Positions in `states` of live scripts for one action, ascending.
    live_by_action: HashMap<String, Vec<usize>>,
    /// Positions of live scripts without an action matcher, ascending.
    live_any: Vec<usize>,
}

impl Scripts {
    /// Queues a script; refuses one past [`MAX_SCRIPTS`].
    pub(crate) fn add(&mut self, script: Script) -> Result<u64, String> {
        if self.states.len() >= MAX_SCRIPTS {
            return Err(format!(
                "{MAX_SCRIPTS} scripts are queued, the limit; POST /_mock/reset (or MockServer::reset) clears them"
            ));
        }
        self.next_id += 1;
        let id = self.next_id;
        let position = self.states.len();
        match &script.matcher.action {
            // A skip_slot entry marks a slot in the world; it never matches a request.
            _ if script.skip_slot.is_some() => {}
            Some(action) => self
                .live_by_action
                .entry(action.clone())
                .or_default()
                .push(position),
            None => self.live_any.push(position),
        }
        self.states.push(ScriptState {
            id,
            script,
            next_step: 0,
            hits: 0,
            seen: 0,
        });
        Ok(id)
    }

    /// The live scripts a request with this action may match, in order of arrival.
    fn candidates(&self, action: Option<&str>) -> Vec<usize> {
        let by_action: &[usize] = action
            .and_then(|a| self.live_by_action.get(a))
            .map_or(&[], Vec::as_slice);
        let mut out = Vec::with_capacity(by_action.len() + self.live_any.len());
        let (mut i, mut j) = (0, 0);
        while i < by_action.len() || j < self.live_any.len() {
            let take_left = j >= self.live_any.len()
                || (i < by_action.len() && by_action[i] < self.live_any[j]);
            if take_left {
                out.push(by_action[i]);
                i += 1;
            } else {
                out.push(self.live_any[j]);
                j += 1;
            }
        }
        out
    }

    /// The first script with steps left that matches takes the request (consuming a step);
    /// counting-only scripts that match record the hit too.
    pub(crate) fn take(&mut self, request: &RequestView<'_>) -> Option<ScriptHit> {
        let mut answer: Option<ScriptHit> = None;
        let mut used_up = Vec::new();
        for position in self.candidates(request.action) {
            let state = &mut self.states[position];
            if !state.script.matcher.matches(request) {
                continue;
            }
            if !state.script.on.is_empty() {
                state.seen += 1;
                state.hits += 1;
                let listed = state.script.on.iter().position(|n| *n == state.seen);
                match listed {
                    Some(k) if answer.as_ref().is_none_or(|a| a.step.is_none()) => {
                        let step = state.script.steps[k.min(state.script.steps.len() - 1)].clone();
                        answer = Some(ScriptHit {
                            id: state.id,
                            step: Some(step),
                        });
                    }
                    _ => {
                        answer.get_or_insert(ScriptHit {
                            id: state.id,
                            step: None,
                        });
                    }
                }
            } else if state.script.steps.is_empty() {
                state.hits += 1;
                answer.get_or_insert(ScriptHit {
                    id: state.id,
                    step: None,
                });
            } else if state.next_step < state.script.steps.len()
                && answer.as_ref().is_none_or(|a: &ScriptHit| a.step.is_none())
            {
                state.hits += 1;
                let step = state.script.steps[state.next_step].clone();
                state.next_step += 1;
                if state.next_step == state.script.steps.len() {
                    used_up.push(position);
                }
                answer = Some(ScriptHit {
                    id: state.id,
                    step: Some(step),
                });
            }
        }
        for position in used_up {
            let list = match &self.states[position].script.matcher.action {
                Some(action) => self.live_by_action.get_mut(action),
                None => Some(&mut self.live_any),
            };
            if let Some(list) = list {
                list.retain(|p| *p != position);
            }
        }
        answer
    }

    /// Scripts queued (live or used up).
    pub(crate) fn len(&self) -> usize {
        self.states.len()
    }

    pub(crate) fn clear(&mut self) {
        self.states.clear();
        self.live_by_action.clear();
        self.live_any.clear();
    }

    /// Checks every expectation; on failure the message lists each unmet one and the journaled
    /// request closest to its matcher.
    pub(crate) fn verify<'j, J>(&self, journal: J) -> Result<(), String>
    where
        J: IntoIterator<Item = &'j JournalEntry>,
        J::IntoIter: Clone,
    {
        let journal = journal.into_iter();
        let mut report = String::new();
        for state in &self.states {
            let Some(expect) = state.script.expect else {
                continue;
            };
            let (min, max) = expect.bounds();
            if (min..=max).contains(&state.hits) {
                continue;
            }
            let _ = writeln!(
                report,
                "{} expected {} matching request(s), got {}; matcher {}",
                state.script.label(state.id),
                expect.describe(),
                state.hits,
                serde_json::to_string(&state.script.matcher).unwrap_or_default()
            );
            if state.hits < min {
                match closest(&state.script.matcher, journal.clone()) {
                    Some((entry, diffs)) => {
                        let _ = writeln!(
                            report,
                            "  closest request: #{} {} action={:?} secret_id={:?} region={:?} params={} -> {}",
                            entry.seq,
                            entry.method,
                            entry.action,
                            entry.secret_id,
                            entry.region,
                            entry.params,
                            entry.code.as_deref().unwrap_or("ok")
                        );
                        for diff in diffs {
                            let _ = writeln!(report, "    {diff}");
                        }
                    }
                    None if journal.clone().next().is_none() => {
                        let _ = writeln!(report, "  no request reached the mock");
                    }
                    None => {
                        let _ = writeln!(
                            report,
                            "  every journaled request matched; too few arrived (or the steps ran out)"
                        );
                    }
                }
            }
        }
        if report.is_empty() {
            Ok(())
        } else {
            Err(report)
        }
    }
}

/// The journaled request that did not match `matcher` with the fewest mismatches (an action
/// mismatch weighs most, then the newest wins), and the mismatches. Requests that matched are
/// skipped: they were counted already.
fn closest<'j>(
    matcher: &Matcher,
    journal: impl Iterator<Item = &'j JournalEntry>,
) -> Option<(&'j JournalEntry, Vec<String>)> {
    journal
        .filter_map(|entry| {
            let view = RequestView {
                action: entry.action.as_deref(),
                secret_id: entry.secret_id.as_deref(),
                region: entry.region.as_deref(),
                params: &entry.params,
            };
            let diffs = matcher.mismatches(&view);
            let weight: usize = diffs
                .iter()
                .map(|d| if d.starts_with("action") { 4 } else { 1 })
                .sum();
            (!diffs.is_empty()).then_some((weight, entry, diffs))
        })
        .min_by_key(|(weight, entry, _)| (*weight, u64::MAX - entry.seq))
        .map(|(_, entry, diffs)| (entry, diffs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn view<'a>(action: &'a str, params: &'a Value) -> RequestView<'a> {
        RequestView {
            action: Some(action),
            secret_id: Some("AKID"),
            region: Some("ap-guangzhou"),
            params,
        }
    }

    #[test]
    fn steps_are_consumed_in_order_then_the_script_stops_matching() {
        let mut scripts = Scripts::default();
        scripts
            .add(
                Script::new()
                    .action("A")
                    .then(Step::error("RequestLimitExceeded"))
                    .then(Step::pass()),
            )
            .unwrap();
        let params = json!({});
        let first = scripts.take(&view("A", &params)).unwrap();
        assert_eq!(
            first.step.unwrap().error.unwrap().code,
            "RequestLimitExceeded"
        );
        assert_eq!(
            scripts.take(&view("A", &params)).unwrap().step,
            Some(Step::pass())
        );
        assert!(scripts.take(&view("A", &params)).is_none());
        assert!(scripts.take(&view("B", &params)).is_none());
    }

    #[test]
    fn on_lists_which_matching_requests_take_a_step() {
        let mut scripts = Scripts::default();
        scripts
            .add(
                Script::new()
                    .action("A")
                    .on([3, 5])
                    .then(Step::error("InternalError")),
            )
            .unwrap();
        let params = json!({});
        let failed: Vec<u64> = (1..=7)
            .filter(|_| {
                scripts
                    .take(&view("A", &params))
                    .is_some_and(|hit| hit.step.is_some_and(|s| s.error.is_some()))
            })
            .collect();
        assert_eq!(failed, [3, 5]);
        // Other actions are not counted.
        assert!(scripts.take(&view("B", &params)).is_none());
        let per_request: Script = serde_json::from_value(json!({
            "on": [1, 2], "steps": [{"error": {"code": "X"}}, {"fault": "drop"}]
        }))
        .unwrap();
        assert!(per_request.check().is_ok());
        for bad in [
            json!({"on": [0], "steps": [{}]}),
            json!({"on": [2, 2], "steps": [{}]}),
            json!({"on": [1, 2, 3], "steps": [{}, {}]}),
            json!({"skip_slot": {"InstanceId": "crs-1", "date": "2026-06-01"}, "expect": {"times": 1}}),
        ] {
            let script: Script = serde_json::from_value(bad.clone()).unwrap();
            assert!(script.check().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_skip_slot_entry_stands_alone_and_never_matches_a_request() {
        let skip = Script::skip_slot("crs-1", "2026-06-01");
        assert_eq!(skip.check(), Ok(()), "no steps and no expect, yet not idle");
        let mut scripts = Scripts::default();
        scripts.add(skip).unwrap();
        let params = json!({});
        assert!(scripts.take(&view("A", &params)).is_none());
        assert!(scripts.candidates(Some("A")).is_empty(), "not in the index");
        assert_eq!(scripts.len(), 1);
    }

    #[test]
    fn admin_json_shape_parses_and_rejects_typos() {
        let script: Script = serde_json::from_value(json!({
            "name": "throttle twice",
            "match": {"action": "DescribeInstanceBackups", "params": {"InstanceId": "crs-1"}},
            "steps": [{"error": {"code": "RequestLimitExceeded"}}, {"fault": "delay=20"}, {"delay_ms": 5, "fault": "drop"}, {}],
            "expect": {"times": 4}
        }))
        .unwrap();
        assert_eq!(script.steps.len(), 4);
        assert!(script.check().is_ok());
        assert!(serde_json::from_value::<Script>(json!({"step": []})).is_err());
        let bad: Script =
            serde_json::from_value(json!({"steps": [{"error": {"code": "X"}, "fault": "drop"}]}))
                .unwrap();
        assert!(bad.check().unwrap_err().contains("steps[0]"));
    }

    #[test]
    fn verification_shows_the_closest_request() {
        let mut scripts = Scripts::default();
        scripts
            .add(
                Script::new()
                    .action("DescribeInstanceBackups")
                    .param("InstanceId", json!("crs-2"))
                    .expect(1),
            )
            .unwrap();
        let entry = |seq, action: &str, id: &str| JournalEntry {
            seq,
            time_unix_ms: 0,
            method: "POST".into(),
            style: "tc3",
            action: Some(action.into()),
            version: None,
            region: None,
            secret_id: None,
            params: json!({"InstanceId": id}),
            params_truncated: None,
            code: None,
            verdict: "ok".into(),
            signature: crate::journal::SignatureResult::Valid,
            leniency: vec![],
            script: None,
            fault: None,
            request_id: String::new(),
            exact: None,
        };
        let journal = [
            entry(1, "AssumeRole", "crs-2"),
            entry(2, "DescribeInstanceBackups", "crs-1"),
        ];
        let err = scripts.verify(&journal).unwrap_err();
        assert!(
            err.contains("expected exactly 1 matching request(s), got 0"),
            "{err}"
        );
        assert!(err.contains("closest request: #2"), "{err}");
        assert!(
            err.contains("param InstanceId: expected \"crs-2\", got \"crs-1\""),
            "{err}"
        );
    }

    #[test]
    fn contradictions_and_non_objects_are_refused_with_a_reason() {
        let refused = |body: &str| match Script::from_json(body.as_bytes()) {
            Ok(script) => script.check().unwrap_err(),
            Err(e) => e,
        };
        for (body, reason) in [
            (r#"{"expect":{"min":5,"max":1}}"#, "min 5 over max 1"),
            (r#"{"expect":{"times":2,"min":1}}"#, "not both"),
            (r#"{"expect":{"times":2,"max":3}}"#, "not both"),
            (r#"{"expect":{}}"#, "needs \"times\", \"min\" or \"max\""),
            ("[]", "a script is a JSON object"),
            ("null", "got null"),
            ("{}", "neither \"steps\" nor \"expect\""),
            (r#"{"steps":[{"error":{"code":""}}]}"#, "steps[0]"),
        ] {
            let e = refused(body);
            assert!(e.contains(reason), "{body}: {e}");
        }
        let big = format!(
            r#"{{"name":"{}","expect":{{"times":1}}}}"#,
            "n".repeat(MAX_SCRIPT_BYTES)
        );
        assert!(refused(&big).contains("over the limit of 1048576"));
        let many_steps = Script {
            steps: vec![Step::pass(); MAX_STEPS + 1],
            ..Script::default()
        };
        assert!(
            many_steps
                .check()
                .unwrap_err()
                .contains("over the limit of 1000")
        );
        // The accepted shapes still are.
        for body in [
            r#"{"expect":{"min":1,"max":1}}"#,
            r#"{"expect":{"times":0}}"#,
            r#"{"steps":[{}]}"#,
        ] {
            Script::from_json(body.as_bytes()).unwrap().check().unwrap();
        }
    }

    #[test]
    fn the_count_is_capped_and_used_up_scripts_leave_the_index() {
        let mut scripts = Scripts::default();
        for i in 0..MAX_SCRIPTS {
            let action = if i % 2 == 0 { "A" } else { "B" };
            scripts
                .add(Script::new().action(action).then(Step::pass()))
                .unwrap();
        }
        let e = scripts.add(Script::new().then(Step::pass())).unwrap_err();
        assert!(e.contains("1000 scripts are queued"), "{e}");
        let params = json!({});
        // Each request for A takes the oldest live A script; used-up ones are skipped for good.
        for expected in (1..=MAX_SCRIPTS as u64).step_by(2) {
            assert_eq!(
                scripts.candidates(Some("A")).len() as u64,
                (MAX_SCRIPTS as u64 - expected) / 2 + 1
            );
            assert_eq!(scripts.take(&view("A", &params)).unwrap().id, expected);
        }
        assert!(scripts.candidates(Some("A")).is_empty());
        assert!(scripts.take(&view("A", &params)).is_none());
        assert_eq!(scripts.candidates(Some("B")).len(), MAX_SCRIPTS / 2);
        scripts.clear();
        assert!(scripts.add(Script::new().then(Step::pass())).is_ok());
    }

    #[test]
    fn any_action_and_per_action_scripts_keep_their_order() {
        let mut scripts = Scripts::default();
        let any = scripts.add(Script::new().then(Step::error("E1"))).unwrap();
        let a = scripts
            .add(Script::new().action("A").then(Step::error("E2")))
            .unwrap();
        let counting = scripts.add(Script::new().action("A").expect(2)).unwrap();
        let params = json!({});
        assert_eq!(scripts.take(&view("A", &params)).unwrap().id, any);
        assert_eq!(scripts.take(&view("A", &params)).unwrap().id, a);
        assert_eq!(scripts.take(&view("A", &params)).unwrap().id, counting);
        let hits: Vec<u64> = scripts.states.iter().map(|s| s.hits).collect();
        assert_eq!(hits, vec![1, 1, 3]);
    }
}
