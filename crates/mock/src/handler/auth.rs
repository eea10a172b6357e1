//! Authentication through `tcredis_core::sign::verify`: TC3 from the raw request parts (any
//! SignedHeaders list, the raw Host, raw body bytes or UNSIGNED-PAYLOAD, the raw GET query) and
//! v1 from its parameters, with loopback leniency unless signing is strict.

use tcredis_core::credentials::Secret;
use tcredis_core::sign::verify::{
    self, Tc3Request, V1Request, VerifyError, VerifyErrorKind, VerifyOptions,
};

use super::failure::Failure;
use crate::journal::SignatureResult;

/// A successful verification, reduced to what the handler needs.
#[derive(Debug)]
pub(crate) struct Authenticated {
    pub(crate) secret_id: String,
    pub(crate) leniency: Vec<&'static str>,
}

/// A failed verification: the answer and how to journal the signature.
#[derive(Debug)]
pub(crate) struct Rejected {
    pub(crate) failure: Failure,
    pub(crate) signature: SignatureResult,
}

/// The SecretId an Authorization header claims, for the journal (even when it fails later).
pub(crate) fn claimed_secret_id(authorization: &str) -> Option<String> {
    verify::parse_tc3_authorization(authorization)
        .ok()
        .map(|a| a.secret_id.to_owned())
}

fn options(service: &str, strict: bool) -> VerifyOptions<'_> {
    if strict {
        VerifyOptions::strict(service)
    } else {
        VerifyOptions::lenient(service)
    }
}

fn reject(error: VerifyError) -> Rejected {
    let signature = match error.kind() {
        VerifyErrorKind::InvalidAuthorization => SignatureResult::Missing,
        _ => SignatureResult::Invalid,
    };
    let mut message = error.detail().to_owned();
    if let Some(first) = message.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if !message.ends_with('.') {
        message.push('.');
    }
    Rejected {
        failure: Failure::new(error.code(), message),
        signature,
    }
}

fn done(verified: verify::Verified) -> Authenticated {
    let mut leniency = Vec::new();
    if verified.leniency.host_without_port {
        leniency.push("host-without-port");
    }
    if verified.leniency.service_from_host_label {
        leniency.push("service-from-host-label");
    }
    Authenticated {
        secret_id: verified.secret_id,
        leniency,
    }
}

/// The raw request parts TC3 is verified over.
#[derive(Debug)]
pub(crate) struct RawParts<'a> {
    pub(crate) method: &'a str,
    pub(crate) host: &'a str,
    pub(crate) query: &'a str,
    pub(crate) body: &'a [u8],
}

/// Verifies a TC3 request for `service`.
pub(crate) fn tc3(
    parts: &RawParts<'_>,
    headers: &http::HeaderMap,
    now: u64,
    service: &str,
    strict: bool,
    lookup: impl FnOnce(&str) -> Option<(Secret, Option<Secret>)>,
) -> Result<Authenticated, Rejected> {
    let request = Tc3Request {
        method: parts.method,
        host: parts.host,
        query: parts.query,
        headers,
        body: parts.body,
    };
    verify::verify_tc3(&request, now, &options(service, strict), lookup)
        .map(done)
        .map_err(reject)
}

/// Verifies a v1 request (parameters in the GET query or the form body).
pub(crate) fn v1(
    parts: &RawParts<'_>,
    now: u64,
    service: &str,
    strict: bool,
    lookup: impl FnOnce(&str) -> Option<(Secret, Option<Secret>)>,
) -> Result<Authenticated, Rejected> {
    let request = V1Request {
        method: parts.method,
        host: parts.host,
        query: parts.query,
        body: parts.body,
    };
    verify::verify_v1(&request, now, &options(service, strict), lookup)
        .map(done)
        .map_err(reject)
}
