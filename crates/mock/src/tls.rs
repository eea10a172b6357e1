//! HTTPS for the mock: a throw-away CA and a server certificate made at start (rcgen), for
//! localhost, 127.0.0.1, ::1 and the Tencent Cloud hosts a client may keep as its signed Host.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use tcredis_core::endpoint::KNOWN_REGIONS;

/// The names the server certificate covers.
pub(crate) fn subject_alt_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "localhost",
        "127.0.0.1",
        "::1",
        "redis.tencentcloudapi.com",
        "redis.intl.tencentcloudapi.com",
        "sts.tencentcloudapi.com",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    names.extend(
        KNOWN_REGIONS
            .iter()
            .map(|r| format!("redis.{r}.tencentcloudapi.com")),
    );
    names
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("cannot make the mock's TLS {what}: {e}"))
}

/// A CA (its PEM for clients) and a rustls server configuration with a certificate it signed.
pub(crate) struct MockTls {
    pub(crate) ca_pem: String,
    pub(crate) server_config: Arc<rustls::ServerConfig>,
}

pub(crate) fn make() -> io::Result<MockTls> {
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).map_err(|e| tls_error("CA", e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "tcredis-mock throw-away test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(|e| tls_error("CA key", e))?;
    let ca = ca_params
        .self_signed(&ca_key)
        .map_err(|e| tls_error("CA", e))?;

    let mut leaf_params =
        CertificateParams::new(subject_alt_names()).map_err(|e| tls_error("certificate", e))?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "tcredis-mock");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let leaf_key = KeyPair::generate().map_err(|e| tls_error("certificate key", e))?;
    let leaf = leaf_params
        .signed_by(&leaf_key, &ca, &ca_key)
        .map_err(|e| tls_error("certificate", e))?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| tls_error("configuration", e))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| tls_error("configuration", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(MockTls {
        ca_pem: ca.pem(),
        server_config: Arc::new(config),
    })
}
