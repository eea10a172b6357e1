//! What the fault soaks (client and CLI) share: the mock's generated data set as the soaks
//! expect it, a one-by-one comparison of listed ids, and a tally of the faults the mock's
//! journal says it injected, split into those that can fail a request and those that cannot.

use std::collections::BTreeMap;

/// The BackupIds of instance `instance` (1-based) of the mock's `--generate count:instances`
/// set, in listing order, computed from the documented format (docs/mock.md): backup `i` (0-based)
/// belongs to instance `i % instances + 1`, starts one minute after backup `i - 1`, and has the
/// id `<i:010>-gen-<instance:05>`; the newest is listed first.
pub fn generated_backup_ids(count: u64, instances: u64, instance: u64) -> Vec<String> {
    assert!(
        (1..=instances).contains(&instance),
        "instance {instance} of {instances}"
    );
    (0..count)
        .rev()
        .filter(|i| i % instances == instance - 1)
        .map(|i| format!("{i:010}-gen-{instance:05}"))
        .collect()
}

/// Asserts `got` is exactly `want`, element by element; a failure names the first position
/// that differs (and the lengths), not a 5,000-line diff.
#[track_caller]
pub fn assert_same_ids(got: &[String], want: &[String], what: &str) {
    if let Some(at) = got.iter().zip(want).position(|(g, w)| g != w) {
        panic!(
            "{what}: item {at} is {:?}, the generated set has {:?} there ({} listed, {} generated)",
            got[at],
            want[at],
            got.len(),
            want.len()
        );
    }
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: {} listed, {} generated (the common prefix matches)",
        got.len(),
        want.len()
    );
}

/// The soaks' chance of each fault kind (tried in the order of [`SOAK_FAULTS`]).
pub const FAULT_EACH: f64 = 0.069;

/// The soaks' fault mix: a 5 ms delay (which cannot fail a request), then four that do, each at
/// [`FAULT_EACH`]. Names as the journal reports them; [`fault_spec`] gives the mock's spelling.
pub const SOAK_FAULTS: [(&str, f64); 5] = [
    ("delay", FAULT_EACH),
    ("internal-error", FAULT_EACH),
    ("throttle", FAULT_EACH),
    ("drop", FAULT_EACH),
    ("truncate", FAULT_EACH),
];

/// How far a soak's measured failing rate may stray from the expected one (a few hundred draws).
pub const RATE_TOLERANCE: f64 = 0.05;

/// The mock's `--fault` spelling of a [`SOAK_FAULTS`] kind (`delay` is `delay=5`, 5 ms).
pub fn fault_spec(kind: &str) -> &str {
    if kind == "delay" { "delay=5" } else { kind }
}

/// Fault kinds that make a request fail (an error answer, a dropped connection, a truncated
/// or stalled body); a `delay` only slows it down.
pub const FAILING_KINDS: &[&str] = &["internal-error", "throttle", "drop", "truncate", "stall"];

/// The faults of a run, counted per kind from the mock's journal (`JournalEntry::fault`, e.g.
/// `delay=5ms`, `drop`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultTally {
    /// Requests counted.
    pub requests: usize,
    /// Faults per kind (`delay`, `internal-error`, ...).
    pub by_kind: BTreeMap<String, usize>,
}

impl FaultTally {
    /// Counts one entry per request: its fault, if any.
    pub fn from_faults<'a>(faults: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut tally = Self::default();
        for fault in faults {
            tally.requests += 1;
            if let Some(f) = fault {
                let kind = f.split('=').next().unwrap_or(f).to_owned();
                *tally.by_kind.entry(kind).or_insert(0) += 1;
            }
        }
        tally
    }

    /// Faults of `kind`.
    pub fn count(&self, kind: &str) -> usize {
        self.by_kind.get(kind).copied().unwrap_or(0)
    }

    /// Faults that can fail a request.
    pub fn failing(&self) -> usize {
        FAILING_KINDS.iter().map(|k| self.count(k)).sum()
    }

    /// Failing faults per request.
    pub fn failing_rate(&self) -> f64 {
        self.failing() as f64 / self.requests.max(1) as f64
    }

    /// Every fault per request (delays included).
    pub fn any_rate(&self) -> f64 {
        self.by_kind.values().sum::<usize>() as f64 / self.requests.max(1) as f64
    }
}

/// The rates the mock's fault list implies: faults are tried in the order given, the first
/// whose draw succeeds is injected. Returns (failing, any) for `(kind, probability)` pairs.
pub fn expected_rates(faults: &[(&str, f64)]) -> (f64, f64) {
    let mut none_yet = 1.0;
    let mut failing = 0.0;
    for (kind, p) in faults {
        if FAILING_KINDS.contains(kind) {
            failing += none_yet * p;
        }
        none_yet *= 1.0 - p;
    }
    (failing, 1.0 - none_yet)
}

/// A soak's tally against [`SOAK_FAULTS`]: every kind was injected, and the failing rate is the
/// one the mix implies, within [`RATE_TOLERANCE`].
pub fn assert_soak_rates(tally: &FaultTally) {
    for (kind, _) in SOAK_FAULTS {
        assert!(
            tally.count(kind) > 0,
            "the mock injected no {kind} fault: {:?}",
            tally.by_kind
        );
    }
    let (failing, _) = expected_rates(&SOAK_FAULTS);
    assert!(
        (tally.failing_rate() - failing).abs() <= RATE_TOLERANCE,
        "{:.1}% of requests failed by injection; the fault list implies {:.1}% (±{:.0} points)",
        tally.failing_rate() * 100.0,
        failing * 100.0,
        RATE_TOLERANCE * 100.0
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_follow_the_documented_format() {
        assert_eq!(
            generated_backup_ids(7, 3, 1),
            [
                "0000000006-gen-00001",
                "0000000003-gen-00001",
                "0000000000-gen-00001"
            ]
        );
        assert_eq!(
            generated_backup_ids(7, 3, 3),
            ["0000000005-gen-00003", "0000000002-gen-00003"]
        );
    }

    #[test]
    fn the_tally_separates_delays_from_failures() {
        let tally = FaultTally::from_faults([
            Some("delay=5ms"),
            None,
            Some("drop"),
            Some("internal-error"),
            None,
        ]);
        assert_eq!(tally.requests, 5);
        assert_eq!(tally.failing(), 2);
        assert_eq!(tally.count("delay"), 1);
        assert!((tally.failing_rate() - 0.4).abs() < 1e-9);
        assert!((tally.any_rate() - 0.6).abs() < 1e-9);
    }

    #[test]
    fn the_soak_mix_fails_about_23_percent_of_requests() {
        let p = 0.069;
        let (failing, any) = expected_rates(&[
            ("delay", p),
            ("internal-error", p),
            ("throttle", p),
            ("drop", p),
            ("truncate", p),
        ]);
        assert!((any - 0.300).abs() < 0.001, "{any}");
        assert!((failing - 0.2316).abs() < 0.001, "{failing}");
    }

    #[test]
    #[should_panic(expected = "item 1 is")]
    fn a_swapped_pair_is_named() {
        let want = generated_backup_ids(6, 2, 1);
        let mut got = want.clone();
        got.swap(1, 2);
        assert_same_ids(&got, &want, "swap");
    }
}
