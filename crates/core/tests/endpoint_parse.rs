//! Endpoint resolution and custom endpoint parsing.

use tcredis_core::endpoint::{ConnectAddress, Endpoint, KNOWN_REGIONS, Scheme, is_known_region};

fn parts(e: &Endpoint) -> (Scheme, &str, Option<u16>) {
    (e.scheme(), e.host(), e.port())
}

#[test]
fn region_resolution() {
    assert_eq!(
        Endpoint::for_region("ap-guangzhou").base_uri(),
        "https://redis.tencentcloudapi.com/"
    );
    assert_eq!(
        Endpoint::for_region("ap-shanghai-fsi").base_uri(),
        "https://redis.ap-shanghai-fsi.tencentcloudapi.com/"
    );
    assert_eq!(
        Endpoint::regional("ap-guangzhou").host_header(),
        "redis.ap-guangzhou.tencentcloudapi.com"
    );
    assert_eq!(
        Endpoint::international().host_header(),
        "redis.intl.tencentcloudapi.com"
    );
    assert_eq!(Endpoint::default(), Endpoint::for_region("na-ashburn"));
    assert_eq!(Endpoint::default().service_label(), "redis");
}

#[test]
fn bare_host_means_https() {
    let e = Endpoint::parse("redis.tencentcloudapi.com").unwrap();
    assert_eq!(
        parts(&e),
        (Scheme::Https, "redis.tencentcloudapi.com", None)
    );
    let e = Endpoint::parse("127.0.0.1:18080").unwrap();
    assert_eq!(parts(&e), (Scheme::Https, "127.0.0.1", Some(18080)));
    assert_eq!(e.host_header(), "127.0.0.1:18080");
}

#[test]
fn urls_keep_scheme_host_and_port_apart() {
    let e = Endpoint::parse("http://127.0.0.1:18080").unwrap();
    assert_eq!(parts(&e), (Scheme::Http, "127.0.0.1", Some(18080)));
    assert_eq!(e.host_header(), "127.0.0.1:18080");
    assert_eq!(e.authority(), "127.0.0.1:18080");
    assert_eq!(e.base_uri(), "http://127.0.0.1:18080/");
    assert_eq!(e.to_string(), "http://127.0.0.1:18080");
    let e = Endpoint::parse("HTTPS://Redis.Example.COM/").unwrap();
    assert_eq!(parts(&e), (Scheme::Https, "redis.example.com", None));
    assert_eq!(e.effective_port(), 443);
}

#[test]
fn default_port_is_not_in_the_host_header() {
    let e = Endpoint::parse("https://redis.tencentcloudapi.com:443").unwrap();
    assert_eq!(e.port(), Some(443));
    assert_eq!(e.host_header(), "redis.tencentcloudapi.com");
    let e = Endpoint::parse("http://localhost:80").unwrap();
    assert_eq!(e.host_header(), "localhost");
    let e = Endpoint::parse("http://localhost:443").unwrap();
    assert_eq!(e.host_header(), "localhost:443");
}

#[test]
fn ipv6_literals() {
    let e = Endpoint::parse("http://[::1]:8080").unwrap();
    assert_eq!(parts(&e), (Scheme::Http, "::1", Some(8080)));
    assert_eq!(e.host_header(), "[::1]:8080");
    assert_eq!(e.base_uri(), "http://[::1]:8080/");
    assert!(e.is_loopback());
    let e = Endpoint::parse("[2001:DB8::1]").unwrap();
    assert_eq!(e.host_header(), "[2001:db8::1]");
    assert_eq!(
        Endpoint::new(Scheme::Http, "::1", Some(9))
            .unwrap()
            .host_header(),
        "[::1]:9"
    );
}

#[test]
fn bad_endpoints_are_rejected_with_a_reason() {
    for (input, reason) in [
        ("", "it is empty"),
        (
            "https://redis.tencentcloudapi.com/v3",
            "it has a path (\"/v3\")",
        ),
        ("http://127.0.0.1:8080/?x=1", "it has a path"),
        ("redis.tencentcloudapi.com?x=1", "it has a query"),
        ("http://h#frag", "it has a fragment"),
        ("https://user:pw@host", "user info"),
        ("https://", "the host is empty"),
        ("http://:8080", "the host is empty"),
        ("host:0", "out of range"),
        ("host:65536", "out of range"),
        ("host:http", "is not a number"),
        ("host:", "is not a number"),
        ("ftp://host", "scheme \"ftp\" is not supported"),
        ("::1", "must be written in brackets"),
        ("[::1", "closing ']'"),
        ("[nope]:1", "is not an IPv6 address"),
        ("bad host", "not a valid host name"),
    ] {
        let err = Endpoint::parse(input).unwrap_err();
        assert!(
            err.reason().contains(reason),
            "{input:?}: {:?} lacks {reason:?}",
            err.reason()
        );
        let text = err.to_string();
        assert!(text.contains("accepted: host[:port] (https)"), "{text}");
    }
}

