//! The [`Api`] over the transport's [`Client`]: builds the client from the resolved settings and
//! classifies its errors into exit outcomes with the core's hints.

use std::sync::Arc;

use futures_util::StreamExt;
use tcredis_core::error::{ApiError, HintContext};
use tcredis_core::listing::ListingOptions;
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::DescribeInstanceBackupsResponse;
use tcredis_transport_hyper::credentials::SharedProvider;
use tcredis_transport_hyper::{Client, Error};

use crate::backend::{Api, Page, PageFuture, PageStream};
use crate::config::settings::{Environment, Settings, Source};
use crate::exit::CliError;
use crate::terminal;

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
        let pem = tcredis_files::read_regular_file(&ca.value, tcredis_files::MAX_CA_FILE_BYTES)
            .map_err(|e| CliError::usage(format!("--ca-file {e}")))?;
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

fn to_page(r: DescribeInstanceBackupsResponse) -> Result<Page, CliError> {
    Ok(Page {
        total_count: total_count(r.total_count)?,
        items: r.backup_set,
    })
}

/// The server's TotalCount as the CLI carries it (up to `i64::MAX`); a larger one is refused,
/// never clamped: no listing holds 9.2 quintillion backups, so the answer is wrong.
fn total_count(n: u64) -> Result<i64, CliError> {
    i64::try_from(n).map_err(|_| {
        CliError::network(format!(
            "invalid response: the server's TotalCount {n} is over {}, beyond any real listing",
            i64::MAX
        ))
    })
}

/// Maps a transport error to an exit outcome with a message for stderr (code, message,
/// RequestId and a hint for API errors).
///
/// The server's words (error code, message, RequestId, and whatever a transport message quotes)
/// are escaped and bounded for the terminal ([`terminal::escape`]): a hostile server cannot
/// send escape sequences, forge lines or flood stderr through them.
pub fn classify(e: Error, hints: &HintContext) -> CliError {
    if let Some(api) = e.api_error() {
        let hint = api.hint_with(hints);
        let safe = ApiError::new(
            terminal::escape(api.code().as_str(), terminal::MAX_FIELD_CHARS).into_owned(),
            terminal::escape(api.message(), terminal::MAX_MESSAGE_CHARS).into_owned(),
            terminal::escape(api.request_id(), terminal::MAX_FIELD_CHARS).into_owned(),
        );
        let mut message = match e {
            Error::ClockSkew { skew_seconds, .. } => Error::ClockSkew {
                error: safe,
                skew_seconds,
            },
            _ => Error::Api(safe),
        }
        .to_string();
        if let Some(hint) = hint {
            message.push_str("\n  hint: ");
            message.push_str(&hint);
        }
        return CliError::api(message);
    }
    let text = terminal::escape(&e.to_string(), terminal::MAX_MESSAGE_CHARS).into_owned();
    if e.is_network() {
        return CliError::network(text);
    }
    match e {
        Error::Credentials { .. } | Error::Config { .. } => CliError::usage(text),
        // The listing changed under the paginator: the API's answers, not the network.
        _ => CliError::api(text),
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
                .map_err(|e| classify(e, &hints))
                .and_then(to_page)
        })
    }

    fn pages(
        &self,
        request: DescribeInstanceBackupsRequest,
        max_items: Option<u64>,
        explain: Box<dyn Fn(u64) -> String + Send + Sync>,
    ) -> PageStream {
        let hints = Arc::clone(&self.hints);
        let mut options = ListingOptions::new();
        if let Some(cap) = max_items {
            options = options.max_items(cap);
        }
        Box::pin(self.client.listing_pages(request, options).map(move |r| {
            r.map_err(|e| match max_items {
                // The core's item cap (the transport has no variant of its own for it).
                Some(cap)
                    if e.to_string()
                        .contains(&format!("the listing passed {cap} items")) =>
                {
                    CliError::network(explain(cap))
                }
                _ => classify(e, &hints),
            })
            .and_then(|p| {
                Ok(Page {
                    total_count: total_count(p.total_count)?,
                    items: p.items,
                })
            })
        }))
    }
}
