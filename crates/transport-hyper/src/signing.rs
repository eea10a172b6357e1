//! Private adapter: builds one complete signed API 3.0 request (POST JSON, TC3) as
//! `http::Request<Vec<u8>>` with the core's TC3 signer. It stands in for the core's `call`
//! module until that lands; every protocol decision (canonical form, key derivation) is the
//! core's.

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache, SigningParams};

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

pub(crate) const CONTENT_TYPE: &str = "application/json";

/// Builds the request. Errors are the signer's (bad SecretId and the like), as text.
pub(crate) fn build_request(
    endpoint: &Endpoint,
    spec: &CallSpec<'_>,
    body: Vec<u8>,
    timestamp: u64,
    auth: Auth<'_>,
) -> Result<http::Request<Vec<u8>>, String> {
    let host = endpoint.host_header();
    let authorization = match auth {
        Auth::Skip => "SKIP".to_owned(),
        Auth::Tc3 { credentials, cache } => {
            let headers = [("content-type", CONTENT_TYPE), ("host", host.as_str())];
            let params = SigningParams {
                method: "POST",
                query: "",
                headers: &headers,
                payload: Payload::Bytes(&body),
                timestamp,
                service: spec.service,
            };
            tc3::sign_cached(
                &params,
                credentials.secret_id(),
                credentials.secret_key(),
                cache,
            )
            .map_err(|e| e.to_string())?
            .into_authorization()
        }
    };
    let mut b = http::Request::builder()
        .method(http::Method::POST)
        .uri(endpoint.base_uri())
        .header(http::header::HOST, &host)
        .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
        .header("X-TC-Action", spec.action)
        .header("X-TC-Version", spec.version)
        .header("X-TC-Timestamp", timestamp.to_string());
    if !spec.region.is_empty() {
        b = b.header("X-TC-Region", spec.region);
    }
    if let Some(l) = spec.language {
        b = b.header("X-TC-Language", l);
    }
    b = b.header("X-TC-RequestClient", spec.request_client);
    if let Auth::Tc3 { credentials, .. } = auth {
        if let Some(token) = credentials.token() {
            b = b.header("X-TC-Token", token.expose());
        }
    }
    b.header(http::header::AUTHORIZATION, authorization)
        .body(body)
        .map_err(|e| e.to_string())
}
