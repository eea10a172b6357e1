//! Watching every HTTP request attempt a client sends: an [`AttemptObserver`] installed with
//! [`Client::with_attempt_observer`](crate::Client::with_attempt_observer) hears of each attempt
//! (retries included) with its action, region, attempt number and outcome — what an exporter's
//! request and retry counters need. Credential (STS, metadata) requests are not reported.

use std::fmt;

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The API answered without an error.
    Ok,
    /// The API answered this error code.
    Api(&'a str),
    /// No usable answer: connection, TLS, timeout, a non-200 status or an unreadable body.
    Network,
}

impl AttemptOutcome<'_> {
    /// `ok`, the API's error code, or `network`.
    pub fn code(&self) -> &str {
        match self {
            Self::Ok => "ok",
            Self::Api(code) => code,
            Self::Network => "network",
        }
    }
}

/// One attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptRecord<'a> {
    /// `X-TC-Action` (empty when the request did not carry it).
    pub action: &'a str,
    /// `X-TC-Region` (empty when the request did not carry it).
    pub region: &'a str,
    /// The attempt number within its call, from 1 (above 1: a retry).
    pub attempt: u32,
    /// How it ended.
    pub outcome: AttemptOutcome<'a>,
}

/// Hears of every attempt; called on the sending task, so it must be quick (count, not log).
pub trait AttemptObserver: Send + Sync + fmt::Debug {
    /// One attempt ended.
    fn attempt(&self, record: &AttemptRecord<'_>);
}

/// The API error code in a 200 answer's body (`Response.Error.Code`), if any; `Err` when the
/// body is not an API envelope.
pub(crate) fn error_code(body: &[u8]) -> Result<Option<String>, ()> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(rename = "Error")]
        error: Option<ApiError>,
    }
    #[derive(serde::Deserialize)]
    struct ApiError {
        #[serde(rename = "Code")]
        code: String,
    }
    serde_json::from_slice::<Envelope>(body)
        .map(|e| e.response.error.map(|e| e.code))
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_error_code_of_an_envelope() {
        assert_eq!(
            error_code(br#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"x"},"RequestId":"r"}}"#),
            Ok(Some("RequestLimitExceeded".to_owned()))
        );
        assert_eq!(
            error_code(br#"{"Response":{"TotalCount":0,"BackupSet":[],"RequestId":"r"}}"#),
            Ok(None)
        );
        assert_eq!(error_code(b"<html>"), Err(()));
    }
}
