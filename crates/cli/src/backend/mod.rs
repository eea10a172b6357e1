//! What the commands need from the API, as one small trait: fetch one page, or stream every
//! page of a query. The transport's client implements it for real runs and `--mock` runs alike;
//! errors arrive already classified into exit outcomes.

pub mod client;
pub mod mock;

use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;
use tcredis_core::request::DescribeInstanceBackupsRequest;

use crate::exit::CliError;
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
    /// Every page of the query (Limit 100), with the transport's drift detection.
    fn pages(&self, request: DescribeInstanceBackupsRequest) -> PageStream;
}
