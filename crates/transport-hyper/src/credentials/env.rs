//! Credentials from the environment snapshot: `TENCENTCLOUD_SECRET_ID`,
//! `TENCENTCLOUD_SECRET_KEY` and the optional `TENCENTCLOUD_TOKEN` (aliases
//! `TENCENTCLOUD_SESSION_TOKEN` and Terraform's `TENCENTCLOUD_SECURITY_TOKEN`, in that order).

use std::collections::HashMap;
use std::fmt;

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, make_credentials};

/// The variable holding the SecretId.
pub const SECRET_ID_VAR: &str = "TENCENTCLOUD_SECRET_ID";
/// The variable holding the SecretKey.
pub const SECRET_KEY_VAR: &str = "TENCENTCLOUD_SECRET_KEY";
/// The variable holding a session token (tccli's name).
pub const TOKEN_VAR: &str = "TENCENTCLOUD_TOKEN";
/// Accepted alias of [`TOKEN_VAR`].
pub const SESSION_TOKEN_VAR: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// Accepted alias of [`TOKEN_VAR`] (the name the Terraform provider reads).
pub const SECURITY_TOKEN_VAR: &str = "TENCENTCLOUD_SECURITY_TOKEN";

/// Reads the pair from an environment snapshot.
#[derive(Clone)]
pub struct EnvProvider {
    credentials: Result<Credentials, CredentialsError>,
}

impl fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvProvider")
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl EnvProvider {
    /// Reads the variables from `env` once.
    pub fn new(env: &HashMap<String, String>) -> Self {
        Self {
            credentials: Self::read(env)
                .and_then(|c| c.ok_or_else(|| CredentialsError::invalid(SECRET_ID_VAR, "not set"))),
        }
    }

    /// `Ok(None)` when neither variable is set; an error when only one is set or a value is
    /// unusable (as the Go SDK: both set but one empty is an error).
    pub fn read(env: &HashMap<String, String>) -> Result<Option<Credentials>, CredentialsError> {
        let id = env.get(SECRET_ID_VAR);
        let key = env.get(SECRET_KEY_VAR);
        let (id, key) = match (id, key) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(CredentialsError::invalid(
                    SECRET_KEY_VAR,
                    format!("is not set while {SECRET_ID_VAR} is; set both or neither"),
                ));
            }
            (None, Some(_)) => {
                return Err(CredentialsError::invalid(
                    SECRET_ID_VAR,
                    format!("is not set while {SECRET_KEY_VAR} is; set both or neither"),
                ));
            }
            (Some(id), Some(key)) => (id, key),
        };
        let token = [TOKEN_VAR, SESSION_TOKEN_VAR, SECURITY_TOKEN_VAR]
            .into_iter()
            .find_map(|name| env.get(name).filter(|t| !t.is_empty()));
        make_credentials(
            "environment (TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY)",
            id,
            key,
            token.map(String::as_str),
        )
        .map(Some)
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        let c = self.credentials.clone();
        Box::pin(async move { c })
    }
    fn source(&self) -> String {
        format!("env {SECRET_ID_VAR}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn unset_is_none_and_pair_is_read() {
        assert_eq!(EnvProvider::read(&env(&[])).unwrap(), None);
        let c = EnvProvider::read(&env(&[
            (SECRET_ID_VAR, "AKIDenv"),
            (SECRET_KEY_VAR, "env-key"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(c.secret_id(), "AKIDenv");
        assert_eq!(c.secret_key().expose(), "env-key");
        assert!(c.token().is_none());
    }

    #[test]
    fn token_and_alias() {
        let base = [(SECRET_ID_VAR, "AKIDenv"), (SECRET_KEY_VAR, "env-key")];
        let mut e = env(&base);
        e.insert(SECURITY_TOKEN_VAR.into(), "terraform-token".into());
        assert_eq!(
            EnvProvider::read(&e)
                .unwrap()
                .unwrap()
                .token()
                .unwrap()
                .expose(),
            "terraform-token"
        );
        e.insert(SESSION_TOKEN_VAR.into(), "alias-token".into());
        assert_eq!(
            EnvProvider::read(&e)
                .unwrap()
                .unwrap()
                .token()
                .unwrap()
                .expose(),
            "alias-token"
        );
        e.insert(TOKEN_VAR.into(), "main-token".into());
        assert_eq!(
            EnvProvider::read(&e)
                .unwrap()
                .unwrap()
                .token()
                .unwrap()
                .expose(),
            "main-token"
        );
    }

    #[test]
    fn half_set_or_empty_is_an_error_without_the_secret() {
        let e = EnvProvider::read(&env(&[(SECRET_ID_VAR, "AKIDenv")])).unwrap_err();
        assert!(e.to_string().contains(SECRET_KEY_VAR), "{e}");
        let e = EnvProvider::read(&env(&[(SECRET_ID_VAR, "AKIDenv"), (SECRET_KEY_VAR, "")]))
            .unwrap_err();
        assert!(e.to_string().contains("SecretKey is empty"), "{e}");
        let e = EnvProvider::read(&env(&[
            (SECRET_ID_VAR, "AKIDenv"),
            (SECRET_KEY_VAR, " padded-secret "),
        ]))
        .unwrap_err();
        assert!(!e.to_string().contains("padded-secret"), "{e}");
    }

    #[tokio::test]
    async fn provider_provides_and_debug_redacts() {
        let p = EnvProvider::new(&env(&[
            (SECRET_ID_VAR, "AKIDenv"),
            (SECRET_KEY_VAR, "env-secret-value"),
        ]));
        assert_eq!(p.provide().await.unwrap().secret_id(), "AKIDenv");
        assert!(!format!("{p:?}").contains("env-secret-value"));
    }
}
