//! Where requests go. What the commands need from the API is one small trait, [`Api`]: fetch
//! one page, or stream every page of a query. The transport's client ([`client`]) implements it
//! for real runs and `--mock` runs alike, errors already classified into exit outcomes; for
//! `--mock` the in-process mock ([`mock`]) is started first and becomes the endpoint.

pub mod client;
pub mod mock;

use std::future::Future;
use std::pin::Pin;

use crate::config::settings::{Settings, Source, Sourced};
use crate::exit::CliError;
use crate::time::now::Now;
use futures_util::Stream;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::Backup;

/// One page of results.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The server's TotalCount for the query.
    pub total_count: i64,
    /// The backups on this page, in server order.
    pub items: Vec<Backup>,
}

/// A boxed future of one page.
pub type PageFuture = Pin<Box<dyn Future<Output = Result<Page, CliError>> + Send + 'static>>;
/// A boxed stream of pages.
pub type PageStream = Pin<Box<dyn Stream<Item = Result<Page, CliError>> + Send + 'static>>;

/// The API as the commands use it.
pub trait Api: Send + Sync + 'static {
    /// One request, exactly as given.
    fn page(&self, request: DescribeInstanceBackupsRequest) -> PageFuture;
    /// Every page of the query (Limit 100), with the transport's drift detection; with
    /// `max_items`, the listing fails ([`CliError::network`], exit 4) once it would yield more
    /// (the core's item cap), its message from `explain`.
    fn pages(
        &self,
        request: DescribeInstanceBackupsRequest,
        max_items: Option<u64>,
        explain: Box<dyn Fn(u64) -> String + Send + Sync>,
    ) -> PageStream;
}

/// Starts the in-process mock when `--mock` asked for it and points the settings' endpoint at
/// it; the returned guard keeps it running until dropped. Without `--mock`, nothing starts.
pub async fn start_mock(
    mock: bool,
    settings: &mut Settings,
    now: Now,
) -> Result<Option<mock::RunningMock>, CliError> {
    if !mock {
        return Ok(None);
    }
    let server = mock::start(now).await?;
    settings.endpoint = Sourced {
        value: server.endpoint(),
        source: Source::Mock,
    };
    Ok(Some(server))
}

/// The API over a client built from the resolved settings and credentials
/// ([`client::build`], for the first of the command's regions; the others are reached through
/// [`client::ClientApi::for_region`]).
pub fn connect(client: tcredis_transport_hyper::Client) -> client::ClientApi {
    client::api(client)
}
