//! Fuzz target: the credential and profile parsers: the INI credentials file, tccli's
//! `<profile>.credential` and `.configure` JSON, the CVM metadata role name and role
//! credentials, and the STS AssumeRole answer. The first byte picks the parser. None may panic,
//! and whatever comes out, a secret (the key or token they read) never shows in Debug output or
//! in an error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcredis_core::credentials::{cvm, ini, sts, tccli};

/// Asserts that `text` does not contain `secret` (when the secret is long enough to be
/// meaningful: one- or two-character values occur everywhere by chance).
fn assert_hidden(text: &str, secret: &str, what: &str) {
    if secret.len() >= 8 {
        assert!(!text.contains(secret), "{what} leaks a secret");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    match which % 6 {
        0 => {
            let Ok(text) = std::str::from_utf8(bytes) else { return };
            match ini::parse(text) {
                Ok(file) => {
                    let debug = format!("{file:?}");
                    for profile in file.profiles() {
                        for secret in [profile.secret_key(), profile.token()].into_iter().flatten() {
                            assert_hidden(&debug, secret.expose(), "IniFile Debug");
                        }
                        match profile.credentials() {
                            Ok(c) => assert_hidden(&format!("{c:?}"), c.secret_key().expose(), "Credentials Debug"),
                            Err(e) => {
                                if let Some(k) = profile.secret_key() {
                                    assert_hidden(&e.to_string(), k.expose(), "ProfileError");
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    // Errors carry a line number, never the line's text.
                    assert!(e.line() >= 1);
                    let message = e.to_string();
                    for line in text.lines() {
                        if let Some((_, v)) = line.split_once('=') {
                            assert_hidden(&message, v.trim(), "IniError");
                        }
                    }
                }
            }
        }
        1 => {
            if let Ok(c) = tccli::parse_credential(bytes) {
                let debug = format!("{c:?}");
                for secret in [c.secret_key(), c.token()].into_iter().flatten() {
                    assert_hidden(&debug, secret.expose(), "TccliCredential Debug");
                }
                let _ = c.credentials("fuzz");
            }
        }
        2 => {
            let _ = tccli::parse_configure(bytes);
        }
        3 => {
            if let Ok(text) = std::str::from_utf8(bytes)
                && let Ok(role) = cvm::parse_role_name(text)
            {
                let _ = cvm::credentials_path(&role);
            }
        }
        4 => {
            if let Ok(c) = cvm::parse_role_credentials(bytes) {
                let _ = c.needs_refresh(1_700_000_000);
                if let Ok(creds) = c.credentials() {
                    assert_hidden(&format!("{c:?}"), creds.secret_key().expose(), "CvmRoleCredentials Debug");
                }
            }
        }
        _ => {
            if let Ok(c) = sts::parse_response(bytes) {
                let _ = c.needs_refresh(1_700_000_000, 7200);
                if let Ok(creds) = c.credentials() {
                    let debug = format!("{c:?}");
                    assert_hidden(&debug, creds.secret_key().expose(), "StsCredentials Debug");
                    if let Some(t) = creds.token() {
                        assert_hidden(&debug, t.expose(), "StsCredentials Debug");
                    }
                }
            }
        }
    }
});