#[test]
fn fsi_region_mismatch_is_caught_before_sending() {
    let region = "ap-shanghai-fsi";
    assert!(Endpoint::for_region(region).check_region(region).is_ok());
    for host in [
        "https://redis.tencentcloudapi.com",
        "https://redis.intl.tencentcloudapi.com",
        "https://redis.ap-shenzhen-fsi.tencentcloudapi.com",
        "https://redis.ap-shanghai.tencentcloudapi.com",
    ] {
        let err = Endpoint::parse(host)
            .unwrap()
            .check_region(region)
            .unwrap_err();
        assert_eq!(
            err.expected_host(),
            "redis.ap-shanghai-fsi.tencentcloudapi.com"
        );
        let text = err.to_string();
        assert!(text.contains(region) && text.contains(err.host()), "{text}");
        assert!(text.contains("use endpoint redis.ap-shanghai-fsi.tencentcloudapi.com"));
    }
    // Custom and loopback hosts are never second-guessed; ordinary regions are not checked.
    for host in [
        "http://127.0.0.1:1",
        "https://proxy.example.com",
        "http://[::1]:2",
    ] {
        assert!(Endpoint::parse(host).unwrap().check_region(region).is_ok());
    }
    assert!(Endpoint::default().check_region("ap-guangzhou").is_ok());
}

#[test]
fn connect_address() {
    let a = ConnectAddress::parse("127.0.0.1:8443").unwrap();
    assert_eq!((a.host(), a.port()), ("127.0.0.1", 8443));
    let a: ConnectAddress = "[::1]:443".parse().unwrap();
    assert_eq!((a.host(), a.port()), ("::1", 443));
    assert_eq!(a.to_string(), "[::1]:443");
    for bad in ["127.0.0.1", "http://h:1", "h:1/x", "::1:443", "h:0", ":443"] {
        assert!(ConnectAddress::parse(bad).is_err(), "{bad}");
    }
    assert!(
        ConnectAddress::parse("127.0.0.1")
            .unwrap_err()
            .reason()
            .contains("needs a port")
    );
}

#[test]
fn known_regions() {
    assert!(is_known_region("ap-guangzhou"));
    assert!(is_known_region("ap-beijing-fsi"));
    assert!(!is_known_region("mars-north-1"));
    assert!(KNOWN_REGIONS.len() >= 23);
}

mod never_panics {
    use proptest::prelude::*;
    use tcredis_core::endpoint::{ConnectAddress, Endpoint};

    proptest! {
        #[test]
        fn endpoint_parse_never_panics_and_host_header_has_no_scheme(text in "\\PC{0,40}") {
            if let Ok(e) = Endpoint::parse(&text) {
                let host = e.host_header();
                prop_assert!(!host.contains("://"));
                prop_assert!(!host.contains('/'));
                // What we print parses back to the same endpoint.
                prop_assert_eq!(Endpoint::parse(&e.to_string()).unwrap(), e);
            }
            let _ = ConnectAddress::parse(&text);
        }
    }
}

/// Host values as a server receives them (the verifier's loopback leniency and the mock's
/// region scoping both use these): never validated, never a panic.
#[test]
fn received_hosts_split_and_classify() {
    use tcredis_core::endpoint::{is_loopback_host, split_port, strip_scheme};
    for host in [
        "127.0.0.1:8080",
        "127.0.0.1",
        "10.1.2.3:80",
        "localhost:1",
        "LOCALHOST",
        "[::1]:9",
        "::1",
        "http://127.0.0.1:5",
        "HTTPS://localhost",
    ] {
        assert!(is_loopback_host(host), "{host}");
    }
    for host in [
        "redis.tencentcloudapi.com",
        "example.com:80",
        "",
        "http://redis.tencentcloudapi.com",
        "localhost:",
        "[::1]x",
        "127.0.0.1:80x",
        "ftp://127.0.0.1",
    ] {
        assert!(!is_loopback_host(host), "{host}");
    }
    assert_eq!(strip_scheme("HtTp://a:1"), "a:1");
    assert_eq!(strip_scheme("é://x"), "é://x");
    assert_eq!(split_port("127.0.0.1:8080"), ("127.0.0.1", Some("8080")));
    assert_eq!(split_port("[::1]:8080"), ("[::1]", Some("8080")));
    assert_eq!(split_port("[::1]"), ("[::1]", None));
    assert_eq!(split_port("[::1"), ("[::1", None));
    assert_eq!(split_port("::1"), ("::1", None));
    assert_eq!(split_port("host:"), ("host:", None));
    assert_eq!(split_port("host:ab"), ("host:ab", None));
    assert_eq!(split_port("host"), ("host", None));
}
