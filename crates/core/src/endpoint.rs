//! Endpoints: region to host resolution (default, regional, international, financial `*-fsi`),
//! custom URLs with scheme, host and port kept apart, and a connect address separate from the
//! signed Host.
//!
//! ```
//! use tcredis_core::endpoint::{Endpoint, Scheme};
//! let e = Endpoint::for_region("ap-shanghai-fsi");
//! assert_eq!(e.host_header(), "redis.ap-shanghai-fsi.tencentcloudapi.com");
//! let mock = Endpoint::parse("http://127.0.0.1:18080").unwrap();
//! assert_eq!((mock.scheme(), mock.host(), mock.port()), (Scheme::Http, "127.0.0.1", Some(18080)));
//! assert_eq!(mock.host_header(), "127.0.0.1:18080"); // never a scheme in the signed Host
//! ```

use std::fmt;
use std::net::Ipv6Addr;

/// The root domain of the Tencent Cloud API.
pub const ROOT_DOMAIN: &str = "tencentcloudapi.com";
/// The default (nearest-region) host of the redis API.
pub const DEFAULT_HOST: &str = "redis.tencentcloudapi.com";
/// The international site's host.
pub const INTERNATIONAL_HOST: &str = "redis.intl.tencentcloudapi.com";
/// The root domains a request fails over to, in this order, when its host under
/// [`ROOT_DOMAIN`] cannot be reached (the official Python SDK's `domain_failover.py`).
pub const FAILOVER_ROOT_DOMAINS: [&str; 2] = ["tencentcloudapi.com.cn", "tencentcloudapi.cn"];

/// Regions known to this crate: the Go SDK's region constants plus `ap-beijing-fsi`.
pub const KNOWN_REGIONS: &[&str] = &[
    "ap-bangkok",
    "ap-beijing",
    "ap-beijing-fsi",
    "ap-chengdu",
    "ap-chongqing",
    "ap-guangzhou",
    "ap-guangzhou-open",
    "ap-hongkong",
    "ap-jakarta",
    "ap-mumbai",
    "ap-nanjing",
    "ap-seoul",
    "ap-shanghai",
    "ap-shanghai-fsi",
    "ap-shenzhen-fsi",
    "ap-singapore",
    "ap-tokyo",
    "eu-frankfurt",
    "eu-moscow",
    "na-ashburn",
    "na-siliconvalley",
    "na-toronto",
    "sa-saopaulo",
];

/// Whether `region` is in [`KNOWN_REGIONS`].
pub fn is_known_region(region: &str) -> bool {
    KNOWN_REGIONS.contains(&region)
}

/// Whether `region` is a financial (isolated) region, i.e. ends with `-fsi`.
pub fn is_financial_region(region: &str) -> bool {
    region.ends_with("-fsi")
}

/// A received Host header value without a leading `http://` or `https://` (any case), as
/// tccli puts one into Host; anything else is returned unchanged.
///
/// This and [`split_port`] and [`is_loopback_host`] read Host values as a server receives them
/// (possibly hostile, never validated); [`Endpoint::parse`] is the strict, client-side parser.
///
/// ```
/// use tcredis_core::endpoint::{is_loopback_host, split_port, strip_scheme};
/// assert_eq!(strip_scheme("http://127.0.0.1:8080"), "127.0.0.1:8080");
/// assert_eq!(split_port("127.0.0.1:8080"), ("127.0.0.1", Some("8080")));
/// assert_eq!(split_port("[::1]:9"), ("[::1]", Some("9")));
/// assert_eq!(split_port("::1"), ("::1", None));
/// assert!(is_loopback_host("http://localhost:8080"));
/// assert!(!is_loopback_host("redis.tencentcloudapi.com"));
/// ```
#[doc(hidden)] // a host-string helper for the mock and verify, not API
pub fn strip_scheme(raw_host: &str) -> &str {
    for scheme in ["http://", "https://"] {
        // Compare bytes: slicing the str could split a multi-byte character of a hostile Host.
        if raw_host.len() >= scheme.len()
            && raw_host.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
        {
            return &raw_host[scheme.len()..];
        }
    }
    raw_host
}

