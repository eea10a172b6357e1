//! The [`Api`] over the transport's [`Client`]: builds the client from the resolved settings and
//! classifies its errors into exit outcomes with the core's hints.

use std::sync::Arc;

use futures_util::StreamExt;
use tcredis_core::ListingOptions;
use tcredis_core::error::{ApiError, HintContext};
use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::response::DescribeInstanceBackupsResponse;
use tcredis_transport_hyper::credentials::{CredentialsError, SharedProvider};
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
    /// `--region all`: a region answering `UnsupportedRegion` lists nothing instead of failing.
    unavailable_ok: bool,
}

/// Builds the client for `region` (the first of the command's regions; the others are reached
/// through [`Client::for_region`]). `env` is the snapshot for proxy variables and
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`; `verbose` 3 or more traces the signing stages.
pub fn build(
    settings: &Settings,
    provider: SharedProvider,
    env: &Environment,
    verbose: u8,
    region: &str,
) -> Result<Client, CliError> {
    let mut b = Client::builder()
        .shared_credentials_provider(provider)
        .region(region.to_owned())
        .rate_limit(settings.rate_limit.value)
        .max_retries(settings.max_retries.value)
        .failover(settings.failover.value)
        .native_roots(true)
        .record_signing_stages(verbose >= 3)
        .connect_timeout(settings.connect_timeout.value)
        .request_timeout(settings.timeout.value)
        .env(proxy_env(settings, env));
    // A default endpoint is left to the client, which derives it again for every other region
    // (`redis.<region>.tencentcloudapi.com` for a financial one); a given one serves them all.
    if settings.endpoint.source != Source::Default {
        b = b.endpoint(settings.endpoint.value.clone());
    }
    for r in &settings.resolve {
        b = b.resolve(r.clone());
    }
    if let Some(a) = &settings.connect_to {
        b = b.connect_to(a.value.to_string());
    }
    if let Some(l) = &settings.language {
        b = b.language(l.value.clone());
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
    b.build().map_err(|e| classify(e, &HintContext::new()))
}

/// The commands' API over a client built by [`build`].
pub fn api(client: Client) -> ClientApi {
    let hints = HintContext::new()
        .region(client.region().to_owned())
        .host(client.endpoint().host());
    ClientApi {
        client,
        hints: Arc::new(hints),
        unavailable_ok: false,
    }
}

/// Whether `e` says the region is not served (`UnsupportedRegion`).
fn is_unsupported_region(e: &Error) -> bool {
    e.api_error()
        .is_some_and(|a| a.code().as_str() == "UnsupportedRegion")
}

impl ClientApi {
    /// The same API, answering an empty listing where the region is `UnsupportedRegion`
    /// (`--region all`: such a region is "not available", not an error).
    pub fn tolerating_unavailable(mut self, yes: bool) -> Self {
        self.unavailable_ok = yes;
        self
    }

    /// The transport client (for the fleet commands).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Maps a transport error as [`classify`] does, with this client's hints.
    pub fn classify(&self, e: Error) -> CliError {
        classify(e, &self.hints)
    }

    /// The same API for another region (pool, credentials and pacer shared).
    pub fn for_region(&self, region: &str) -> Result<ClientApi, CliError> {
        let client = self
            .client
            .for_region(region)
            .map_err(|e| classify(e, &self.hints))?;
        let hints = HintContext::new()
            .region(region.to_owned())
            .host(client.endpoint().host());
        Ok(ClientApi {
            client,
            hints: Arc::new(hints),
            unavailable_ok: self.unavailable_ok,
        })
    }
}

/// The API over a client built elsewhere (tests: a loopback mock with fixed credentials).
#[cfg(test)]
pub fn from_client(client: Client) -> ClientApi {
    ClientApi {
        client,
        hints: Arc::new(HintContext::new()),
        unavailable_ok: false,
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

/// Maps a transport error to an exit outcome with a message for stderr: API errors (STS's
/// too) with code, message, RequestId and a hint (exit 3); network, TLS and timeout failures
/// (reaching STS or the metadata service too) exit 4, a TLS failure with how to add a CA;
/// unusable configuration or credentials exit 2.
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
            // STS refusing: keep which source and action ("AssumeRole was refused").
            Error::Credentials(CredentialsError::Api { source, action, .. }) => {
                Error::Credentials(CredentialsError::Api {
                    source,
                    action,
                    error: safe,
                })
            }
            _ => Error::Api(safe),
        }
        .to_string();
        if let Some(hint) = hint {
            message.push_str("\n  hint: ");
            message.push_str(&hint);
        }
        return CliError::api(message);
    }
    // A TLS failure is the transport's own advice (what is wrong with the certificate, the
    // `openssl` line that fixes it, the roots trusted): bounded more loosely, so it is not cut.
    let bound = match &e {
        Error::Tls { .. } => 4 * terminal::MAX_MESSAGE_CHARS,
        _ => terminal::MAX_MESSAGE_CHARS,
    };
    let text = terminal::escape(&e.to_string(), bound).into_owned();
    if let Error::Tls { message } = &e
        && message.contains("trusted roots:")
    {
        return CliError::network(format!(
            "{text}\n  hint: to trust another CA, pass --ca-file PEM (added to the roots above), or set SSL_CERT_FILE / SSL_CERT_DIR (they replace the system store)"
        ));
    }
    if e.is_network() {
        return CliError::network(text);
    }
    match e {
        Error::Credentials(_) | Error::Config { .. } => CliError::usage(text),
        // The listing changed under the paginator: the API's answers, not the network.
        _ => CliError::api(text),
    }
}

impl Api for ClientApi {
    fn page(&self, request: DescribeInstanceBackupsRequest) -> PageFuture {
        let client = self.client.clone();
        let hints = Arc::clone(&self.hints);
        let unavailable_ok = self.unavailable_ok;
        Box::pin(async move {
            match client.describe_instance_backups(&request).await {
                Ok(r) => to_page(r),
                Err(e) if unavailable_ok && is_unsupported_region(&e) => Ok(Page::default()),
                Err(e) => Err(classify(e, &hints)),
            }
        })
    }

    fn pages(
        &self,
        request: DescribeInstanceBackupsRequest,
        max_items: Option<u64>,
        explain: Box<dyn Fn(u64) -> String + Send + Sync>,
    ) -> PageStream {
        let hints = Arc::clone(&self.hints);
        let unavailable_ok = self.unavailable_ok;
        let mut options = ListingOptions::new();
        if let Some(cap) = max_items {
            options = options.max_items(cap);
        }
        Box::pin(
            self.client
                .listing_pages(request, options)
                .map(move |r| match r {
                    Ok(p) => Ok(Page {
                        total_count: total_count(p.total_count)?,
                        items: p.items,
                    }),
                    Err(e) if unavailable_ok && is_unsupported_region(&e) => Ok(Page::default()),
                    Err(Error::TooManyItems { cap }) => Err(CliError::network(explain(cap))),
                    Err(e) => Err(classify(e, &hints)),
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Outcome;

    /// The transport's TLS advice (the `openssl` recipe, the roots trusted) is long but whole;
    /// any other message is bounded at `MAX_MESSAGE_CHARS`.
    #[test]
    fn tls_advice_is_kept_whole_and_other_messages_are_bounded() {
        let advice = format!(
            "the server's certificate is itself a CA certificate; {} -addext basicConstraints=critical,CA:FALSE; trusted roots: the bundled Mozilla roots",
            "x".repeat(600)
        );
        let tls = classify(
            Error::Tls {
                message: advice.clone(),
            },
            &HintContext::new(),
        );
        assert_eq!(tls.outcome, Outcome::Network);
        assert!(
            tls.message.contains("CA:FALSE; trusted roots: the bundled")
                && tls.message.contains("hint: to trust another CA"),
            "{}",
            tls.message
        );
        let other = classify(Error::Config { message: advice }, &HintContext::new());
        assert_eq!(other.outcome, Outcome::Usage);
        assert!(
            other.message.contains("more characters)"),
            "{}",
            other.message
        );
    }
}
