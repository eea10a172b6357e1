//! Building one complete, signed HTTP request for any Tencent Cloud API 3.0 action (used for
//! `DescribeInstanceBackups` and for STS `AssumeRole`) as plain data: an
//! `http::Request<Vec<u8>>` ready for any HTTP client, plus, on request, the signing stages for
//! `-v` output.
//!
//! Time and the v1 nonce come in as arguments; nothing here reads the clock or draws random
//! numbers. Headers are exactly those the official SDKs send:
//!
//! | header | when |
//! |---|---|
//! | `Authorization` | TC3 |
//! | `Content-Type` | `application/json` for POST JSON (no charset); `application/x-www-form-urlencoded` for GET and v1 |
//! | `Host` | always: the signed host (a client speaking HTTP/2 moves it to `:authority`) |
//! | `X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp` | TC3 |
//! | `X-TC-Region` | TC3, when a region is set |
//! | `X-TC-Language` | TC3, when set (the SDKs always send `zh-CN` by default) |
//! | `X-TC-RequestClient` | TC3, when non-empty |
//! | `X-TC-Token` | TC3, when the credentials carry a session token (never signed) |
//! | `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` | TC3 unsigned-payload mode |
//!
//! v1 requests carry `Action`, `Version`, `Region`, `Timestamp`, `Nonce`, `SecretId`,
//! `SignatureMethod`, `Language`, `RequestClient`, `Token` and `Signature` as parameters instead.
//!
//! ```
//! use tcredis_core::call::{self, CallSpec, Payload, SigningMethod};
//! use tcredis_core::credentials::Credentials;
//! use tcredis_core::sign::tc3::SigningKeyCache;
//!
//! let credentials = Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
//! let body = br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;
//! let spec = CallSpec {
//!     service: "redis",
//!     action: "DescribeInstanceBackups",
//!     version: "2018-04-12",
//!     region: Some("ap-guangzhou"),
//!     language: Some("zh-CN"),
//!     request_client: "tcredis",
//!     scheme: "https",
//!     authority: "redis.tencentcloudapi.com",
//!     host: "redis.tencentcloudapi.com",
//!     payload: Payload::Json(body),
//!     signing: SigningMethod::Tc3 { unsigned_payload: false },
//!     timestamp: 1551113065,
//! };
//! let cache = SigningKeyCache::new();
//! let signed = call::build_request(&spec, &credentials, &cache)?;
//! let request = signed.request;
//! assert_eq!(request.method(), "POST");
//! assert_eq!(request.uri(), "https://redis.tencentcloudapi.com/");
//! assert_eq!(request.headers()["content-type"], "application/json");
//! assert!(request.headers()["authorization"]
//!     .to_str()?
//!     .ends_with("Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4"));
//!
//! // The same with the stages for `-v`.
//! let verbose = call::build_request_with_stages(&spec, &credentials, &cache)?;
//! let call::Stages::Tc3(stages) = verbose.stages.expect("requested") else { unreachable!() };
//! assert!(stages.canonical_request.starts_with("POST\n/\n\ncontent-type:application/json\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use http::header::{HeaderName, HeaderValue};

use crate::credentials::Credentials;
use crate::sign::tc3::{self, SigningKeyCache, SigningParams, SigningStages};
use crate::sign::v1::{self, SignatureMethod};

/// `Content-Type` of a POST JSON request (no charset, as the SDKs send it).
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// `Content-Type` of a GET request and of a v1 POST form.
pub const CONTENT_TYPE_FORM: &str = "application/x-www-form-urlencoded";

