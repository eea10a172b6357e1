//! Self-signed certificates as people make them (issue 17, item 13): OpenSSL's default
//! `req -x509` certificate is a CA (basicConstraints CA:TRUE) served as the server's own, which
//! webpki refuses; the error must say so and how to make one that works — and that one must
//! work through the CA file. Real loopback TLS.

mod support;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use support::{CannedServer, EMPTY_PAGE, TestPki};
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_transport_hyper::{Client, Error};

/// A self-signed certificate for `localhost` serving as its own trust anchor.
fn self_signed(is_ca: bool, names: Vec<String>) -> TestPki {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(names).unwrap();
    params.is_ca = if is_ca {
        IsCa::Ca(BasicConstraints::Unconstrained)
    } else {
        IsCa::ExplicitNoCa
    };
    let cert = params.self_signed(&key).unwrap();
    TestPki {
        ca_pem: cert.pem(),
        leaf_der: cert.der().to_vec(),
        key_der: key.serialize_der(),
    }
}

async fn call(pki: &TestPki) -> Result<u64, Error> {
    let server = CannedServer::start(Some(pki), EMPTY_PAGE).await;
    let client = Client::builder()
        .credentials(Credentials::new("AKIDTLS", "tls-test-secret").unwrap())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&format!("https://localhost:{}", server.addr.port())).unwrap())
        .add_root_certificate_pem(pki.ca_pem.as_bytes())
        .rate_limit(0.0)
        .max_retries(0)
        .build()
        .unwrap();
    client
        .describe_instance_backups(&DescribeInstanceBackupsRequest::default())
        .await
        .map(|page| page.total_count)
}

#[tokio::test]
async fn an_openssl_default_self_signed_ca_gets_an_explanation_and_a_recipe() {
    let err = call(&self_signed(true, vec!["localhost".into()]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("is itself a CA certificate (basicConstraints CA:TRUE")
            && text.contains("-addext basicConstraints=critical,CA:FALSE")
            && text.contains("subjectAltName=DNS:localhost"),
        "{text}"
    );
    assert!(!text.contains("OtherError"), "no rustls internals: {text}");
}

#[tokio::test]
async fn the_recommended_self_signed_certificate_is_trusted_through_the_ca_file() {
    assert_eq!(
        call(&self_signed(false, vec!["localhost".into()]))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_certificate_without_the_host_in_its_subject_alt_name_is_explained() {
    let err = call(&self_signed(false, vec!["elsewhere.example".into()]))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("does not name localhost in its subjectAltName"),
        "{text}"
    );
}
