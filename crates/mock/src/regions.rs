//! Classification of the Host a request was sent to: a real Tencent Cloud domain (and which
//! region, for financial-zone isolation), a loopback address, or anything else. Region lists
//! and Host splitting are core's (`tcredis_core::endpoint`).

use tcredis_core::endpoint::{is_loopback_host, split_port, strip_scheme};

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

/// Classifies a raw Host header value.
pub(crate) fn classify_host(raw_host: &str) -> HostKind {
    if is_loopback_host(raw_host) {
        return HostKind::Loopback;
    }
    let (name, _) = split_port(strip_scheme(raw_host));
    let name = name.to_ascii_lowercase();
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
        // Core's Host splitting: a scheme in any case, junk after an IPv6 literal, no port.
        assert_eq!(classify_host("HTTP://localhost:1"), HostKind::Loopback);
        assert_eq!(classify_host("[::1]x"), HostKind::Other);
        assert_eq!(classify_host("localhost:"), HostKind::Other);
    }
}
