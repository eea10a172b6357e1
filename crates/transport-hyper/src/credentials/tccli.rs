//! Credentials from tccli's profile files: `~/.tccli/<profile>.credential` (JSON `secretId`,
//! `secretKey`, `token`, `type`, `role-arn`, `role-session-name`) and the region from
//! `~/.tccli/<profile>.configure` (`_sys_param.region`).

use std::path::{Path, PathBuf};

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
    /// The credential file of `profile`.
    pub fn credential_path(home: &Path, profile: &str) -> PathBuf {
        home.join(".tccli").join(format!("{profile}.credential"))
    }

    /// `Ok(None)` when the file does not exist.
    pub(crate) fn lookup(
        home: &Path,
        profile: &str,
    ) -> Result<Option<(PathBuf, ProfileData)>, CredentialsError> {
        let path = Self::credential_path(home, profile);
        let Some(text) = read_secret_file(&path)? else {
            return Ok(None);
        };
        let mut data = parse_tccli_credential(&text)
            .map_err(|e| CredentialsError::invalid(path.display().to_string(), e))?;
        let configure = home.join(".tccli").join(format!("{profile}.configure"));
        if let Some(text) = read_config_file(&configure)? {
            (data.region, data.sts_endpoint) = parse_tccli_configure(&text);
        }
        Ok(Some((path, data)))
    }

    /// Reads the profile now.
    pub fn new(home: &Path, profile: &str) -> Self {
        let path = Self::credential_path(home, profile);
        let source = path.display().to_string();
        let credentials = match Self::lookup(home, profile) {
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
        assert_eq!(
            TccliProfileProvider::lookup(&home, "work")
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
