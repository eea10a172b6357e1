//! Building one signed request: TC3 through the core's `call::build_request`; the unsigned
//! `Authorization: SKIP` form (STS `AssumeRoleWithWebIdentity`) through a small private
//! adapter, because the core's `call` always signs.

use tcredis_core::call::{self, Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::sign::tc3::SigningKeyCache;

/// What to call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallSpec<'a> {
    pub service: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    /// Empty means no `X-TC-Region` header.
    pub region: &'a str,
    pub language: Option<&'a str>,
    pub request_client: &'a str,
}

/// How to authenticate.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth<'a> {
    Tc3 {
        credentials: &'a Credentials,
        cache: &'a SigningKeyCache,
    },
    /// `Authorization: SKIP` (STS `AssumeRoleWithWebIdentity`).
    Skip,
}

/// Builds the request (POST JSON). Errors are the core's, as text.
pub(crate) fn build_request(
    endpoint: &Endpoint,
    spec: &CallSpec<'_>,
    body: Vec<u8>,
    timestamp: u64,
    auth: Auth<'_>,
) -> Result<http::Request<Vec<u8>>, String> {
    let host = endpoint.host_header();
    match auth {
        Auth::Tc3 { credentials, cache } => {
            let core_spec = call::CallSpec {
                service: spec.service,
                action: spec.action,
                version: spec.version,
                region: Some(spec.region).filter(|r| !r.is_empty()),
                language: spec.language,
                request_client: spec.request_client,
                scheme: endpoint.scheme().as_str(),
                authority: &host,
                host: &host,
                payload: Payload::Json(&body),
                signing: SigningMethod::Tc3 {
                    unsigned_payload: false,
                },
                timestamp,
            };
            call::build_request(&core_spec, credentials, cache)
                .map(|s| s.request)
                .map_err(|e| e.to_string())
        }
        Auth::Skip => {
            let mut b = http::Request::builder()
                .method(http::Method::POST)
                .uri(endpoint.base_uri())
                .header(http::header::HOST, &host)
                .header(http::header::CONTENT_TYPE, call::CONTENT_TYPE_JSON)
                .header("X-TC-Action", spec.action)
                .header("X-TC-Version", spec.version)
                .header("X-TC-Timestamp", timestamp.to_string());
            if !spec.region.is_empty() {
                b = b.header("X-TC-Region", spec.region);
            }
            if let Some(l) = spec.language {
                b = b.header("X-TC-Language", l);
            }
            if !spec.request_client.is_empty() {
                b = b.header("X-TC-RequestClient", spec.request_client);
            }
            b.header(http::header::AUTHORIZATION, "SKIP")
                .body(body)
                .map_err(|e| e.to_string())
        }
    }
}
