//! `MockConfig`: what the mock serves (demo, seed or generated data), whom it accepts, how fast,
//! which faults it injects, and where it listens. The binary's flags become one of these.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use tcredis_core::credentials::Secret;

use crate::clock::ClockStart;
use crate::data::seed::{Seed, SeedError};

/// A fault the mock can inject, globally with a probability or per request from a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer `InternalError` (HTTP 200, JSON envelope).
    InternalError,
    /// Answer `RequestLimitExceeded`.
    Throttle,
    /// Close the connection without answering.
    Drop,
    /// Send the headers and half the body, then close the connection.
    Truncate,
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Never answer (the connection stays open until the client gives up or the server stops).
    Stall,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InternalError => f.write_str("internal-error"),
            Self::Throttle => f.write_str("throttle"),
            Self::Drop => f.write_str("drop"),
            Self::Truncate => f.write_str("truncate"),
            Self::Delay(d) => write!(f, "delay={}", d.as_millis()),
            Self::Stall => f.write_str("stall"),
        }
    }
}

/// A fault name that is not one of `internal-error`, `throttle`, `drop`, `truncate`,
/// `delay=MS`, `stall`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultParseError(String);

impl fmt::Display for FaultParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown fault {:?}: expected internal-error, throttle, drop, truncate, delay=MS or stall",
            self.0
        )
    }
}

impl std::error::Error for FaultParseError {}

impl FromStr for FaultKind {
    type Err = FaultParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "internal-error" => Self::InternalError,
            "throttle" => Self::Throttle,
            "drop" => Self::Drop,
            "truncate" => Self::Truncate,
            "stall" => Self::Stall,
            _ => match s
                .strip_prefix("delay=")
                .and_then(|ms| ms.parse::<u64>().ok())
            {
                Some(ms) => Self::Delay(Duration::from_millis(ms)),
                None => return Err(FaultParseError(s.to_owned())),
            },
        })
    }
}

impl<'de> serde::Deserialize<'de> for FaultKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for FaultKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The most backups `generate` accepts (a minute apart, they span about 1,900 years).
pub const MAX_GENERATED: u64 = 1_000_000_000;

/// Where the served data comes from.
#[derive(Debug, Clone)]
pub(crate) enum DataSource {
    Demo,
    Seed(Seed),
    Generate {
        count: u64,
        instances: u64,
    },
    /// A generated fleet (`--generate fleet:...`), anchored at the mock's start.
    Fleet(crate::data::fleet::FleetSpec),
}

/// A credential pair the mock accepts. `Debug` never shows the key or token.
#[derive(Clone)]
pub(crate) struct AcceptedCredential {
    pub(crate) secret_id: String,
    pub(crate) secret_key: Secret,
    pub(crate) token: Option<Secret>,
}

impl fmt::Debug for AcceptedCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptedCredential")
            .field("secret_id", &self.secret_id)
            .finish_non_exhaustive()
    }
}

