//! Fuzz target: endpoint URL and connect-address parsing (`--endpoint`, `--connect-to`,
//! tccli's `endpoint`). Accepted endpoints must keep the scheme out of the signed Host, carry
//! no path/query/user info, and round-trip: parsing `base_uri()` gives the same endpoint, and
//! the built request URI is valid. Refusals name a reason. Connect addresses round-trip
//! through their Display form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcredis_core::endpoint::{ConnectAddress, Endpoint};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Endpoint::parse(text) {
        Ok(endpoint) => {
            let host = endpoint.host_header();
            assert!(!host.contains("://"), "scheme in the signed Host");
            assert!(
                !host.contains(['/', '?', '#', '@']),
                "path/query/userinfo in Host"
            );
            assert!(!host.is_empty());
            // Round trip (an explicit default port, `host:443`, is dropped from the authority:
            // compare what is sent, not the spelling).
            let again = Endpoint::parse(&endpoint.base_uri()).expect("base_uri re-parses");
            assert_eq!(again.scheme(), endpoint.scheme());
            assert_eq!(again.host(), endpoint.host());
            assert_eq!(again.effective_port(), endpoint.effective_port());
            assert_eq!(again.host_header(), endpoint.host_header());
            assert_eq!(again.base_uri(), endpoint.base_uri());
            let uri: http::Uri = endpoint.base_uri().parse().expect("base_uri is a URI");
            assert_eq!(uri.path(), "/");
            http::HeaderValue::from_str(&host).expect("Host is a valid header value");
            let _ = endpoint.check_region("ap-beijing-fsi");
            let _ = endpoint.service_label();
        }
        Err(e) => {
            assert!(!e.reason().is_empty(), "a refusal says why");
        }
    }
    if let Ok(addr) = ConnectAddress::parse(text) {
        let again = ConnectAddress::parse(&addr.to_string()).expect("Display re-parses");
        assert_eq!(again, addr);
    }
});
