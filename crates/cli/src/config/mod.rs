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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlobalOptions {
    /// `--region`.
    pub region: Option<String>,
    /// `--endpoint` as written.
    pub endpoint: Option<String>,
    /// `--connect-to HOST:PORT`.
    pub connect_to: Option<String>,
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

/// `backups list`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListConfig {
    /// `--instance-id`, in the order given (empty: every instance of the region).
    pub instance_ids: Vec<String>,
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
}

/// `backups latest`.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestConfig {
    /// `--instance-id` (at least one).
    pub instance_ids: Vec<String>,
    /// `--lookback`.
    pub lookback: Duration,
    /// `--output`, when given.
    pub output: Option<Format>,
    /// `--query`.
    pub query: Option<String>,
}

/// `backups check`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckConfig {
    /// `--instance-id` (at least one).
    pub instance_ids: Vec<String>,
    /// `--max-age`.
    pub max_age: Duration,
    /// `--output`: the report as text (default) or json.
    pub format: CheckFormat,
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
    /// `config show`.
    ConfigShow,
    /// `completions SHELL`.
    Completions(ShellKind),
    /// Help screens and man pages into a directory (hidden; `cargo xtask codegen`).
    GenerateDocs(PathBuf),
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
            Self::Check(cfg) => reach("--max-age", cfg.max_age, now),
            _ => Ok(()),
        }
    }
}