/// Everything the mock needs to start. Builder style; the defaults serve the demo data to the
/// public demo pair with a rate limit of 20 requests/s per SecretId and action over plain HTTP on
/// `127.0.0.1:0`.
///
/// ```
/// use tcredis_mock::{FaultKind, MockConfig};
/// let config = MockConfig::new()
///     .generate(10_000, 4)
///     .credential("AKIDexample", "example-key", None)
///     .rate_limit(0)
///     .fault(FaultKind::Throttle, 0.1)
///     .random_seed(42);
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub(crate) listen: SocketAddr,
    pub(crate) data: DataSource,
    pub(crate) credentials: Vec<AcceptedCredential>,
    pub(crate) rate_limit: u32,
    pub(crate) tls: bool,
    pub(crate) faults: Vec<(FaultKind, f64)>,
    pub(crate) random_seed: Option<u64>,
    pub(crate) strict_signing: bool,
    pub(crate) now_override: Option<i64>,
    pub(crate) journal_capacity: usize,
    pub(crate) journal_exact_requests: bool,
    pub(crate) journal_max_bytes: usize,
    #[cfg(feature = "server")]
    pub(crate) limits: crate::connection_limits::Limits,
    pub(crate) world: crate::world::WorldConfig,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl MockConfig {
    /// The defaults (demo data, demo credentials, 20 req/s, plain HTTP on `127.0.0.1:0`).
    pub fn new() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: DataSource::Demo,
            credentials: Vec::new(),
            rate_limit: 20,
            tls: false,
            faults: Vec::new(),
            random_seed: None,
            strict_signing: false,
            now_override: None,
            journal_capacity: crate::journal::DEFAULT_JOURNAL_CAPACITY,
            journal_max_bytes: crate::journal::DEFAULT_JOURNAL_MAX_BYTES,
            #[cfg(feature = "server")]
            limits: crate::connection_limits::Limits::default(),
            journal_exact_requests: false,
            world: crate::world::WorldConfig::default(),
        }
    }
    /// Serves the demo data (the default).
    pub fn demo(mut self) -> Self {
        self.data = DataSource::Demo;
        self
    }
    /// Serves this seed instead of the demo data.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.data = DataSource::Seed(seed);
        self
    }
    /// Serves `count` generated backups over `instances` instances (`crs-gen00001`, ...,
    /// all in `ap-guangzhou`), computed on demand.
    pub fn generate(mut self, count: u64, instances: u64) -> Self {
        self.data = DataSource::Generate {
            count,
            instances: instances.max(1),
        };
        self
    }
    /// Serves a generated fleet of instances over regions (see [`FleetSpec`](crate::FleetSpec)),
    /// anchored like the demo data.
    pub fn fleet(mut self, spec: crate::data::fleet::FleetSpec) -> Self {
        self.data = DataSource::Fleet(spec);
        self
    }
    /// Accepts this pair (and, with a token, requires `X-TC-Token` to match). Once any
    /// credential is given the demo pair is no longer accepted.
    pub fn credential(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
        token: Option<&str>,
    ) -> Self {
        self.credentials.push(AcceptedCredential {
            secret_id: secret_id.into(),
            secret_key: Secret::new(secret_key),
            token: token.filter(|t| !t.is_empty()).map(Secret::new),
        });
        self
    }
    /// Requests per second per SecretId and action (token bucket of the same capacity); 0 turns it off.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = per_second;
        self
    }
    /// Serves HTTPS with a CA and certificate made at start (see `MockServer::ca_pem`).
    pub fn tls(mut self, yes: bool) -> Self {
        self.tls = yes;
        self
    }
    /// Injects `kind` into each request with `probability` (0.0..=1.0).
    pub fn fault(mut self, kind: FaultKind, probability: f64) -> Self {
        self.faults.push((kind, probability));
        self
    }
    /// Seeds the random source (fault draws, RequestIds, STS credentials) for reproducible runs.
    pub fn random_seed(mut self, seed: u64) -> Self {
        self.random_seed = Some(seed);
        self
    }
    /// Also journals each request's exact signed bytes and its `Authorization` (signature
    /// included; never a token), for signature differential tests: another signer signs the
    /// same bytes and compares. Only with test credentials.
    pub fn journal_exact_requests(mut self, yes: bool) -> Self {
        self.journal_exact_requests = yes;
        self
    }
    /// Turns off loopback leniency (see the docs): only exact TC3 signatures are accepted.
    pub fn strict_signing(mut self, yes: bool) -> Self {
        self.strict_signing = yes;
        self
    }
    /// Anchors the demo and generated data at this Unix time instead of the real clock
    /// (signature checks always use the real request time).
    pub fn now_override(mut self, unix: i64) -> Self {
        self.now_override = Some(unix);
        self
    }
    /// Where to listen (default `127.0.0.1:0`, an ephemeral port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
    /// How many requests the journal keeps (oldest dropped first; default 10,000).
    pub fn journal_capacity(mut self, entries: usize) -> Self {
        self.journal_capacity = entries;
        self
    }
    /// How the mock clock starts (default: the real clock). See `docs/mock.md`, "Clock".
    pub fn clock(mut self, start: ClockStart) -> Self {
        self.world.clock = start;
        self
    }
    /// Makes a non-real clock run at `speed` times real speed from its start instead of
    /// standing still (`--clock-speed`).
    pub fn clock_speed(mut self, speed: f64) -> Self {
        self.world.clock_speed = Some(speed);
        self
    }
    /// How long a lifecycle backup runs, StartTime to EndTime (default 2 minutes, at least 1 s).
    pub fn backup_duration(mut self, duration: Duration) -> Self {
        self.world.backup_duration = duration;
        self
    }
    /// Enforces these CAM policies (`--policy FILE`).
    pub fn policy(mut self, policy: crate::policy::PolicySet) -> Self {
        self.world.policy = Some(policy);
        self
    }
    /// Serves the answers of this cassette instead of the data (`--replay FILE`).
    pub fn replay(mut self, cassette: crate::cassette::Cassette) -> Self {
        self.world.replay = Some(cassette);
        self
    }
    /// Forwards every redis request that passes authentication, rate limit and policy to
    /// this upstream instead of answering from the data (`--record-from`; the server calls it).
    pub fn forward_to(mut self, upstream: std::sync::Arc<dyn crate::forward::Upstream>) -> Self {
        self.world.upstream = Some(upstream);
        self
    }
    /// How many bytes the journal keeps, as compact JSON (oldest dropped first; default 32 MiB).
    /// Each entry's parameters are bounded too: a parameter over 4 KiB keeps a prefix and the
    /// entry's `params_truncated` says so.
    pub fn journal_max_bytes(mut self, bytes: usize) -> Self {
        self.journal_max_bytes = bytes;
        self
    }
    #[cfg(feature = "server")]
    /// The most connections open at once (default 256). At the cap a new connection closes the
    /// one that has been idle or sending a request head the longest; only when every open
    /// connection is busy does it wait.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.limits.max_connections = n;
        self
    }
    #[cfg(feature = "server")]
    /// How long a connection may take to deliver a complete request head, from its accept (TLS
    /// handshake included) or from the first byte after an answer (default 10 s).
    pub fn header_timeout(mut self, d: Duration) -> Self {
        self.limits.header_timeout = d;
        self
    }
    #[cfg(feature = "server")]
    /// How long a keep-alive connection may sit idle between requests (default 60 s).
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.limits.idle_timeout = d;
        self
    }
    #[cfg(feature = "server")]
    /// How long a request body may take to arrive in full (default 30 s).
    pub fn body_timeout(mut self, d: Duration) -> Self {
        self.limits.body_timeout = d;
        self
    }
    /// Whether HTTPS was asked for.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// Checks what the builder could not: credential shapes and fault probabilities.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (i, credential) in self.credentials.iter().enumerate() {
            if self.credentials[..i]
                .iter()
                .any(|c| c.secret_id == credential.secret_id)
            {
                return Err(ConfigError::Credential(format!(
                    "SecretId {} is given twice; give each credential once",
                    credential.secret_id
                )));
            }
            let key = credential.secret_key.expose();
            if credential.secret_id.is_empty()
                || credential.secret_id.trim() != credential.secret_id
            {
                return Err(ConfigError::Credential(format!(
                    "SecretId {:?} is empty or has leading/trailing white space",
                    credential.secret_id
                )));
            }
            if key.is_empty() || key.trim() != key {
                return Err(ConfigError::Credential(format!(
                    "the SecretKey of {} is empty or has leading/trailing white space",
                    credential.secret_id
                )));
            }
        }
        if let DataSource::Generate { count, .. } = self.data
            && count > MAX_GENERATED
        {
            return Err(ConfigError::Data(format!(
                "cannot generate {count} backups: at most {MAX_GENERATED}"
            )));
        }
        if let DataSource::Fleet(spec) = &self.data {
            spec.validate().map_err(ConfigError::Data)?;
        }
        self.world.validate().map_err(ConfigError::World)?;
        #[cfg(feature = "server")]
        self.validate_limits()?;
        for (kind, probability) in &self.faults {
            if !(0.0..=1.0).contains(probability) {
                return Err(ConfigError::Fault(format!(
                    "probability {probability} of fault {kind} is outside 0..=1"
                )));
            }
        }
        Ok(())
    }

    /// The server's connection cap and timeouts: a cap of at least 1, timeouts above zero.
    #[cfg(feature = "server")]
    fn validate_limits(&self) -> Result<(), ConfigError> {
        if self.limits.max_connections == 0 {
            return Err(ConfigError::Server(
                "the connection cap must be at least 1".to_owned(),
            ));
        }
        for (name, d) in [
            ("header timeout", self.limits.header_timeout),
            ("idle timeout", self.limits.idle_timeout),
            ("body timeout", self.limits.body_timeout),
        ] {
            if d.is_zero() {
                return Err(ConfigError::Server(format!(
                    "the {name} must be greater than zero"
                )));
            }
        }
        Ok(())
    }
}

