//! Credentials from an INI profile file: `TENCENTCLOUD_CREDENTIALS_FILE`, else
//! `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`. Which file is in effect
//! is core's rule (`tcredis_core::credentials::locate`), shared with the CLI's `config show`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tcredis_core::credentials::locate::{
    self, CREDENTIALS_FILE_VAR, IniFiles, LocateError, SYSTEM_CREDENTIALS_FILE,
};

use super::files::{ProfileData, parse_ini_profile, read_secret_file};
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, make_credentials};

/// Reads one section of the INI credentials file.
#[derive(Debug, Clone)]
pub struct ProfileFileProvider {
    credentials: Result<Credentials, CredentialsError>,
    source: String,
}

/// What was found in the INI files for one profile.
#[derive(Debug, Clone)]
pub(crate) struct IniLookup {
    /// The file that was read (the first that exists).
    pub path: Option<PathBuf>,
    /// The section's data, when the file has the section.
    pub data: Option<ProfileData>,
}

impl ProfileFileProvider {
    /// The candidate files in order: `TENCENTCLOUD_CREDENTIALS_FILE` alone when set, else
    /// `<home>/.tencentcloud/credentials` then `system_file` (an empty `home` means none).
    pub fn candidates(
        env: &HashMap<String, String>,
        home: &Path,
        system_file: &Path,
    ) -> Result<Vec<PathBuf>, CredentialsError> {
        match locate::locate(env, Some(home), None, system_file).ini() {
            IniFiles::BlankVariable => Err(locate_error(LocateError::EmptyCredentialsFile)),
            files => Ok(files.candidates().to_vec()),
        }
    }

    /// Reads section `[profile]` of the INI file in effect among `files`.
    pub(crate) fn lookup(files: &IniFiles, profile: &str) -> Result<IniLookup, CredentialsError> {
        let Some(path) = files.select(Path::exists).map_err(locate_error)? else {
            return Ok(IniLookup {
                path: None,
                data: None,
            });
        };
        let Some(text) = read_secret_file(path)? else {
            // Gone between the check and the read.
            return Err(CredentialsError::invalid(
                path.display().to_string(),
                "the file disappeared while it was being read",
            ));
        };
        let data = parse_ini_profile(&text, profile)
            .map_err(|e| CredentialsError::invalid(path.display().to_string(), e))?;
        Ok(IniLookup {
            path: Some(path.to_path_buf()),
            data,
        })
    }

    /// Reads section `[profile]` now; the provider then serves that pair.
    pub fn new(env: &HashMap<String, String>, home: &Path, profile: &str) -> Self {
        Self::with_system_file(env, home, Path::new(SYSTEM_CREDENTIALS_FILE), profile)
    }

    /// Like [`ProfileFileProvider::new`] with another system-wide file (tests).
    pub fn with_system_file(
        env: &HashMap<String, String>,
        home: &Path,
        system_file: &Path,
        profile: &str,
    ) -> Self {
        let located = locate::locate(env, Some(home), Some(profile), system_file);
        let (credentials, source) = match Self::lookup(located.ini(), profile) {
            Ok(IniLookup {
                path: Some(path),
                data: Some(data),
            }) => {
                let source = format!("{} [{profile}]", path.display());
                (pair_from(&source, &data), source)
            }
            Ok(IniLookup {
                path: Some(path),
                data: None,
            }) => {
                let source = format!("{} [{profile}]", path.display());
                (
                    Err(CredentialsError::invalid(
                        &source,
                        "the file has no such section",
                    )),
                    source,
                )
            }
            Ok(IniLookup { path: None, .. }) => {
                let source = "INI credentials file".to_owned();
                (
                    Err(CredentialsError::invalid(
                        &source,
                        "no credentials file exists",
                    )),
                    source,
                )
            }
            Err(e) => (Err(e), "INI credentials file".to_owned()),
        };
        Self {
            credentials,
            source,
        }
    }
}