/// What the request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// POST with this JSON body (TC3 only).
    Json(&'a [u8]),
    /// GET with these parameters as a URL-encoded query string (without `?`), e.g.
    /// `Limit=20&Status.0=2`. TC3 signs it exactly as given; v1 decodes, adds the common
    /// parameters and re-encodes.
    Query(&'a str),
    /// POST with these parameters as an `application/x-www-form-urlencoded` body (v1 only).
    Form(&'a str),
}

/// Which signature to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningMethod {
    /// TC3-HMAC-SHA256.
    Tc3 {
        /// Sign `UNSIGNED-PAYLOAD` instead of the body (and say so in `X-TC-Content-SHA256`).
        unsigned_payload: bool,
    },
    /// The legacy v1 signature.
    V1 {
        /// HmacSHA1 or HmacSHA256.
        method: SignatureMethod,
        /// The `Nonce` parameter (a random positive integer chosen by the caller).
        nonce: u64,
    },
    /// No signature: `Authorization: SKIP` (STS `AssumeRoleWithWebIdentity`, which
    /// authenticates with the token in its body). POST JSON only; see [`build_unsigned`].
    Skip,
}

/// Everything that describes one API call, as plain values.
#[derive(Debug, Clone, Copy)]
pub struct CallSpec<'a> {
    /// The credential-scope service, e.g. `redis` or `sts`.
    pub service: &'a str,
    /// The action, e.g. `DescribeInstanceBackups`.
    pub action: &'a str,
    /// The API version, e.g. `2018-04-12`.
    pub version: &'a str,
    /// The region (`X-TC-Region` / `Region`), when the call names one.
    pub region: Option<&'a str>,
    /// `X-TC-Language` / `Language`: `zh-CN` or `en-US`.
    pub language: Option<&'a str>,
    /// `X-TC-RequestClient` / `RequestClient`; empty sends none.
    pub request_client: &'a str,
    /// The URI scheme: `https` or `http`.
    pub scheme: &'a str,
    /// The URI authority (`host[:port]`), where the request is addressed.
    pub authority: &'a str,
    /// The Host header value that is signed (normally equal to `authority`).
    pub host: &'a str,
    /// The body or query.
    pub payload: Payload<'a>,
    /// TC3 or v1.
    pub signing: SigningMethod,
    /// `X-TC-Timestamp` / `Timestamp`: Unix seconds.
    pub timestamp: u64,
}

/// The signing stages of a built request, for `-v`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stages {
    /// TC3: canonical request, string-to-sign, signature and the rest.
    Tc3(SigningStages),
    /// v1: the string that was signed.
    V1 {
        /// `METHOD + host + "/?" + sorted raw parameters`.
        string_to_sign: String,
    },
}

/// A built, signed request.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedRequest {
    /// The request, ready to send.
    pub request: http::Request<Vec<u8>>,
    /// The signing stages, when asked for ([`build_request_with_stages`]).
    pub stages: Option<Stages>,
}

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallError {
    /// TC3 signing refused the input.
    Signing(tc3::SigningError),
    /// The payload kind does not go with the signature (`Json` needs TC3, `Form` needs v1).
    UnsupportedPayload,
    /// The scheme is not `http` or `https`.
    InvalidScheme,
    /// The scheme and authority (plus query) do not form a valid URI.
    InvalidUri,
    /// A header value (named) contains characters HTTP does not allow.
    InvalidHeaderValue(&'static str),
    /// The v1 query or form cannot be decoded.
    InvalidForm(v1::FormError),
    /// The v1 parameters already contain a common parameter (named) that the call sets itself.
    ReservedParameter(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signing(e) => write!(f, "cannot sign the request: {e}"),
            Self::UnsupportedPayload => f.write_str(
                "a JSON body needs the TC3 signature and a form body the v1 signature; GET queries work with both",
            ),
            Self::InvalidScheme => f.write_str("the scheme must be http or https"),
            Self::InvalidUri => f.write_str("the scheme, authority and query do not form a valid URI"),
            Self::InvalidHeaderValue(name) => {
                write!(f, "the {name} header value has characters HTTP does not allow (control characters)")
            }
            Self::InvalidForm(e) => write!(f, "cannot read the v1 parameters: {e}"),
            Self::ReservedParameter(name) => write!(
                f,
                "the parameter {name:?} is set by the v1 signing itself; leave it out of the query"
            ),
        }
    }
}

impl std::error::Error for CallError {}

impl From<tc3::SigningError> for CallError {
    fn from(e: tc3::SigningError) -> Self {
        Self::Signing(e)
    }
}

/// Builds and signs the request (the hot path: no stages).
pub fn build_request(
    spec: &CallSpec<'_>,
    credentials: &Credentials,
    cache: &SigningKeyCache,
) -> Result<SignedRequest, CallError> {
    build(spec, credentials, cache, false)
}

/// Builds and signs the request and also returns the signing stages (slower; for `-v` and
/// `--dry-run`).
pub fn build_request_with_stages(
    spec: &CallSpec<'_>,
    credentials: &Credentials,
    cache: &SigningKeyCache,
) -> Result<SignedRequest, CallError> {
    build(spec, credentials, cache, true)
}

fn header_value(name: &'static str, value: &str) -> Result<HeaderValue, CallError> {
    HeaderValue::from_str(value).map_err(|_| CallError::InvalidHeaderValue(name))
}

