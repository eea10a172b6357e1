//! The command line's clap definitions, kept in this one module and turned into a plain
//! [`Config`] at once (values parsed, conflicts checked), as ripgrep does.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use tcredis_core::response::BackupStatus;
use tcredis_transport_hyper::ResolveOverride;

use crate::config::{
    CheckConfig, CommandConfig, Config, GlobalOptions, InstancesListConfig, LatestConfig,
    ListConfig, Selectors, ShellKind, TimeSpec,
};
use crate::output::Format;
use crate::output::check::CheckFormat;
use crate::time::duration::parse_positive_duration;

const AFTER_HELP: &str = "\
Times are Beijing wall time (UTC+8), as the API writes them. Durations: 30s, 15m, 26h, 7d, 2w, 1d12h.
Exit codes: 0 ok; 1 stale or missing backup (check, latest); 2 usage or configuration;
3 the API answered an error; 4 network, TLS or timeout. Credentials come from the environment
or profile files, never from a flag (see `tcredis config show`).";

/// tcredis: list and check Tencent Cloud Redis backups (DescribeInstanceBackups).
#[derive(Debug, Parser)]
#[command(name = "tcredis", version, about, after_help = AFTER_HELP, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: TopCommand,
}

/// Flags every command accepts, before or after the subcommand.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// Region, e.g. ap-guangzhou; repeat for several, or `all` for every known region (instances
    /// list, backups list/latest/check) [env: TENCENTCLOUD_REGION; else the profile's region].
    #[arg(
        long,
        global = true,
        value_name = "REGION",
        action = ArgAction::Append,
        help_heading = "Global options"
    )]
    region: Vec<String>,
    /// `--endpoint`, as written (help text in the attribute: rustdoc would read its brackets
    /// as a link).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options",
        help = "API endpoint: a host[:port] (https) or an http:// or https:// URL without a path"
    )]
    endpoint: Option<String>,
    /// Open the TCP connection to HOST:PORT while keeping the endpoint's Host (and signature).
    #[arg(
        long,
        global = true,
        value_name = "HOST:PORT",
        help_heading = "Global options"
    )]
    connect_to: Option<String>,
    /// Connect to ADDR for HOST on PORT instead of what DNS says, as curl (repeatable).
    #[arg(long = "resolve", global = true, value_name = "HOST:PORT:ADDR", value_parser = parse_resolve, help_heading = "Global options")]
    resolve: Vec<ResolveOverride>,
    /// Keep every request on the endpoint's host (no failover to tencentcloudapi.com.cn / .cn).
    #[arg(long, global = true, help_heading = "Global options")]
    no_failover: bool,
    /// `--profile` (help text in the attribute: rustdoc would read `<P>` as HTML).
    #[arg(
        long,
        global = true,
        value_name = "P",
        help_heading = "Global options",
        help = "Profile: section of ~/.tencentcloud/credentials, then ~/.tccli/<P>.credential [env: TCCLI_PROFILE]"
    )]
    profile: Option<String>,
    /// HTTP(S) proxy URL [default: HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY].
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    proxy: Option<String>,
    /// Extra CA certificates (PEM) to trust, on top of the system store [env: SSL_CERT_FILE, SSL_CERT_DIR replace the store].
    #[arg(
        long,
        global = true,
        value_name = "PEM",
        help_heading = "Global options"
    )]
    ca_file: Option<PathBuf>,
    /// Use the CVM instance role from the metadata service [env: TENCENTCLOUD_USE_CVM_ROLE=1].
    #[arg(long, global = true, help_heading = "Global options")]
    use_cvm_role: bool,
    /// Assume this CAM role through STS (with --role-session-name) [env: TENCENTCLOUD_ROLE_ARN].
    #[arg(
        long,
        global = true,
        value_name = "ARN",
        help_heading = "Global options"
    )]
    role_arn: Option<String>,
    /// Session name for --role-arn [env: TENCENTCLOUD_ROLE_SESSION_NAME].
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    role_session_name: Option<String>,
    /// The role's ExternalId for AssumeRole [env: TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID].
    #[arg(
        long,
        global = true,
        value_name = "ID",
        help_heading = "Global options"
    )]
    external_id: Option<String>,
    /// Time limit to establish a connection.
    #[arg(long, global = true, value_name = "D", value_parser = parse_positive_duration, help_heading = "Global options")]
    connect_timeout: Option<Duration>,
    /// Time limit for each request attempt.
    #[arg(long, global = true, value_name = "D", value_parser = parse_positive_duration, help_heading = "Global options")]
    timeout: Option<Duration>,
    /// Time limit for the whole command, retries included.
    #[arg(long, global = true, value_name = "D", value_parser = parse_positive_duration, help_heading = "Global options")]
    deadline: Option<Duration>,
    /// Client-side request rate limit in requests per second; 0 turns pacing off [default: 20].
    #[arg(long, global = true, value_name = "N", value_parser = parse_rate, allow_negative_numbers = true, help_heading = "Global options")]
    rate_limit: Option<f64>,
    /// Retries after the first attempt of a request [default: 4].
    #[arg(
        long,
        global = true,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = |s: &str| int_in::<u32>(s, 0, u32::MAX.into()),
        help_heading = "Global options"
    )]
    max_retries: Option<u32>,
    /// Run against the built-in mock (demo data, public demo credentials) over loopback HTTP.
    #[arg(long, global = true, help_heading = "Global options")]
    mock: bool,
    /// Print the exact signed HTTP request instead of sending it (-v adds the signing stages).
    #[arg(long, global = true, help_heading = "Global options")]
    dry_run: bool,
    /// With --dry-run: sign at this Unix time instead of now.
    #[arg(
        long,
        global = true,
        value_name = "UNIX",
        value_parser = |s: &str| int_in::<i64>(s, 0, MAX_TIMESTAMP.into()),
        help_heading = "Global options"
    )]
    timestamp: Option<i64>,
    /// Diagnostics on stderr: -v requests and decisions, -vv attempts, retries and pacing waits, -vvv connections and signing stages.
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = "Global options")]
    verbose: u8,
    /// Language of the API's messages (sent as X-TC-Language; default zh-CN, as the official SDKs).
    #[arg(long, global = true, value_name = "LANG", value_parser = PossibleValuesParser::new(tcredis_core::language::SUPPORTED), help_heading = "Global options")]
    language: Option<String>,
}

