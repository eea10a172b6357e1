//! The `tcredis-mock` command line (clap types stay here) and its conversion to a plain
//! `MockConfig` plus the few settings only the binary has.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use tcredis_mock::{Cassette, ClockStart, FaultKind, FleetSpec, MockConfig, PolicySet, Seed};

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
    /// Serve N generated backups over INSTANCES instances (default 1), e.g. 1000000:8; or a
    /// fleet: fleet:N[,regions=R1+R2][,stale=S][,none=M][,isolated=K][,retention=DAYS], N
    /// instances per region with nightly backups (S stale, M without backups, K isolated).
    #[arg(long, value_name = "N[:INSTANCES]|fleet:N[,...]", group = "data", value_parser = parse_generate)]
    generate: Option<Generate>,
    /// Accept this credential (repeatable). Prefer --credentials-file: argv is visible to others.
    #[arg(long, value_name = "ID:KEY[:TOKEN]", value_parser = parse_credential)]
    credential: Vec<(String, String, Option<String>)>,
    /// Accept the credentials of this JSON file: {"credentials": [{"SecretId", "SecretKey", "Token"?}]}.
    #[arg(long, value_name = "FILE")]
    credentials_file: Option<PathBuf>,
    /// Requests per second per SecretId and action (token bucket of the same capacity); 0 = off.
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
    /// Journal each request's exact signed bytes and Authorization (signature included, never a
    /// token), for signature differential tests; use only with test credentials.
    #[arg(long)]
    journal_exact_requests: bool,
    /// Shut down when standard input reaches end of file (for parent processes that may die).
    #[arg(long)]
    exit_on_stdin_eof: bool,
    /// The most connections open at once; at the cap a new one closes the connection idle or
    /// sending its request head the longest.
    #[arg(long, value_name = "N", default_value_t = tcredis_mock::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Close a connection whose request head is not complete this long after its accept or its
    /// first byte (slow or silent clients).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    header_timeout: Duration,
    /// Close a keep-alive connection idle this long between requests.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    idle_timeout: Duration,
    /// Close a connection whose request body has not arrived in full this long after its head.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    body_timeout: Duration,
    /// The most bytes the request journal keeps (as JSON; oldest entries dropped first).
    #[arg(long, value_name = "BYTES", default_value_t = tcredis_mock::DEFAULT_JOURNAL_MAX_BYTES)]
    journal_max_bytes: usize,
    /// The mock clock for the data (lifecycles): real, frozen (at the start instant), or a TIME
    /// to start frozen at (RFC 3339, or Beijing "YYYY-MM-DD HH:MM:SS"). Signatures, the Date
    /// header and STS expiry always use the real clock.
    #[arg(long, value_name = "real|frozen|TIME", value_parser = parse_clock)]
    clock: Option<ClockStart>,
    /// Make a non-real clock run at N times real speed (N > 0) instead of standing still.
    #[arg(long, value_name = "N")]
    clock_speed: Option<f64>,
    /// How long a scheduled (lifecycle) backup runs, StartTime to EndTime.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = humantime::parse_duration)]
    backup_duration: Duration,
    /// Enforce the CAM policies of this JSON file (see docs/mock.md, "Permissions").
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Serve the recorded answers of this cassette (see docs/mock.md, "Record and replay").
    #[arg(long, value_name = "FILE", conflicts_with_all = ["record_from", "record_to"])]
    replay: Option<PathBuf>,
    /// Record mode: forward redis requests to this endpoint, re-signed with real credentials
    /// (the usual chain), and answer with what it says.
    #[arg(long, value_name = "URL", requires = "record_to")]
    record_from: Option<String>,
    /// Record mode: append every forwarded exchange to this cassette.
    #[arg(long, value_name = "FILE", requires = "record_from")]
    record_to: Option<PathBuf>,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text)
        .map_err(|e| format!("{text:?} is not a duration such as 500ms, 10s or 2m: {e}"))?;
    if d.is_zero() {
        return Err(format!("{text:?}: the duration must be greater than zero"));
    }
    Ok(d)
}

fn parse_clock(text: &str) -> Result<ClockStart, String> {
    ClockStart::parse(text).map_err(|e| e.to_string())
}

