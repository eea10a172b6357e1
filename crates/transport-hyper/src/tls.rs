//! The rustls client configuration: ring provider, the bundled Mozilla (webpki) roots or the
//! platform's trust store (`SSL_CERT_FILE` / `SSL_CERT_DIR` from the environment snapshot
//! first, as OpenSSL reads them), extra CA certificates from PEM on top, ALPN `h2` then
//! `http/1.1`. The configuration carries a description of its roots, which TLS errors quote.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;

/// Where trust anchors come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsSettings {
    /// Use the operating system's roots instead of the bundled Mozilla (webpki) roots.
    pub native_roots: bool,
    /// `SSL_CERT_FILE` (native roots only): a PEM bundle used instead of the platform store.
    pub cert_file: Option<PathBuf>,
    /// `SSL_CERT_DIR` (native roots only): directories of PEM files, instead of the platform
    /// store.
    pub cert_dirs: Vec<PathBuf>,
    /// Extra CA certificates (PEM), trusted in addition to the roots above.
    pub extra_roots_pem: Vec<Vec<u8>>,
}

impl TlsSettings {
    /// Native or bundled roots, with `SSL_CERT_FILE` / `SSL_CERT_DIR` (`:`-separated) read from
    /// the environment snapshot.
    pub(crate) fn new(
        native_roots: bool,
        env: &HashMap<String, String>,
        extra_roots_pem: Vec<Vec<u8>>,
    ) -> Self {
        let get = |k: &str| env.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        Self {
            native_roots,
            cert_file: get("SSL_CERT_FILE").map(PathBuf::from),
            cert_dirs: get("SSL_CERT_DIR")
                .map(|v| {
                    v.split(':')
                        .filter(|d| !d.is_empty())
                        .map(PathBuf::from)
                        .collect()
                })
                .unwrap_or_default(),
            extra_roots_pem,
        }
    }
}

/// A client configuration and what it trusts, in words (for error messages).
#[derive(Debug, Clone)]
pub(crate) struct TlsClient {
    pub config: Arc<rustls::ClientConfig>,
    pub roots: String,
}

/// The platform's roots (or `SSL_CERT_FILE` / `SSL_CERT_DIR`), with a description; the bundled
/// roots when the platform has none.
fn native(settings: &TlsSettings, roots: &mut RootCertStore) -> Result<String, String> {
    let from_env = settings.cert_file.is_some() || !settings.cert_dirs.is_empty();
    let loaded = if from_env {
        let mut all =
            rustls_native_certs::load_certs_from_paths(settings.cert_file.as_deref(), None);
        for dir in &settings.cert_dirs {
            let more = rustls_native_certs::load_certs_from_paths(None, Some(dir));
            all.certs.extend(more.certs);
            all.errors.extend(more.errors);
        }
        all
    } else {
        rustls_native_certs::load_native_certs()
    };
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    tracing::debug!(added, ignored, "root certificates loaded");
    let mut names = Vec::new();
    if let Some(f) = &settings.cert_file {
        names.push(format!("SSL_CERT_FILE={}", f.display()));
    }
    if !settings.cert_dirs.is_empty() {
        let dirs: Vec<String> = settings
            .cert_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        names.push(format!("SSL_CERT_DIR={}", dirs.join(":")));
    }
    if from_env {
        if added == 0 {
            let why = loaded
                .errors
                .first()
                .map_or_else(|| "no certificate in it".to_owned(), ToString::to_string);
            return Err(format!(
                "{}: no usable root certificate ({why})",
                names.join(" and ")
            ));
        }
        return Ok(format!("{} ({added} certificates)", names.join(" and ")));
    }
    for e in &loaded.errors {
        tracing::debug!(error = %e, "could not load some system root certificates");
    }
    if added == 0 {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(format!(
            "the bundled Mozilla roots ({} certificates; the system trust store had none)",
            webpki_roots::TLS_SERVER_ROOTS.len()
        ));
    }
    Ok(format!("the system trust store ({added} certificates)"))
}

