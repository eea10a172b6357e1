//! Reading credential files: the INI and tccli formats, and a warning when a credentials file is
//! readable by group or others.
//!
//! The parsing itself is the core's (`tcredis_core::credentials::{ini, tccli}`); this module
//! does the file reading (I/O) and maps the parsed data to what the providers need.

use std::path::Path;

use super::CredentialsError;

/// The fields of one INI profile section (or one tccli profile) the providers use.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct ProfileData {
    pub secret_id: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub region: Option<String>,
    pub role_arn: Option<String>,
    pub role_session_name: Option<String>,
    /// tccli `"type": "cvm-role"`.
    pub cvm_role: bool,
    /// tccli `sts.endpoint` from `<profile>.configure`.
    pub sts_endpoint: Option<String>,
}

impl std::fmt::Debug for ProfileData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileData")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("region", &self.region)
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("cvm_role", &self.cvm_role)
            .field("sts_endpoint", &self.sts_endpoint)
            .finish()
    }
}

/// Reads a credentials file as UTF-8 (a regular file of at most
/// [`MAX_CREDENTIALS_FILE_BYTES`](tcredis_files::MAX_CREDENTIALS_FILE_BYTES), through the one
/// bounded reader): `Ok(None)` when it does not exist. Warns (tracing) when the file is readable
/// by group or others.
pub(crate) fn read_secret_file(path: &Path) -> Result<Option<String>, CredentialsError> {
    let text = tcredis_files::read_optional_text(path, tcredis_files::MAX_CREDENTIALS_FILE_BYTES)
        .map_err(|e| CredentialsError::invalid(path.display().to_string(), e.reason()))?;
    if text.is_some() {
        warn_if_readable_by_others(path);
    }
    Ok(text)
}

/// Reads a tccli `<profile>.configure` file (at most
/// [`MAX_CONFIG_FILE_BYTES`](tcredis_files::MAX_CONFIG_FILE_BYTES)): `Ok(None)` when it does
/// not exist.
pub(crate) fn read_config_file(path: &Path) -> Result<Option<String>, CredentialsError> {
    tcredis_files::read_optional_text(path, tcredis_files::MAX_CONFIG_FILE_BYTES)
        .map_err(|e| CredentialsError::invalid(path.display().to_string(), e.reason()))
}

