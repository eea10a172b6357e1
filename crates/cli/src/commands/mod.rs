//! The backups commands: `list`, `latest` and `check`. Each is a plan, decided from its
//! configuration and now before any request ([`plan::Plan`]: what `--dry-run` prints), and a
//! run that carries the plan out and writes its output through [`crate::output`]. The fan-out
//! over instances and windows they share is [`fetch`] (and [`lanes`], the writer's side).

pub mod check;
pub mod fetch;
pub mod lanes;
pub mod latest;
pub mod list;
pub mod plan;

use std::io::IsTerminal;
use std::sync::Arc;

use crate::backend::Api;
use crate::config::{CheckConfig, CommandConfig, LatestConfig, ListConfig};
use crate::exit::{Failure, Outcome};
use crate::output;
use plan::Plan;

/// A backups command with its plan, ready to run.
#[derive(Debug)]
pub enum Planned<'c> {
    /// `backups list`.
    List(&'c ListConfig, Plan),
    /// `backups latest`.
    Latest(&'c LatestConfig, Plan),
    /// `backups check`.
    Check(&'c CheckConfig, Plan),
}

impl<'c> Planned<'c> {
    /// Plans a backups command at `now`; `None` for the other commands.
    pub fn new(command: &'c CommandConfig, now: i64) -> Option<Self> {
        match command {
            CommandConfig::List(cfg) => Some(Self::List(cfg, list::plan(cfg, now))),
            CommandConfig::Latest(cfg) => Some(Self::Latest(cfg, latest::plan(cfg, now))),
            CommandConfig::Check(cfg) => Some(Self::Check(cfg, check::plan(cfg, now))),
            _ => None,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        match self {
            Self::List(_, plan) | Self::Latest(_, plan) | Self::Check(_, plan) => plan,
        }
    }

    /// Carries the plan out against `api`, writing to stdout; the outcome decides the exit
    /// code. `now` is the instant the plan was made at (ages are measured from it).
    pub async fn run(self, api: Arc<dyn Api>, now: i64) -> Result<Outcome, Failure> {
        let stdout_tty = std::io::stdout().is_terminal();
        match self {
            Self::List(cfg, plan) => {
                let mut emit =
                    output::stdout_emitter(cfg.output, cfg.query.as_deref(), stdout_tty)?;
                Ok(list::run(api, plan, emit.as_mut()).await?)
            }
            Self::Latest(cfg, plan) => {
                let mut emit =
                    output::stdout_emitter(cfg.output, cfg.query.as_deref(), stdout_tty)?;
                Ok(latest::run(api, plan, cfg, emit.as_mut()).await?)
            }
            Self::Check(cfg, plan) => {
                let mut out = output::stdout_writer();
                Ok(check::run(api, plan, cfg, now, out.as_mut()).await?)
            }
        }
    }
}
