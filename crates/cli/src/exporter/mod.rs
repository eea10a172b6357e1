//! `tcredis exporter`: a Prometheus exporter for backup freshness. It collects in the background
//! every `--refresh` ([`collector`]: one fleet survey through the client's shared pacer) and
//! serves the last complete snapshot ([`server`]): `/metrics`, `/healthz` and `/` ([`page`]).
//! Scrapes never send API requests. API requests and retries are counted through the transport's
//! attempt observer ([`counters`]); `--web-config` adds TLS and basic auth ([`web_config`]).
//! SIGTERM or SIGINT stops it gracefully (exit 0).

pub mod collector;
pub mod counters;
pub mod page;
pub mod server;
pub mod web_config;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Instant;

use tcredis_core::freshness::Rules;
use tokio::sync::watch;

use crate::backend::client::ClientApi;
use crate::commands::fleet::{Regions, selector};
use crate::config::ExporterConfig;
use crate::exit::{CliError, Failure, Outcome};
use collector::{Clock, CollectorSettings, Shared};

fn seconds(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// Runs the exporter until SIGTERM or SIGINT. `now` is the start instant (the real clock, or
/// `TCREDIS_NOW`).
pub async fn run(
    api: ClientApi,
    cfg: &ExporterConfig,
    regions: Regions,
    now: i64,
) -> Result<Outcome, Failure> {
    let web = match &cfg.web_config {
        Some(path) => web_config::WebConfig::load(path).map_err(CliError::usage)?,
        None => web_config::WebConfig::default(),
    };
    let shared = Arc::new(Shared::default());
    let client = api.client().with_attempt_observer(shared.counters.clone());
    let fleet = client
        .fleet(regions.names.clone())
        .selector(selector(&cfg.instance_ids, &cfg.selectors))
        .tolerate_unavailable(regions.all);
    let stop_signal = stop_signal()?;
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| {
            CliError::usage(format!("--listen {}: cannot listen there: {e}", cfg.listen))
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::network(format!("--listen: {e}")))?;
    let scheme = if web.tls.is_some() { "https" } else { "http" };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {scheme}://{local}")?;
        out.flush()?;
    }
    let clock = Clock {
        base_unix: now,
        started: Instant::now(),
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let collector = tokio::spawn(collector::collect_forever(
        fleet,
        shared.clone(),
        CollectorSettings {
            refresh: cfg.refresh,
            lookback: seconds(cfg.lookback),
            schedule_refresh: cfg.schedule_refresh,
            grace: seconds(cfg.grace),
        },
        clock,
        stop_rx.clone(),
    ));
    let site = Arc::new(server::Site {
        shared,
        web,
        rules: Rules {
            max_age: Some(seconds(cfg.max_age)),
            schedule: None,
        },
        grace: seconds(cfg.grace),
        clock,
    });
    let serving = tokio::spawn(server::serve(listener, site, stop_rx));
    stop_signal.await;
    let _ = stop_tx.send(true);
    let _ = collector.await;
    let _ = serving.await;
    Ok(Outcome::Success)
}

/// A future that completes on SIGTERM or SIGINT (installed before the listening line is
/// printed, so a signal right after it is never lost).
fn stop_signal() -> Result<impl std::future::Future<Output = ()>, CliError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let cannot = |e: std::io::Error| CliError::network(format!("cannot watch signals: {e}"));
        let mut term = signal(SignalKind::terminate()).map_err(cannot)?;
        let mut int = signal(SignalKind::interrupt()).map_err(cannot)?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
