//! The request journal: what each request asked, how it was authenticated (and whether loopback
//! leniency was needed), what it was answered. Secrets (keys, tokens, signatures) never enter it.
//!
//! Bounded twice: by entries ([`MockConfig::journal_capacity`](crate::MockConfig::journal_capacity),
//! 10,000) and by bytes ([`MockConfig::journal_max_bytes`](crate::MockConfig::journal_max_bytes),
//! 32 MiB), oldest dropped first; each entry's parameters are bounded too (see [`bounded`]).
//! The admin answer is written a batch of entries at a time, never all at once.

pub(crate) mod bounded;

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::Value;

pub use bounded::ParamsTruncation;

/// Default byte bound of the journal: 32 MiB of entries (as compact JSON).
pub const DEFAULT_JOURNAL_MAX_BYTES: usize = 32 * 1024 * 1024;
/// Default entry bound of the journal.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// How a request's signature fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SignatureResult {
    /// The request failed before its signature was looked at.
    NotChecked,
    /// No usable Authorization (or v1 signature parameters).
    Missing,
    /// `Authorization: SKIP` on the one action that allows it.
    Skipped,
    /// The signature matched.
    Valid,
    /// The signature did not match (or the timestamp was out of the window, or the SecretId unknown).
    Invalid,
}

/// One journaled request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Sequence number, from 1, never reused (even after a reset).
    pub seq: u64,
    /// When the request was handled, Unix milliseconds.
    pub time_unix_ms: i64,
    /// HTTP method.
    pub method: String,
    /// Signature style: `tc3`, `v1` or `none`.
    pub style: &'static str,
    /// The action (X-TC-Action or the v1 `Action` parameter), when given.
    pub action: Option<String>,
    /// The API version, when given.
    pub version: Option<String>,
    /// The region (X-TC-Region or v1 `Region`), when given.
    pub region: Option<String>,
    /// The SecretId the request claimed.
    pub secret_id: Option<String>,
    /// The action parameters as received (common v1 parameters and web-identity tokens left out);
    /// `null` when the body could not be read as parameters. Oversized ones are cut (see
    /// `params_truncated`).
    pub params: Value,
    /// What was left out of `params` to keep the entry small; absent when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params_truncated: Option<ParamsTruncation>,
    /// `None` on success, else the error code answered.
    pub code: Option<String>,
    /// `ok`, `error`, or the delivery fault (`drop`, `truncate`, `stall`).
    pub verdict: String,
    /// How the signature fared.
    pub signature: SignatureResult,
    /// Loopback leniency used to accept the signature: `host-without-port`,
    /// `service-from-host-label`.
    pub leniency: Vec<&'static str>,
    /// The script that answered, if any.
    pub script: Option<u64>,
    /// The fault injected, if any (`throttle`, `delay=100`, ...).
    pub fault: Option<String>,
    /// The RequestId answered.
    pub request_id: String,
    /// The exact signed bytes, only with `MockConfig::journal_exact_requests` (absent from the
    /// JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<crate::exact::ExactRequest>,
}

impl JournalEntry {
    /// About how many bytes the entry takes as compact JSON (what the byte bound counts).
    pub(crate) fn approx_bytes(&self) -> usize {
        const FIXED: usize = 320; // field names, numbers, punctuation
        let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        FIXED
            + self.method.len()
            + text(&self.action)
            + text(&self.version)
            + text(&self.region)
            + text(&self.secret_id)
            + text(&self.code)
            + self.verdict.len()
            + text(&self.fault)
            + self.request_id.len()
            + bounded::json_len(&self.params)
            + self.params_truncated.as_ref().map_or(0, |t| {
                64 + t.shortened.iter().map(|n| n.len() + 3).sum::<usize>()
            })
            + self
                .exact
                .as_ref()
                .map_or(0, |e| serde_json::to_vec(e).map_or(0, |v| v.len()))
    }
}

/// A journal bounded by entries and by bytes.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    max_bytes: usize,
    /// Sum of the kept entries' `approx_bytes`.
    bytes: usize,
    next_seq: u64,
    entries: VecDeque<(usize, JournalEntry)>,
}

