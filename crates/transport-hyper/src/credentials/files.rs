//! Reading credential files: the INI and tccli formats, and the warning for a credentials file
//! readable by group or others (given for the file that supplies the credentials only).
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
    /// tccli `expiresAt` of an `oauth` or `sso` login (Unix seconds).
    pub expires_at: Option<i64>,
    /// The tccli command that renews an `oauth` or `sso` login.
    pub login_command: Option<&'static str>,
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
            .field("expires_at", &self.expires_at)
            .field("login_command", &self.login_command)
            .finish()
    }
}

/// Reads a credentials file as UTF-8 (a regular file of at most
/// [`MAX_CREDENTIALS_FILE_BYTES`](tcredis_files::MAX_CREDENTIALS_FILE_BYTES), through the one
/// bounded reader): `Ok(None)` when it does not exist. (A file others can read is reported
/// by the chain, for the file that supplied the credentials: [`permission_warning`].)
pub(crate) fn read_secret_file(path: &Path) -> Result<Option<String>, CredentialsError> {
    tcredis_files::read_optional_text(path, tcredis_files::MAX_CREDENTIALS_FILE_BYTES)
        .map_err(|e| CredentialsError::invalid(path.display().to_string(), e.reason()))
}

/// Reads a tccli `<profile>.configure` file (at most
/// [`MAX_CONFIG_FILE_BYTES`](tcredis_files::MAX_CONFIG_FILE_BYTES)): `Ok(None)` when it does
/// not exist.
pub(crate) fn read_config_file(path: &Path) -> Result<Option<String>, CredentialsError> {
    tcredis_files::read_optional_text(path, tcredis_files::MAX_CONFIG_FILE_BYTES)
        .map_err(|e| CredentialsError::invalid(path.display().to_string(), e.reason()))
}

/// The warning for a credentials file with group or world permission bits (what to run to fix
/// it included), `None` when only its owner can read it.
pub(crate) fn permission_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "credentials file {} is readable by group or others (mode {mode:03o}); \
                 fix it with: chmod 600 {}",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
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
        expires_at: None,
        login_command: None,
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
        expires_at: c.expires_at(),
        login_command: c.login_command(),
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
        let sso = parse_tccli_credential(
            r#"{"type":"sso","secretId":"AKIDs","secretKey":"ks","token":"ts","expiresAt":1780290000}"#,
        )
        .unwrap();
        assert_eq!(
            (sso.expires_at, sso.login_command),
            (Some(1_780_290_000), Some("tccli sso login"))
        );
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

        let path = std::env::temp_dir().join(format!("tcredis-perm-{}", std::process::id()));
        std::fs::write(
            &path,
            "[default]\nsecret_id=AKIDperm\nsecret_key=perm-secret-value\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(permission_warning(&path), None, "0600 is fine");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = permission_warning(&path).unwrap();
        assert!(
            w.contains("readable by group or others (mode 644)")
                && w.ends_with(&format!("chmod 600 {}", path.display())),
            "{w}"
        );
        assert!(!w.contains("perm-secret-value"));
        let _ = std::fs::remove_file(&path);
    }
}
