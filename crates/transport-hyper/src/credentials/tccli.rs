//! Credentials from tccli's profile files: `~/.tccli/<profile>.credential` (JSON `secretId`,
//! `secretKey`, `token`, `type`, `role-arn`, `role-session-name`) and the region from
//! `~/.tccli/<profile>.configure` (`_sys_param.region`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tcredis_core::credentials::locate::{self, CredentialLocations, SYSTEM_CREDENTIALS_FILE};

use super::files::{
    ProfileData, parse_tccli_configure, parse_tccli_credential, read_config_file, read_secret_file,
};
use super::profile_file::pair_from;
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// Reads `~/.tccli/<profile>.credential`.
#[derive(Debug, Clone)]
pub struct TccliProfileProvider {
    credentials: Result<Credentials, CredentialsError>,
    source: String,
}

impl TccliProfileProvider {
    /// The profile's credential file (with the region and STS endpoint of its `.configure`),
    /// at the paths core's `locate` gives: `Ok(None)` when there is no home directory or the
    /// file does not exist.
    pub(crate) fn lookup(
        located: &CredentialLocations,
    ) -> Result<Option<(PathBuf, ProfileData)>, CredentialsError> {
        let Some(path) = located.tccli_credential() else {
            return Ok(None);
        };
        let Some(text) = read_secret_file(path)? else {
            return Ok(None);
        };
        let mut data = parse_tccli_credential(&text)
            .map_err(|e| CredentialsError::invalid(path.display().to_string(), e))?;
        if let Some(configure) = located.tccli_configure()
            && let Some(text) = read_config_file(configure)?
        {
            (data.region, data.sts_endpoint) = parse_tccli_configure(&text);
        }
        Ok(Some((path.to_path_buf(), data)))
    }

    /// Reads the profile now (`home` empty: there is no home directory, so no file).
    pub fn new(home: &Path, profile: &str) -> Self {
        let located = locate::locate(
            &HashMap::new(),
            Some(home),
            Some(profile),
            Path::new(SYSTEM_CREDENTIALS_FILE),
        );
        let source = source_name(&located);
        let credentials = match Self::lookup(&located) {
            Ok(Some((_, data))) if data.cvm_role => Err(CredentialsError::invalid(
                &source,
                "is a cvm-role profile: use the CVM role provider (--use-cvm-role)",
            )),
            Ok(Some((_, data))) => pair_from(&source, &data),
            Ok(None) => Err(CredentialsError::invalid(
                &source,
                "the file does not exist",
            )),
            Err(e) => Err(e),
        };
        Self {
            credentials,
            source,
        }
    }
}

/// The credential file's name for messages: its path, or `~/.tccli/<profile>.credential` when
/// there is no home directory.
pub(crate) fn source_name(located: &CredentialLocations) -> String {
    match located.tccli_credential() {
        Some(path) => path.display().to_string(),
        None => format!(
            "~/.tccli/{}.credential (no home directory)",
            located.profile().name()
        ),
    }
}

impl ProvideCredentials for TccliProfileProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        let c = self.credentials.clone();
        Box::pin(async move { c })
    }
    fn source(&self) -> String {
        self.source.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_profile_and_region() {
        let home = std::env::temp_dir().join(format!("tcredis-tccli-{}", std::process::id()));
        std::fs::create_dir_all(home.join(".tccli")).unwrap();
        std::fs::write(
            home.join(".tccli/work.credential"),
            r#"{"secretId":"AKIDtccli","secretKey":"tccli-secret","token":"tk"}"#,
        )
        .unwrap();
        std::fs::write(
            home.join(".tccli/work.configure"),
            r#"{"_sys_param":{"region":"ap-beijing"}}"#,
        )
        .unwrap();
        let p = TccliProfileProvider::new(&home, "work");
        let c = p.provide().await.unwrap();
        assert_eq!(
            (c.secret_id(), c.token().unwrap().expose()),
            ("AKIDtccli", "tk")
        );
        let located = locate::locate(
            &HashMap::new(),
            Some(&home),
            Some("work"),
            Path::new(SYSTEM_CREDENTIALS_FILE),
        );
        assert_eq!(
            TccliProfileProvider::lookup(&located)
                .unwrap()
                .unwrap()
                .1
                .region
                .as_deref(),
            Some("ap-beijing")
        );
        assert!(p.source().ends_with(".tccli/work.credential"));
        let missing = TccliProfileProvider::new(&home, "nope");
        assert!(
            missing
                .provide()
                .await
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
    }
}
