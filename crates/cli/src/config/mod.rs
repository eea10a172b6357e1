//! Configuration. This file holds the plain configuration the command line turns into (no clap
//! types past this point), in the style of ripgrep: `args` parses, this is what the rest of the
//! program reads. Resolving it against the environment and profile files is [`settings`]; which
//! credentials sign is [`credentials`]; `config show` renders both ([`show`]).

pub mod credentials;
pub mod settings;
pub mod show;

use std::path::PathBuf;
use std::time::Duration;

use crate::output::Format;
use crate::output::check::CheckFormat;

/// Everything the command line said, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Options shared by every command.
    pub global: GlobalOptions,
    /// What to do.
    pub command: CommandConfig,
}

/// The GLOBAL flags, as given (resolution against env and files happens in `settings`).
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalOptions {
    /// The first `--region` (what settings resolve; `all` stays `all`).
    pub region: Option<String>,
    /// Every `--region`, in order (`all` alone, or distinct region names; empty: none given).
    pub regions: Vec<String>,
    /// `--endpoint` as written.
    pub endpoint: Option<String>,
    /// `--connect-to HOST:PORT`.
    pub connect_to: Option<String>,
    /// `--resolve HOST:PORT:ADDR`, in the order given.
    pub resolve: Vec<tcredis_transport_hyper::ResolveOverride>,
    /// Endpoint failover (off with `--no-failover`).
    pub failover: bool,
    /// `--external-id`.
    pub external_id: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--proxy`.
    pub proxy: Option<String>,
    /// `--ca-file`.
    pub ca_file: Option<PathBuf>,
    /// `--use-cvm-role`.
    pub use_cvm_role: bool,
    /// `--role-arn`.
    pub role_arn: Option<String>,
    /// `--role-session-name`.
    pub role_session_name: Option<String>,
    /// `--connect-timeout`.
    pub connect_timeout: Option<Duration>,
    /// `--timeout` (per request attempt).
    pub timeout: Option<Duration>,
    /// `--deadline` (whole command).
    pub deadline: Option<Duration>,
    /// `--rate-limit` in requests per second (0 = off).
    pub rate_limit: Option<f64>,
    /// `--max-retries` (retries after the first attempt).
    pub max_retries: Option<u32>,
    /// `--mock`.
    pub mock: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--timestamp` for `--dry-run`.
    pub timestamp: Option<i64>,
    /// `-v` count.
    pub verbose: u8,
    /// `--language`.
    pub language: Option<String>,
}

impl Default for GlobalOptions {
    fn default() -> Self {
        Self {
            region: None,
            regions: Vec::new(),
            endpoint: None,
            connect_to: None,
            resolve: Vec::new(),
            failover: true,
            external_id: None,
            profile: None,
            proxy: None,
            ca_file: None,
            use_cvm_role: false,
            role_arn: None,
            role_session_name: None,
            connect_timeout: None,
            timeout: None,
            deadline: None,
            rate_limit: None,
            max_retries: None,
            mock: false,
            dry_run: false,
            timestamp: None,
            verbose: 0,
            language: None,
        }
    }
}

/// A window on StartTime as the command line gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// `--begin-time` / `--end-time` (Unix seconds of the Beijing wall times given).
    Absolute {
        /// `--begin-time`.
        begin: Option<i64>,
        /// `--end-time`.
        end: Option<i64>,
    },
    /// `--since D`: from now minus D until now.
    Since(Duration),
}

/// `--search`, `--tag`, `--project-id` and `--include-isolated`: which instances of each region
/// a command without `--instance-id` covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selectors {
    /// `--search` (DescribeInstances `SearchKey`).
    pub search: Option<String>,
    /// `--tag KEY=VALUE`, all must match.
    pub tags: Vec<(String, String)>,
    /// `--project-id`, any matches.
    pub project_ids: Vec<i64>,
    /// `--include-isolated`.
    pub include_isolated: bool,
}

