//! Per-host address overrides, curl's `--resolve HOST:PORT:ADDR`: a connection to `HOST` on
//! `PORT` goes to `ADDR` (same port) instead of what DNS says, while the URI, the TLS name and
//! the signed Host stay `HOST`. It applies to every name the client resolves itself (the
//! endpoint, a failover host, a `connect_to` host or a proxy), so failover can be exercised on
//! loopback.

use std::fmt;
use std::net::IpAddr;

/// One `HOST:PORT:ADDR` override.
///
/// ```
/// use tcredis_transport_hyper::ResolveOverride;
/// let r = ResolveOverride::parse("redis.tencentcloudapi.com:443:127.0.0.1").unwrap();
/// assert_eq!((r.host(), r.port(), r.addr().to_string().as_str()),
///            ("redis.tencentcloudapi.com", 443, "127.0.0.1"));
/// let v6 = ResolveOverride::parse("example.test:8443:[::1]").unwrap();
/// assert_eq!(v6.to_string(), "example.test:8443:[::1]");
/// assert!(ResolveOverride::parse("example.test:127.0.0.1").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolveOverride {
    host: String,
    port: u16,
    addr: IpAddr,
}

/// Why a `HOST:PORT:ADDR` text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverrideError {
    input: String,
    reason: String,
}

impl fmt::Display for ResolveOverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid address override {:?}: {}; accepted: HOST:PORT:ADDR, e.g. redis.tencentcloudapi.com:443:127.0.0.1 (ADDR an IP address, IPv6 in brackets)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ResolveOverrideError {}

impl ResolveOverride {
    /// An override from parts; `host` is compared case-insensitively.
    pub fn new(host: &str, port: u16, addr: IpAddr) -> Self {
        Self {
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            port,
            addr,
        }
    }

    /// Parses `HOST:PORT:ADDR` (`ADDR` an IPv4 address or an IPv6 one, bracketed or not).
    pub fn parse(text: &str) -> Result<Self, ResolveOverrideError> {
        let err = |reason: &str| ResolveOverrideError {
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        let mut parts = text.trim().splitn(3, ':');
        let (Some(host), Some(port), Some(addr)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(err("it needs three parts separated by ':'"));
        };
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        {
            return Err(err(&format!("{host:?} is not a host name")));
        }
        let port = match port.parse::<u16>() {
            Ok(p) if p != 0 => p,
            _ => return Err(err(&format!("port {port:?} is not a number 1..=65535"))),
        };
        let bare = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let addr = bare
            .parse::<IpAddr>()
            .map_err(|_| err(&format!("{addr:?} is not an IP address")))?;
        Ok(Self::new(host, port, addr))
    }

    /// The host name it applies to (lower-case).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The port it applies to.
    pub fn port(&self) -> u16 {
        self.port
    }
    /// Where connections go instead.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// Whether it applies to a connection to `host` on `port`.
    pub(crate) fn matches(&self, host: &str, port: u16) -> bool {
        self.port == port && self.host.eq_ignore_ascii_case(host.trim_end_matches('.'))
    }
}

impl fmt::Display for ResolveOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V6(a) => write!(f, "{}:{}:[{a}]", self.host, self.port),
            IpAddr::V4(a) => write!(f, "{}:{}:{a}", self.host, self.port),
        }
    }
}

impl std::str::FromStr for ResolveOverride {
    type Err = ResolveOverrideError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The address a connection to `host:port` goes to: the first matching override's, else
/// `host` itself (resolved by the system).
pub(crate) fn apply(overrides: &[ResolveOverride], host: &str, port: u16) -> String {
    overrides
        .iter()
        .find(|o| o.matches(host, port))
        .map_or_else(|| host.to_owned(), |o| o.addr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_names_what_is_wrong() {
        for (text, needle) in [
            ("a.test:0:127.0.0.1", "port \"0\""),
            ("a.test:x:127.0.0.1", "port \"x\""),
            ("a.test:443:localhost", "not an IP address"),
            (":443:127.0.0.1", "not a host name"),
            ("a.test", "three parts"),
        ] {
            let e = ResolveOverride::parse(text).unwrap_err().to_string();
            assert!(e.contains(needle) && e.contains("HOST:PORT:ADDR"), "{e}");
        }
        assert_eq!(
            ResolveOverride::parse("A.Test:80:::1").unwrap(),
            ResolveOverride::new("a.test", 80, "::1".parse().unwrap())
        );
    }

    #[test]
    fn only_the_same_host_and_port_are_redirected() {
        let o = [ResolveOverride::parse("a.test:8080:127.0.0.2").unwrap()];
        assert_eq!(apply(&o, "A.TEST", 8080), "127.0.0.2");
        assert_eq!(apply(&o, "a.test", 8081), "a.test");
        assert_eq!(apply(&o, "b.test", 8080), "b.test");
    }
}