#[derive(Debug, Subcommand)]
enum TopCommand {
    /// List, find and check backups.
    #[command(subcommand)]
    Backups(BackupsCommand),
    /// List Redis instances (DescribeInstances).
    #[command(subcommand)]
    Instances(InstancesCommand),
    /// Show the resolved configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: Shell,
    },
}

#[derive(Debug, Subcommand)]
enum BackupsCommand {
    /// List backups (DescribeInstanceBackups), one page or --all.
    List(ListArgs),
    /// The newest good backup (status ok, exporting or exported) of each instance.
    Latest(LatestArgs),
    /// Check that each instance has a good backup newer than --max-age (for cron and monitoring).
    Check(CheckArgs),
}

#[derive(Debug, Subcommand)]
enum InstancesCommand {
    /// The instances of each region, by InstanceId (isolated and deleting ones hidden unless
    /// --include-isolated).
    List(InstancesListArgs),
}

/// Which instances of each region a command covers when no --instance-id is given.
#[derive(Debug, Args)]
struct SelectorArgs {
    /// Only instances whose name (or ID) contains TEXT (DescribeInstances SearchKey).
    #[arg(long, value_name = "TEXT", conflicts_with = "instance_ids")]
    search: Option<String>,
    /// Only instances carrying this resource tag; repeat: all must match.
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag, conflicts_with = "instance_ids")]
    tags: Vec<(String, String)>,
    /// Only instances of this project; repeat: any matches.
    #[arg(long = "project-id", value_name = "N", conflicts_with = "instance_ids")]
    project_ids: Vec<i64>,
}