/// The clap definition of the flags (for the generated man page and completions).
pub(crate) fn command() -> clap::Command {
    <Args as clap::CommandFactory>::command()
}

/// What `--generate` asked for.
#[derive(Debug, Clone)]
enum Generate {
    /// N backups over I instances.
    Backups(u64, u64),
    /// A fleet of instances over regions.
    Fleet(FleetSpec),
}

fn parse_generate(text: &str) -> Result<Generate, String> {
    if let Some(fleet) = text.strip_prefix("fleet:") {
        return fleet.parse().map(Generate::Fleet);
    }
    parse_backups(text).map(|(n, i)| Generate::Backups(n, i))
}

fn parse_backups(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{text:?} is not N or N:INSTANCES (positive integers, e.g. 1000000:8)");
    let (n, instances) = match text.split_once(':') {
        Some((n, i)) => (n, Some(i)),
        None => (text, None),
    };
    let n: u64 = n.parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
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

#[cfg(feature = "record")]
fn record(config: MockConfig, url: &str, cassette: &std::path::Path) -> Result<MockConfig, String> {
    let recorder = crate::record::Recorder::new(url, cassette)?;
    Ok(config.forward_to(std::sync::Arc::new(recorder)))
}

#[cfg(not(feature = "record"))]
fn record(_: MockConfig, _: &str, _: &std::path::Path) -> Result<MockConfig, String> {
    Err("--record-from needs the `record` feature of tcredis-mock (on by default)".to_owned())
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
        .strict_signing(args.strict_signing)
        .journal_exact_requests(args.journal_exact_requests)
        .max_connections(args.max_connections)
        .header_timeout(args.header_timeout)
        .idle_timeout(args.idle_timeout)
        .body_timeout(args.body_timeout)
        .journal_max_bytes(args.journal_max_bytes);
    if let Some(path) = &args.seed {
        let bytes = tcredis_files::read_regular_file(path, tcredis_files::MAX_SEED_FILE_BYTES)
            .map_err(|e| format!("--seed {e}"))?;
        let seed =
            Seed::from_json(&bytes).map_err(|e| format!("--seed {}: {e}", path.display()))?;
        config = config.seed(seed);
    } else if let Some(generate) = args.generate {
        config = match generate {
            Generate::Backups(n, instances) => config.generate(n, instances),
            Generate::Fleet(spec) => config.fleet(spec),
        };
    }
    let demo_credentials = args.credential.is_empty() && args.credentials_file.is_none();
    for (id, key, token) in args.credential {
        config = config.credential(id, key, token.as_deref());
    }
    if let Some(path) = &args.credentials_file {
        let bytes =
            tcredis_files::read_regular_file(path, tcredis_files::MAX_CREDENTIALS_FILE_BYTES)
                .map_err(|e| format!("--credentials-file {e}"))?;
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
        let unix =
            tcredis_core::time::rfc3339::parse(&now).map_err(|e| format!("TCREDIS_NOW: {e}"))?;
        config = config.now_override(unix);
    }
    if let Some(start) = args.clock {
        config = config.clock(start);
    }
    if let Some(speed) = args.clock_speed {
        config = config.clock_speed(speed);
    }
    config = config.backup_duration(args.backup_duration);
    if let Some(path) = &args.policy {
        let bytes = tcredis_files::read_regular_file(path, tcredis_files::MAX_CONFIG_FILE_BYTES)
            .map_err(|e| format!("--policy {e}"))?;
        let policy = PolicySet::from_json(&bytes)
            .map_err(|e| format!("--policy {}: {e}", path.display()))?;
        config = config.policy(policy);
    }
    if let Some(path) = &args.replay {
        let bytes = tcredis_files::read_regular_file(path, tcredis_files::MAX_SEED_FILE_BYTES)
            .map_err(|e| format!("--replay {e}"))?;
        let cassette = Cassette::from_jsonl(&bytes)
            .map_err(|e| format!("--replay {}: {e}", path.display()))?;
        config = config.replay(cassette);
    }
    if let (Some(url), Some(path)) = (&args.record_from, &args.record_to) {
        config = record(config, url, path)?;
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(Settings {
        config,
        ca_out: args.ca_out,
        exit_on_stdin_eof: args.exit_on_stdin_eof,
        demo_credentials,
    })
}
