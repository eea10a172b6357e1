//! Paginated streams: every backup of an instance, page by page with bounded memory, and a
//! fan-out over several instances that keeps their order while sharing one pacer.
//!
//! ```text
//! cargo run -p tcredis-transport-hyper --example paginated_stream
//! ```

use futures_util::StreamExt as _;
use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig, MockServer};
use tcredis_transport_hyper::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start_with(MockConfig::new().generate(1_000, 3)).await?;
    let client = Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)?)
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&mock.uri())?)
        .rate_limit(20.0) // the default; shared by every clone and concurrent stream
        .build()?;

    // One instance, Limit 100 (the default page size of the streams).
    let request = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-gen00001")
        .build();
    let mut backups = std::pin::pin!(client.backups(request));
    let mut count = 0;
    while let Some(backup) = backups.next().await {
        let backup = backup?; // an error (e.g. Drift) ends the stream
        count += 1;
        if count <= 3 {
            println!("{}", backup.raw_json()); // the server's JSON, unknown fields included
        }
    }
    println!("crs-gen00001: {count} backups");

    // Three instances, at most two listings in flight, yielded in input order.
    let ids = ["crs-gen00003", "crs-gen00001", "crs-gen00002"];
    let requests = ids
        .iter()
        .map(|id| {
            DescribeInstanceBackupsRequest::builder()
                .instance_id(*id)
                .build()
        })
        .collect();
    let mut pages = std::pin::pin!(client.pages_for_instances(requests, 2));
    while let Some((index, page)) = pages.next().await {
        let page = page?;
        println!(
            "{}: page of {} (TotalCount {})",
            ids[index],
            page.backup_set.len(),
            page.total_count
        );
    }
    Ok(())
}