fn uri(spec: &CallSpec<'_>, query: &str) -> Result<http::Uri, CallError> {
    if spec.scheme != "https" && spec.scheme != "http" {
        return Err(CallError::InvalidScheme);
    }
    let text = if query.is_empty() {
        format!("{}://{}/", spec.scheme, spec.authority)
    } else {
        format!("{}://{}/?{query}", spec.scheme, spec.authority)
    };
    let uri: http::Uri = text.parse().map_err(|_| CallError::InvalidUri)?;
    // The authority must be exactly what was given (no path or user info smuggled in).
    if uri.authority().map(http::uri::Authority::as_str) != Some(spec.authority)
        || uri.path() != "/"
    {
        return Err(CallError::InvalidUri);
    }
    Ok(uri)
}

fn build(
    spec: &CallSpec<'_>,
    credentials: &Credentials,
    cache: &SigningKeyCache,
    with_stages: bool,
) -> Result<SignedRequest, CallError> {
    match spec.signing {
        SigningMethod::Tc3 { unsigned_payload } => {
            build_tc3(spec, credentials, cache, unsigned_payload, with_stages)
        }
        SigningMethod::V1 { method, nonce } => {
            build_v1(spec, credentials, method, nonce, with_stages)
        }
        SigningMethod::Skip => build_unsigned(spec),
    }
}

/// Builds an unsigned request (`Authorization: SKIP`): the headers of a TC3 POST JSON request
/// without a signature or a token. Only a JSON payload is accepted.
pub fn build_unsigned(spec: &CallSpec<'_>) -> Result<SignedRequest, CallError> {
    let Payload::Json(body) = spec.payload else {
        return Err(CallError::UnsupportedPayload);
    };
    let uri = uri(spec, "")?;
    let mut request = http::Request::new(body.to_vec());
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri;
    let (ts, ts_start) = crate::sign::decimal(spec.timestamp);
    let timestamp = std::str::from_utf8(&ts[ts_start..]).unwrap_or("0");
    let map = request.headers_mut();
    map.insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_static("SKIP"),
    );
    map.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(CONTENT_TYPE_JSON),
    );
    map.insert(http::header::HOST, header_value("Host", spec.host)?);
    map.insert(
        HeaderName::from_static("x-tc-action"),
        header_value("X-TC-Action", spec.action)?,
    );
    map.insert(
        HeaderName::from_static("x-tc-timestamp"),
        header_value("X-TC-Timestamp", timestamp)?,
    );
    map.insert(
        HeaderName::from_static("x-tc-version"),
        header_value("X-TC-Version", spec.version)?,
    );
    if let Some(region) = spec.region {
        map.insert(
            HeaderName::from_static("x-tc-region"),
            header_value("X-TC-Region", region)?,
        );
    }
    if let Some(language) = spec.language {
        map.insert(
            HeaderName::from_static("x-tc-language"),
            header_value("X-TC-Language", language)?,
        );
    }
    if !spec.request_client.is_empty() {
        map.insert(
            HeaderName::from_static("x-tc-requestclient"),
            header_value("X-TC-RequestClient", spec.request_client)?,
        );
    }
    Ok(SignedRequest {
        request,
        stages: None,
    })
}

