//! Verifying a v1-signed request: its `SecretId`, `Signature`, `SignatureMethod`, `Nonce`,
//! `Timestamp` and optional `Token` parameters, from the GET query or the POST form body.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use subtle::ConstantTimeEq;

use super::outcome::{
    Leniency, Verified, VerifyError, VerifyErrorKind, VerifyOptions, invalid, mismatch,
};
use super::rules::{check_token, check_window, host_candidates, parse_timestamp};
use crate::credentials::Secret;
use crate::sign::v1;

/// A v1 request as received: its parameters come from the query (GET) or the form body (POST).
#[derive(Debug, Clone, Copy)]
pub struct V1Request<'a> {
    /// The request method (`GET` or `POST`).
    pub method: &'a str,
    /// The raw Host header value.
    pub host: &'a str,
    /// The raw query string (without `?`); read for GET.
    pub query: &'a str,
    /// The raw body (an `application/x-www-form-urlencoded` form); read for POST.
    pub body: &'a [u8],
}

/// Verifies a v1-signed request (parameters `SecretId`, `Signature`, `SignatureMethod`,
/// `Nonce`, `Timestamp`, optional `Token`, from the GET query or the POST form body).
pub fn verify_v1(
    request: &V1Request<'_>,
    now: u64,
    options: &VerifyOptions<'_>,
    lookup: impl FnOnce(&str) -> Option<(Secret, Option<Secret>)>,
) -> Result<Verified, VerifyError> {
    let raw = if request.method.eq_ignore_ascii_case("GET") {
        request.query
    } else {
        std::str::from_utf8(request.body).map_err(|_| invalid("the form body is not UTF-8"))?
    };
    let params = v1::parse_form(raw).map_err(|e| invalid(e.to_string()))?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let secret_id = get("SecretId")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("the SecretId parameter is missing"))?;
    let signature =
        get(v1::SIGNATURE_PARAM).ok_or_else(|| invalid("the Signature parameter is missing"))?;
    let signature = BASE64
        .decode(signature)
        .map_err(|_| invalid("the Signature parameter is not Base64"))?;
    let nonce = get("Nonce").ok_or_else(|| invalid("the Nonce parameter is missing"))?;
    if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the Nonce parameter must be a positive integer"));
    }
    let timestamp = parse_timestamp(
        get("Timestamp").map(str::as_bytes),
        "the Timestamp parameter",
    )?;
    check_window(timestamp, now, options.window_seconds)?;
    let (secret_key, token) = lookup(secret_id).ok_or_else(|| {
        VerifyError::new(
            VerifyErrorKind::SecretIdNotFound,
            "the SecretId is unknown (deleted, disabled, or mistyped)",
        )
    })?;
    let method = v1::SignatureMethod::from_param(get("SignatureMethod").unwrap_or(""));
    let mut matched = None;
    for (host, host_lenient) in host_candidates(request.host, options.loopback_leniency) {
        let to_sign = v1::string_to_sign(&request.method.to_ascii_uppercase(), host, &params);
        let expected = v1::mac(&secret_key, method, to_sign.as_bytes());
        if bool::from(expected.ct_eq(&signature)) {
            matched = Some(host_lenient);
            break;
        }
    }
    let host_without_port = matched.ok_or_else(mismatch)?;
    check_token(token.as_ref(), get("Token").map(str::as_bytes))?;
    Ok(Verified {
        secret_id: secret_id.to_owned(),
        timestamp,
        service: String::new(),
        unsigned_payload: false,
        leniency: Leniency {
            host_without_port,
            service_from_host_label: false,
        },
    })
}
