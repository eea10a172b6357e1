//! A fixed credential pair given in code.

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};

/// Always provides the same credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
    source: String,
}

impl StaticProvider {
    /// Wraps a pair.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            source: "static credentials".to_owned(),
        }
    }

    /// Wraps a pair read elsewhere, remembering where from (for `config show`).
    pub fn with_source(credentials: Credentials, source: impl Into<String>) -> Self {
        Self {
            credentials,
            source: source.into(),
        }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide(&self) -> ProvideFuture<'_> {
        let c: Result<Credentials, CredentialsError> = Ok(self.credentials.clone());
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
    async fn provides_the_pair_and_hides_the_key() {
        let c = Credentials::new("AKIDstatic", "static-secret-key").unwrap();
        let p = StaticProvider::new(c.clone());
        assert_eq!(p.provide().await.unwrap(), c);
        assert!(!format!("{p:?}").contains("static-secret-key"));
        assert_eq!(p.source(), "static credentials");
    }
}