/// Builds the client configuration, or says which setting was wrong.
pub(crate) fn client_config(settings: &TlsSettings) -> Result<TlsClient, String> {
    let mut roots = RootCertStore::empty();
    let mut described = if settings.native_roots {
        native(settings, &mut roots)?
    } else {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        format!(
            "the bundled Mozilla roots ({} certificates)",
            webpki_roots::TLS_SERVER_ROOTS.len()
        )
    };
    let mut extra = 0;
    for (i, pem) in settings.extra_roots_pem.iter().enumerate() {
        let certs =
            parse_pem_certificates(pem).map_err(|e| format!("CA certificate #{}: {e}", i + 1))?;
        for cert in certs {
            roots.add(cert).map_err(|e| {
                format!(
                    "CA certificate #{} is not a usable trust anchor: {e}",
                    i + 1
                )
            })?;
            extra += 1;
        }
    }
    if extra > 0 {
        described.push_str(&format!(
            " plus {extra} added CA certificate{}",
            if extra == 1 { "" } else { "s" }
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsClient {
        config: Arc::new(config),
        roots: described,
    })
}

/// A failed handshake in words a user can act on: a CA certificate served as the server's own
/// (what `openssl req -x509` makes by default), a name missing from the subjectAltName, an
/// unknown issuer, an expired certificate. Other failures keep rustls's text.
pub(crate) fn explain_handshake_error(e: &std::io::Error, host: &str) -> String {
    use rustls::CertificateError as C;
    let rustls_error = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let Some(rustls::Error::InvalidCertificate(cert)) = rustls_error else {
        return format!("TLS handshake with {host} failed: {e}");
    };
    let why = match cert {
        C::Other(other)
            if matches!(
                other.0.downcast_ref::<webpki::Error>(),
                Some(webpki::Error::CaUsedAsEndEntity)
            ) =>
        {
            format!(
                "the server's certificate is itself a CA certificate (basicConstraints CA:TRUE, what                  `openssl req -x509` makes by default); a CA may only sign the server's certificate.                  Serve a certificate signed by that CA, or make a self-signed server certificate with                  `openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.pem                  -subj /CN={host} -addext subjectAltName=DNS:{host} -addext basicConstraints=critical,CA:FALSE`                  and trust that file"
            )
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => format!(
            "the server's certificate does not name {host} in its subjectAltName (the common name              CN is not used for this); add -addext subjectAltName=DNS:{host} (or IP:...) when making it"
        ),
        C::UnknownIssuer => "the server's certificate is not signed by a trusted CA; pass the CA              that signed it (PEM) as the CA file"
            .to_owned(),
        C::Expired | C::ExpiredContext { .. } => "the server's certificate has expired".to_owned(),
        C::NotValidYet | C::NotValidYetContext { .. } => {
            "the server's certificate is not valid yet (check this machine's clock)".to_owned()
        }
        other => format!("invalid certificate: {other}"),
    };
    format!("TLS handshake with {host} failed: {why}")
}

/// The certificates of a PEM bundle; an error when there is none or the PEM is malformed.
pub(crate) fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let mut reader = pem;
    let certs = rustls_pemfile::certs(&mut reader)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("malformed PEM: {e}"))?;
    if certs.is_empty() {
        return Err("no `-----BEGIN CERTIFICATE-----` block was found in the PEM data".to_owned());
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_offers_h2_and_http11() {
        let c = client_config(&TlsSettings::default()).unwrap();
        assert_eq!(
            c.config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert!(
            c.roots.starts_with("the bundled Mozilla roots"),
            "{}",
            c.roots
        );
    }

    #[test]
    fn bad_pem_is_refused_with_its_position() {
        let s = TlsSettings {
            extra_roots_pem: vec![b"not a pem".to_vec()],
            ..TlsSettings::default()
        };
        let e = client_config(&s).unwrap_err();
        assert!(
            e.contains("CA certificate #1") && e.contains("BEGIN CERTIFICATE"),
            "{e}"
        );
    }

    #[test]
    fn generated_ca_is_accepted() {
        let ca = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let s = TlsSettings {
            extra_roots_pem: vec![ca.cert.pem().into_bytes()],
            ..TlsSettings::default()
        };
        assert!(
            client_config(&s)
                .unwrap()
                .roots
                .ends_with("plus 1 added CA certificate")
        );
    }

    #[test]
    fn ssl_cert_file_replaces_the_system_store() {
        let ca = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let dir = std::env::temp_dir().join(format!("tcredis-roots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ca.pem");
        std::fs::write(&file, ca.cert.pem()).unwrap();
        let env: HashMap<String, String> =
            [("SSL_CERT_FILE".to_owned(), file.display().to_string())].into();
        let c = client_config(&TlsSettings::new(true, &env, Vec::new())).unwrap();
        assert_eq!(
            c.roots,
            format!("SSL_CERT_FILE={} (1 certificates)", file.display())
        );
        let env: HashMap<String, String> = [(
            "SSL_CERT_FILE".to_owned(),
            dir.join("absent.pem").display().to_string(),
        )]
        .into();
        let e = client_config(&TlsSettings::new(true, &env, Vec::new())).unwrap_err();
        assert!(
            e.contains("SSL_CERT_FILE=") && e.contains("no usable root"),
            "{e}"
        );
        // Without native roots the variables are not read.
        let c = client_config(&TlsSettings::new(false, &env, Vec::new())).unwrap();
        assert!(c.roots.starts_with("the bundled Mozilla roots"));
    }
}
