//! The commands: `instances list` and the backups commands `list`, `latest` and `check`. Each is
//! a plan, decided from its configuration and now before any request ([`plan::Plan`]: what
//! `--dry-run` prints; a command over every instance of each region starts with each region's
//! `DescribeInstances` instead, [`Planned::discovery`]), and a run that carries it out and writes
//! its output through [`crate::output`]. The fan-out over instances and windows is [`fetch`]; what
//! the fleet commands share is [`fleet`].

pub mod check;
pub mod fetch;
pub mod fleet;
pub mod instances;
pub mod latest;
pub mod list;
pub mod plan;

use std::io::IsTerminal;
use std::sync::Arc;

use tcredis_core::PagedAction as _;
use tcredis_core::instances::{DescribeInstancesRequest, MAX_LIMIT};

use crate::backend::Api;
use crate::backend::client::ClientApi;
use crate::config::{CheckConfig, CommandConfig, InstancesListConfig, LatestConfig, ListConfig};
use crate::exit::{CliError, Failure, Outcome};
use crate::output;
use fleet::{Regions, selector};
use plan::Plan;

/// A command with its plan, ready to run.
#[derive(Debug)]
pub enum Planned<'c> {
    /// `backups list`.
    List(&'c ListConfig, Plan),
    /// `backups latest`.
    Latest(&'c LatestConfig, Plan),
    /// `backups check`.
    Check(&'c CheckConfig, Plan),
    /// `instances list` (its plan is empty: it starts with [`Planned::discovery`]).
    Instances(&'c InstancesListConfig, Plan),
}

/// What a run needs besides the API: when "now" is, the regions, the verbosity.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// Now, Unix seconds (the instant the plan was made at; ages are measured from it).
    pub now: i64,
    /// The regions of the command.
    pub regions: Regions,
    /// `-v` count.
    pub verbose: u8,
}

fn seconds(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl<'c> Planned<'c> {
    /// Plans a command at `now`; `None` for the commands that send nothing.
    pub fn new(command: &'c CommandConfig, now: i64) -> Option<Self> {
        match command {
            CommandConfig::List(cfg) => Some(Self::List(cfg, list::plan(cfg, now))),
            CommandConfig::Latest(cfg) => Some(Self::Latest(cfg, latest::plan(cfg, now))),
            CommandConfig::Check(cfg) => Some(Self::Check(cfg, check::plan(cfg, now))),
            CommandConfig::InstancesList(cfg) => {
                Some(Self::Instances(cfg, Plan::newest_good(&[], Vec::new())))
            }
            _ => None,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        match self {
            Self::List(_, plan)
            | Self::Latest(_, plan)
            | Self::Check(_, plan)
            | Self::Instances(_, plan) => plan,
        }
    }

    /// The `DescribeInstances` request (first page, Limit 1000) a command over every instance
    /// of each region starts each region with; `None` when the command starts with backup
    /// listings (`--instance-id`s, or `backups list` without selectors).
    pub fn discovery(&self) -> Option<DescribeInstancesRequest> {
        let request = |s: tcredis_transport_hyper::fleet::Selector| {
            s.request().with_page(0, u64::from(MAX_LIMIT))
        };
        match self {
            Self::Instances(c, _) => Some(request(selector(&c.instance_ids, &c.selectors))),
            Self::Latest(c, _) if c.instance_ids.is_empty() => {
                Some(request(selector(&[], &c.selectors)))
            }
            Self::Check(c, _) if c.instance_ids.is_empty() => {
                Some(request(selector(&[], &c.selectors)))
            }
            Self::List(c, _) if c.instance_ids.is_empty() && c.selectors.filters() => {
                Some(request(selector(&[], &c.selectors)))
            }
            _ => None,
        }
    }

    /// `-v`: how the plan will be carried out.
    fn trace_strategy(&self) {
        let plan = self.plan();
        if plan.windows.len() > 1 {
            tracing::info!(
                windows = plan.windows.len(),
                "the time window is longer than the API's 30 days: split into windows of at most 30 days, newest first"
            );
        }
        tracing::info!(
            targets = plan.targets.len(),
            concurrency = fetch::CONCURRENCY.min(plan.targets.len()),
            paging = ?plan.paging,
            page_size = plan.all_limit,
            search = ?plan.search,
            "plan"
        );
    }

    /// Prints the core's validation warnings for the plan's requests (an Offset that is not a
    /// multiple of Limit, Status values only older documentation lists) on stderr, each once.
    pub fn warn_about_requests(&self) {
        for w in self.plan().warnings() {
            crate::exit::stderr_line(format_args!("tcredis: warning: {w}"));
        }
    }

    /// Carries the plan out against `api`, writing to stdout; the outcome decides the exit
    /// code.
    pub async fn run(self, api: ClientApi, ctx: RunContext) -> Result<Outcome, Failure> {
        let stdout_tty = std::io::stdout().is_terminal();
        self.trace_strategy();
        match self {
            Self::List(cfg, mut plan) => {
                let fleet_wide = cfg.instance_ids.is_empty()
                    && (cfg.selectors.filters() || ctx.regions.names.len() > 1 || ctx.regions.all);
                let (apis, outcome) = if fleet_wide {
                    let (apis, targets, outcome) =
                        list::fleet_targets(&api, &ctx.regions, &cfg.selectors, ctx.verbose).await;
                    plan.targets = targets;
                    (apis, outcome)
                } else {
                    let api: Arc<dyn Api> = Arc::new(api);
                    (vec![api], Outcome::Success)
                };
                let mut emit =
                    output::stdout_emitter(cfg.output, cfg.query.as_deref(), cfg.raw, stdout_tty)?;
                let listed = list::run(apis, plan.clone(), emit.as_mut()).await?;
                drop(emit);
                if stdout_tty && let Some(hint) = list::more_hint(&listed, &plan) {
                    crate::exit::stderr_line(format_args!("{hint}"));
                }
                Ok(listed.outcome.worst(outcome))
            }
            Self::Latest(cfg, _) => {
                let mut emit =
                    output::stdout_emitter(cfg.output, cfg.query.as_deref(), cfg.raw, stdout_tty)?;
                let run = latest::LatestRun {
                    regions: ctx.regions,
                    selector: selector(&cfg.instance_ids, &cfg.selectors),
                    lookback: seconds(cfg.lookback),
                    now: ctx.now,
                    verbose: ctx.verbose,
                };
                Ok(latest::run(&api, run, emit.as_mut()).await?)
            }
            Self::Check(cfg, _) => {
                let mut out = output::stdout_writer();
                let run = check::CheckRun {
                    regions: ctx.regions,
                    selector: selector(&cfg.instance_ids, &cfg.selectors),
                    max_age: seconds(cfg.max_age),
                    lookback: check::lookback(cfg),
                    now: ctx.now,
                    format: cfg.format,
                    verbose: ctx.verbose,
                };
                Ok(check::run(&api, run, out.as_mut()).await?)
            }
            Self::Instances(cfg, _) => {
                let format = cfg
                    .output
                    .unwrap_or_else(|| output::Format::default_for(stdout_tty));
                let query = cfg
                    .query
                    .as_deref()
                    .map(output::Query::compile)
                    .transpose()
                    .map_err(CliError::usage)?;
                let mut out = output::stdout_writer();
                Ok(instances::run(
                    &api,
                    &ctx.regions,
                    cfg,
                    format,
                    query
                        .as_ref()
                        .map(|q| (q, output::query_style(format, cfg.raw))),
                    ctx.verbose,
                    out.as_mut(),
                )
                .await?)
            }
        }
    }
}
