//! Verifying signed requests from their raw parts (the mock server's side): TC3 from the
//! `Authorization` header, v1 from the `Signature`/`SecretId`/... parameters.
//!
//! The verifier rebuilds the canonical request from whatever `SignedHeaders` lists (it must
//! include `content-type` and `host`), uses the raw query and raw body bytes exactly as
//! received, honours `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`, compares in constant time and
//! accepts timestamps within ±300 s of `now` (passed in). Identical replays verify: there is no
//! nonce tracking.
//!
//! Checks run in this order and the first failure answers ([`VerifyErrorKind`], with the
//! Tencent Cloud error code from [`VerifyErrorKind::code`]): malformed or missing
//! authorization → `AuthFailure.InvalidAuthorization`; timestamp outside the window →
//! `AuthFailure.SignatureExpire`; unknown SecretId → `AuthFailure.SecretIdNotFound`; signature
//! mismatch → `AuthFailure.SignatureFailure`; token missing for a token credential, or wrong, or
//! sent with a permanent key → `AuthFailure.TokenFailure`.
//!
//! Loopback leniency ([`VerifyOptions::loopback_leniency`]): when the Host is an IP address or
//! `localhost`, a signature over the Host without its port, and a credential-scope service equal
//! to the Host's first dot-separated label (the Node SDK computes `endpoint.split(".")[0]`,
//! e.g. `127`), are accepted too; [`Verified::leniency`] reports which one matched.
//!
//! ```
//! use tcredis_core::credentials::{Credentials, Secret};
//! use tcredis_core::sign::tc3::{self, Payload, SigningKeyCache, SigningParams};
//! use tcredis_core::sign::verify::{self, Tc3Request, VerifyOptions};
//!
//! let body = b"{}";
//! let params = SigningParams {
//!     method: "POST",
//!     query: "",
//!     headers: &[("content-type", "application/json"), ("host", "127.0.0.1:8080")],
//!     payload: Payload::Bytes(body),
//!     timestamp: 1_700_000_000,
//!     service: "redis",
//! };
//! let secret = Secret::new("demo-key");
//! let signed = tc3::sign_cached(&params, "AKIDdemo", &secret, &SigningKeyCache::new())?;
//! let headers: &[(&str, &[u8])] = &[
//!     ("Content-Type", b"application/json"),
//!     ("X-TC-Timestamp", b"1700000000"),
//!     ("Authorization", signed.authorization().as_bytes()),
//! ];
//! let request = Tc3Request { method: "POST", host: "127.0.0.1:8080", query: "", headers, body };
//! let verified = verify::verify_tc3(&request, 1_700_000_100, &VerifyOptions::strict("redis"), |id| {
//!     (id == "AKIDdemo").then(|| (secret.clone(), None))
//! })
//! .expect("valid");
//! assert_eq!(verified.secret_id, "AKIDdemo");
//! assert!(verified.leniency.is_strict());
//! # Ok::<(), tc3::SigningError>(())
//! ```

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::canonical::{write_canonical_request, write_string_to_sign};
use super::tc3::{
    ALGORITHM, CONTENT_SHA256_HEADER, DerivedKeys, SCOPE_TERMINATOR, UNSIGNED_PAYLOAD,
};
use super::{hex, v1};
use crate::credentials::Secret;
use crate::time::UtcDate;

/// The default accepted distance between the request timestamp and `now`, in seconds.
pub const DEFAULT_WINDOW_SECONDS: u64 = 300;

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

/// How strict verification is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions<'a> {
    /// The credential-scope service the endpoint serves (`redis`, `sts`); `None` accepts any.
    pub service: Option<&'a str>,
    /// Accepted |timestamp − now| in seconds (default 300).
    pub window_seconds: u64,
    /// Accept the Node SDK's loopback quirks (see the module docs).
    pub loopback_leniency: bool,
}

impl<'a> VerifyOptions<'a> {
    /// Exact checks for `service`, ±300 s, no leniency.
    pub fn strict(service: &'a str) -> Self {
        Self {
            service: Some(service),
            window_seconds: DEFAULT_WINDOW_SECONDS,
            loopback_leniency: false,
        }
    }

    /// As [`VerifyOptions::strict`] plus loopback leniency (the mock's default).
    pub fn lenient(service: &'a str) -> Self {
        Self {
            loopback_leniency: true,
            ..Self::strict(service)
        }
    }
}

/// Which loopback leniencies a successful verification needed (all `false` = exact match).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Leniency {
    /// The signature covered the Host without its port.
    pub host_without_port: bool,
    /// The credential-scope service was the Host's first dot-separated label.
    pub service_from_host_label: bool,
}