impl SelectorArgs {
    fn into_selectors(self, include_isolated: bool) -> Selectors {
        Selectors {
            search: self.search,
            tags: self.tags,
            project_ids: self.project_ids,
            include_isolated,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InstancesOutputArg {
    /// Aligned columns (default on a terminal).
    Table,
    /// {"TotalCount": N, "InstanceSet": [...]} (default when piped).
    Json,
    /// One compact instance per line.
    Ndjson,
    /// RFC 4180 with a header row.
    Csv,
    /// Tab-separated, with the same header.
    Tsv,
}

#[derive(Debug, Args)]
struct InstancesListArgs {
    /// Instance ID; repeat for several (DescribeInstances InstanceIds).
    #[arg(long = "instance-id", value_name = "ID")]
    instance_ids: Vec<String>,
    #[command(flatten)]
    selectors: SelectorArgs,
    /// Also list isolated (-2) and deleting (-3) instances.
    #[arg(long)]
    include_isolated: bool,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, short, value_name = "FORMAT", value_enum)]
    output: Option<InstancesOutputArg>,
    /// JMESPath expression over the json shape, e.g. 'InstanceSet[].InstanceId'.
    #[arg(long, value_name = "JMESPATH")]
    query: Option<String>,
    /// With --query: strings without quotes and arrays one item a line (as jq -r).
    #[arg(long, requires = "query")]
    raw: bool,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print every resolved setting and where it came from (secrets masked).
    Show,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutputArg {
    /// Aligned columns (default on a terminal).
    Table,
    /// {"TotalCount": N, "BackupSet": [...]} (default when piped).
    Json,
    /// One compact backup per line, streamed.
    Ndjson,
    /// RFC 4180 with a header row of the 16 API fields.
    Csv,
    /// Tab-separated, with the same header.
    Tsv,
}

impl From<OutputArg> for Format {
    fn from(o: OutputArg) -> Self {
        match o {
            OutputArg::Table => Format::Table,
            OutputArg::Json => Format::Json,
            OutputArg::Ndjson => Format::Ndjson,
            OutputArg::Csv => Format::Csv,
            OutputArg::Tsv => Format::Tsv,
        }
    }
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Instance ID; repeat for several (listed in the order given). Default: every instance.
    #[arg(long = "instance-id", value_name = "ID")]
    instance_ids: Vec<String>,
    #[command(flatten)]
    selectors: SelectorArgs,
    /// Instance name (substring match).
    #[arg(long, value_name = "TEXT")]
    instance_name: Option<String>,
    /// Status filter, by name or number: running (1), ok (2), exporting (3), exported (4),
    /// expired (-1), deleted (-2). Repeatable or comma-separated.
    #[arg(long = "status", value_name = "S", value_parser = parse_status, value_delimiter = ',', allow_negative_numbers = true)]
    statuses: Vec<i64>,
    /// Backups started at or after this Beijing time.
    #[arg(long, value_name = "YYYY-MM-DD HH:MM:SS", value_parser = parse_beijing, conflicts_with = "since")]
    begin_time: Option<i64>,
    /// Backups started at or before this Beijing time.
    #[arg(long, value_name = "YYYY-MM-DD HH:MM:SS", value_parser = parse_beijing, conflicts_with = "since")]
    end_time: Option<i64>,
    /// Backups started within this duration before now (e.g. 7d); longer than 30d is fine.
    #[arg(long, value_name = "DURATION", value_parser = parse_positive_duration)]
    since: Option<Duration>,
    /// The API's Limit, the page size, 1..=100: one page, or with --all the size of every page [default: 20, with --all 100].
    #[arg(long, value_name = "N", value_parser = |s: &str| int_in::<i64>(s, 1, 100), allow_negative_numbers = true)]
    limit: Option<i64>,
    /// The API's Offset, 0 or more: backups to skip (a single page).
    #[arg(long, value_name = "N", value_parser = |s: &str| int_in::<i64>(s, 0, i64::MAX.into()), conflicts_with = "all", allow_negative_numbers = true)]
    offset: Option<i64>,
    /// Fetch every page (Offset steps by --limit).
    #[arg(long)]
    all: bool,
    /// With --all: stop with exit 4 once one listing (an instance, or the region, over one
    /// 30-day window or the open window) passes N items, whatever the server's TotalCount
    /// says; 0 = no cap.
    #[arg(long, value_name = "N", requires = "all", default_value_t = crate::commands::plan::DEFAULT_LIST_MAX_ITEMS, value_parser = |s: &str| int_in::<u64>(s, 0, u64::MAX.into()))]
    max_items: u64,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, short, value_name = "FORMAT", value_enum)]
    output: Option<OutputArg>,
    /// JMESPath expression over the json shape, e.g. 'BackupSet[].BackupId'.
    #[arg(long, value_name = "JMESPATH")]
    query: Option<String>,
    /// With --query: strings without quotes and arrays one item a line (as jq -r).
    #[arg(long, requires = "query")]
    raw: bool,
}

