//! `--web-config FILE`: TLS and basic authentication for an exposed exporter, in the Prometheus
//! exporter-toolkit format (the file node_exporter and friends take):
//!
//! ```yaml
//! tls_server_config:
//!   cert_file: server.crt      # relative paths are relative to the web config file
//!   key_file: server.key
//! basic_auth_users:
//!   prometheus: $2y$10$...     # bcrypt hashes (htpasswd -nBC 10 "" | tr -d ':\n')
//! ```
//!
//! Keys this exporter does not implement (client certificates, cipher suites, HTTP headers) are
//! refused by name rather than ignored, so a configuration never looks safer than it is.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebConfigFile {
    #[serde(default)]
    tls_server_config: Option<TlsServerConfig>,
    #[serde(default)]
    basic_auth_users: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsServerConfig {
    cert_file: PathBuf,
    key_file: PathBuf,
}

/// What the listener enforces.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// TLS, when configured.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Basic-auth users and their bcrypt hashes (empty: no authentication).
    pub users: Arc<BTreeMap<String, String>>,
    /// `Authorization` values already verified (their SHA-256), so bcrypt runs once per
    /// credential rather than on every scrape.
    verified: Arc<Mutex<HashSet<[u8; 32]>>>,
}

/// At most this many verified credentials are remembered.
const VERIFIED_CAPACITY: usize = 64;

impl WebConfig {
    /// Reads and checks `path`: the YAML, the bcrypt hashes, the certificate and key.
    pub fn load(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--web-config {shown}: cannot read it: {e}"))?;
        let file: WebConfigFile = serde_norway::from_str(&text).map_err(|e| {
            format!(
                "--web-config {shown}: {e}; accepted keys: tls_server_config (cert_file, key_file) and basic_auth_users (user: bcrypt hash)"
            )
        })?;
        for (user, hash) in &file.basic_auth_users {
            if hash.parse::<bcrypt::HashParts>().is_err() {
                return Err(format!(
                    "--web-config {shown}: basic_auth_users.{user} is not a bcrypt hash (like $2y$10$...; make one with `htpasswd -nBC 10 \"\" | tr -d ':\\n'`)"
                ));
            }
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let tls = match file.tls_server_config {
            Some(t) => Some(server_config(
                &dir.join(t.cert_file),
                &dir.join(t.key_file),
            )?),
            None => None,
        };
        Ok(Self {
            tls,
            users: Arc::new(file.basic_auth_users),
            verified: Arc::default(),
        })
    }

    /// Whether a request with this `Authorization` header may pass.
    pub fn authorized(&self, authorization: Option<&str>) -> bool {
        if self.users.is_empty() {
            return true;
        }
        let Some(value) = authorization else {
            return false;
        };
        let digest: [u8; 32] = Sha256::digest(value.as_bytes()).into();
        if self
            .verified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&digest)
        {
            return true;
        }
        let Some((user, password)) = basic_credentials(value) else {
            return false;
        };
        let ok = self
            .users
            .get(&user)
            .is_some_and(|hash| bcrypt::verify(&password, hash).unwrap_or(false));
        if ok {
            let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
            if verified.len() >= VERIFIED_CAPACITY {
                verified.clear();
            }
            verified.insert(digest);
        }
        ok
    }
}

/// `Basic base64(user:password)`.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    let read = |p: &Path, what: &str| {
        std::fs::read(p)
            .map_err(|e| format!("--web-config: cannot read the {what} {}: {e}", p.display()))
    };
    let cert_pem = read(cert, "certificate")?;
    let key_pem = read(key, "key")?;
    let chain: Vec<_> = rustls_pemfile::certs(&mut cert_pem.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| {
            format!(
                "--web-config: {} is not PEM certificates: {e}",
                cert.display()
            )
        })?;
    if chain.is_empty() {
        return Err(format!(
            "--web-config: {} holds no PEM certificate",
            cert.display()
        ));
    }
    let private_key = rustls_pemfile::private_key(&mut key_pem.as_slice())
        .map_err(|e| format!("--web-config: {} is not a PEM key: {e}", key.display()))?
        .ok_or_else(|| format!("--web-config: {} holds no PEM private key", key.display()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("--web-config: TLS: {e}"))?
    .with_no_client_auth()
    .with_single_cert(chain, private_key)
    .map_err(|e| {
        format!("--web-config: the certificate and key do not make a TLS identity: {e}")
    })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(text: &str) -> Result<WebConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.yml");
        std::fs::write(&path, text).unwrap();
        WebConfig::load(&path)
    }

    #[test]
    fn basic_auth_checks_the_bcrypt_hash_and_remembers_a_good_credential() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let config = config_with(&format!("basic_auth_users:\n  prom: '{hash}'\n")).unwrap();
        let header = |user: &str, password: &str| {
            use base64::Engine as _;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )
        };
        assert!(config.authorized(Some(&header("prom", "s3cret"))));
        assert!(config.authorized(Some(&header("prom", "s3cret"))), "cached");
        assert!(!config.authorized(Some(&header("prom", "wrong"))));
        assert!(!config.authorized(Some(&header("other", "s3cret"))));
        assert!(!config.authorized(None));
        assert!(!config.authorized(Some("Bearer x")));
    }

    #[test]
    fn unknown_keys_and_bad_hashes_are_refused_by_name() {
        let e =
            config_with("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n")
                .unwrap_err();
        assert!(
            e.contains("client_ca_file") && e.contains("accepted keys"),
            "{e}"
        );
        let e = config_with("basic_auth_users:\n  prom: plain\n").unwrap_err();
        assert!(
            e.contains("basic_auth_users.prom is not a bcrypt hash"),
            "{e}"
        );
        let e = config_with("tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n")
            .unwrap_err();
        assert!(
            e.contains("cannot read the certificate") && e.contains("nope.crt"),
            "{e}"
        );
        assert!(config_with("{}\n").unwrap().users.is_empty());
    }
}
