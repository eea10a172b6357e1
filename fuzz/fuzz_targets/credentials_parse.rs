//! Fuzz target: the credential and profile parsers: the INI credentials file, tccli's
//! `<profile>.credential` and `.configure` JSON, the CVM metadata role name and role
//! credentials, and the STS AssumeRole answer. The first byte picks the parser. None may panic,
//! and whatever comes out, a secret (the key or token they read) never shows in Debug output or
//! in an error message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcredis_core::credentials::{cvm, ini, sts, tccli};

/// Asserts that `text` does not contain `secret`, when the secret is long enough to be
/// meaningful (short values occur everywhere by chance) and is not also a substring of a
/// field that is shown on purpose (`shown`: SecretId, profile name, region, ...).
fn assert_hidden_unless_shown(text: &str, secret: &str, shown: &str, what: &str) {
    if secret.len() >= 8 && !shown.contains(secret) && !VOCABULARY.contains(secret) {
        assert!(!text.contains(secret), "{what} leaks a secret");
    }
}

/// What Debug output and messages contain whatever the input: field names, type names,
/// fixed words. A "secret" such as `role_arn` that is one of them proves nothing.
static VOCABULARY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let ini = ini::parse(
        "[default]\nsecret_id=a\nsecret_key=b\ntoken=c\nregion=d\nrole_arn=e\nrole_session_name=f\n",
    )
    .unwrap();
    let creds = ini.profile("default").unwrap().credentials().unwrap();
    let tccli = tccli::parse_credential(
        br#"{"type":"cvm-role","secretId":"a","secretKey":"b","token":"c","role-arn":"d","role-session-name":"e"}"#,
    )
    .unwrap();
    let cvm = cvm::parse_role_credentials(
        br#"{"TmpSecretId":"a","TmpSecretKey":"b","ExpiredTime":1,"Expiration":"c","Token":"d","Code":"Success"}"#,
    );
    let sts = sts::parse_response(
        br#"{"Response":{"Credentials":{"Token":"a","TmpSecretId":"b","TmpSecretKey":"c"},"ExpiredTime":1,"Expiration":"d","RequestId":"e"}}"#,
    );
    format!("{ini:?}\n{creds:?}\n{tccli:?}\n{cvm:?}\n{sts:?}")
});

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    match which % 6 {
        0 => {
            let Ok(text) = std::str::from_utf8(bytes) else {
                return;
            };
            match ini::parse(text) {
                Ok(file) => {
                    let debug = format!("{file:?}");
                    // Non-secret fields are shown; a secret that is also a substring of one of
                    // them is not a leak.
                    let shown: String = file
                        .profiles()
                        .iter()
                        .flat_map(|p| {
                            [
                                Some(p.name()),
                                p.secret_id(),
                                p.region(),
                                p.role_arn(),
                                p.role_session_name(),
                            ]
                        })
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("\n");
                    for profile in file.profiles() {
                        for secret in [profile.secret_key(), profile.token()]
                            .into_iter()
                            .flatten()
                        {
                            assert_hidden_unless_shown(
                                &debug,
                                secret.expose(),
                                &shown,
                                "IniFile Debug",
                            );
                        }
                        match profile.credentials() {
                            Ok(c) => assert_hidden_unless_shown(
                                &format!("{c:?}"),
                                c.secret_key().expose(),
                                &shown,
                                "Credentials Debug",
                            ),
                            Err(e) => {
                                if let Some(k) = profile.secret_key() {
                                    assert_hidden_unless_shown(
                                        &e.to_string(),
                                        k.expose(),
                                        &shown,
                                        "ProfileError",
                                    );
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    // Errors carry a line number (and a duplicate section or key name), never a
                    // secret value. Differential check: the same file with every secret_key and
                    // token value replaced must give the very same error, so the message cannot
                    // depend on a secret.
                    assert!(e.line() >= 1);
                    let replaced: String = text
                        .lines()
                        .map(|line| {
                            let trimmed = line.trim();
                            if let Some(at) = trimmed.find(['=', ':'])
                                && !trimmed.starts_with('[')
                            {
                                let key = trimmed[..at].trim().to_ascii_lowercase();
                                let value = trimmed[at + 1..].trim();
                                if (key == "secret_key" || key == "token") && !value.is_empty() {
                                    return format!(
                                        "{}={}",
                                        &trimmed[..at],
                                        "R".repeat(value.len())
                                    );
                                }
                            }
                            line.to_owned()
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    let again =
                        ini::parse(&replaced).expect_err("the same error without the secrets");
                    assert_eq!(
                        again.to_string(),
                        e.to_string(),
                        "IniError depends on a secret value"
                    );
                }
            }
        }
        1 => {
            if let Ok(c) = tccli::parse_credential(bytes) {
                let debug = format!("{c:?}");
                let shown = [c.secret_id(), c.role_arn(), c.role_session_name()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n");
                for secret in [c.secret_key(), c.token()].into_iter().flatten() {
                    assert_hidden_unless_shown(
                        &debug,
                        secret.expose(),
                        &shown,
                        "TccliCredential Debug",
                    );
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
                    let shown = format!("{}\n{}", c.secret_id(), c.expiration().unwrap_or(""));
                    assert_hidden_unless_shown(
                        &format!("{c:?}"),
                        creds.secret_key().expose(),
                        &shown,
                        "CvmRoleCredentials Debug",
                    );
                }
            }
        }
        _ => {
            if let Ok(c) = sts::parse_response(bytes) {
                let _ = c.needs_refresh(1_700_000_000, 7200);
                if let Ok(creds) = c.credentials() {
                    let debug = format!("{c:?}");
                    let shown = format!(
                        "{}\n{}\n{}",
                        c.secret_id(),
                        c.expiration().unwrap_or(""),
                        c.request_id().unwrap_or("")
                    );
                    assert_hidden_unless_shown(
                        &debug,
                        creds.secret_key().expose(),
                        &shown,
                        "StsCredentials Debug",
                    );
                    if let Some(t) = creds.token() {
                        assert_hidden_unless_shown(
                            &debug,
                            t.expose(),
                            &shown,
                            "StsCredentials Debug",
                        );
                    }
                }
            }
        }
    }
});