#[derive(Debug, Args)]
struct LatestArgs {
    /// Instance ID; repeat for several. Default: every running instance of each region.
    #[arg(long = "instance-id", value_name = "ID")]
    instance_ids: Vec<String>,
    #[command(flatten)]
    selectors: SelectorArgs,
    /// Also search instances that are not running (initialising, isolated, being deleted).
    #[arg(long, conflicts_with = "instance_ids")]
    include_isolated: bool,
    /// How far back to look.
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = parse_positive_duration)]
    lookback: Duration,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, short, value_name = "FORMAT", value_enum)]
    output: Option<OutputArg>,
    /// JMESPath expression over the json shape.
    #[arg(long, value_name = "JMESPATH")]
    query: Option<String>,
    /// With --query: strings without quotes and arrays one item a line (as jq -r).
    #[arg(long, requires = "query")]
    raw: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Instance ID; repeat for several. Default: every running instance of each region.
    #[arg(long = "instance-id", value_name = "ID")]
    instance_ids: Vec<String>,
    #[command(flatten)]
    selectors: SelectorArgs,
    /// Also check instances that are not running (initialising, isolated, being deleted).
    #[arg(long, conflicts_with = "instance_ids")]
    include_isolated: bool,
    /// The newest good backup must be younger than this (e.g. 26h).
    #[arg(long, value_name = "DURATION", value_parser = parse_positive_duration)]
    max_age: Duration,
    /// How far back to look for the newest good backup (STALE within it, MISSING beyond).
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = parse_positive_duration)]
    lookback: Duration,
    /// Report format.
    #[arg(long, short, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    output: String,
}

/// The last second of year 9999 (UTC): the latest `--timestamp` that can be signed as a date.
const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// An integer flag's value: the same message for every integer flag, whatever went wrong (not
/// a number, past 64 bits, or outside the flag's own range). A range without a useful upper
/// bound (`i64::MAX` or more) reads "of N or more", not a 19-digit number.
fn int_in<T: TryFrom<i128>>(text: &str, min: i128, max: i128) -> Result<T, String> {
    let range = if max >= i128::from(i64::MAX) {
        format!("of {min} or more")
    } else {
        format!("from {min} to {max}")
    };
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    let number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let in_range = trimmed
        .parse::<i128>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .and_then(|v| T::try_from(v).ok());
    match in_range {
        Some(v) => Ok(v),
        None if number => Err(format!(
            "{text:?} is out of range; use a whole number {range}"
        )),
        None => Err(format!("{text:?} is not a whole number; use one {range}")),
    }
}

/// A `--status` value: a name or its number, as core's [`BackupStatus`] reads them.
fn parse_status(text: &str) -> Result<i64, String> {
    text.parse::<BackupStatus>()
        .map(BackupStatus::code)
        .map_err(|e| e.to_string())
}

/// `--resolve HOST:PORT:ADDR`.
fn parse_resolve(text: &str) -> Result<ResolveOverride, String> {
    ResolveOverride::parse(text).map_err(|e| e.to_string())
}