impl Leniency {
    /// Whether no leniency was needed.
    pub fn is_strict(&self) -> bool {
        !self.host_without_port && !self.service_from_host_label
    }
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The SecretId that signed.
    pub secret_id: String,
    /// The request timestamp (Unix seconds).
    pub timestamp: u64,
    /// The credential-scope service (TC3) or empty (v1).
    pub service: String,
    /// Whether the payload was unsigned (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD`).
    pub unsigned_payload: bool,
    /// The leniencies that were needed.
    pub leniency: Leniency,
}

/// The class of a verification failure, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// The authorization (header, or v1 parameters) is missing or malformed, or its timestamp
    /// is not a decimal number.
    InvalidAuthorization,
    /// The timestamp is outside the accepted window.
    SignatureExpire,
    /// The SecretId is unknown.
    SecretIdNotFound,
    /// The signature does not match.
    SignatureFailure,
    /// The session token is missing, wrong, or sent with a permanent key.
    TokenFailure,
}

impl VerifyErrorKind {
    /// The Tencent Cloud error code for this failure, e.g. `AuthFailure.SignatureFailure`.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidAuthorization => "AuthFailure.InvalidAuthorization",
            Self::SignatureExpire => "AuthFailure.SignatureExpire",
            Self::SecretIdNotFound => "AuthFailure.SecretIdNotFound",
            Self::SignatureFailure => "AuthFailure.SignatureFailure",
            Self::TokenFailure => "AuthFailure.TokenFailure",
        }
    }
}

/// Why a request failed verification. The detail never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    kind: VerifyErrorKind,
    detail: String,
}

impl VerifyError {
    fn new(kind: VerifyErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// The failure class.
    pub fn kind(&self) -> VerifyErrorKind {
        self.kind
    }

    /// The Tencent Cloud error code (see [`VerifyErrorKind::code`]).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// What exactly was wrong, for the error message.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.detail)
    }
}

impl std::error::Error for VerifyError {}

fn invalid(detail: impl Into<String>) -> VerifyError {
    VerifyError::new(VerifyErrorKind::InvalidAuthorization, detail)
}

/// A parsed TC3 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Authorization<'a> {
    /// The SecretId.
    pub secret_id: &'a str,
    /// The credential-scope date (`YYYY-MM-DD`).
    pub date: &'a str,
    /// The credential-scope service.
    pub service: &'a str,
    /// The `SignedHeaders` list as written.
    pub signed_headers: &'a str,
    /// The signature bytes.
    pub signature: [u8; 32],
}

fn decode_hex_32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b,
/// Signature=HEX`: strict about content (exact algorithm, four-part credential ending in
/// `tc3_request`, a date of the form `YYYY-MM-DD`, `SignedHeaders` names in the HTTP token set
/// including `content-type` and `host` without repeats, 64 hex digits), tolerant of white space
/// around `,` and `=`, and of the three fields in any order.
pub fn parse_tc3_authorization(value: &str) -> Result<Tc3Authorization<'_>, VerifyError> {
    let value = value.trim();
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .ok_or_else(|| invalid("the Authorization header is not 'TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'"))?;
    if algorithm != ALGORITHM {
        return Err(invalid(
            "the Authorization algorithm must be TC3-HMAC-SHA256",
        ));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let (key, val) = field
            .split_once('=')
            .ok_or_else(|| invalid("an Authorization field is not key=value"))?;
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => {
                return Err(invalid(
                    "the Authorization header has a field other than Credential, SignedHeaders and Signature",
                ));
            }
        };
        if slot.replace(val.trim()).is_some() {
            return Err(invalid("an Authorization field appears twice"));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(invalid(
            "the Authorization header needs Credential, SignedHeaders and Signature",
        ));
    };
    let parts: Vec<&str> = credential.split('/').collect();
    let [secret_id, date, service, terminator] = parts[..] else {
        return Err(invalid(
            "Credential must be SecretId/YYYY-MM-DD/service/tc3_request",
        ));
    };
    let date_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if secret_id.is_empty() || service.is_empty() || terminator != SCOPE_TERMINATOR || !date_ok {
        return Err(invalid(
            "Credential must be SecretId/YYYY-MM-DD/service/tc3_request",
        ));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if names.iter().any(|n| {
        n.is_empty()
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    }) {
        return Err(invalid(
            "SignedHeaders must be header names separated by ';'",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i]
            .iter()
            .any(|other| other.eq_ignore_ascii_case(name))
        {
            return Err(invalid("SignedHeaders lists a header twice"));
        }
    }
    for required in ["content-type", "host"] {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(required)) {
            return Err(invalid(format!("SignedHeaders must include {required}")));
        }
    }
    let signature =
        decode_hex_32(signature).ok_or_else(|| invalid("Signature must be 64 hex digits"))?;
    Ok(Tc3Authorization {
        secret_id,
        date,
        service,
        signed_headers,
        signature,
    })
}

