//! `-v`: diagnostics on stderr, in levels. Without `-v` nothing but the command's own output,
//! its final error and the warnings it prints itself (`tcredis: warning: ...`). `-v` (info):
//! each API request (host, action, body) and the strategy decisions (windows split at 30 days,
//! fan-out, failover to another host, drift restarts, clock corrections). `-vv` (debug): each
//! attempt with its status and latency, retries and their backoff, pacing waits. `-vvv`
//! (trace): connections (TCP, proxy tunnel, TLS handshake and ALPN) and the signing stages
//! (canonical request, string to sign, signature). No level ever shows a secret.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The filter for a verbosity count.
fn filter(verbose: u8) -> String {
    let level = match verbose {
        0 => return "off".to_owned(),
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // The binary's own events have the target `tcredis` (the bin name).
    format!("off,tcredis={level},tcredis_transport_hyper={level}")
}

/// Installs the stderr logger for a verbosity count.
pub fn init(verbose: u8) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter(verbose)))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_is_distinct_and_quiet_by_default() {
        assert_eq!(filter(0), "off");
        let levels: Vec<String> = (1..=3).map(filter).collect();
        assert!(levels[0].ends_with("=info") && levels[2].ends_with("=trace"));
        assert_eq!(filter(9), levels[2]);
    }
}
