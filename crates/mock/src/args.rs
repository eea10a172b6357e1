//! The `tcredis-mock` command line (clap types stay here) and its conversion to a plain
//! `MockConfig` plus the few settings only the binary has.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use tcredis_mock::{FaultKind, MockConfig, Seed};

/// A faithful fake of the Tencent Cloud Redis DescribeInstanceBackups endpoint (plus STS
/// AssumeRole / AssumeRoleWithWebIdentity). Prints `listening on http://127.0.0.1:PORT` first.
#[derive(Debug, Parser)]
#[command(name = "tcredis-mock", version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    listen: SocketAddr,
    /// Serve the instances and backups of this seed file instead of the demo data.
    #[arg(long, value_name = "FILE", group = "data")]
    seed: Option<PathBuf>,
    /// Serve the demo data (the default).
    #[arg(long, group = "data")]
    demo: bool,
    /// Serve N generated backups over INSTANCES instances (default 1), e.g. 1000000:8.
    #[arg(long, value_name = "N[:INSTANCES]", group = "data", value_parser = parse_generate)]
    generate: Option<(u64, u64)>,
    /// Accept this credential (repeatable). Prefer --credentials-file: argv is visible to others.
    #[arg(long, value_name = "ID:KEY[:TOKEN]", value_parser = parse_credential)]
    credential: Vec<(String, String, Option<String>)>,
    /// Accept the credentials of this JSON file: {"credentials": [{"SecretId", "SecretKey", "Token"?}]}.
    #[arg(long, value_name = "FILE")]
    credentials_file: Option<PathBuf>,
    /// Requests per second per SecretId (token bucket of the same capacity); 0 = off.
    #[arg(long, default_value_t = 20, value_name = "N")]
    rate_limit: u32,
    /// Serve HTTPS with a CA and certificate made at start.
    #[arg(long)]
    tls: bool,
    /// With --tls: write the CA certificate (PEM) here before printing the listening line.
    #[arg(long, value_name = "FILE", requires = "tls")]
    ca_out: Option<PathBuf>,
    /// Inject a fault with probability P (repeatable); KIND: internal-error, throttle, drop,
    /// truncate, delay=MS, stall.
    #[arg(long, value_name = "KIND:P", value_parser = parse_fault)]
    fault: Vec<(FaultKind, f64)>,
    /// Seed the random source (faults, RequestIds, STS credentials) for reproducible runs.
    #[arg(long, value_name = "S")]
    random_seed: Option<u64>,
    /// Refuse the loopback leniencies (signatures over the Host without port, Node's scope service).
    #[arg(long)]
    strict_signing: bool,
    /// Shut down when standard input reaches end of file (for parent processes that may die).
    #[arg(long)]
    exit_on_stdin_eof: bool,
}

/// The clap definition of the flags (for the generated man page and completions).
pub(crate) fn command() -> clap::Command {
    <Args as clap::CommandFactory>::command()
}

fn parse_generate(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{text:?} is not N or N:INSTANCES (positive integers, e.g. 1000000:8)");
    let (n, instances) = match text.split_once(':') {
        Some((n, i)) => (n, Some(i)),
        None => (text, None),
    };
    let n: u64 = n.parse().map_err(|_| bad())?;
    let instances: u64 = match instances {
        Some(i) => i.parse().ok().filter(|i| *i > 0).ok_or_else(bad)?,
        None => 1,
    };
    Ok((n, instances))
}

fn parse_credential(text: &str) -> Result<(String, String, Option<String>), String> {
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(key), token) if !id.is_empty() && !key.is_empty() => {
            Ok((id.to_owned(), key.to_owned(), token.map(str::to_owned)))
        }
        // Never echo the value: it holds a key.
        _ => Err("expected ID:KEY or ID:KEY:TOKEN with a non-empty ID and KEY".to_owned()),
    }
}

fn parse_fault(text: &str) -> Result<(FaultKind, f64), String> {
    let (kind, probability) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("{text:?} is not KIND:P, e.g. throttle:0.1"))?;
    let kind: FaultKind = kind
        .parse()
        .map_err(|e: tcredis_mock::FaultParseError| e.to_string())?;
    let probability: f64 = probability
        .parse()
        .ok()
        .filter(|p: &f64| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("probability {probability:?} must be a number from 0 to 1"))?;
    Ok((kind, probability))
}

/// What the binary runs.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) config: MockConfig,
    pub(crate) ca_out: Option<PathBuf>,
    pub(crate) exit_on_stdin_eof: bool,
    pub(crate) demo_credentials: bool,
}

/// Parses argv and reads the files it names; `Err` is a message for stderr (exit 2).
pub(crate) fn settings(env_now: Option<String>) -> Result<Settings, String> {
    let args = Args::parse();
    let mut config = MockConfig::new()
        .listen(args.listen)
        .rate_limit(args.rate_limit)
        .tls(args.tls)
        .strict_signing(args.strict_signing);
    if let Some(path) = &args.seed {
        let bytes = std::fs::read(path).map_err(|e| format!("--seed {}: {e}", path.display()))?;
        let seed =
            Seed::from_json(&bytes).map_err(|e| format!("--seed {}: {e}", path.display()))?;
        config = config.seed(seed);
    } else if let Some((n, instances)) = args.generate {
        config = config.generate(n, instances);
    }
    let demo_credentials = args.credential.is_empty() && args.credentials_file.is_none();
    for (id, key, token) in args.credential {
        config = config.credential(id, key, token.as_deref());
    }
    if let Some(path) = &args.credentials_file {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("--credentials-file {}: {e}", path.display()))?;
        config = config
            .credentials_json(&bytes)
            .map_err(|e| format!("--credentials-file {}: {e}", path.display()))?;
    }
    for (kind, probability) in args.fault {
        config = config.fault(kind, probability);
    }
    if let Some(seed) = args.random_seed {
        config = config.random_seed(seed);
    }
    if let Some(now) = env_now.filter(|n| !n.is_empty()) {
        let unix = tcredis_mock::parse_rfc3339(&now).ok_or_else(|| {
            format!("TCREDIS_NOW {now:?} is not an RFC 3339 time such as 2026-05-01T10:00:00Z")
        })?;
        config = config.now_override(unix);
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(Settings {
        config,
        ca_out: args.ca_out,
        exit_on_stdin_eof: args.exit_on_stdin_eof,
        demo_credentials,
    })
}
