//! Test secrets and the values that look like credentials but are not secret.
//!
//! Every test secret starts with [`TEST_SECRET_PREFIX`]; the gate's secret scan
//! (`xtask/src/secrets.rs`, which keeps its own copy of these values and checks it against this
//! module in its tests) fails on any captured line holding one, except the one line the canary
//! test records on purpose ([`SCAN_CANARY`]).

/// Every test secret starts with this, so a test may mint its own (`…-PREFIX-my-test-42`) and
/// still be covered by the scan.
pub const TEST_SECRET_PREFIX: &str = "tcredis-test-secret-DO-NOT-PRINT";

/// The shared test secret key (pair it with [`SECRET_ID`]).
pub const SECRET_KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-7Qm2xV9pL4sK8dR3";

/// The secret key the interop run gives the mock and the official tools.
pub const INTEROP_SECRET_KEY: &str = "tcredis-test-secret-DO-NOT-PRINT-interop-Zt6Hc1Wn5Yb0";

/// The shared test session token.
pub const TOKEN: &str = "tcredis-test-secret-DO-NOT-PRINT-token-Ej3Ua8Gf2Po7";

/// The fixed test secrets, in the order `xtask/src/secrets.rs` lists them.
pub const TEST_SECRETS: &[&str] = &[SECRET_KEY, INTEROP_SECRET_KEY, TOKEN];

/// The SecretId paired with [`SECRET_KEY`] (an id is not secret).
pub const SECRET_ID: &str = "AKIDTCREDISRELIAB00000000000000000000";

/// The secret the canary test prints through the capture path on purpose. The gate's scan must
/// find it exactly once, in the canary test's recording: proof that what tests capture reaches
/// the folder the scan reads. Built from the prefix, so it is a test secret like the others.
pub const SCAN_CANARY: &str = "tcredis-test-secret-DO-NOT-PRINT-scan-canary-Lq8Tz3Rk";

/// The documentation's public example SecretId (Tencent Cloud signature docs); not a secret.
pub const DOC_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";

/// The documentation's public example SecretKey; not a secret.
pub const DOC_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// The mock's public demo SecretId (documented, may be printed).
pub const DEMO_SECRET_ID: &str = "AKIDTCREDISDEMO000000000000000000000";

/// The mock's public demo SecretKey (documented, may be printed).
pub const DEMO_SECRET_KEY: &str = "tcredis-demo-key-public-not-secret";

/// Whether `bytes` hold a test secret (any value with [`TEST_SECRET_PREFIX`]).
pub fn contains_test_secret(bytes: &[u8]) -> bool {
    contains(bytes, TEST_SECRET_PREFIX.as_bytes())
}

/// Byte-substring search (captured output need not be UTF-8).
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_secret_and_the_canary_carry_the_prefix() {
        for s in TEST_SECRETS.iter().chain([&SCAN_CANARY]) {
            assert!(s.starts_with(TEST_SECRET_PREFIX), "{s:?}");
            assert!(contains_test_secret(s.as_bytes()));
        }
    }

    #[test]
    fn the_public_pairs_are_not_test_secrets() {
        for s in [
            DOC_SECRET_ID,
            DOC_SECRET_KEY,
            DEMO_SECRET_ID,
            DEMO_SECRET_KEY,
        ] {
            assert!(!contains_test_secret(s.as_bytes()), "{s:?}");
        }
    }
}
