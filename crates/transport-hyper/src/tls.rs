//! The rustls client configuration: ring provider, webpki roots by default (or the platform's
//! native roots), extra CA certificates from PEM, ALPN `h2` then `http/1.1`.

use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;

/// Where trust anchors come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsSettings {
    /// Use the operating system's roots instead of the bundled Mozilla (webpki) roots.
    pub native_roots: bool,
    /// Extra CA certificates (PEM), trusted in addition to the roots above.
    pub extra_roots_pem: Vec<Vec<u8>>,
}

/// Builds the client configuration, or says which setting was wrong.
pub(crate) fn client_config(settings: &TlsSettings) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    if settings.native_roots {
        let loaded = rustls_native_certs::load_native_certs();
        for e in &loaded.errors {
            tracing::warn!(error = %e, "could not load some native root certificates");
        }
        let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
        tracing::debug!(added, ignored, "native root certificates loaded");
        if added == 0 {
            return Err(
                "no usable root certificate was found in the platform's trust store; \
                        turn native roots off or add a CA file"
                    .to_owned(),
            );
        }
    } else {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
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
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
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
        assert_eq!(c.alpn_protocols, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
    }

    #[test]
    fn bad_pem_is_refused_with_its_position() {
        let s = TlsSettings {
            native_roots: false,
            extra_roots_pem: vec![b"not a pem".to_vec()],
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
            native_roots: false,
            extra_roots_pem: vec![ca.cert.pem().into_bytes()],
        };
        assert!(client_config(&s).is_ok());
    }
}
