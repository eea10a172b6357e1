//! `--mock`: the in-process mock server (demo data, public demo pair) on a loopback port,
//! anchored at the CLI's now (`TCREDIS_NOW`), alive for the duration of the command. Requests
//! go over real loopback HTTP through the same client as real runs, pacer included.

use tcredis_core::endpoint::Endpoint;
use tcredis_mock::{MockConfig, MockServer};

use crate::exit::CliError;
use crate::time::now::Now;

/// A running mock; dropping it shuts it down.
#[derive(Debug)]
pub struct RunningMock {
    /// Kept to keep the server running; dropping it shuts the server down.
    _server: MockServer,
    endpoint: Endpoint,
}

impl RunningMock {
    /// Where the mock listens, as an endpoint (`http://127.0.0.1:PORT`).
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint.clone()
    }
}

/// Starts the mock with the demo data anchored at `now` when `TCREDIS_NOW` set it.
pub async fn start(now: Now) -> Result<RunningMock, CliError> {
    let mut config = MockConfig::new().demo();
    if now.overridden {
        config = config.now_override(now.unix);
    }
    let server = MockServer::start_with(config)
        .await
        .map_err(|e| CliError::network(format!("--mock: cannot start the in-process mock: {e}")))?;
    let endpoint = Endpoint::parse(&server.uri())
        .map_err(|e| CliError::network(format!("--mock: unexpected mock address: {e}")))?;
    Ok(RunningMock {
        _server: server,
        endpoint,
    })
}
