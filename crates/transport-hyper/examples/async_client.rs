//! The async client: one `DescribeInstanceBackups` call.
//!
//! Runs against the in-process mock (demo data, public demo credentials) so it works anywhere:
//!
//! ```text
//! cargo run -p tcredis-transport-hyper --example async_client
//! ```
//!
//! Against the real API, resolve credentials with the default chain instead (environment,
//! `~/.tencentcloud/credentials`, tccli profiles, STS, CVM role) and drop `.endpoint(..)`:
//!
//! ```text
//! let env: HashMap<String, String> = std::env::vars().collect();
//! let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
//! let resolved = DefaultChain::resolve(&ChainConfig::new(env.clone(), home))?;
//! let client = Client::builder()
//!     .shared_credentials_provider(resolved.provider)
//!     .region("ap-guangzhou")
//!     .env(env) // HTTPS_PROXY / NO_PROXY
//!     .build()?;
//! ```

use std::time::Duration;

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer};
use tcredis_transport_hyper::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start().await?;

    let client = Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)?)
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri())?)
        .request_timeout(Duration::from_secs(10))
        .deadline(Duration::from_secs(60))
        .language("en-US")
        .build()?;

    let request = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-demo0001")
        .limit(10)
        .build();
    match client.describe_instance_backups(&request).await {
        Ok(page) => {
            println!(
                "TotalCount {} (RequestId {})",
                page.total_count, page.request_id
            );
            for backup in &page.backup_set {
                let b = backup.fields();
                println!(
                    "{}  {}  status={:?}  {} bytes",
                    b.start_time.as_deref().unwrap_or("-"),
                    b.backup_id.as_deref().unwrap_or("-"),
                    b.status,
                    b.backup_size.unwrap_or_default()
                );
            }
        }
        Err(e) => match e.api_error() {
            Some(api) => eprintln!(
                "API error {} ({}), RequestId {}",
                api.code(),
                api.message(),
                api.request_id()
            ),
            None => eprintln!("failed: {e}"),
        },
    }
    Ok(())
}