/// Logs a warning when `path` has group or world permission bits.
pub(crate) fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    path = %path.display(),
                    mode = format_args!("{mode:03o}"),
                    "credentials file is readable by group or others; run chmod 600 on it"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The named section of an INI credentials file (core's parser), `None` when it is absent.
pub(crate) fn parse_ini_profile(text: &str, profile: &str) -> Result<Option<ProfileData>, String> {
    let file = tcredis_core::credentials::ini::parse(text).map_err(|e| e.to_string())?;
    Ok(file.profile(profile).map(|p| ProfileData {
        secret_id: p.secret_id().map(str::to_owned),
        secret_key: p.secret_key().map(|s| s.expose().to_owned()),
        token: p
            .token()
            .map(|s| s.expose().to_owned())
            .filter(|t| !t.is_empty()),
        region: p.region().map(str::to_owned).filter(|r| !r.is_empty()),
        role_arn: p.role_arn().map(str::to_owned).filter(|r| !r.is_empty()),
        role_session_name: p
            .role_session_name()
            .map(str::to_owned)
            .filter(|r| !r.is_empty()),
        cvm_role: false,
        sts_endpoint: None,
    }))
}

/// A tccli `<profile>.credential` JSON file (core's parser).
pub(crate) fn parse_tccli_credential(text: &str) -> Result<ProfileData, String> {
    use tcredis_core::credentials::tccli::{CredentialKind, parse_credential};
    let c = parse_credential(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(ProfileData {
        secret_id: c.secret_id().map(str::to_owned),
        secret_key: c.secret_key().map(|s| s.expose().to_owned()),
        token: c
            .token()
            .map(|s| s.expose().to_owned())
            .filter(|t| !t.is_empty()),
        region: None,
        role_arn: c.role_arn().map(str::to_owned),
        role_session_name: c.role_session_name().map(str::to_owned),
        cvm_role: *c.kind() == CredentialKind::CvmRole,
        sts_endpoint: None,
    })
}

/// The `_sys_param.region` and `sts.endpoint` of a tccli `<profile>.configure` file (core's
/// parser).
pub(crate) fn parse_tccli_configure(text: &str) -> (Option<String>, Option<String>) {
    match tcredis_core::credentials::tccli::parse_configure(text.as_bytes()) {
        Ok(c) => (
            c.region().map(str::to_owned).filter(|r| !r.is_empty()),
            c.sts_endpoint()
                .map(str::to_owned)
                .filter(|e| !e.is_empty()),
        ),
        Err(_) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_are_separate_and_values_trimmed() {
        let text = "# comment\n[default]\nsecret_id = AKIDdef \nsecret_key=  keydef\nregion = ap-guangzhou\n\n[prod]\nsecret_id=AKIDprod\nsecret_key=keyprod\ntoken = tok\nrole_arn = qcs::cam::uin/1:roleName/r\n";
        let d = parse_ini_profile(text, "default").unwrap().unwrap();
        assert_eq!(d.secret_id.as_deref(), Some("AKIDdef"));
        assert_eq!(d.secret_key.as_deref(), Some("keydef"));
        assert_eq!(d.region.as_deref(), Some("ap-guangzhou"));
        assert!(d.token.is_none());
        let p = parse_ini_profile(text, "prod").unwrap().unwrap();
        assert_eq!(p.token.as_deref(), Some("tok"));
        assert_eq!(p.role_arn.as_deref(), Some("qcs::cam::uin/1:roleName/r"));
        assert!(parse_ini_profile(text, "missing").unwrap().is_none());
        assert!(!format!("{p:?}").contains("keyprod"));
    }

    #[test]
    fn ini_errors_name_the_line() {
        assert!(
            parse_ini_profile("[default\n", "default")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            parse_ini_profile("[default]\nnonsense\n", "default")
                .unwrap_err()
                .contains("line 2")
        );
    }

    #[test]
    fn tccli_files() {
        let d = parse_tccli_credential(
            r#"{"secretId":"AKIDt","secretKey":"kt","token":"","type":"cvm-role"}"#,
        )
        .unwrap();
        assert_eq!(d.secret_id.as_deref(), Some("AKIDt"));
        assert!(d.token.is_none() && d.cvm_role);
        assert!(parse_tccli_credential("[]").is_err());
        assert_eq!(
            parse_tccli_configure(
                r#"{"_sys_param":{"region":"ap-shanghai","output":"json"},"sts":{"endpoint":"sts.example.test"}}"#
            ),
            (
                Some("ap-shanghai".to_owned()),
                Some("sts.example.test".to_owned())
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn group_readable_file_is_warned_about_without_its_content() {
        use std::os::unix::fs::PermissionsExt as _;
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Capture(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Capture {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }

        let path = std::env::temp_dir().join(format!("tcredis-perm-{}", std::process::id()));
        std::fs::write(
            &path,
            "[default]\nsecret_id=AKIDperm\nsecret_key=perm-secret-value\n",
        )
        .unwrap();
        let mut logs = Vec::new();
        for mode in [0o600, 0o644] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let capture = Capture::default();
            let writer = capture.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, || read_secret_file(&path).unwrap());
            logs.push(String::from_utf8(capture.0.lock().unwrap().clone()).unwrap());
        }
        assert!(logs[0].is_empty(), "0600 is fine: {}", logs[0]);
        assert!(
            logs[1].contains("readable by group or others") && logs[1].contains("644"),
            "{}",
            logs[1]
        );
        assert!(!logs[1].contains("perm-secret-value"));
    }
}
