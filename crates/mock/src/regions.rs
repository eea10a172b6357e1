//! Known regions, financial-zone (`*-fsi`) isolation and classification of the Host a request
//! was sent to (a real Tencent Cloud domain, a loopback address, or anything else).

/// Regions the mock serves: the Tencent Cloud region list plus `ap-beijing-fsi`.
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

/// Whether the mock knows `region`.
pub fn is_known(region: &str) -> bool {
    KNOWN_REGIONS.contains(&region)
}

/// Whether `region` is a financial zone, isolated from every other region.
pub fn is_financial(region: &str) -> bool {
    region.ends_with("-fsi")
}

/// What the Host header names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostKind {
    /// `<service>.tencentcloudapi.com`, `<service>.<region>.tencentcloudapi.com` or
    /// `<service>.intl.tencentcloudapi.com`; `region` is set for the regional form.
    Tencent { region: Option<String> },
    /// An IP address or `localhost`, with or without a port (and, as tccli sends it, with or
    /// without an `http://` prefix).
    Loopback,
    /// Any other name.
    Other,
}

/// Strips a scheme prefix (`http://`, as tccli puts into Host) and returns the authority.
pub(crate) fn strip_scheme(host: &str) -> &str {
    host.strip_prefix("http://")
        .or_else(|| host.strip_prefix("https://"))
        .unwrap_or(host)
}

/// Splits `authority` into host name and optional port (IPv6 literals in brackets kept whole).
pub(crate) fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let (name, rest) = authority.split_at(end + 1);
                (name, rest.strip_prefix(':'))
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            (name, Some(port))
        }
        _ => (authority, None),
    }
}

/// Classifies a raw Host header value.
pub(crate) fn classify_host(raw_host: &str) -> HostKind {
    let (name, _) = split_port(strip_scheme(raw_host));
    let name = name.to_ascii_lowercase();
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    if bare == "localhost" || bare.parse::<std::net::IpAddr>().is_ok() {
        return HostKind::Loopback;
    }
    let Some(prefix) = name.strip_suffix(".tencentcloudapi.com") else {
        return HostKind::Other;
    };
    let labels: Vec<&str> = prefix.split('.').collect();
    match labels.as_slice() {
        [_service] => HostKind::Tencent { region: None },
        [_service, "intl"] => HostKind::Tencent { region: None },
        [_service, region] => HostKind::Tencent {
            region: Some((*region).to_owned()),
        },
        _ => HostKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_classified_as_tccli_python_and_node_send_them() {
        assert_eq!(classify_host("http://127.0.0.1:18080"), HostKind::Loopback);
        assert_eq!(classify_host("127.0.0.1"), HostKind::Loopback);
        assert_eq!(classify_host("localhost:8080"), HostKind::Loopback);
        assert_eq!(classify_host("[::1]:9"), HostKind::Loopback);
        assert_eq!(
            classify_host("redis.tencentcloudapi.com"),
            HostKind::Tencent { region: None }
        );
        assert_eq!(
            classify_host("redis.intl.tencentcloudapi.com"),
            HostKind::Tencent { region: None }
        );
        assert_eq!(
            classify_host("redis.ap-shanghai-fsi.tencentcloudapi.com"),
            HostKind::Tencent {
                region: Some("ap-shanghai-fsi".into())
            }
        );
        assert_eq!(classify_host("example.com"), HostKind::Other);
    }

    #[test]
    fn ports_split_off_names_and_ipv6() {
        assert_eq!(split_port("127.0.0.1:80"), ("127.0.0.1", Some("80")));
        assert_eq!(split_port("[::1]:80"), ("[::1]", Some("80")));
        assert_eq!(split_port("::1"), ("::1", None));
        assert_eq!(split_port("localhost"), ("localhost", None));
    }
}
