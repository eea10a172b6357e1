//! Exact request bytes for signature differential tests (opt-in: `MockConfig::journal_exact_requests`,
//! `--journal-exact-requests`): what a TC3 signer hashed — the method, the raw query, the raw
//! body, the headers its `SignedHeaders` names, `X-TC-Timestamp` — and the `Authorization` it
//! sent, so another signer can sign the same bytes and compare. `cargo xtask interop` uses it to
//! compare core's signer with the official Python SDK's.
//!
//! The Authorization holds a signature, which the journal otherwise never records: turn this on
//! only with test credentials. A session token is never recorded, even when signed.

use base64::Engine as _;
use serde::Serialize;

/// One request's signed bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExactRequest {
    /// The raw query string after `?` (empty without one).
    pub query: String,
    /// The body as received, base64 (standard alphabet, padded).
    pub body_base64: String,
    /// Each header named by the Authorization's `SignedHeaders`, lower-case name and the raw
    /// value as received (a header missing from the request is absent here).
    pub signed_headers: Vec<(String, String)>,
    /// `X-TC-Timestamp` as received.
    pub timestamp: Option<String>,
    /// `Authorization` as received.
    pub authorization: Option<String>,
}

/// The header a session token travels in; never recorded.
const TOKEN_HEADER: &str = "x-tc-token";

/// Captures `request`'s signed bytes.
pub(crate) fn capture<B: AsRef<[u8]>>(request: &http::Request<B>) -> ExactRequest {
    let text = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let authorization = text("authorization");
    let names: Vec<String> = authorization
        .as_deref()
        .and_then(signed_header_names)
        .unwrap_or_default();
    let signed_headers = names
        .into_iter()
        .filter(|name| name != TOKEN_HEADER)
        .filter_map(|name| text(&name).map(|value| (name, value)))
        .collect();
    ExactRequest {
        query: request.uri().query().unwrap_or_default().to_owned(),
        body_base64: base64::engine::general_purpose::STANDARD.encode(request.body().as_ref()),
        signed_headers,
        timestamp: text("x-tc-timestamp"),
        authorization,
    }
}

/// The lower-case names of `SignedHeaders=a;b;c` in a TC3 Authorization.
fn signed_header_names(authorization: &str) -> Option<Vec<String>> {
    let rest = &authorization[authorization.find("SignedHeaders=")? + "SignedHeaders=".len()..];
    let list = rest.split(',').next()?.trim();
    Some(
        list.split(';')
            .filter(|n| !n.is_empty())
            .map(str::to_ascii_lowercase)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_signed_bytes_and_never_the_token() {
        let request = http::Request::post("/?a=1&b=%20")
            .header("Host", "127.0.0.1:9")
            .header("Content-Type", "application/json")
            .header("X-TC-Timestamp", "1780000000")
            .header("X-TC-Token", "a-token")
            .header(
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKID/2026-05-28/redis/tc3_request, SignedHeaders=content-type;host;x-tc-token, Signature=ab",
            )
            .body(b"{\"Limit\": 1}\xff".to_vec())
            .unwrap();
        let exact = capture(&request);
        assert_eq!(exact.query, "a=1&b=%20");
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(&exact.body_base64)
                .unwrap(),
            b"{\"Limit\": 1}\xff"
        );
        assert_eq!(
            exact.signed_headers,
            [
                ("content-type".to_owned(), "application/json".to_owned()),
                ("host".to_owned(), "127.0.0.1:9".to_owned()),
            ]
        );
        assert_eq!(exact.timestamp.as_deref(), Some("1780000000"));
        assert!(exact.authorization.unwrap().ends_with("Signature=ab"));
    }
}
