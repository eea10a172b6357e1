//! Record mode of the binary (feature `record`): the [`Upstream`] that re-signs each forwarded
//! request with real credentials (the usual chain: environment, profile files, role, ...) using
//! the transport crate's client, sends it to `--record-from`, and appends the exchange to the
//! `--record-to` cassette. The library only knows the `Upstream` seam.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tcredis_core::Action;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::error::ResponseError;
use tcredis_mock::{CassetteEntry, ForwardAnswer, ForwardFuture, ForwardRequest, Upstream};
use tcredis_transport_hyper::Client;
use tcredis_transport_hyper::credentials::{ChainConfig, DefaultChain, SharedProvider};

/// A redis action forwarded with its parameters as the body; the answer is kept raw.
macro_rules! forwarded_action {
    ($name:ident, $action:literal) => {
        #[derive(Debug)]
        struct $name(Vec<u8>);
        impl Action for $name {
            type Output = Vec<u8>;
            const SERVICE: &'static str = "redis";
            const NAME: &'static str = $action;
            const VERSION: &'static str = "2018-04-12";
            const DEFAULT_HOST: &'static str = "redis.tencentcloudapi.com";
            fn to_body(&self) -> Vec<u8> {
                self.0.clone()
            }
            fn parse(body: &[u8]) -> Result<Vec<u8>, ResponseError> {
                // Errors are answers too: they are recorded and passed on unchanged.
                Ok(body.to_vec())
            }
        }
    };
}

forwarded_action!(ForwardBackups, "DescribeInstanceBackups");
forwarded_action!(ForwardInstances, "DescribeInstances");
forwarded_action!(ForwardAutoBackupConfig, "DescribeAutoBackupConfig");

/// The recording proxy's upstream.
pub(crate) struct Recorder {
    endpoint: Endpoint,
    credentials: SharedProvider,
    env: HashMap<String, String>,
    clients: Mutex<HashMap<String, Client>>,
    cassette: Arc<Mutex<File>>,
    cassette_path: PathBuf,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("endpoint", &self.endpoint.base_uri())
            .field("cassette", &self.cassette_path)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// Resolves the real credentials (never printed) and opens the cassette for appending.
    pub(crate) fn new(url: &str, cassette: &Path) -> Result<Self, String> {
        let endpoint = Endpoint::parse(url).map_err(|e| format!("--record-from {url:?}: {e}"))?;
        let env: HashMap<String, String> = std::env::vars().collect();
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let resolved = DefaultChain::resolve(&ChainConfig::new(env.clone(), home)).map_err(|e| {
            format!("--record-from needs real credentials (TENCENTCLOUD_SECRET_ID/KEY, a profile, a role): {e}")
        })?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(cassette)
            .map_err(|e| format!("--record-to {}: {e}", cassette.display()))?;
        Ok(Self {
            endpoint,
            credentials: resolved.provider,
            env,
            clients: Mutex::new(HashMap::new()),
            cassette: Arc::new(Mutex::new(file)),
            cassette_path: cassette.to_owned(),
        })
    }

    /// The client for a region and `X-TC-Language` (one per pair, kept).
    fn client(&self, region: &str, language: Option<&str>) -> Result<Client, String> {
        let key = format!("{region}\n{}", language.unwrap_or(""));
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let mut builder = Client::builder()
            .shared_credentials_provider(self.credentials.clone())
            .endpoint(self.endpoint.clone())
            .region(region)
            .env(self.env.clone())
            .rate_limit(0.0)
            .max_retries(0);
        if let Some(language) = language {
            builder = builder.language(language);
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}

impl Upstream for Recorder {
    fn forward(&self, request: ForwardRequest) -> ForwardFuture {
        let client = match request.region.as_deref() {
            Some(region) => self.client(region, request.language.as_deref()),
            None => Err("the request names no region (X-TC-Region); the recording proxy forwards regional requests only".to_owned()),
        };
        let cassette = self.cassette.clone();
        let cassette_path = self.cassette_path.clone();
        Box::pin(async move {
            let client = client?;
            let body = serde_json::to_vec(&request.params).map_err(|e| e.to_string())?;
            let answer = match request.action.as_str() {
                "DescribeInstanceBackups" => client.call(&ForwardBackups(body)).await,
                "DescribeInstances" => client.call(&ForwardInstances(body)).await,
                "DescribeAutoBackupConfig" => client.call(&ForwardAutoBackupConfig(body)).await,
                other => return Err(format!("the recording proxy does not forward {other}")),
            }
            .map_err(|e| e.to_string())?;
            // The transport hands over only complete 200 answers; the API sends them as JSON.
            let answer = ForwardAnswer::new(200, "application/json", answer);
            let entry = CassetteEntry::new(
                request.action,
                request.version,
                request.region,
                request.params,
                answer.status,
                answer.content_type.clone(),
                answer.body.clone(),
            );
            let mut line = entry.to_json_line();
            line.push('\n');
            let mut file = cassette.lock().unwrap_or_else(|p| p.into_inner());
            file.write_all(line.as_bytes())
                .and_then(|()| file.flush())
                .map_err(|e| format!("cannot append to {}: {e}", cassette_path.display()))?;
            Ok(answer)
        })
    }
}