/// The instance IDs in the order given, each once (a repeated ID is fetched once).
fn unique(ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// `--query` prints JSON: it cannot be combined with a format that is not JSON.
fn query_format(
    query: Option<&String>,
    output: Option<OutputArg>,
) -> Result<(), (&'static str, String)> {
    match (query, output) {
        (Some(_), Some(o @ (OutputArg::Csv | OutputArg::Tsv | OutputArg::Table))) => Err((
            "--query",
            format!(
                "prints JSON and cannot be combined with --output {}; use --output json (the default when piped) or ndjson, or drop --query",
                o.to_possible_value()
                    .map_or_else(String::new, |v| v.get_name().to_owned())
            ),
        )),
        _ => Ok(()),
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(format!(
            "{text:?} is not a rate; use a number of requests per second >= 0 (0 turns pacing off)"
        )),
    }
}

fn parse_tag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!(
            "{text:?} is not a tag; use KEY=VALUE with a non-empty KEY, e.g. env=prod"
        )),
    }
}

/// The `--region` values as given, checked: `all` alone, otherwise distinct names.
fn check_regions(regions: &[String]) -> Result<(), (&'static str, String)> {
    if regions.iter().any(|r| r == "all") && regions.len() > 1 {
        return Err((
            "--region",
            "`all` already means every region; give it alone".to_owned(),
        ));
    }
    for (i, r) in regions.iter().enumerate() {
        if r.trim().is_empty() {
            return Err(("--region", "must not be empty".to_owned()));
        }
        if regions[..i].contains(r) {
            return Err(("--region", format!("{r} is given twice")));
        }
    }
    Ok(())
}

/// `--instance-id` names instances of one region: with several regions it is ambiguous.
fn single_region_for_ids(
    regions: &[String],
    instance_ids: &[String],
) -> Result<(), (&'static str, String)> {
    if !instance_ids.is_empty() && (regions.len() > 1 || regions.iter().any(|r| r == "all")) {
        return Err((
            "--instance-id",
            "names instances of one region; give a single --region (or leave --instance-id out to cover every instance of each region)".to_owned(),
        ));
    }
    Ok(())
}

fn parse_beijing(text: &str) -> Result<i64, String> {
    let unix = tcredis_core::time::BeijingTime::parse(text.trim())
        .map(|t| t.unix())
        .map_err(|_| format!("{text:?} is not a time; use Beijing time (UTC+8) as YYYY-MM-DD HH:MM:SS, e.g. \"2026-06-01 02:00:00\""))?;
    crate::time::earliest::check_begin_time(unix)?;
    Ok(unix)
}

/// The clap command (for completions, the man page and help output). A subcommand's
/// `--version` prints `tcredis <version>`, as the top level does.
pub fn command() -> clap::Command {
    name_versions(Cli::command())
}

fn name_versions(cmd: clap::Command) -> clap::Command {
    cmd.mut_subcommands(|sub| name_versions(sub.display_name("tcredis")))
}

/// Parses the command line; clap's own errors (and `--help`, `--version`) come back as
/// `clap::Error` so the caller prints them with clap's exit code (2 for usage).
pub fn parse<I, T>(argv: I) -> Result<Config, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut cmd = command();
    let matches = cmd.try_get_matches_from_mut(argv)?;
    let cli = Cli::from_arg_matches(&matches)?;
    into_config(cli).map_err(|(arg, msg)| {
        cmd.error(
            clap::error::ErrorKind::ArgumentConflict,
            format!("{arg}: {msg}"),
        )
    })
}

