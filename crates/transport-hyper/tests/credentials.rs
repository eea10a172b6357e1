//! Remote credential providers over real loopback sockets: the CVM role from a loopback
//! metadata service (and its refresh), STS AssumeRole and AssumeRoleWithWebIdentity against the
//! mock's STS emulation, and the default chain wiring them into a working client.

mod support;

use std::collections::HashMap;

use futures_util::StreamExt as _;
use support::MetadataServer;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig, MockServer};
use tcredis_transport_hyper::Client;
use tcredis_transport_hyper::credentials::{
    ChainConfig, CvmRoleProvider, DefaultChain, FetchSettings, ProvideCredentials, StaticProvider,
    StsAssumeRoleProvider, WebIdentityProvider,
};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/tcredis-test";

fn metadata_env(server: &MetadataServer) -> HashMap<String, String> {
    [(
        "TENCENTCLOUD_METADATA_ENDPOINT".to_owned(),
        format!("http://{}", server.addr),
    )]
    .into()
}

#[tokio::test]
async fn cvm_role_is_fetched_and_cached_until_refresh_time() {
    let server = MetadataServer::start("tcredis-role", 3600).await;
    let p = CvmRoleProvider::from_env(&metadata_env(&server), FetchSettings::default());
    let a = p.provide().await.unwrap();
    let b = p.provide().await.unwrap();
    assert_eq!(a.secret_id(), "AKIDcvm1");
    assert_eq!(a.token().unwrap().expose(), "cvm-token-1");
    assert_eq!(b, a, "a pair valid for an hour is served from the cache");
    assert_eq!(server.fetches(), 1);
    assert!(!format!("{p:?}").contains("cvm-secret"));
}

#[tokio::test]
async fn cvm_role_is_refreshed_within_five_minutes_of_expiry() {
    // Every pair expires in 100 s, inside the 300 s refresh margin: each provide refetches.
    let server = MetadataServer::start("tcredis-role", 100).await;
    let p = CvmRoleProvider::from_env(&metadata_env(&server), FetchSettings::default());
    assert_eq!(p.provide().await.unwrap().secret_id(), "AKIDcvm1");
    assert_eq!(p.provide().await.unwrap().secret_id(), "AKIDcvm2");
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn cvm_without_a_role_is_a_clear_error() {
    let server = MetadataServer::start("tcredis-role", 3600).await;
    let p = CvmRoleProvider::from_env(&metadata_env(&server), FetchSettings::default())
        .role_name("other-role");
    let e = p.provide().await.unwrap_err().to_string();
    assert!(e.contains("other-role") && e.contains("404"), "{e}");
}

async fn sts_mock() -> (MockServer, HashMap<String, String>) {
    let mock = MockServer::start_with(MockConfig::new().generate(40, 1).rate_limit(0))
        .await
        .unwrap();
    let env = [("TENCENTCLOUD_STS_ENDPOINT".to_owned(), mock.uri())].into();
    (mock, env)
}

async fn list_with(mock: &MockServer, provider: impl ProvideCredentials + 'static) -> usize {
    let client = Client::builder()
        .credentials_provider(provider)
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        .build()
        .unwrap();
    let req = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-gen00001")
        .limit(100)
        .build();
    client.backups(req).map(|b| b.unwrap()).count().await
}

#[tokio::test]
async fn sts_assume_role_against_the_mock() {
    let (mock, env) = sts_mock().await;
    let base = StaticProvider::new(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap());
    let p = StsAssumeRoleProvider::new(
        std::sync::Arc::new(base),
        ROLE_ARN,
        Some("tcredis-test".into()),
        &env,
        FetchSettings::default(),
    );
    let temp = p.provide().await.unwrap();
    assert_ne!(temp.secret_id(), DEMO_SECRET_ID);
    assert!(temp.token().is_some());
    assert_eq!(
        p.provide().await.unwrap(),
        temp,
        "cached until its refresh time"
    );
    assert!(p.source().contains(ROLE_ARN));
    assert_eq!(list_with(&mock, p).await, 40);
    let sts_calls = mock
        .journal()
        .iter()
        .filter(|e| e.action.as_deref() == Some("AssumeRole"))
        .count();
    assert_eq!(sts_calls, 1);
}

#[tokio::test]
async fn web_identity_against_the_mock() {
    let (mock, mut env) = sts_mock().await;
    let dir = std::env::temp_dir().join(format!("tcredis-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("token");
    std::fs::write(&token, "eyJhbGciOi.test-oidc-token.sig\n").unwrap();
    env.insert("TKE_PROVIDER_ID".into(), "tcredis-oidc".into());
    env.insert(
        "TKE_WEB_IDENTITY_TOKEN_FILE".into(),
        token.display().to_string(),
    );
    env.insert("TKE_ROLE_ARN".into(), ROLE_ARN.into());
    env.insert("TKE_REGION".into(), "ap-guangzhou".into());
    let p = WebIdentityProvider::from_env(&env, FetchSettings::default())
        .expect("TKE variables are set");
    let temp = p.provide().await.unwrap();
    assert!(temp.token().is_some());
    assert_eq!(list_with(&mock, p).await, 40);
    let entry = mock
        .journal()
        .into_iter()
        .find(|e| e.action.as_deref() == Some("AssumeRoleWithWebIdentity"))
        .expect("the mock saw the call");
    assert!(entry.code.is_none(), "{entry:?}");
}

#[tokio::test]
async fn default_chain_with_a_role_lists_through_sts() {
    let (mock, mut env) = sts_mock().await;
    env.insert("TENCENTCLOUD_SECRET_ID".into(), DEMO_SECRET_ID.into());
    env.insert("TENCENTCLOUD_SECRET_KEY".into(), DEMO_SECRET_KEY.into());
    env.insert("TENCENTCLOUD_ROLE_ARN".into(), ROLE_ARN.into());
    env.insert("TENCENTCLOUD_ROLE_SESSION_NAME".into(), "chain-test".into());
    let home = std::env::temp_dir().join(format!("tcredis-chain-home-{}", std::process::id()));
    let mut config = ChainConfig::new(env, &home);
    config.system_credentials_file = home.join("none");
    let resolved = DefaultChain::resolve(&config).unwrap();
    assert!(
        resolved.source().starts_with("STS AssumeRole"),
        "{}",
        resolved.source()
    );
    let client = Client::builder()
        .shared_credentials_provider(resolved.provider.clone())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri()).unwrap())
        .rate_limit(0.0)
        .build()
        .unwrap();
    let page = client
        .describe_instance_backups(
            &DescribeInstanceBackupsRequest::builder()
                .instance_id("crs-gen00001")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 40);
}
