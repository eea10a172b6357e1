//! Credentials from tccli's profile files: `~/.tccli/<profile>.credential` (JSON `secretId`,
//! `secretKey`, `token`, `type`, `role-arn`, `role-session-name`, and `expiresAt` for the
//! `oauth` and `sso` logins) and the region from `~/.tccli/<profile>.configure`
//! (`_sys_param.region`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tcredis_core::credentials::locate::{self, CredentialLocations, SYSTEM_CREDENTIALS_FILE};

use super::cache::now_unix;
use super::files::{
    ProfileData, parse_tccli_configure, parse_tccli_credential, read_config_file, read_secret_file,
};
use super::profile_file::pair_from;
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// How long before `expiresAt` the keys of a tccli `oauth` / `sso` login stop being used.
pub const LOGIN_EXPIRY_MARGIN_SECONDS: i64 = 300;

/// The temporary keys of a tccli `oauth` or `sso` login: served until
/// [`LOGIN_EXPIRY_MARGIN_SECONDS`] before their `expiresAt`, then refused with the tccli
/// command that renews them.
#[derive(Debug, Clone)]
pub(crate) struct LoginProvider {
    credentials: Credentials,
    source: String,
    expires_at: i64,
    login_command: &'static str,
    profile: String,
}

impl LoginProvider {
    pub(crate) fn new(
        credentials: Credentials,
        source: String,
        expires_at: i64,
        login_command: &'static str,
        profile: &str,
    ) -> Self {
        Self {
            credentials,
            source,
            expires_at,
            login_command,
            profile: profile.to_owned(),
        }
    }

    /// The keys at `now` (Unix seconds), or the error that says to log in again.
    pub(crate) fn at(&self, now: i64) -> Result<Credentials, CredentialsError> {
        if now < self.expires_at.saturating_sub(LOGIN_EXPIRY_MARGIN_SECONDS) {
            return Ok(self.credentials.clone());
        }
        let when = tcredis_core::time::BeijingTime::from_unix(self.expires_at);
        let profile = if self.profile == "default" {
            String::new()
        } else {
            format!(" --profile {}", self.profile)
        };
        Err(CredentialsError::invalid(
            &self.source,
            format!(
                "the login's temporary keys expire at {when} UTC+8 (they are not used in their last 5 minutes); \
                 run `{}{profile}` and try again",
                self.login_command
            ),
        ))
    }
}

impl ProvideCredentials for LoginProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        let c = self.at(now_unix());
        Box::pin(async move { c })
    }
    fn source(&self) -> String {
        self.source.clone()
    }
}

/// Reads `~/.tccli/<profile>.credential`: a key pair, or the temporary keys of an `oauth` /
/// `sso` login (used until 5 minutes before their `expiresAt`).
#[derive(Debug, Clone)]
pub struct TccliProfileProvider {
    credentials: Result<Credentials, CredentialsError>,
    login: Option<LoginProvider>,
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
        if data.login_command.is_some() && data.expires_at.is_none() {
            return Err(CredentialsError::invalid(
                path.display().to_string(),
                "a tccli login credential needs its \"expiresAt\" (Unix seconds)",
            ));
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
        let mut login = None;
        let credentials = match Self::lookup(&located) {
            Ok(Some((_, data))) if data.cvm_role => Err(CredentialsError::invalid(
                &source,
                "is a cvm-role profile: use the CVM role provider (--use-cvm-role)",
            )),
            Ok(Some((_, data))) => {
                let pair = pair_from(&source, &data);
                if let (Ok(c), Some(command), Some(at)) =
                    (&pair, data.login_command, data.expires_at)
                {
                    login = Some(LoginProvider::new(
                        c.clone(),
                        source.clone(),
                        at,
                        command,
                        profile,
                    ));
                }
                pair
            }
            Ok(None) => Err(CredentialsError::invalid(
                &source,
                "the file does not exist",
            )),
            Err(e) => Err(e),
        };
        Self {
            credentials,
            login,
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
        let c = match &self.login {
            Some(login) => login.at(now_unix()),
            None => self.credentials.clone(),
        };
        Box::pin(async move { c })
    }
    fn source(&self) -> String {
        self.source.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_is_used_until_five_minutes_before_it_expires() {
        let c = Credentials::new("AKIDlogin", "login-key")
            .unwrap()
            .with_token("t")
            .unwrap();
        let p = LoginProvider::new(c, "x.credential".into(), 10_000, "tccli sso login", "work");
        assert_eq!(p.at(10_000 - 301).unwrap().secret_id(), "AKIDlogin");
        let e = p.at(10_000 - 300).unwrap_err().to_string();
        assert!(
            e.starts_with("x.credential: ") && e.contains("run `tccli sso login --profile work`"),
            "{e}"
        );
        assert!(!e.contains("login-key"));
    }

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