impl Journal {
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            bytes: 0,
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Appends an entry, dropping the oldest ones until both bounds hold. An entry larger than
    /// the whole byte bound is not kept (its `seq` is still used).
    pub(crate) fn push(&mut self, entry: JournalEntry) {
        let size = entry.approx_bytes();
        if self.capacity == 0 || size > self.max_bytes {
            return;
        }
        while self.entries.len() >= self.capacity || self.bytes + size > self.max_bytes {
            match self.entries.pop_front() {
                Some((old, _)) => self.bytes -= old,
                None => break,
            }
        }
        self.bytes += size;
        self.entries.push_back((size, entry));
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.iter().cloned().collect()
    }

    /// The kept entries, oldest first, without copying them.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &JournalEntry> + Clone {
        self.entries.iter().map(|(_, e)| e)
    }

    /// Bytes held (the byte bound's measure).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The newest `seq` given out so far (0 before the first request).
    pub(crate) fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Appends to `out` the compact JSON of at most `max` entries with `after < seq <= until`,
    /// comma-separated (a leading comma unless `first`); returns the last `seq` written, or
    /// `None` when no entry is left in that range.
    pub(crate) fn write_batch(
        &self,
        after: u64,
        until: u64,
        max: usize,
        first: bool,
        out: &mut Vec<u8>,
    ) -> Option<u64> {
        let start = self.entries.partition_point(|(_, e)| e.seq <= after);
        let mut last = None;
        for (_, entry) in self.entries.range(start..).take(max) {
            if entry.seq > until {
                break;
            }
            if !(first && last.is_none()) {
                out.push(b',');
            }
            // Serializing plain data into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, entry);
            last = Some(entry.seq);
        }
        last
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, params: Value) -> JournalEntry {
        JournalEntry {
            seq,
            time_unix_ms: 0,
            method: "POST".into(),
            style: "tc3",
            action: Some("DescribeInstanceBackups".into()),
            version: None,
            region: None,
            secret_id: None,
            params,
            params_truncated: None,
            code: None,
            verdict: "ok".into(),
            signature: SignatureResult::Valid,
            leniency: vec![],
            script: None,
            fault: None,
            request_id: String::new(),
            exact: None,
        }
    }

    #[test]
    fn the_byte_bound_drops_the_oldest_entries() {
        let mut journal = Journal::new(1000, 10_000);
        for seq in 1..=100 {
            journal.push(entry(seq, Value::String("x".repeat(900))));
        }
        assert!(journal.bytes() <= 10_000, "{}", journal.bytes());
        let kept: Vec<u64> = journal.iter().map(|e| e.seq).collect();
        assert!(kept.len() < 10 && kept.len() >= 7, "{kept:?}");
        assert_eq!(*kept.last().unwrap(), 100);
        assert!(kept.windows(2).all(|w| w[1] == w[0] + 1));
        // The measure matches the JSON it stands for, within the fixed allowance.
        let json = serde_json::to_vec(&journal.entries()).unwrap();
        assert!(
            json.len() <= journal.bytes(),
            "{} > {}",
            json.len(),
            journal.bytes()
        );
        // An entry bigger than the whole bound is not kept and does not flush the others.
        journal.push(entry(101, Value::String("x".repeat(20_000))));
        assert_eq!(journal.iter().last().unwrap().seq, 100);
        journal.clear();
        assert_eq!(journal.bytes(), 0);
    }

    #[test]
    fn batches_cover_a_range_once_in_order() {
        let mut journal = Journal::new(5, usize::MAX);
        for _ in 0..8 {
            let seq = journal.next_seq();
            journal.push(entry(seq, Value::Null));
        }
        // Entries 4..=8 are kept; read them two at a time up to seq 7.
        let (mut after, mut first, mut out) = (0, true, Vec::new());
        while let Some(last) = journal.write_batch(after, 7, 2, first, &mut out) {
            after = last;
            first = false;
        }
        let parsed: Vec<JournalEntry> =
            serde_json::from_slice::<Vec<Value>>(&[b"[".as_slice(), &out, b"]"].concat())
                .unwrap()
                .into_iter()
                .map(|v| entry(v["seq"].as_u64().unwrap(), Value::Null))
                .collect();
        let seqs: Vec<u64> = parsed.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![4, 5, 6, 7]);
        assert_eq!(journal.last_seq(), 8);
    }
}
