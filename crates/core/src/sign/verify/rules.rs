//! The checks TC3 and v1 verification share: the timestamp's form and window, the session
//! token, and which Host forms are tried.

use subtle::ConstantTimeEq;

use super::outcome::{VerifyError, VerifyErrorKind, invalid};
use crate::credentials::Secret;
use crate::endpoint::{is_loopback_host, split_port, strip_scheme};

/// Host forms tried, in order: as received, then (with leniency on a loopback host) without
/// its port (any scheme prefix kept, as it was signed). The flag says the form is lenient.
pub(super) fn host_candidates(host: &str, leniency: bool) -> Vec<(&str, bool)> {
    let mut out = vec![(host, false)];
    if leniency
        && is_loopback_host(host)
        && let (_, Some(port)) = split_port(strip_scheme(host))
    {
        out.push((&host[..host.len() - port.len() - 1], true));
    }
    out
}

/// The Node SDK's service guess: the first dot-separated label of the endpoint.
pub(super) fn host_label(host: &str) -> &str {
    strip_scheme(host).split('.').next().unwrap_or("")
}

/// Unix seconds from decimal digits (at most 19), or the failure naming `what`.
pub(super) fn parse_timestamp(text: Option<&[u8]>, what: &str) -> Result<u64, VerifyError> {
    let text = text.ok_or_else(|| invalid(format!("{what} is missing")))?;
    if text.is_empty() || text.len() > 19 || !text.iter().all(u8::is_ascii_digit) {
        return Err(invalid(format!(
            "{what} must be Unix seconds in decimal digits"
        )));
    }
    Ok(text
        .iter()
        .fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0')))
}

/// Refuses a timestamp more than `window` seconds from `now`.
pub(super) fn check_window(timestamp: u64, now: u64, window: u64) -> Result<(), VerifyError> {
    if timestamp.abs_diff(now) > window {
        return Err(VerifyError::new(
            VerifyErrorKind::SignatureExpire,
            format!(
                "the request timestamp {timestamp} is {} s away from the server time {now}; at most {window} s is accepted",
                timestamp.abs_diff(now)
            ),
        ));
    }
    Ok(())
}

/// The token sent must be the credential's own (compared in constant time), and absent for a
/// permanent key.
pub(super) fn check_token(
    expected: Option<&Secret>,
    sent: Option<&[u8]>,
) -> Result<(), VerifyError> {
    let sent = sent.filter(|t| !t.is_empty());
    match (expected, sent) {
        (None, None) => Ok(()),
        (Some(expected), Some(sent)) if bool::from(expected.expose().as_bytes().ct_eq(sent)) => {
            Ok(())
        }
        (Some(_), None) => Err(VerifyError::new(
            VerifyErrorKind::TokenFailure,
            "these are temporary credentials: the session token (X-TC-Token / Token) is required",
        )),
        (Some(_), Some(_)) => Err(VerifyError::new(
            VerifyErrorKind::TokenFailure,
            "the session token is wrong",
        )),
        (None, Some(_)) => Err(VerifyError::new(
            VerifyErrorKind::TokenFailure,
            "a session token was sent with a permanent SecretId; send none",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_host_forms_drop_only_a_loopback_port() {
        assert_eq!(
            host_candidates("127.0.0.1:8080", true),
            [("127.0.0.1:8080", false), ("127.0.0.1", true)]
        );
        assert_eq!(
            host_candidates("http://127.0.0.1:8080", true),
            [("http://127.0.0.1:8080", false), ("http://127.0.0.1", true)]
        );
        assert_eq!(
            host_candidates("[::1]:8080", true),
            [("[::1]:8080", false), ("[::1]", true)]
        );
        for (host, leniency) in [
            ("127.0.0.1:8080", false),
            ("::1", true),
            ("127.0.0.1", true),
            ("example.com:80", true),
        ] {
            assert_eq!(host_candidates(host, leniency), [(host, false)], "{host}");
        }
        assert_eq!(host_label("127.0.0.1:8080"), "127");
        assert_eq!(host_label("localhost:8080"), "localhost:8080");
        assert_eq!(host_label("http://redis.tencentcloudapi.com"), "redis");
    }
}