fn build_tc3(
    spec: &CallSpec<'_>,
    credentials: &Credentials,
    cache: &SigningKeyCache,
    unsigned_payload: bool,
    with_stages: bool,
) -> Result<SignedRequest, CallError> {
    let (method, content_type, query, body): (&str, &str, &str, &[u8]) = match spec.payload {
        Payload::Json(body) => ("POST", CONTENT_TYPE_JSON, "", body),
        Payload::Query(query) => ("GET", CONTENT_TYPE_FORM, query, b""),
        Payload::Form(_) => return Err(CallError::UnsupportedPayload),
    };
    let uri = uri(spec, query)?;
    let params = SigningParams {
        method,
        query,
        headers: &[("content-type", content_type), ("host", spec.host)],
        payload: if unsigned_payload {
            tc3::Payload::Unsigned
        } else {
            tc3::Payload::Bytes(body)
        },
        timestamp: spec.timestamp,
        service: spec.service,
    };
    let (authorization, stages) = if with_stages {
        let key = cache.key(
            credentials.secret_key(),
            &crate::time::UtcDate::from_unix(spec.timestamp),
            spec.service,
        );
        let stages = tc3::sign_with_stages(&params, credentials.secret_id(), &key)?;
        (stages.authorization.clone(), Some(Stages::Tc3(stages)))
    } else {
        let signed = tc3::sign_cached(
            &params,
            credentials.secret_id(),
            credentials.secret_key(),
            cache,
        )?;
        (signed.into_authorization(), None)
    };

    let (ts, ts_start) = crate::sign::decimal(spec.timestamp);
    let timestamp = std::str::from_utf8(&ts[ts_start..]).unwrap_or("0");
    let mut headers = Vec::with_capacity(11);
    let mut authorization = header_value("Authorization", &authorization)?;
    authorization.set_sensitive(true);
    headers.push((http::header::AUTHORIZATION, authorization));
    headers.push((
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    ));
    headers.push((http::header::HOST, header_value("Host", spec.host)?));
    headers.push((
        HeaderName::from_static("x-tc-action"),
        header_value("X-TC-Action", spec.action)?,
    ));
    headers.push((
        HeaderName::from_static("x-tc-timestamp"),
        header_value("X-TC-Timestamp", timestamp)?,
    ));
    headers.push((
        HeaderName::from_static("x-tc-version"),
        header_value("X-TC-Version", spec.version)?,
    ));
    if let Some(region) = spec.region {
        headers.push((
            HeaderName::from_static("x-tc-region"),
            header_value("X-TC-Region", region)?,
        ));
    }
    if let Some(language) = spec.language {
        headers.push((
            HeaderName::from_static("x-tc-language"),
            header_value("X-TC-Language", language)?,
        ));
    }
    if !spec.request_client.is_empty() {
        headers.push((
            HeaderName::from_static("x-tc-requestclient"),
            header_value("X-TC-RequestClient", spec.request_client)?,
        ));
    }
    if let Some(token) = credentials.token() {
        let mut value = header_value("X-TC-Token", token.expose())?;
        value.set_sensitive(true);
        headers.push((HeaderName::from_static("x-tc-token"), value));
    }
    if unsigned_payload {
        headers.push((
            HeaderName::from_static("x-tc-content-sha256"),
            HeaderValue::from_static(tc3::UNSIGNED_PAYLOAD),
        ));
    }

    let mut request = http::Request::new(body.to_vec());
    *request.method_mut() = if method == "POST" {
        http::Method::POST
    } else {
        http::Method::GET
    };
    *request.uri_mut() = uri;
    let map = request.headers_mut();
    map.reserve(headers.len());
    for (name, value) in headers {
        map.insert(name, value);
    }
    Ok(SignedRequest { request, stages })
}

/// The parameters v1 signing sets itself.
const V1_RESERVED: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "SignatureMethod",
    "Signature",
    "Token",
    "Language",
    "RequestClient",
];

fn build_v1(
    spec: &CallSpec<'_>,
    credentials: &Credentials,
    method: SignatureMethod,
    nonce: u64,
    with_stages: bool,
) -> Result<SignedRequest, CallError> {
    let (http_method, form) = match spec.payload {
        Payload::Query(query) => ("GET", query),
        Payload::Form(form) => ("POST", form),
        Payload::Json(_) => return Err(CallError::UnsupportedPayload),
    };
    let mut params = v1::parse_form(form).map_err(CallError::InvalidForm)?;
    if let Some((name, _)) = params
        .iter()
        .find(|(name, _)| V1_RESERVED.contains(&name.as_str()))
    {
        return Err(CallError::ReservedParameter(name.clone()));
    }
    let mut common: Vec<(&str, String)> = vec![
        ("Action", spec.action.to_owned()),
        ("Version", spec.version.to_owned()),
        ("Timestamp", spec.timestamp.to_string()),
        ("Nonce", nonce.to_string()),
        ("SecretId", credentials.secret_id().to_owned()),
        ("SignatureMethod", method.as_param().to_owned()),
    ];
    if let Some(region) = spec.region {
        common.push(("Region", region.to_owned()));
    }
    if let Some(language) = spec.language {
        common.push(("Language", language.to_owned()));
    }
    if !spec.request_client.is_empty() {
        common.push(("RequestClient", spec.request_client.to_owned()));
    }
    if let Some(token) = credentials.token() {
        common.push(("Token", token.expose().to_owned()));
    }
    params.extend(common.into_iter().map(|(k, v)| (k.to_owned(), v)));
    let string_to_sign = v1::string_to_sign(http_method, spec.host, &params);
    let signature = v1::sign_string(credentials.secret_key(), method, string_to_sign.as_bytes());
    params.push((v1::SIGNATURE_PARAM.to_owned(), signature));
    let encoded = v1::encode_form(&params);

    let (query, body) = if http_method == "GET" {
        (encoded.as_str(), Vec::new())
    } else {
        ("", encoded.clone().into_bytes())
    };
    let uri = uri(spec, query)?;
    let mut request = http::Request::new(body);
    *request.method_mut() = if http_method == "POST" {
        http::Method::POST
    } else {
        http::Method::GET
    };
    *request.uri_mut() = uri;
    let map = request.headers_mut();
    map.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(CONTENT_TYPE_FORM),
    );
    map.insert(http::header::HOST, header_value("Host", spec.host)?);
    let stages = with_stages.then_some(Stages::V1 { string_to_sign });
    Ok(SignedRequest { request, stages })
}