/// Conversion to the plain config; an error names the flag.
fn into_config(cli: Cli) -> Result<Config, (&'static str, String)> {
    let g = cli.global;
    if g.timestamp.is_some() && !g.dry_run {
        return Err(("--timestamp", "only works with --dry-run".to_owned()));
    }
    if g.role_arn.is_some() != g.role_session_name.is_some() {
        return Err((
            "--role-arn",
            "needs --role-session-name as well (and the other way round)".to_owned(),
        ));
    }
    if g.mock && g.endpoint.is_some() {
        return Err((
            "--mock",
            "cannot be combined with --endpoint (the mock is its own endpoint)".to_owned(),
        ));
    }
    check_regions(&g.region)?;
    let global = GlobalOptions {
        region: g.region.first().cloned(),
        regions: g.region,
        endpoint: g.endpoint,
        connect_to: g.connect_to,
        resolve: g.resolve,
        failover: !g.no_failover,
        external_id: g.external_id,
        profile: g.profile,
        proxy: g.proxy,
        ca_file: g.ca_file,
        use_cvm_role: g.use_cvm_role,
        role_arn: g.role_arn,
        role_session_name: g.role_session_name,
        connect_timeout: g.connect_timeout,
        timeout: g.timeout,
        deadline: g.deadline,
        rate_limit: g.rate_limit,
        max_retries: g.max_retries,
        mock: g.mock,
        dry_run: g.dry_run,
        timestamp: g.timestamp,
        verbose: g.verbose,
        language: g.language,
    };
    let command = match cli.command {
        TopCommand::Backups(BackupsCommand::List(a)) => {
            if let (Some(b), Some(e)) = (a.begin_time, a.end_time)
                && b > e
            {
                return Err((
                    "--begin-time",
                    "is after --end-time; the window must not be reversed".to_owned(),
                ));
            }
            if let Some(q) = &a.query {
                crate::output::Query::compile(q).map_err(|e| ("--query", e))?;
            }
            query_format(a.query.as_ref(), a.output)?;
            let time = match a.since {
                Some(d) => TimeSpec::Since(d),
                None => TimeSpec::Absolute {
                    begin: a.begin_time,
                    end: a.end_time,
                },
            };
            single_region_for_ids(&global.regions, &a.instance_ids)?;
            CommandConfig::List(ListConfig {
                instance_ids: unique(a.instance_ids),
                selectors: a.selectors.into_selectors(false),
                instance_name: a.instance_name,
                statuses: a.statuses,
                time,
                limit: a.limit,
                offset: a.offset,
                all: a.all,
                max_items: a.max_items,
                output: a.output.map(Format::from),
                query: a.query,
                raw: a.raw,
            })
        }
        TopCommand::Backups(BackupsCommand::Latest(a)) => {
            if let Some(q) = &a.query {
                crate::output::Query::compile(q).map_err(|e| ("--query", e))?;
            }
            query_format(a.query.as_ref(), a.output)?;
            single_region_for_ids(&global.regions, &a.instance_ids)?;
            CommandConfig::Latest(LatestConfig {
                instance_ids: unique(a.instance_ids),
                selectors: a.selectors.into_selectors(a.include_isolated),
                lookback: a.lookback,
                output: a.output.map(Format::from),
                query: a.query,
                raw: a.raw,
            })
        }
        TopCommand::Backups(BackupsCommand::Check(a)) => {
            single_region_for_ids(&global.regions, &a.instance_ids)?;
            CommandConfig::Check(CheckConfig {
                instance_ids: unique(a.instance_ids),
                selectors: a.selectors.into_selectors(a.include_isolated),
                max_age: a.max_age,
                lookback: a.lookback,
                format: if a.output == "json" {
                    CheckFormat::Json
                } else {
                    CheckFormat::Text
                },
            })
        }
        TopCommand::Instances(InstancesCommand::List(a)) => {
            if let Some(q) = &a.query {
                crate::output::Query::compile(q).map_err(|e| ("--query", e))?;
            }
            let output = a.output.map(|o| match o {
                InstancesOutputArg::Table => OutputArg::Table,
                InstancesOutputArg::Json => OutputArg::Json,
                InstancesOutputArg::Ndjson => OutputArg::Ndjson,
                InstancesOutputArg::Csv => OutputArg::Csv,
                InstancesOutputArg::Tsv => OutputArg::Tsv,
            });
            query_format(a.query.as_ref(), output)?;
            CommandConfig::InstancesList(InstancesListConfig {
                instance_ids: unique(a.instance_ids),
                selectors: a.selectors.into_selectors(a.include_isolated),
                output: output.map(Format::from),
                query: a.query,
                raw: a.raw,
            })
        }
        TopCommand::Config(ConfigCommand::Show) => CommandConfig::ConfigShow,
        TopCommand::Completions { shell } => CommandConfig::Completions(match shell {
            Shell::Bash => ShellKind::Bash,
            Shell::Zsh => ShellKind::Zsh,
            Shell::Fish => ShellKind::Fish,
        }),
    };
    Ok(Config { global, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(args: &[&str]) -> Config {
        parse(std::iter::once("tcredis").chain(args.iter().copied())).unwrap()
    }

    fn parse_err(args: &[&str]) -> clap::Error {
        parse(std::iter::once("tcredis").chain(args.iter().copied())).unwrap_err()
    }

    #[test]
    fn the_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn global_flags_work_before_and_after_the_subcommand() {
        let before = parse_ok(&[
            "--region",
            "ap-beijing",
            "--rate-limit",
            "0",
            "backups",
            "list",
        ]);
        let after = parse_ok(&[
            "backups",
            "list",
            "--region",
            "ap-beijing",
            "--rate-limit",
            "0",
        ]);
        assert_eq!(before, after);
        assert_eq!(before.global.region.as_deref(), Some("ap-beijing"));
        assert_eq!(before.global.rate_limit, Some(0.0));
    }

    #[test]
    fn list_flags_become_plain_values() {
        let c = parse_ok(&[
            "backups",
            "list",
            "--instance-id",
            "crs-a",
            "--instance-id",
            "crs-b",
            "--status",
            "ok,exported",
            "--status",
            "-1",
            "--since",
            "1d12h",
            "--limit",
            "50",
            "--offset",
            "100",
            "-o",
            "csv",
            "-vv",
        ]);
        assert_eq!(c.global.verbose, 2);
        let CommandConfig::List(l) = c.command else {
            panic!("not list")
        };
        assert_eq!(l.instance_ids, ["crs-a", "crs-b"]);
        assert_eq!(l.statuses, [2, 4, -1]);
        assert_eq!(l.time, TimeSpec::Since(Duration::from_secs(129_600)));
        assert_eq!((l.limit, l.offset, l.all), (Some(50), Some(100), false));
        assert_eq!(l.output, Some(Format::Csv));
    }

    #[test]
    fn bad_values_are_usage_errors_naming_the_flag() {
        for (args, needle) in [
            (
                &["backups", "list", "--status", "good"][..],
                "running (1), ok (2)",
            ),
            (
                &["backups", "list", "--status", "0"][..],
                "\"0\" is not a backup status: accepted running (1), ok (2), exporting (3), exported (4), expired (-1), deleted (-2)",
            ),
            (&["backups", "list", "--limit", "101"][..], "--limit"),
            (
                &["backups", "list", "--offset", "-1"][..],
                "\"-1\" is out of range; use a whole number of 0 or more",
            ),
            (
                &["backups", "list", "--limit", "0"][..],
                "use a whole number from 1 to 100",
            ),
            (
                &["backups", "list", "--query", "@", "-o", "csv"][..],
                "cannot be combined with --output csv",
            ),
            (&["backups", "list", "--raw"][..], "--query"),
            (
                &["--resolve", "a.test:443", "config", "show"][..],
                "HOST:PORT:ADDR",
            ),
            (&["backups", "list", "--since", "yesterday"][..], "30s, 15m"),
            (&["backups", "list", "--all", "--offset", "5"][..], "--all"),
            (
                &["backups", "list", "--output", "yaml"][..],
                "table, json, ndjson, csv, tsv",
            ),
            (
                &["backups", "list", "--query", "BackupSet[?"][..],
                "JMESPath",
            ),
            (&["backups", "list", "--timestamp", "5"][..], "--dry-run"),
            (
                &["--rate-limit", "-1", "backups", "list"][..],
                "0 turns pacing off",
            ),
            (
                &["backups", "check", "--instance-id", "crs-a"][..],
                "--max-age",
            ),
            (
                &[
                    "--region",
                    "all",
                    "--region",
                    "ap-beijing",
                    "backups",
                    "check",
                    "--max-age",
                    "1d",
                ][..],
                "give it alone",
            ),
            (
                &[
                    "--region",
                    "ap-beijing",
                    "--region",
                    "ap-beijing",
                    "instances",
                    "list",
                ][..],
                "given twice",
            ),
            (
                &[
                    "--region",
                    "ap-beijing",
                    "--region",
                    "ap-shanghai",
                    "backups",
                    "latest",
                    "--instance-id",
                    "crs-a",
                ][..],
                "single --region",
            ),
            (&["instances", "list", "--tag", "=x"][..], "KEY=VALUE"),
            (
                &[
                    "backups",
                    "check",
                    "--max-age",
                    "1d",
                    "--instance-id",
                    "crs-a",
                    "--search",
                    "x",
                ][..],
                "--search",
            ),
            (
                &[
                    "backups",
                    "latest",
                    "--instance-id",
                    "crs-a",
                    "--include-isolated",
                ][..],
                "--include-isolated",
            ),
            (
                &["instances", "list", "-o", "yaml"][..],
                "table, json, ndjson, csv, tsv",
            ),
            (&["--language", "fr", "config", "show"][..], "zh-CN"),
            (
                &["--role-arn", "qcs::cam::uin/1:roleName/x", "config", "show"][..],
                "--role-session-name",
            ),
        ] {
            let err = parse_err(args);
            assert_eq!(err.exit_code(), 2, "{args:?}");
            let text = err.to_string();
            assert!(text.contains(needle), "{args:?}: {text}");
        }
    }

    #[test]
    fn check_and_latest() {
        let c = parse_ok(&[
            "backups",
            "check",
            "--instance-id",
            "crs-a",
            "--max-age",
            "26h",
            "--mock",
        ]);
        assert!(c.global.mock);
        let CommandConfig::Check(k) = c.command else {
            panic!()
        };
        assert_eq!(k.max_age, Duration::from_secs(26 * 3600));
        assert_eq!(k.format, CheckFormat::Text);
        let CommandConfig::Check(k) = parse_ok(&[
            "backups",
            "check",
            "--instance-id",
            "crs-a",
            "--max-age",
            "1d",
            "-o",
            "json",
        ])
        .command
        else {
            panic!()
        };
        assert_eq!(k.format, CheckFormat::Json);
        let CommandConfig::Latest(l) =
            parse_ok(&["backups", "latest", "--instance-id", "crs-a"]).command
        else {
            panic!()
        };
        assert_eq!(l.lookback, Duration::from_secs(30 * 86_400));
    }

    #[test]
    fn fleet_flags() {
        let c = parse_ok(&[
            "backups",
            "check",
            "--region",
            "ap-beijing",
            "--region",
            "ap-shanghai",
            "--max-age",
            "26h",
            "--lookback",
            "7d",
            "--tag",
            "env=prod",
            "--tag",
            "team=a=b",
            "--project-id",
            "3",
            "--search",
            "orders",
            "--include-isolated",
        ]);
        assert_eq!(c.global.regions, ["ap-beijing", "ap-shanghai"]);
        assert_eq!(c.global.region.as_deref(), Some("ap-beijing"));
        let CommandConfig::Check(k) = c.command else {
            panic!()
        };
        assert!(k.instance_ids.is_empty());
        assert_eq!(k.lookback, Duration::from_secs(7 * 86_400));
        assert_eq!(
            k.selectors,
            Selectors {
                search: Some("orders".into()),
                tags: vec![("env".into(), "prod".into()), ("team".into(), "a=b".into())],
                project_ids: vec![3],
                include_isolated: true,
            }
        );
        let c = parse_ok(&["--region", "all", "instances", "list", "-o", "csv"]);
        assert_eq!(c.global.regions, ["all"]);
        let CommandConfig::InstancesList(i) = c.command else {
            panic!()
        };
        assert_eq!(i.output, Some(Format::Csv));
        assert!(!i.selectors.include_isolated);
    }
}
