//! Proxy selection: an explicit proxy or `HTTPS_PROXY` / `HTTP_PROXY` from the environment
//! snapshot, with `NO_PROXY` matching as curl does it (exact host, domain suffix with or without
//! a leading dot, `*`, IP address, `host:port`; case-insensitive).
//!
//! Only `NO_PROXY` bypasses a proxy: loopback destinations go through the proxy unless
//! `NO_PROXY` names them, like curl.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

/// A forward proxy reached with HTTP `CONNECT` (the only kind supported: `http://host:port`).
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyTarget {
    /// Proxy host (no brackets for IPv6).
    pub host: String,
    /// Proxy port (default 80 when the URL has none, 1080 is not assumed).
    pub port: u16,
    /// `Proxy-Authorization` value (`Basic ...`) when the URL has user info.
    pub authorization: Option<String>,
}

impl fmt::Debug for ProxyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("authorization", &self.authorization.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Why a proxy URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUrlError {
    /// The offending setting (`--proxy`, `HTTPS_PROXY`, ...).
    pub setting: String,
    /// What was wrong.
    pub reason: String,
}

impl fmt::Display for ProxyUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; expected a proxy URL such as http://proxy.example:3128 (only http:// proxies with CONNECT are supported)",
            self.setting, self.reason
        )
    }
}

impl ProxyTarget {
    /// Parses `http://[user:pass@]host[:port][/]` (a bare `host:port` means `http://`).
    pub fn parse(setting: &str, url: &str) -> Result<Self, ProxyUrlError> {
        let err = |reason: &str| ProxyUrlError {
            setting: setting.to_owned(),
            reason: reason.to_owned(),
        };
        let url = url.trim();
        let rest = if let Some((scheme, rest)) = url.split_once("://") {
            if !scheme.eq_ignore_ascii_case("http") {
                return Err(err(&format!("proxy scheme {scheme:?} is not supported")));
            }
            rest
        } else {
            url
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') || rest.contains('?') || rest.contains('#') {
            return Err(err("a proxy URL cannot have a path"));
        }
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (host, port) =
            split_host_port(hostport).ok_or_else(|| err("the port is not a number 1..=65535"))?;
        if host.is_empty() {
            return Err(err("the proxy host is empty"));
        }
        let authorization = userinfo.map(|u| {
            use base64::Engine as _;
            let decoded = percent_decode(u);
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(decoded)
            )
        });
        Ok(Self {
            host: host.to_owned(),
            port: port.unwrap_or(80),
            authorization,
        })
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Splits `host[:port]` / `[v6][:port]`. `None` when the port is not a valid number.
pub(crate) fn split_host_port(s: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(p) => Some((host, Some(parse_port(p)?))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match s.rsplit_once(':') {
        // A bare IPv6 address without brackets has several colons: no port.
        Some((h, _)) if h.contains(':') => Some((s, None)),
        Some((h, p)) => Some((h, Some(parse_port(p)?))),
        None => Some((s, None)),
    }
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse::<u16>().ok().filter(|&p| p != 0)
}

/// One `NO_PROXY` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxyEntry {
    /// `*`: nothing is proxied.
    All,
    /// An IP address, optionally with a port.
    Ip(IpAddr, Option<u16>),
    /// A domain (lower case, leading dot removed): matches itself and its subdomains.
    Domain(String, Option<u16>),
}

/// A parsed `NO_PROXY` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    entries: Vec<NoProxyEntry>,
}

impl NoProxy {
    /// Parses a comma (or white space) separated list as curl does.
    pub fn parse(list: &str) -> Self {
        let mut entries = Vec::new();
        for raw in list.split(|c: char| c == ',' || c.is_ascii_whitespace()) {
            let item = raw.trim();
            if item.is_empty() {
                continue;
            }
            if item == "*" {
                entries.push(NoProxyEntry::All);
                continue;
            }
            let (host, port) = match split_host_port(item) {
                Some((h, p)) => (h, p),
                None => (item, None),
            };
            // A CIDR block is not supported; keep the text as a domain so it simply never matches.
            if let Ok(ip) = host.parse::<IpAddr>() {
                entries.push(NoProxyEntry::Ip(ip, port));
                continue;
            }
            let domain = host
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_end_matches('.');
            if domain.is_empty() {
                continue;
            }
            entries.push(NoProxyEntry::Domain(domain.to_ascii_lowercase(), port));
        }
        Self { entries }
    }

