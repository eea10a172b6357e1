//! Verifying a TC3-signed request from its raw parts: the canonical request is rebuilt from
//! whatever `SignedHeaders` lists, over the raw query and body bytes as received.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::authorization::parse_tc3_authorization;
use super::outcome::{
    Leniency, Verified, VerifyError, VerifyErrorKind, VerifyOptions, invalid, mismatch,
};
use super::rules::{check_token, check_window, host_candidates, host_label, parse_timestamp};
use crate::credentials::Secret;
use crate::endpoint::is_loopback_host;
use crate::sign::hex;
use crate::sign::tc3::{
    CONTENT_SHA256_HEADER, DerivedKeys, UNSIGNED_PAYLOAD, write_canonical_request,
    write_string_to_sign,
};
use crate::time::UtcDate;

/// Where request headers are looked up (case-insensitive names). Implemented for a slice of
/// `(name, value)` pairs and for [`http::HeaderMap`].
pub trait HeaderSource {
    /// The first value of header `name`, compared case-insensitively.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl HeaderSource for [(&str, &[u8])] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

impl HeaderSource for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

/// A TC3 request as received, in raw parts.
pub struct Tc3Request<'a, H: HeaderSource + ?Sized> {
    /// The request method (`GET` or `POST`).
    pub method: &'a str,
    /// The raw Host header (or HTTP/2 `:authority`) value, e.g. `127.0.0.1:8080`, or even
    /// `http://127.0.0.1:8080` as tccli sends it.
    pub host: &'a str,
    /// The raw query string as received (without `?`).
    pub query: &'a str,
    /// All request headers: a `[(&str, &[u8])]` slice, an [`http::HeaderMap`], or anything
    /// implementing [`HeaderSource`].
    pub headers: &'a H,
    /// The raw body bytes.
    pub body: &'a [u8],
}

impl<H: HeaderSource + ?Sized> fmt::Debug for Tc3Request<'_, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3Request")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("query", &self.query)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Verifies a TC3-signed request. `lookup` maps a SecretId to its SecretKey and, for temporary
/// credentials, its token. `now` is the server's Unix time.
pub fn verify_tc3<H: HeaderSource + ?Sized>(
    request: &Tc3Request<'_, H>,
    now: u64,
    options: &VerifyOptions<'_>,
    lookup: impl FnOnce(&str) -> Option<(Secret, Option<Secret>)>,
) -> Result<Verified, VerifyError> {
    let headers = request.headers;
    let authorization = headers
        .header("authorization")
        .ok_or_else(|| invalid("the Authorization header is missing"))?;
    let authorization = std::str::from_utf8(authorization)
        .map_err(|_| invalid("the Authorization header is not ASCII"))?;
    let auth = parse_tc3_authorization(authorization)?;
    let timestamp = parse_timestamp(headers.header("x-tc-timestamp"), "X-TC-Timestamp")?;
    check_window(timestamp, now, options.window_seconds)?;
    let (secret_key, token) = lookup(auth.secret_id).ok_or_else(|| {
        VerifyError::new(
            VerifyErrorKind::SecretIdNotFound,
            "the SecretId is unknown (deleted, disabled, or mistyped)",
        )
    })?;

    // Scope checks: the date must be the timestamp's UTC date, the service the endpoint's.
    if UtcDate::from_unix(timestamp).as_str() != auth.date {
        return Err(VerifyError::new(
            VerifyErrorKind::SignatureFailure,
            "the credential-scope date must be the UTC date of X-TC-Timestamp",
        ));
    }
    let mut service_lenient = false;
    if let Some(expected) = options.service.filter(|expected| auth.service != *expected) {
        if options.loopback_leniency
            && is_loopback_host(request.host)
            && auth.service == host_label(request.host)
        {
            service_lenient = true;
        } else {
            return Err(VerifyError::new(
                VerifyErrorKind::SignatureFailure,
                format!("the credential-scope service must be {expected:?}"),
            ));
        }
    }

    let unsigned_payload = headers
        .header(CONTENT_SHA256_HEADER)
        .is_some_and(|v| v.trim_ascii() == UNSIGNED_PAYLOAD.as_bytes());
    let payload_bytes = if unsigned_payload {
        UNSIGNED_PAYLOAD.as_bytes()
    } else {
        request.body
    };
    let payload_hex = hex::encode_32(&Sha256::digest(payload_bytes).into());

    let signing = DerivedKeys::derive(&secret_key, auth.date, auth.service).secret_signing;
    let (ts, ts_start) = hex::decimal(timestamp);
    let names: Vec<&str> = auth.signed_headers.split(';').collect();
    let mut matched = None;
    for (host, host_lenient) in host_candidates(request.host, options.loopback_leniency) {
        let mut values: Vec<(&[u8], &[u8])> = Vec::with_capacity(names.len());
        let mut complete = true;
        for name in &names {
            let value = if name.eq_ignore_ascii_case("host") {
                Some(host.as_bytes())
            } else {
                headers.header(name)
            };
            match value {
                Some(value) => values.push((name.as_bytes(), value)),
                None => complete = false,
            }
        }
        if !complete {
            return Err(VerifyError::new(
                VerifyErrorKind::SignatureFailure,
                "a header listed in SignedHeaders is not in the request",
            ));
        }
        let mut hasher = Sha256::new();
        write_canonical_request(
            &mut hasher,
            request.method.as_bytes(),
            request.query.as_bytes(),
            values.into_iter(),
            auth.signed_headers.as_bytes(),
            &payload_hex,
        );
        let canonical_hex = hex::encode_32(&hasher.finalize().into());
        let mut mac = match Hmac::<Sha256>::new_from_slice(&signing) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        write_string_to_sign(
            &mut mac,
            &ts[ts_start..],
            auth.date.as_bytes(),
            auth.service.as_bytes(),
            &canonical_hex,
        );
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        if bool::from(expected.ct_eq(&auth.signature)) {
            matched = Some(host_lenient);
            break;
        }
    }
    let host_without_port = matched.ok_or_else(mismatch)?;
    check_token(token.as_ref(), headers.header("x-tc-token"))?;
    Ok(Verified {
        secret_id: auth.secret_id.to_owned(),
        timestamp,
        service: auth.service.to_owned(),
        unsigned_payload,
        leniency: Leniency {
            host_without_port,
            service_from_host_label: service_lenient,
        },
    })
}