/// A configuration that cannot start a mock.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A credential is unusable (the message names the SecretId, never the key).
    Credential(String),
    /// A fault setting is out of range.
    Fault(String),
    /// A data setting is out of range.
    Data(String),
    /// The seed is malformed.
    Seed(SeedError),
    /// The credentials file is malformed.
    CredentialsFile(String),
    /// A clock, policy or cassette setting is unusable.
    World(String),
    /// A server limit (connection cap, timeouts) is out of range.
    Server(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credential(m) => write!(f, "credential: {m}"),
            Self::Fault(m) => write!(f, "fault: {m}"),
            Self::Data(m) => write!(f, "data: {m}"),
            Self::Seed(e) => write!(f, "{e}"),
            Self::CredentialsFile(m) => write!(f, "credentials file: {m}"),
            Self::World(m) => f.write_str(m),
            Self::Server(m) => write!(f, "server: {m}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<SeedError> for ConfigError {
    fn from(e: SeedError) -> Self {
        Self::Seed(e)
    }
}

/// One entry of a credentials file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCredential {
    #[serde(rename = "SecretId")]
    secret_id: String,
    #[serde(rename = "SecretKey")]
    secret_key: String,
    #[serde(rename = "Token", default)]
    token: Option<String>,
}

#[derive(serde::Deserialize)]
struct CredentialsFile {
    credentials: Vec<FileCredential>,
}

