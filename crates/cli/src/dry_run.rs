//! `--dry-run`: the exact signed HTTP request (request line, headers, blank line, body) that
//! would be sent, printed instead of sent. `X-TC-Token` is redacted; `-v` adds the canonical
//! request and the string-to-sign (never the key) on stderr.

use std::io::{self, Write};

use tcredis_core::call::{self, CallSpec, Payload, SigningMethod, Stages};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_transport_hyper::credentials::ProvideCredentials;

use crate::commands::plan::Plan;
use crate::config::GlobalOptions;
use crate::config::settings::Settings;
use crate::exit::{CliError, Failure, Outcome};
use crate::time::now::system_unix;

/// Prints the plan's first requests ([`Plan::first_requests`]) instead of sending them, each
/// validated, then signed with the resolved credentials at `--timestamp` (else the real clock);
/// requests are separated by a blank line. `-v` adds each one's signing stages on stderr.
pub async fn print(
    global: &GlobalOptions,
    settings: &Settings,
    provider: &dyn ProvideCredentials,
    plan: &Plan,
) -> Result<Outcome, Failure> {
    let region = settings.require_region()?.to_owned();
    let creds = provider
        .provide()
        .await
        .map_err(|e| CliError::usage(format!("credentials: {e}")))?;
    let timestamp = global.timestamp.unwrap_or_else(system_unix);
    let timestamp = u64::try_from(timestamp)
        .map_err(|_| CliError::usage("--timestamp must not be negative"))?;
    let target = Target {
        endpoint: &settings.endpoint.value,
        region: Some(&region),
        language: settings.language.as_ref().map(|l| l.value.as_str()),
    };
    let mut out = crate::output::stdout_writer();
    for (i, req) in plan.first_requests().iter().enumerate() {
        req.validate()
            .map_err(|e| CliError::usage(format!("the request would be refused: {e}")))?;
        let prepared = build(target, &creds, &req.to_json(), timestamp).map_err(CliError::usage)?;
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(render(&prepared.request).as_bytes())?;
        if global.verbose > 0
            && let Some(stages) = &prepared.stages
        {
            out.flush()?;
            let _ = io::stderr()
                .lock()
                .write_all(render_stages(stages).as_bytes());
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// A built request and its signing stages.
#[derive(Debug)]
pub struct Prepared {
    /// The request as it would go on the wire.
    pub request: http::Request<Vec<u8>>,
    /// Every intermediate text of the signature.
    pub stages: Option<Stages>,
}

/// What the request is for.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Where it goes (its Host is signed).
    pub endpoint: &'a Endpoint,
    /// `X-TC-Region`.
    pub region: Option<&'a str>,
    /// `X-TC-Language`.
    pub language: Option<&'a str>,
}

/// Builds and signs a `DescribeInstanceBackups` POST with `body` at `timestamp`, with the
/// core's `call` (the same builder the transport's client sends with).
pub fn build(
    target: Target<'_>,
    credentials: &Credentials,
    body: &[u8],
    timestamp: u64,
) -> Result<Prepared, String> {
    let host = target.endpoint.host_header();
    let scheme = target.endpoint.scheme().as_str();
    let spec = CallSpec {
        service: tcredis_core::SERVICE,
        action: tcredis_core::ACTION,
        version: tcredis_core::VERSION,
        region: target.region,
        language: target.language,
        request_client: tcredis_transport_hyper::REQUEST_CLIENT,
        scheme,
        authority: &host,
        host: &host,
        payload: Payload::Json(body),
        signing: SigningMethod::Tc3 {
            unsigned_payload: false,
        },
        timestamp,
    };
    let signed = call::build_request_with_stages(&spec, credentials, &SigningKeyCache::new())
        .map_err(|e| e.to_string())?;
    Ok(Prepared {
        request: signed.request,
        stages: signed.stages,
    })
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
pub fn render_stages(stages: &Stages) -> String {
    match stages {
        Stages::Tc3(s) => format!(
            "--- canonical request ---\n{}\n--- string to sign ---\n{}\n--- signature ---\n{}\n",
            s.canonical_request, s.string_to_sign, s.signature
        ),
        Stages::V1 { string_to_sign } => format!("--- string to sign ---\n{string_to_sign}\n"),
        _ => String::new(),
    }
}

/// `x-tc-action` -> `X-TC-Action`, `x-tc-requestclient` -> `X-TC-RequestClient` (http keeps
/// header names lower-case; this prints them as the API documents them).
fn header_case(name: &str) -> String {
    const KNOWN: [(&str, &str); 3] = [
        ("x-tc-requestclient", "X-TC-RequestClient"),
        ("x-tc-traceid", "X-TC-TraceId"),
        ("x-tc-content-sha256", "X-TC-Content-SHA256"),
    ];
    if let Some((_, shown)) = KNOWN.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return (*shown).to_owned();
    }
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
            region: Some("ap-guangzhou"),
            language: None,
        };
        let p = build(target, &doc_credentials(), b"{}", 1_551_113_065).unwrap();
        let Some(Stages::Tc3(stages)) = &p.stages else {
            panic!("stages asked for")
        };
        assert_eq!(
            stages.signature,
            "826d018e878df89b32fcfa42b1125fadc6fe3a8b30221245a5c8c3534d0257f2"
        );
        assert_eq!(
            stages.hashed_canonical_request,
            "8d58468ae9492a0e072d71ce10f66dfb949aec613a11ab8443d404262ab31fea"
        );
        let text = render(&p.request);
        assert!(text.starts_with("POST / HTTP/1.1\n"), "{text}");
        assert!(
            text.contains("\nHost: redis.tencentcloudapi.com\n"),
            "{text}"
        );
        assert!(
            text.contains("\nX-TC-Action: DescribeInstanceBackups\n"),
            "{text}"
        );
        assert!(text.ends_with("\n\n{}\n"));
        let shown = render_stages(p.stages.as_ref().unwrap());
        assert!(shown.contains("--- string to sign ---\nTC3-HMAC-SHA256\n1551113065\n2019-02-25/redis/tc3_request\n"), "{shown}");
        assert!(!shown.contains("Gu5t9x"));
    }

    #[test]
    fn the_token_is_redacted() {
        let endpoint = Endpoint::default();
        let target = Target {
            endpoint: &endpoint,
            region: None,
            language: Some("en-US"),
        };
        let creds = doc_credentials()
            .with_token("session-token-value-123")
            .unwrap();
        let text = render(&build(target, &creds, b"{}", 1_551_113_065).unwrap().request);
        assert!(text.contains("X-TC-Token: <redacted>\n"));
        assert!(!text.contains("session-token-value-123"));
        assert!(!text.contains("X-TC-Region"));
        assert!(text.contains("X-TC-Language: en-US\n"));
    }
}
