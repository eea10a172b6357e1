//! `-v`: the transport's diagnostics (attempts, retries, backoff, pacing, proxy tunnels) on
//! stderr. Without `-v` only warnings show. The transport never logs a secret; neither does the
//! CLI.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the stderr logger for a verbosity count.
pub fn init(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::new(format!(
        "warn,tcredis_transport_hyper={level},tcredis_cli={level}"
    ));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}