impl MockConfig {
    /// Adds every pair of a credentials file:
    /// `{"credentials": [{"SecretId": "...", "SecretKey": "...", "Token": "..."}]}`.
    pub fn credentials_json(mut self, bytes: &[u8]) -> Result<Self, ConfigError> {
        // serde_json's own messages quote the offending value (`invalid type: string "..."`),
        // which may be a key put in the wrong place: say only where and what kind of error.
        let file: CredentialsFile = serde_json::from_slice(bytes).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Io => "cannot be read",
                serde_json::error::Category::Syntax => "is not valid JSON",
                serde_json::error::Category::Data => "has a field of the wrong type or name",
                serde_json::error::Category::Eof => "ends too early",
            };
            ConfigError::CredentialsFile(format!(
                "the file {what} (line {}, column {}); expected {{\"credentials\": [{{\"SecretId\": \"...\", \"SecretKey\": \"...\", \"Token\": \"...\" (optional)}}]}}",
                e.line(),
                e.column()
            ))
        })?;
        for c in file.credentials {
            self = self.credential(c.secret_id, c.secret_key, c.token.as_deref());
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_round_trip() {
        for name in [
            "internal-error",
            "throttle",
            "drop",
            "truncate",
            "delay=250",
            "stall",
        ] {
            assert_eq!(name.parse::<FaultKind>().unwrap().to_string(), name);
        }
        let err = "delay=soon".parse::<FaultKind>().unwrap_err();
        assert!(err.to_string().contains("delay=MS"));
    }

    #[test]
    fn validation_names_the_problem_without_the_key() {
        let err = MockConfig::new()
            .credential("AKID1", " padded-key ", None)
            .validate()
            .unwrap_err();
        assert!(
            err.to_string().contains("AKID1") && !err.to_string().contains("padded-key"),
            "{err}"
        );
        assert!(
            MockConfig::new()
                .fault(FaultKind::Drop, 1.5)
                .validate()
                .is_err()
        );
        let debug = format!(
            "{:?}",
            MockConfig::new().credential("AKID1", "super-secret", Some("tok-secret"))
        );
        assert!(
            !debug.contains("super-secret") && !debug.contains("tok-secret"),
            "{debug}"
        );
    }

    #[test]
    fn credentials_file_shape() {
        let config = MockConfig::new()
            .credentials_json(br#"{"credentials":[{"SecretId":"AKID1","SecretKey":"k1"},{"SecretId":"AKID2","SecretKey":"k2","Token":"t"}]}"#)
            .unwrap();
        assert_eq!(config.credentials.len(), 2);
        assert!(config.credentials[1].token.is_some());
        let err = MockConfig::new()
            .credentials_json(br#"{"credentials":[{"SecretId":"AKID1","Key":"sekrit"}]}"#)
            .unwrap_err();
        assert!(!err.to_string().contains("sekrit"), "{err}");
    }
}