/// Splits a received authority (`host`, `host:port`, `[v6]`, `[v6]:port`) into the host, IPv6
/// brackets kept, and the port, when there is one made of digits. An unbracketed IPv6 address
/// has no port; anything unexpected (`[::1]x`, `host:`, `host:ab`) is all host.
#[doc(hidden)] // a host-string helper for the mock and verify, not API
pub fn split_port(authority: &str) -> (&str, Option<&str>) {
    let (name, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => match authority[end + 1..].strip_prefix(':') {
                Some(port) => (&authority[..=end], port),
                None => return (authority, None),
            },
            None => return (authority, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((name, port)) if !name.contains(':') => (name, port),
            _ => return (authority, None),
        }
    };
    if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
        (name, Some(port))
    } else {
        (authority, None)
    }
}

/// Whether a received Host value (optionally with scheme and port) names an IP address, any
/// address, not only 127/8 (a mock may listen on a LAN address), or `localhost`. This is the
/// host class the mock's loopback leniency and region scoping apply to.
#[doc(hidden)] // a host-string helper for the mock and verify, not API
pub fn is_loopback_host(raw_host: &str) -> bool {
    let (name, _) = split_port(strip_scheme(raw_host));
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// The URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Plain HTTP (mocks, local proxies).
    Http,
    /// HTTPS (the real service).
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where API requests go: scheme, host and optional port, kept apart.
///
/// The host is stored lower-case and without IPv6 brackets; [`Endpoint::host_header`] adds them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
}

/// A custom endpoint or connect address that cannot be used; the message says what was wrong
/// and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    input: String,
    reason: String,
    connect_address: bool,
}

impl EndpointError {
    fn new(input: &str, reason: impl Into<String>) -> Self {
        Self {
            input: input.to_owned(),
            reason: reason.into(),
            connect_address: false,
        }
    }
    /// The same error about a connect address (its message lists what a connect address
    /// accepts, not the endpoint forms).
    fn for_connect_address(mut self) -> Self {
        self.connect_address = true;
        self
    }
    /// The text that was refused.
    pub fn input(&self) -> &str {
        &self.input
    }
    /// What was wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.connect_address {
            write!(
                f,
                "invalid connect address {:?}: {}; accepted: HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443",
                self.input, self.reason
            )
        } else {
            write!(
                f,
                "invalid endpoint {:?}: {}; accepted: host[:port] (https), http://host[:port] or https://host[:port]",
                self.input, self.reason
            )
        }
    }
}
impl std::error::Error for EndpointError {}

/// A financial region sent to a Tencent Cloud host that cannot serve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionMismatch {
    region: String,
    host: String,
}

impl RegionMismatch {
    /// The region of the request.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The host that was configured.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The host the region needs.
    pub fn expected_host(&self) -> String {
        format!("redis.{}.{ROOT_DOMAIN}", self.region)
    }
}

impl fmt::Display for RegionMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "financial region {} is isolated and cannot be reached through {}: use endpoint {}",
            self.region,
            self.host,
            self.expected_host()
        )
    }
}
impl std::error::Error for RegionMismatch {}

impl Default for Endpoint {
    fn default() -> Self {
        Self::https(DEFAULT_HOST)
    }
}

impl Endpoint {
    fn https(host: &str) -> Self {
        Self {
            scheme: Scheme::Https,
            host: host.to_owned(),
            port: None,
        }
    }

    /// The endpoint the SDKs use for `region`: `redis.tencentcloudapi.com`, except that a
    /// financial region (`*-fsi`) gets its own `redis.<region>.tencentcloudapi.com`.
    pub fn for_region(region: &str) -> Self {
        if is_financial_region(region) {
            Self::regional(region)
        } else {
            Self::default()
        }
    }

    /// `https://redis.<region>.tencentcloudapi.com`. The region is lower-cased.
    pub fn regional(region: &str) -> Self {
        Self::https(&format!(
            "redis.{}.{ROOT_DOMAIN}",
            region.to_ascii_lowercase()
        ))
    }

    /// `https://redis.intl.tencentcloudapi.com`, the international site.
    pub fn international() -> Self {
        Self::https(INTERNATIONAL_HOST)
    }

    /// Builds an endpoint from parts, validating the host (a DNS name, an IPv4 address or an
    /// IPv6 literal with or without brackets).
    pub fn new(scheme: Scheme, host: &str, port: Option<u16>) -> Result<Self, EndpointError> {
        let host = validate_host(host, host)?;
        Ok(Self { scheme, host, port })
    }