/// The chain's error for a variable naming no usable file (same words as core's).
pub(crate) fn locate_error(e: LocateError) -> CredentialsError {
    match e {
        LocateError::EmptyCredentialsFile => CredentialsError::invalid(
            CREDENTIALS_FILE_VAR,
            "is set but empty; unset it or name a file",
        ),
        LocateError::MissingCredentialsFile(path) => CredentialsError::invalid(
            format!("{CREDENTIALS_FILE_VAR}={}", path.display()),
            "the file does not exist",
        ),
        other => CredentialsError::invalid(CREDENTIALS_FILE_VAR, other.to_string()),
    }
}

/// The pair of an INI section or tccli profile.
pub(crate) fn pair_from(source: &str, data: &ProfileData) -> Result<Credentials, CredentialsError> {
    match (&data.secret_id, &data.secret_key) {
        (Some(id), Some(key)) => make_credentials(source, id, key, data.token.as_deref()),
        _ => Err(CredentialsError::invalid(
            source,
            "needs both secret_id and secret_key",
        )),
    }
}

impl ProvideCredentials for ProfileFileProvider {
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

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("tcredis-ini-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join(".tencentcloud")).unwrap();
        d
    }

    #[tokio::test]
    async fn home_file_then_system_file() {
        let home = tmp("home");
        let system = home.join("etc-credentials");
        std::fs::write(&system, "[default]\nsecret_id=AKIDsys\nsecret_key=sys\n").unwrap();
        let env = HashMap::new();
        let p = ProfileFileProvider::with_system_file(&env, &home, &system, "default");
        assert_eq!(p.provide().await.unwrap().secret_id(), "AKIDsys");
        assert!(p.source().ends_with("etc-credentials [default]"));
        std::fs::write(
            home.join(".tencentcloud/credentials"),
            "[default]\nsecret_id=AKIDhome\nsecret_key=home\n",
        )
        .unwrap();
        let p = ProfileFileProvider::with_system_file(&env, &home, &system, "default");
        assert_eq!(p.provide().await.unwrap().secret_id(), "AKIDhome");
    }

    #[tokio::test]
    async fn env_file_wins_and_must_exist() {
        let home = tmp("envfile");
        let f = home.join("custom.ini");
        std::fs::write(&f, "[prod]\nsecret_id=AKIDprod\nsecret_key=prod-secret\n").unwrap();
        let mut env = HashMap::new();
        env.insert(CREDENTIALS_FILE_VAR.to_owned(), f.display().to_string());
        let p =
            ProfileFileProvider::with_system_file(&env, &home, Path::new("/nonexistent"), "prod");
        assert_eq!(p.provide().await.unwrap().secret_id(), "AKIDprod");
        let p = ProfileFileProvider::with_system_file(
            &env,
            &home,
            Path::new("/nonexistent"),
            "default",
        );
        assert!(
            p.provide()
                .await
                .unwrap_err()
                .to_string()
                .contains("no such section")
        );
        env.insert(
            CREDENTIALS_FILE_VAR.to_owned(),
            home.join("missing").display().to_string(),
        );
        let p =
            ProfileFileProvider::with_system_file(&env, &home, Path::new("/nonexistent"), "prod");
        assert!(
            p.provide()
                .await
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
        env.insert(CREDENTIALS_FILE_VAR.to_owned(), String::new());
        let e = ProfileFileProvider::candidates(&env, &home, Path::new("/x")).unwrap_err();
        assert!(e.to_string().contains("set but empty"));
    }

    #[tokio::test]
    async fn half_pair_is_an_error_without_secret() {
        let home = tmp("half");
        std::fs::write(
            home.join(".tencentcloud/credentials"),
            "[default]\nsecret_key=only-the-secret\n",
        )
        .unwrap();
        let p = ProfileFileProvider::with_system_file(
            &HashMap::new(),
            &home,
            Path::new("/nonexistent"),
            "default",
        );
        let e = p.provide().await.unwrap_err().to_string();
        assert!(
            e.contains("secret_id") && !e.contains("only-the-secret"),
            "{e}"
        );
    }
}