    /// Whether `host` (name or IP, IPv6 with or without brackets) on `port` bypasses the proxy.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host_lc = host.trim_end_matches('.').to_ascii_lowercase();
        let ip = host_lc.parse::<IpAddr>().ok();
        self.entries.iter().any(|e| match e {
            NoProxyEntry::All => true,
            NoProxyEntry::Ip(want, p) => ip == Some(*want) && p.is_none_or(|p| p == port),
            NoProxyEntry::Domain(d, p) => {
                p.is_none_or(|p| p == port)
                    && ip.is_none()
                    && (host_lc == *d
                        || (host_lc.len() > d.len()
                            && host_lc.ends_with(d.as_str())
                            && host_lc.as_bytes()[host_lc.len() - d.len() - 1] == b'.'))
            }
        })
    }
}

/// The proxy decision for a client: which proxy (if any) each destination goes through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    /// Proxy for `https://` destinations.
    pub https: Option<ProxyTarget>,
    /// Proxy for `http://` destinations (also reached through `CONNECT`).
    pub http: Option<ProxyTarget>,
    /// Destinations that bypass the proxy.
    pub no_proxy: NoProxy,
}

fn env_get<'a>(env: &'a HashMap<String, String>, upper: &str) -> Option<(&'static str, &'a str)> {
    let lower = upper.to_ascii_lowercase();
    // curl reads the lower-case form first for http_proxy; both are accepted here, upper first.
    env.get(upper)
        .map(|v| (leak_name(upper), v.as_str()))
        .or_else(|| env.get(&lower).map(|v| (leak_name(upper), v.as_str())))
        .filter(|(_, v)| !v.trim().is_empty())
}

fn leak_name(upper: &str) -> &'static str {
    match upper {
        "HTTPS_PROXY" => "HTTPS_PROXY",
        "HTTP_PROXY" => "HTTP_PROXY",
        "ALL_PROXY" => "ALL_PROXY",
        _ => "NO_PROXY",
    }
}