    /// Parses a custom endpoint as the CLI's `--endpoint` takes it: a bare `host[:port]` means
    /// https (as tccli does); `http://` and `https://` URLs keep their scheme. A trailing `/` is
    /// allowed; a path, query, fragment, user info, empty host or bad port is refused.
    pub fn parse(text: &str) -> Result<Self, EndpointError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(EndpointError::new(text, "it is empty"));
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
                "http" => (Scheme::Http, rest),
                "https" => (Scheme::Https, rest),
                other => {
                    return Err(EndpointError::new(
                        text,
                        format!("scheme {other:?} is not supported"),
                    ));
                }
            },
            None => (Scheme::Https, trimmed),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if let Some(i) = rest.find(['/', '?', '#']) {
            let what = match rest.as_bytes()[i] {
                b'/' => "a path",
                b'?' => "a query",
                _ => "a fragment",
            };
            return Err(EndpointError::new(
                text,
                format!(
                    "it has {what} ({:?}); the API is always served at /",
                    &rest[i..]
                ),
            ));
        }
        if rest.contains('@') {
            return Err(EndpointError::new(
                text,
                "user info (user@host) is not allowed; credentials never go in the endpoint",
            ));
        }
        let (host, port) = split_host_port(text, rest)?;
        Ok(Self { scheme, host, port })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }
    /// The host, lower-case, IPv6 without brackets.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The port, if one was given.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// The port to connect to: the given one or the scheme's default.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// The `Host` header value, which is also what gets signed: the host (IPv6 in brackets),
    /// plus `:port` when a port was given and differs from the scheme's default. Never a scheme.
    pub fn host_header(&self) -> String {
        let host = bracketed(&self.host);
        match self.port {
            Some(port) if port != self.scheme.default_port() => format!("{host}:{port}"),
            _ => host,
        }
    }

    /// The URI authority; the same text as [`Endpoint::host_header`].
    pub fn authority(&self) -> String {
        self.host_header()
    }

    /// `scheme://authority/`, the URI every request goes to.
    pub fn base_uri(&self) -> String {
        format!("{}://{}/", self.scheme, self.authority())
    }

    /// Whether the host is `localhost` or a loopback IP address.
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self.host.ends_with(".localhost")
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether the host is under `tencentcloudapi.com`.
    pub fn is_tencent_cloud(&self) -> bool {
        self.host == ROOT_DOMAIN || self.host.ends_with(".tencentcloudapi.com")
    }

    /// The endpoints a request to this one tries, in order, when a host cannot be reached
    /// (DNS, connection, TLS or timeout failures), as the official SDKs fail over: itself first,
    /// then, for a host under `tencentcloudapi.com`, the same host under each of
    /// [`FAILOVER_ROOT_DOMAINS`] (scheme and port kept). The international site
    /// (`*.intl.tencentcloudapi.com`), custom hosts and IP addresses never switch.
    ///
    /// ```
    /// use tcredis_core::endpoint::Endpoint;
    /// let hosts: Vec<String> = Endpoint::default()
    ///     .failover_candidates()
    ///     .iter()
    ///     .map(|e| e.host().to_owned())
    ///     .collect();
    /// assert_eq!(
    ///     hosts,
    ///     ["redis.tencentcloudapi.com", "redis.tencentcloudapi.com.cn", "redis.tencentcloudapi.cn"]
    /// );
    /// assert_eq!(Endpoint::international().failover_candidates().len(), 1);
    /// ```
    pub fn failover_candidates(&self) -> Vec<Endpoint> {
        let mut out = vec![self.clone()];
        let intl = format!("intl.{ROOT_DOMAIN}");
        if self.host == intl || self.host.ends_with(&format!(".{intl}")) {
            return out;
        }
        let prefix = if self.host == ROOT_DOMAIN {
            ""
        } else if let Some(p) = self.host.strip_suffix(ROOT_DOMAIN)
            && p.ends_with('.')
        {
            p
        } else {
            return out;
        };
        out.extend(FAILOVER_ROOT_DOMAINS.iter().map(|root| Self {
            scheme: self.scheme,
            host: format!("{prefix}{root}"),
            port: self.port,
        }));
        out
    }

    /// The first DNS label of the host (`redis` for every redis endpoint): the TC3 service.
    pub fn service_label(&self) -> &str {
        self.host.split('.').next().unwrap_or_default()
    }

    /// Refuses, before anything is sent, a financial region (`*-fsi`) with a Tencent Cloud host
    /// other than `*.<that region>.tencentcloudapi.com` (the default, international or another
    /// region's host cannot serve it). Custom and loopback hosts are never second-guessed, nor
    /// are ordinary regions.
    pub fn check_region(&self, region: &str) -> Result<(), RegionMismatch> {
        if !is_financial_region(region) || !self.is_tencent_cloud() || self.is_loopback() {
            return Ok(());
        }
        let suffix = format!(".{}.{ROOT_DOMAIN}", region.to_ascii_lowercase());
        if self.host.ends_with(&suffix) {
            Ok(())
        } else {
            Err(RegionMismatch {
                region: region.to_owned(),
                host: self.host.clone(),
            })
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.authority())
    }
}