/// How a `DescribeInstanceBackups` call travels, beyond the request itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallOptions<'a> {
    /// `X-TC-Region` / `Region`.
    pub region: Option<&'a str>,
    /// `X-TC-Language` / `Language` (`zh-CN` or `en-US`; default
    /// [`language::DEFAULT`](crate::language::DEFAULT)).
    pub language: Option<&'a str>,
    /// `X-TC-RequestClient` / `RequestClient`; empty sends none.
    pub request_client: &'a str,
    /// TC3 (default) or v1.
    pub signing: SigningMethod,
    /// `false` (default): POST (a JSON body for TC3, a form body for v1); `true`: GET with a
    /// query string.
    pub get: bool,
}

impl Default for CallOptions<'_> {
    fn default() -> Self {
        Self {
            region: None,
            language: Some(crate::language::DEFAULT),
            request_client: "",
            signing: SigningMethod::Tc3 {
                unsigned_payload: false,
            },
            get: false,
        }
    }
}

/// Builds a signed `DescribeInstanceBackups` request for `endpoint` (its Host header is what
/// gets signed) from the request model: the compact JSON body for TC3 POST, the `Status.N` query
/// for GET and v1. Call [`DescribeInstanceBackupsRequest::validate`] first; this does not
/// validate the model. `with_stages` also returns the signing stages (for `-v`).
///
/// [`DescribeInstanceBackupsRequest::validate`]: crate::request::DescribeInstanceBackupsRequest::validate
///
/// ```
/// use tcredis_core::call::{self, CallOptions};
/// use tcredis_core::credentials::Credentials;
/// use tcredis_core::endpoint::Endpoint;
/// use tcredis_core::request::DescribeInstanceBackupsRequest;
/// use tcredis_core::sign::tc3::SigningKeyCache;
///
/// let mut request = DescribeInstanceBackupsRequest::new();
/// request.instance_id = Some("crs-5a4py64p".into());
/// let options = CallOptions { region: Some("ap-guangzhou"), request_client: "tcredis", ..CallOptions::default() };
/// let credentials = Credentials::new("AKIDexample", "example-key")?;
/// let signed = call::describe_instance_backups(
///     &Endpoint::for_region("ap-guangzhou"),
///     &request,
///     &options,
///     1_700_000_000,
///     &credentials,
///     &SigningKeyCache::new(),
///     false,
/// )?;
/// assert_eq!(signed.request.uri(), "https://redis.tencentcloudapi.com/");
/// assert_eq!(signed.request.headers()["x-tc-action"], "DescribeInstanceBackups");
/// assert_eq!(signed.request.body(), br#"{"InstanceId":"crs-5a4py64p"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn describe_instance_backups(
    endpoint: &crate::endpoint::Endpoint,
    request: &crate::request::DescribeInstanceBackupsRequest,
    options: &CallOptions<'_>,
    timestamp: u64,
    credentials: &Credentials,
    cache: &SigningKeyCache,
    with_stages: bool,
) -> Result<SignedRequest, CallError> {
    let host = endpoint.host_header();
    let authority = endpoint.authority();
    let is_v1 = matches!(options.signing, SigningMethod::V1 { .. });
    let (json, form);
    let payload = if options.get {
        form = request.to_query();
        Payload::Query(&form)
    } else if is_v1 {
        form = request.to_query();
        Payload::Form(&form)
    } else {
        json = request.to_json();
        Payload::Json(&json)
    };
    let spec = CallSpec {
        service: crate::SERVICE,
        action: crate::ACTION,
        version: crate::VERSION,
        region: options.region,
        language: options.language,
        request_client: options.request_client,
        scheme: endpoint.scheme().as_str(),
        authority: &authority,
        host: &host,
        payload,
        signing: options.signing,
        timestamp,
    };
    build(&spec, credentials, cache, with_stages)
}