impl Selectors {
    /// Whether any `DescribeInstances` filter was given (`--include-isolated` is not one).
    pub fn filters(&self) -> bool {
        self.search.is_some() || !self.tags.is_empty() || !self.project_ids.is_empty()
    }
}

/// `backups list`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListConfig {
    /// `--instance-id`, in the order given (empty: every instance of the region).
    pub instance_ids: Vec<String>,
    /// Selectors: with any, the instances are listed first and each one's backups listed.
    pub selectors: Selectors,
    /// `--instance-name`.
    pub instance_name: Option<String>,
    /// `--status`, numbers.
    pub statuses: Vec<i64>,
    /// The window.
    pub time: TimeSpec,
    /// `--limit`.
    pub limit: Option<i64>,
    /// `--offset`.
    pub offset: Option<i64>,
    /// `--all`.
    pub all: bool,
    /// `--max-items` with `--all`: items one listing may yield (0 = no cap).
    pub max_items: u64,
    /// `--output`, when given.
    pub output: Option<Format>,
    /// `--query`.
    pub query: Option<String>,
    /// `--raw`: the query's strings unquoted, arrays one item a line.
    pub raw: bool,
}

/// `backups latest`.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestConfig {
    /// `--instance-id` (empty: every selected instance of each region).
    pub instance_ids: Vec<String>,
    /// Which instances without `--instance-id`.
    pub selectors: Selectors,
    /// `--lookback`.
    pub lookback: Duration,
    /// `--output`, when given.
    pub output: Option<Format>,
    /// `--query`.
    pub query: Option<String>,
    /// `--raw`: the query's strings unquoted, arrays one item a line.
    pub raw: bool,
}

/// `backups check`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckConfig {
    /// `--instance-id` (empty: every selected instance of each region).
    pub instance_ids: Vec<String>,
    /// Which instances without `--instance-id`.
    pub selectors: Selectors,
    /// `--max-age`.
    pub max_age: Duration,
    /// `--lookback`.
    pub lookback: Duration,
    /// `--output`: the report as text (default) or json.
    pub format: CheckFormat,
}

/// `instances list`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstancesListConfig {
    /// `--instance-id` (any of them; empty: every instance).
    pub instance_ids: Vec<String>,
    /// The filters, and `--include-isolated` (default: isolated and deleting instances hidden).
    pub selectors: Selectors,
    /// `--output`, when given.
    pub output: Option<Format>,
    /// `--query`.
    pub query: Option<String>,
    /// `--raw`: `--query` strings unquoted, arrays one item a line.
    pub raw: bool,
}

/// Shells `completions` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellKind {
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
}

/// The command to run.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandConfig {
    /// `backups list`.
    List(ListConfig),
    /// `backups latest`.
    Latest(LatestConfig),
    /// `backups check`.
    Check(CheckConfig),
    /// `instances list`.
    InstancesList(InstancesListConfig),
    /// `config show`.
    ConfigShow,
    /// `completions SHELL`.
    Completions(ShellKind),
}

impl CommandConfig {
    /// Checks every window the command would search against the earliest instant a backup can
    /// have ([`crate::time::earliest`]).
    pub fn check_earliest(&self, now: i64) -> Result<(), String> {
        use crate::time::earliest::reach;
        match self {
            Self::List(cfg) => match cfg.time {
                TimeSpec::Since(d) => reach("--since", d, now),
                // `--begin-time` is checked when it is parsed.
                TimeSpec::Absolute { .. } => Ok(()),
            },
            Self::Latest(cfg) => reach("--lookback", cfg.lookback, now),
            // Without `--instance-id` the older windows reach back `--lookback`.
            Self::Check(cfg) => reach("--max-age", cfg.max_age, now)
                .and_then(|()| reach("--lookback", cfg.lookback, now)),
            _ => Ok(()),
        }
    }
}