impl std::str::FromStr for Endpoint {
    type Err = EndpointError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Endpoint::parse(s)
    }
}

/// Where the TCP connection goes when it should not go to the endpoint's own host (the CLI's
/// `--connect-to HOST:PORT`). The signed Host, URI authority and TLS name stay the endpoint's.
///
/// ```
/// use tcredis_core::endpoint::ConnectAddress;
/// let a = ConnectAddress::parse("[::1]:8443").unwrap();
/// assert_eq!((a.host(), a.port()), ("::1", 8443));
/// assert_eq!(a.to_string(), "[::1]:8443");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectAddress {
    host: String,
    port: u16,
}

impl ConnectAddress {
    /// Parses `host:port` (IPv6 as `[::1]:443`). The port is required.
    pub fn parse(text: &str) -> Result<Self, EndpointError> {
        Self::parse_inner(text).map_err(EndpointError::for_connect_address)
    }

    fn parse_inner(text: &str) -> Result<Self, EndpointError> {
        let trimmed = text.trim();
        if trimmed.contains("://") || trimmed.contains(['/', '?', '#', '@']) {
            return Err(EndpointError::new(
                text,
                "a connect address is host:port only, without scheme, path or user info",
            ));
        }
        match split_host_port(text, trimmed)? {
            (host, Some(port)) => Ok(Self { host, port }),
            (_, None) => Err(EndpointError::new(
                text,
                "a connect address needs a port (host:port)",
            )),
        }
    }
    /// Builds a connect address from parts.
    pub fn new(host: &str, port: u16) -> Result<Self, EndpointError> {
        Ok(Self {
            host: validate_host(host, host).map_err(EndpointError::for_connect_address)?,
            port,
        })
    }
    /// The host or IP, IPv6 without brackets (ready for name resolution).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl fmt::Display for ConnectAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", bracketed(&self.host), self.port)
    }
}

impl std::str::FromStr for ConnectAddress {
    type Err = EndpointError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConnectAddress::parse(s)
    }
}

fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// Splits `host[:port]` / `[v6][:port]` and validates both parts.
fn split_host_port(input: &str, text: &str) -> Result<(String, Option<u16>), EndpointError> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return Err(EndpointError::new(
                input,
                "an IPv6 literal lacks its closing ']'",
            ));
        };
        if v6.parse::<Ipv6Addr>().is_err() {
            return Err(EndpointError::new(
                input,
                format!("{v6:?} is not an IPv6 address"),
            ));
        }
        match after {
            "" => (v6, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (v6, Some(port)),
                None => {
                    return Err(EndpointError::new(
                        input,
                        format!("unexpected {after:?} after the IPv6 literal"),
                    ));
                }
            },
        }
    } else if text.matches(':').count() > 1 {
        return Err(EndpointError::new(
            input,
            "an IPv6 address must be written in brackets, e.g. [::1]:8080",
        ));
    } else {
        match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let host = validate_host(input, host)?;
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(input, p)?),
    };
    Ok((host, port))
}

fn parse_port(input: &str, port: &str) -> Result<u16, EndpointError> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EndpointError::new(
            input,
            format!("port {port:?} is not a number 1..=65535"),
        ));
    }
    match port.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(EndpointError::new(
            input,
            format!("port {port} is out of range 1..=65535"),
        )),
    }
}

fn validate_host(input: &str, host: &str) -> Result<String, EndpointError> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err(EndpointError::new(input, "the host is empty"));
    }
    if host.contains(':') {
        return match host.parse::<Ipv6Addr>() {
            Ok(_) => Ok(host.to_ascii_lowercase()),
            Err(_) => Err(EndpointError::new(
                input,
                format!("{host:?} is not an IPv6 address"),
            )),
        };
    }
    let valid = host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if !valid {
        return Err(EndpointError::new(
            input,
            format!("{host:?} is not a valid host name (letters, digits, '-', '.')"),
        ));
    }
    Ok(host.to_ascii_lowercase())
}