impl ProxyConfig {
    /// No proxy at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Builds the configuration: an explicit proxy URL is used for both schemes; otherwise
    /// `HTTPS_PROXY` (https destinations) and `HTTP_PROXY` (http destinations) from `env`, each
    /// falling back to `ALL_PROXY`. `NO_PROXY` (or `no_proxy`) applies in both cases.
    pub fn from_settings(
        explicit: Option<&str>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ProxyUrlError> {
        let no_proxy = env_get(env, "NO_PROXY")
            .map(|(_, v)| NoProxy::parse(v))
            .unwrap_or_default();
        if let Some(url) = explicit {
            let target = ProxyTarget::parse("--proxy", url)?;
            return Ok(Self {
                https: Some(target.clone()),
                http: Some(target),
                no_proxy,
            });
        }
        let all = env_get(env, "ALL_PROXY");
        let pick = |name: &str| -> Result<Option<ProxyTarget>, ProxyUrlError> {
            match env_get(env, name).or(all) {
                Some((setting, v)) => ProxyTarget::parse(setting, v).map(Some),
                None => Ok(None),
            }
        };
        Ok(Self {
            https: pick("HTTPS_PROXY")?,
            http: pick("HTTP_PROXY")?,
            no_proxy,
        })
    }

    /// The proxy to use for `scheme://host:port`, or `None` to connect directly.
    pub fn proxy_for(&self, https: bool, host: &str, port: u16) -> Option<&ProxyTarget> {
        let target = if https {
            self.https.as_ref()
        } else {
            self.http.as_ref()
        }?;
        if self.no_proxy.matches(host, port) {
            None
        } else {
            Some(target)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_proxy_exact_suffix_and_leading_dot() {
        let np = NoProxy::parse("example.com, .internal.net ,Foo.Org");
        assert!(np.matches("example.com", 443));
        assert!(np.matches("api.example.com", 443));
        assert!(np.matches("EXAMPLE.COM", 443));
        assert!(!np.matches("notexample.com", 443));
        assert!(np.matches("internal.net", 80));
        assert!(np.matches("a.b.internal.net", 80));
        assert!(np.matches("foo.org", 1));
        assert!(np.matches("x.FOO.org.", 1));
        assert!(!np.matches("org", 1));
    }

    #[test]
    fn no_proxy_star_ip_and_port() {
        assert!(NoProxy::parse("*").matches("anything.example", 443));
        let np =
            NoProxy::parse("127.0.0.1,::1,redis.tencentcloudapi.com:8443,[::2]:99,10.0.0.1:80");
        assert!(np.matches("127.0.0.1", 5));
        assert!(!np.matches("127.0.0.2", 5));
        assert!(np.matches("[::1]", 5));
        assert!(np.matches("::1", 5));
        assert!(np.matches("redis.tencentcloudapi.com", 8443));
        assert!(!np.matches("redis.tencentcloudapi.com", 443));
        assert!(np.matches("[::2]", 99));
        assert!(!np.matches("::2", 98));
        assert!(np.matches("10.0.0.1", 80));
        assert!(!np.matches("10.0.0.1", 443));
        // A domain entry never matches an IP literal and vice versa.
        assert!(!NoProxy::parse("0.1").matches("10.0.0.1", 80));
        assert!(!NoProxy::parse("").matches("localhost", 80));
    }

    #[test]
    fn loopback_is_proxied_unless_no_proxy_names_it() {
        let cfg =
            ProxyConfig::from_settings(None, &env(&[("HTTPS_PROXY", "http://127.0.0.1:3128")]))
                .unwrap();
        assert!(cfg.proxy_for(true, "127.0.0.1", 443).is_some());
        assert!(cfg.proxy_for(true, "localhost", 443).is_some());
        assert!(
            cfg.proxy_for(false, "127.0.0.1", 80).is_none(),
            "HTTP_PROXY unset: http goes direct"
        );
        let cfg = ProxyConfig::from_settings(
            None,
            &env(&[
                ("https_proxy", "127.0.0.1:3128"),
                ("no_proxy", "localhost,127.0.0.1"),
            ]),
        )
        .unwrap();
        assert!(cfg.proxy_for(true, "127.0.0.1", 443).is_none());
        assert!(cfg.proxy_for(true, "LOCALHOST", 443).is_none());
        assert_eq!(
            cfg.proxy_for(true, "redis.tencentcloudapi.com", 443)
                .unwrap()
                .port,
            3128
        );
    }

    #[test]
    fn explicit_proxy_wins_for_both_schemes_and_all_proxy_falls_back() {
        let e = env(&[("HTTPS_PROXY", "http://env:1"), ("NO_PROXY", "skip.me")]);
        let cfg = ProxyConfig::from_settings(Some("http://explicit:2"), &e).unwrap();
        assert_eq!(cfg.proxy_for(true, "h", 443).unwrap().host, "explicit");
        assert_eq!(cfg.proxy_for(false, "h", 80).unwrap().host, "explicit");
        assert!(cfg.proxy_for(true, "skip.me", 443).is_none());
        let cfg = ProxyConfig::from_settings(None, &env(&[("ALL_PROXY", "http://all:3")])).unwrap();
        assert_eq!(cfg.proxy_for(false, "h", 80).unwrap().host, "all");
        assert_eq!(cfg.proxy_for(true, "h", 443).unwrap().port, 3);
    }

    #[test]
    fn proxy_urls_are_validated_and_credentials_hidden() {
        let t = ProxyTarget::parse("p", "http://us%40er:pa:ss@[::1]:8080/").unwrap();
        assert_eq!(t.host, "::1");
        assert_eq!(t.port, 8080);
        assert_eq!(t.authorization.as_deref(), Some("Basic dXNAZXI6cGE6c3M="));
        assert!(!format!("{t:?}").contains("dXNA"));
        assert_eq!(ProxyTarget::parse("p", "proxy.local").unwrap().port, 80);
        for bad in [
            "https://p:1",
            "socks5://p:1",
            "http://p:0",
            "http://p:x",
            "http://p:1/path",
            "http://:1",
        ] {
            let e = ProxyTarget::parse("HTTPS_PROXY", bad).unwrap_err();
            assert!(e.to_string().starts_with("HTTPS_PROXY: "), "{e}");
        }
    }
}
