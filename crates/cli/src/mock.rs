//! `--mock`: the in-process mock server (demo data, public demo pair) on a loopback port,
//! anchored at the CLI's now (`TCREDIS_NOW`), alive for the duration of the command.

use tcredis_core::endpoint::Endpoint;

use crate::clock::Now;
use crate::exit::CliError;

/// A running mock.
#[derive(Debug)]
pub struct RunningMock {
    endpoint: Endpoint,
}

impl RunningMock {
    /// Where the mock listens, as an endpoint (`http://127.0.0.1:PORT`).
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint.clone()
    }
}

/// Starts the mock.
pub async fn start(_now: Now) -> Result<RunningMock, CliError> {
    Err(CliError::usage(
        "--mock: the in-process mock is not available in this build yet",
    ))
}
