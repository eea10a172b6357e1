//! The [`Api`] over the transport's [`Client`]: builds the client from the resolved settings and
//! classifies its errors into exit outcomes with the core's hints.

use std::sync::Arc;

use futures_util::StreamExt;
use tcredis_core::error::HintContext;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::DescribeInstanceBackupsResponse;
use tcredis_transport_hyper::credentials::SharedProvider;
use tcredis_transport_hyper::{Client, Error};

use crate::backend::{Api, Page, PageFuture, PageStream};
use crate::config::settings::{Environment, Settings, Source};
use crate::exit::CliError;

/// The transport client as the commands' API.
#[derive(Debug, Clone)]
pub struct ClientApi {
    client: Client,
    hints: Arc<HintContext>,
}

/// Builds the client. `env` is the snapshot for proxy variables.
pub fn build(
    settings: &Settings,
    provider: SharedProvider,
    env: &Environment,
) -> Result<ClientApi, CliError> {
    let region = settings.require_region()?.to_owned();
    let mut b = Client::builder()
        .shared_credentials_provider(provider)
        .region(region.clone())
        .endpoint(settings.endpoint.value.clone())
        .rate_limit(settings.rate_limit.value)
        .max_retries(settings.max_retries.value)
        .env(proxy_env(settings, env));
    if let Some(a) = &settings.connect_to {
        b = b.connect_to(a.value.to_string());
    }
    if let Some(l) = &settings.language {
        b = b.language(l.value.clone());
    }
    if let Some(d) = &settings.connect_timeout {
        b = b.connect_timeout(d.value);
    }
    if let Some(d) = &settings.timeout {
        b = b.request_timeout(d.value);
    }
    if let Some(d) = &settings.deadline {
        b = b.deadline(d.value);
    }
    if let Some(p) = settings
        .proxy
        .as_ref()
        .filter(|p| matches!(p.source, Source::Flag(_)))
    {
        b = b.proxy(p.value.clone());
    }
    if let Some(ca) = &settings.ca_file {
        let pem = std::fs::read(&ca.value).map_err(|e| {
            CliError::usage(format!(
                "--ca-file {}: cannot read it: {e}",
                ca.value.display()
            ))
        })?;
        b = b.add_root_certificate_pem(&pem);
    }
    let client = b.build().map_err(|e| classify(e, &HintContext::new()))?;
    let hints = HintContext::new()
        .region(region)
        .host(settings.endpoint.value.host());
    Ok(ClientApi {
        client,
        hints: Arc::new(hints),
    })
}

/// The API over a client built elsewhere (tests: a loopback mock with fixed credentials).
#[cfg(test)]
pub fn from_client(client: Client) -> ClientApi {
    ClientApi {
        client,
        hints: Arc::new(HintContext::new()),
    }
}

/// The environment the client reads proxies from; the in-process mock is always reached
/// directly, whatever `HTTPS_PROXY` says.
fn proxy_env(settings: &Settings, env: &Environment) -> std::collections::HashMap<String, String> {
    let mut vars = env.vars.clone();
    if settings.endpoint.source == Source::Mock {
        vars.retain(|k, _| !k.to_ascii_lowercase().ends_with("_proxy"));
    }
    vars
}

fn to_page(r: DescribeInstanceBackupsResponse) -> Page {
    Page {
        total_count: i64::try_from(r.total_count).unwrap_or(i64::MAX),
        items: r.backup_set,
    }
}

/// Maps a transport error to an exit outcome with a message for stderr (code, message,
/// RequestId and a hint for API errors).
pub fn classify(e: Error, hints: &HintContext) -> CliError {
    if let Some(api) = e.api_error() {
        let mut message = e.to_string();
        if let Some(hint) = api.hint_with(hints) {
            message.push_str("\n  hint: ");
            message.push_str(&hint);
        }
        return CliError::api(message);
    }
    if e.is_network() {
        return CliError::network(e.to_string());
    }
    match e {
        Error::Credentials { .. } | Error::Config { .. } => CliError::usage(e.to_string()),
        // The listing changed under the paginator: the API's answers, not the network.
        _ => CliError::api(e.to_string()),
    }
}

impl Api for ClientApi {
    fn page(&self, request: DescribeInstanceBackupsRequest) -> PageFuture {
        let client = self.client.clone();
        let hints = Arc::clone(&self.hints);
        Box::pin(async move {
            client
                .describe_instance_backups(&request)
                .await
                .map(to_page)
                .map_err(|e| classify(e, &hints))
        })
    }

    fn pages(&self, request: DescribeInstanceBackupsRequest) -> PageStream {
        let hints = Arc::clone(&self.hints);
        Box::pin(
            self.client
                .pages(request)
                .map(move |r| r.map(to_page).map_err(|e| classify(e, &hints))),
        )
    }
}
