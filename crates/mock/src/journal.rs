//! The request journal: what each request asked, how it was authenticated (and whether loopback
//! leniency was needed), what it was answered. Secrets (keys, tokens, signatures) never enter it.

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::Value;

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
    /// `null` when the body could not be read as parameters.
    pub params: Value,
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

/// A bounded journal.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    next_seq: u64,
    entries: VecDeque<JournalEntry>,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    pub(crate) fn push(&mut self, entry: JournalEntry) {
        if self.capacity == 0 {
            return;
        }
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