/// Host forms tried, in order: as received, then (with leniency on a loopback host) without
/// its port.
fn host_candidates(host: &str, leniency: bool) -> Vec<(&str, bool)> {
    let mut out = vec![(host, false)];
    if let Some(without) = strip_port(host).filter(|_| leniency && is_loopback_host(host)) {
        out.push((without, true));
    }
    out
}

fn strip_scheme(host: &str) -> &str {
    for scheme in ["http://", "https://"] {
        // Compare bytes: slicing the str could split a multi-byte character of a hostile Host.
        if host.len() >= scheme.len()
            && host.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
        {
            return &host[scheme.len()..];
        }
    }
    host
}

/// `host` minus a trailing `:PORT`, if it has one.
fn strip_port(host: &str) -> Option<&str> {
    let (head, port) = host.rsplit_once(':')?;
    let bare = strip_scheme(host);
    // An unbracketed IPv6 address has colons but no port.
    if bare.starts_with('[') && !head.ends_with(']') {
        return None;
    }
    if !bare.starts_with('[') && strip_scheme(head).contains(':') {
        return None;
    }
    (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())).then_some(head)
}

/// Whether the Host (optionally with scheme and port) names an IP address or `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = strip_scheme(host);
    let name = strip_port(bare).unwrap_or(bare);
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
}

/// The Node SDK's service guess: the first dot-separated label of the endpoint.
fn host_label(host: &str) -> &str {
    strip_scheme(host).split('.').next().unwrap_or("")
}

fn parse_timestamp(text: Option<&[u8]>, what: &str) -> Result<u64, VerifyError> {
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

fn check_window(timestamp: u64, now: u64, window: u64) -> Result<(), VerifyError> {
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

fn check_token(expected: Option<&Secret>, sent: Option<&[u8]>) -> Result<(), VerifyError> {
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

fn mismatch() -> VerifyError {
    VerifyError::new(
        VerifyErrorKind::SignatureFailure,
        "the provided credentials could not be validated; check the signature is computed over the exact Host, Content-Type, query and body sent",
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:1",
            "LOCALHOST",
            "[::1]:9",
            "::1",
            "http://127.0.0.1:5",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "redis.tencentcloudapi.com",
            "example.com:80",
            "",
            "http://redis.tencentcloudapi.com",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
        assert_eq!(strip_port("127.0.0.1:8080"), Some("127.0.0.1"));
        assert_eq!(
            strip_port("http://127.0.0.1:8080"),
            Some("http://127.0.0.1")
        );
        assert_eq!(strip_port("[::1]:8080"), Some("[::1]"));
        assert_eq!(strip_port("::1"), None);
        assert_eq!(strip_port("127.0.0.1"), None);
        assert_eq!(host_label("127.0.0.1:8080"), "127");
        assert_eq!(host_label("localhost:8080"), "localhost:8080");
    }

    #[test]
    fn authorization_parsing_is_strict_but_tolerates_spacing() {
        let sig = "a".repeat(64);
        let ok = format!(
            "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/redis/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
        );
        let parsed = parse_tc3_authorization(&ok).unwrap();
        assert_eq!(
            (parsed.secret_id, parsed.date, parsed.service),
            ("AKID", "2019-02-25", "redis")
        );
        let spaced = format!(
            "TC3-HMAC-SHA256  Credential = AKID/2019-02-25/redis/tc3_request ,SignedHeaders=content-type;host,Signature={sig}"
        );
        assert!(parse_tc3_authorization(&spaced).is_ok());
        for bad in [
            String::new(),
            "SKIP".to_owned(),
            ok.replace("TC3-HMAC-SHA256", "TC3-HMAC-SHA1"),
            ok.replace("tc3_request", "tc4_request"),
            ok.replace("2019-02-25", "2019-2-25"),
            ok.replace("content-type;host", "host"),
            ok.replace("content-type;host", "content-type"),
            ok.replace("content-type;host", "content-type;host;Host"),
            ok.replace(&sig, &"a".repeat(63)),
            ok.replace(&sig, &"g".repeat(64)),
            ok.replace("Credential=AKID", "Credential=AKID/x"),
            format!("{ok}, Signature={sig}"),
            ok.replace(", Signature", ", Extra=1, Signature"),
        ] {
            let err = parse_tc3_authorization(&bad).unwrap_err();
            assert_eq!(err.kind(), VerifyErrorKind::InvalidAuthorization, "{bad}");
        }
    }
}
