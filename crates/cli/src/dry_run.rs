//! `--dry-run`: the exact signed HTTP request (request line, headers, blank line, body) that
//! would be sent, printed instead of sent: the first transmit of the client's own call machine
//! ([`Client::prepare`]), so `User-Agent`, language and region are exactly what a real run
//! sends. `X-TC-Token` is redacted; `-v` adds the canonical request and the string-to-sign
//! (never the key) on stderr.

use std::io::{self, Write};

use tcredis_core::call::Stages;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_transport_hyper::Client;

use crate::commands::fleet::Regions;
use crate::commands::plan::Plan;
use crate::config::GlobalOptions;
use crate::exit::{CliError, Failure, Outcome};
use crate::time::now::system_unix;

/// Prints the plan's first requests ([`Plan::first_requests`]) instead of sending them, each
/// validated, then prepared by `client` at `--timestamp` (else the real clock); requests are
/// separated by a blank line. `-v` adds each one's signing stages on stderr.
pub async fn print(
    global: &GlobalOptions,
    client: &Client,
    plan: &Plan,
) -> Result<Outcome, Failure> {
    let timestamp = global.timestamp.unwrap_or_else(system_unix);
    if timestamp < 0 {
        return Err(CliError::usage("--timestamp must not be negative").into());
    }
    let mut out = crate::output::stdout_writer();
    for (i, req) in plan.first_requests().iter().enumerate() {
        validate(req)?;
        let transmit = client
            .prepare(req, timestamp)
            .await
            .map_err(|e| crate::backend::client::classify(e, &Default::default()))?;
        if i > 0 {
            out.write_all(b"\n")?;
        }
        write_transmit(global, &mut out, &transmit)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Prints, for each of the command's regions, the first requests it sends there (`actions`, in
/// order), exactly as that region's client would send them ([`Client::for_region`], then
/// [`Client::prepare`]: endpoint, region and `User-Agent` included): the `DescribeInstances` a
/// fleet-wide command starts each region with, or a multi-region listing's first requests.
/// `-v` adds the signing stages.
pub async fn print_each_region<A: tcredis_core::Action>(
    global: &GlobalOptions,
    client: &Client,
    regions: &Regions,
    actions: &[A],
) -> Result<Outcome, Failure> {
    let timestamp = global.timestamp.unwrap_or_else(system_unix);
    if timestamp < 0 {
        return Err(CliError::usage("--timestamp must not be negative").into());
    }
    let mut out = crate::output::stdout_writer();
    let mut first = true;
    for region in &regions.names {
        let classify = |e| crate::backend::client::classify(e, &Default::default());
        let regional = client.for_region(region).map_err(classify)?;
        for action in actions {
            let transmit = regional
                .prepare(action, timestamp)
                .await
                .map_err(classify)?;
            if !first {
                out.write_all(b"\n")?;
            }
            first = false;
            write_transmit(global, &mut out, &transmit)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// A backup request the API would refuse, as a usage error (exit 2) before anything is sent.
pub fn validate(req: &DescribeInstanceBackupsRequest) -> Result<(), CliError> {
    req.validate()
        .map(drop)
        .map_err(|e| CliError::usage(format!("the request would be refused: {e}")))
}

/// Writes one prepared request on `out`, and with `-v` its signing stages on stderr.
fn write_transmit(
    global: &GlobalOptions,
    out: &mut dyn Write,
    transmit: &tcredis_core::Transmit,
) -> io::Result<()> {
    out.write_all(render(&transmit.request).as_bytes())?;
    if global.verbose > 0
        && let Some(stages) = &transmit.stages
    {
        out.flush()?;
        let _ = io::stderr()
            .lock()
            .write_all(render_stages(stages).as_bytes());
    }
    Ok(())
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
    use tcredis_core::credentials::Credentials;
    use tcredis_core::endpoint::Endpoint;
    use tcredis_core::request::DescribeInstanceBackupsRequest;

    fn client(region: &str, language: Option<&str>, token: Option<&str>) -> Client {
        // The public example pair from Tencent Cloud's signature documentation (not a secret).
        let mut creds = Credentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        )
        .unwrap();
        if let Some(t) = token {
            creds = creds.with_token(t).unwrap();
        }
        let mut b = Client::builder()
            .credentials(creds)
            .region(region)
            .endpoint(Endpoint::default());
        if let Some(l) = language {
            b = b.language(l);
        }
        b.build().unwrap()
    }

    #[tokio::test]
    async fn an_empty_request_reproduces_vector_d3_with_the_clients_user_agent() {
        let t = client("ap-guangzhou", None, None)
            .prepare(&DescribeInstanceBackupsRequest::new(), 1_551_113_065)
            .await
            .unwrap();
        let Some(Stages::Tc3(stages)) = &t.stages else {
            panic!("stages recorded")
        };
        assert_eq!(
            stages.signature,
            "826d018e878df89b32fcfa42b1125fadc6fe3a8b30221245a5c8c3534d0257f2"
        );
        let text = render(&t.request);
        assert!(text.starts_with("POST / HTTP/1.1\n"), "{text}");
        assert!(
            text.contains("\nHost: redis.tencentcloudapi.com\n"),
            "{text}"
        );
        assert!(
            text.contains(concat!(
                "\nUser-Agent: tcredis/",
                env!("CARGO_PKG_VERSION"),
                "\n"
            )),
            "{text}"
        );
        assert!(text.ends_with("\n\n{}\n"));
        let shown = render_stages(t.stages.as_ref().unwrap());
        assert!(shown.contains("--- string to sign ---\nTC3-HMAC-SHA256\n1551113065\n2019-02-25/redis/tc3_request\n"), "{shown}");
        assert!(!shown.contains("Gu5t9x"));
    }

    #[tokio::test]
    async fn the_token_is_redacted() {
        let t = client(
            "ap-guangzhou",
            Some("en-US"),
            Some("session-token-value-123"),
        )
        .prepare(&DescribeInstanceBackupsRequest::new(), 1_551_113_065)
        .await
        .unwrap();
        let text = render(&t.request);
        assert!(text.contains("X-TC-Token: <redacted>\n"));
        assert!(!text.contains("session-token-value-123"));
        assert!(text.contains("X-TC-Language: en-US\n"));
    }
}
