//! `--dry-run`: the exact signed HTTP request (request line, headers, blank line, body) that
//! would be sent, printed instead of sent. `X-TC-Token` is redacted; `-v` adds the canonical
//! request and the string-to-sign (never the key) on stderr.
//!
//! The request is built from the core's TC3 signer with the same header set as the transport's
//! client sends (the core's `call` module, when it lands, replaces [`build`]).

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::sign::tc3::{self, Payload, SigningKey, SigningParams, SigningStages};
use tcredis_core::time::UtcDate;

const CONTENT_TYPE: &str = "application/json";

/// A built request and its signing stages.
#[derive(Debug)]
pub struct Prepared {
    /// The request as it would go on the wire.
    pub request: http::Request<Vec<u8>>,
    /// Every intermediate text of the signature.
    pub stages: SigningStages,
}

/// What the request is for.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Where it goes (its Host is signed).
    pub endpoint: &'a Endpoint,
    /// `X-TC-Region` (empty: none).
    pub region: &'a str,
    /// `X-TC-Language`.
    pub language: Option<&'a str>,
}

/// Builds and signs a `DescribeInstanceBackups` POST with `body` at `timestamp`.
pub fn build(
    target: Target<'_>,
    credentials: &Credentials,
    body: Vec<u8>,
    timestamp: u64,
) -> Result<Prepared, String> {
    let host = target.endpoint.host_header();
    let headers = [("content-type", CONTENT_TYPE), ("host", host.as_str())];
    let params = SigningParams {
        method: "POST",
        query: "",
        headers: &headers,
        payload: Payload::Bytes(&body),
        timestamp,
        service: tcredis_core::SERVICE,
    };
    let date = UtcDate::from_unix(timestamp);
    let key = SigningKey::derive(
        credentials.secret_key(),
        date.as_str(),
        tcredis_core::SERVICE,
    );
    let stages =
        tc3::sign_with_stages(&params, credentials.secret_id(), &key).map_err(|e| e.to_string())?;
    let mut b = http::Request::builder()
        .method(http::Method::POST)
        .uri(target.endpoint.base_uri())
        .header(http::header::HOST, &host)
        .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
        .header("X-TC-Action", tcredis_core::ACTION)
        .header("X-TC-Version", tcredis_core::VERSION)
        .header("X-TC-Timestamp", timestamp.to_string());
    if !target.region.is_empty() {
        b = b.header("X-TC-Region", target.region);
    }
    if let Some(l) = target.language {
        b = b.header("X-TC-Language", l);
    }
    b = b.header(
        "X-TC-RequestClient",
        tcredis_transport_hyper::REQUEST_CLIENT,
    );
    if let Some(token) = credentials.token() {
        b = b.header("X-TC-Token", token.expose());
    }
    let request = b
        .header(http::header::AUTHORIZATION, stages.authorization.as_str())
        .body(body)
        .map_err(|e| e.to_string())?;
    Ok(Prepared { request, stages })
}

/// The request as text: request line, headers (token redacted), blank line, body.
pub fn render(request: &http::Request<Vec<u8>>) -> String {
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut out = format!("{} {} HTTP/1.1\n", request.method(), path);
    for (name, value) in request.headers() {
        let shown = if name.as_str().eq_ignore_ascii_case("x-tc-token") {
            "<redacted>".to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.push_str(&format!("{}: {shown}\n", header_case(name.as_str())));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(request.body()));
    out.push('\n');
    out
}

/// The signing stages for `-v` (no key material).
pub fn render_stages(stages: &SigningStages) -> String {
    format!(
        "--- canonical request ---\n{}\n--- string to sign ---\n{}\n--- signature ---\n{}\n",
        stages.canonical_request, stages.string_to_sign, stages.signature
    )
}

/// `x-tc-action` -> `X-TC-Action`, `content-type` -> `Content-Type` (http lower-cases names).
fn header_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            if part.eq_ignore_ascii_case("tc") {
                "TC".to_owned()
            } else {
                let mut c = part.chars();
                c.next().map_or_else(String::new, |f| {
                    f.to_ascii_uppercase().to_string() + c.as_str()
                })
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_credentials() -> Credentials {
        // The public example pair from Tencent Cloud's signature documentation (not a secret).
        Credentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        )
        .unwrap()
    }

    #[test]
    fn empty_request_reproduces_vector_d3() {
        let endpoint = Endpoint::default();
        let target = Target {
            endpoint: &endpoint,
            region: "ap-guangzhou",
            language: None,
        };
        let p = build(target, &doc_credentials(), b"{}".to_vec(), 1_551_113_065).unwrap();
        assert_eq!(
            p.stages.signature,
            "826d018e878df89b32fcfa42b1125fadc6fe3a8b30221245a5c8c3534d0257f2"
        );
        assert_eq!(
            p.stages.hashed_canonical_request,
            "8d58468ae9492a0e072d71ce10f66dfb949aec613a11ab8443d404262ab31fea"
        );
        let text = render(&p.request);
        assert!(text.starts_with("POST / HTTP/1.1\nHost: redis.tencentcloudapi.com\nContent-Type: application/json\nX-TC-Action: DescribeInstanceBackups\n"), "{text}");
        assert!(text.ends_with("\n\n{}\n"));
        assert!(!render_stages(&p.stages).contains("Gu5t9x"));
    }

    #[test]
    fn the_token_is_redacted() {
        let endpoint = Endpoint::default();
        let target = Target {
            endpoint: &endpoint,
            region: "",
            language: Some("en-US"),
        };
        let creds = doc_credentials()
            .with_token("session-token-value-123")
            .unwrap();
        let text = render(
            &build(target, &creds, b"{}".to_vec(), 1_551_113_065)
                .unwrap()
                .request,
        );
        assert!(text.contains("X-TC-Token: <redacted>\n"));
        assert!(!text.contains("session-token-value-123"));
        assert!(!text.contains("X-TC-Region"));
        assert!(text.contains("X-TC-Language: en-US\n"));
    }
}
