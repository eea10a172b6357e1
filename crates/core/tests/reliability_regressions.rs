//! Regression tests for the crashes fuzzing found (`fuzz/`, recorded in `docs/reliability.md`).
//! Each names the target and the input class; the fix is in the owning code.

use tcredis_core::credentials::Secret;
use tcredis_core::sign::verify::{
    self, Tc3Request, V1Request, VerifyErrorKind, VerifyOptions, is_loopback_host,
};

fn lookup(id: &str) -> Option<(Secret, Option<Secret>)> {
    (id == "AKIDreg").then(|| (Secret::new("tcredis-test-secret-DO-NOT-PRINT-reg"), None))
}

/// Fuzz target `verify_tc3` (and `verify_v1`): a Host whose first bytes hold a multi-byte
/// character made the scheme check slice a `str` inside a character and panic. A hostile
/// client reaches this through the mock's Host header.
#[test]
fn multi_byte_host_does_not_panic_the_verifier() {
    let hosts = [
        "ab测试.example.com",
        "ype\",\n Ҡ \"application/json",
        "htt测p://127.0.0.1",
        "测",
        "http:/测/127.0.0.1:80",
        "https:/Ҡ",
        "\u{10348}\u{10348}",
    ];
    for host in hosts {
        assert!(!is_loopback_host(host), "{host:?}");
        let headers: &[(&str, &[u8])] = &[
            ("Content-Type", b"application/json"),
            ("X-TC-Timestamp", b"1700000000"),
            (
                "Authorization",
                b"TC3-HMAC-SHA256 Credential=AKIDreg/2023-11-14/redis/tc3_request, SignedHeaders=content-type;host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
            ),
        ];
        let request = Tc3Request {
            method: "POST",
            host,
            query: "",
            headers,
            body: b"{}",
        };
        for options in [
            VerifyOptions::strict("redis"),
            VerifyOptions::lenient("redis"),
        ] {
            let err = verify::verify_tc3(&request, 1_700_000_000, &options, lookup)
                .expect_err("a wrong signature over a hostile Host");
            assert_eq!(err.kind(), VerifyErrorKind::SignatureFailure, "{host:?}");
        }
        let v1 = V1Request {
            method: "GET",
            host,
            query: "Action=DescribeInstanceBackups&SecretId=AKIDreg&Timestamp=1700000000&Nonce=1&Signature=AAAA",
            body: b"",
        };
        let err = verify::verify_v1(&v1, 1_700_000_000, &VerifyOptions::lenient("redis"), lookup)
            .expect_err("a wrong v1 signature over a hostile Host");
        assert_eq!(err.kind(), VerifyErrorKind::SignatureFailure, "{host:?}");
    }
}
