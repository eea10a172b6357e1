//! The program: parse, resolve, run the command on a Tokio runtime, map the outcome to an exit
//! code. A closed stdout (`tcredis ... | head`) ends the program quietly with 0.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::Arc;

use tcredis_transport_hyper::credentials::{
    ChainConfig, DefaultChain, FetchSettings, SharedProvider, StaticProvider,
};

use crate::backend::Api;
use crate::commands::{check, fetch, latest, list};
use crate::config::settings::{self, Environment, Settings, Sourced};
use crate::config::show::{self as config_show, CredentialReport};
use crate::config::{CommandConfig, Config};
use crate::dry_run;
use crate::exit::{CliError, Outcome, is_broken_pipe};
use crate::output::{self, Format, Query};
use crate::time::now::{NOW_ENV, Now, system_unix};
use crate::time::window::Window;

/// Runs the program over `argv` and the process environment; returns the exit code.
pub fn main(argv: Vec<std::ffi::OsString>) -> u8 {
    let config = match crate::args::parse(argv) {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return u8::try_from(code).unwrap_or(2);
        }
    };
    let env = Environment::capture();
    crate::logging::init(config.global.verbose);
    let result = match &config.command {
        CommandConfig::Completions(shell) => {
            crate::docs_gen::completions(*shell, &mut io::stdout().lock())
                .map(|()| Outcome::Success)
                .map_err(Failure::Io)
        }
        CommandConfig::GenerateDocs(dir) => crate::docs_gen::generate(dir)
            .map(|()| Outcome::Success)
            .map_err(Failure::Io),
        _ => run_on_runtime(config, env),
    };
    match result {
        Ok(outcome) => outcome.code(),
        Err(Failure::Io(e)) if is_broken_pipe(&e) => 0,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::InvalidInput => {
            crate::exit::stderr_line(format_args!("tcredis: error: {e}"));
            Outcome::Usage.code()
        }
        Err(Failure::Io(e)) => {
            // Writing stdout failed (disk full, closed terminal): an I/O failure, exit 4.
            crate::exit::stderr_line(format_args!("tcredis: error: cannot write the output: {e}"));
            Outcome::Network.code()
        }
        Err(Failure::Cli(e)) => {
            crate::exit::stderr_line(format_args!("tcredis: error: {e}"));
            e.outcome.code()
        }
    }
}

/// Why the program stopped early.
#[derive(Debug)]
enum Failure {
    Cli(CliError),
    Io(io::Error),
}

impl From<CliError> for Failure {
    fn from(e: CliError) -> Self {
        Self::Cli(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

fn run_on_runtime(config: Config, env: Environment) -> Result<Outcome, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::network(format!("cannot start the async runtime: {e}")))?;
    let deadline = config.global.deadline;
    runtime.block_on(async move {
        match deadline {
            Some(d) => match tokio::time::timeout(d, run(config, env)).await {
                Ok(r) => r,
                Err(_) => Err(CliError::network(format!(
                    "--deadline of {} elapsed before the command finished",
                    humantime::format_duration(d)
                ))
                .into()),
            },
            None => run(config, env).await,
        }
    })
}

/// Credentials and their report.
struct Resolved {
    provider: Option<SharedProvider>,
    report: CredentialReport,
    /// Why there is no provider.
    error: Option<String>,
}

fn resolve_credentials(config: &Config, env: &Environment, settings: &Settings) -> Resolved {
    let g = &config.global;
    if g.mock {
        let creds = tcredis_core::credentials::Credentials::new(
            tcredis_mock::DEMO_SECRET_ID,
            tcredis_mock::DEMO_SECRET_KEY,
        )
        .expect("the demo pair is well-formed");
        let source = "--mock public demo pair";
        return Resolved {
            provider: Some(Arc::new(StaticProvider::with_source(creds, source))),
            report: CredentialReport {
                summary: format!("{} ({source})", tcredis_mock::DEMO_SECRET_ID),
                steps: Vec::new(),
            },
            error: None,
        };
    }
    let mut chain = ChainConfig::new(env.vars.clone(), env.home.clone().unwrap_or_default());
    chain.profile = g.profile.clone();
    chain.use_cvm_role = g.use_cvm_role;
    chain.role_arn = g.role_arn.clone();
    chain.role_session_name = g.role_session_name.clone();
    chain.fetch = FetchSettings {
        proxy: g.proxy.clone(),
        env: env.vars.clone(),
        ..FetchSettings::default()
    };
    if let Some(d) = settings.connect_timeout.as_ref() {
        chain.fetch.connect_timeout = d.value;
    }
    if let Some(d) = settings.timeout.as_ref() {
        chain.fetch.timeout = d.value;
    }
    if let Some(ca) = settings.ca_file.as_ref()
        && let Ok(pem) = std::fs::read(&ca.value)
    {
        chain.fetch.extra_roots_pem.push(pem);
    }
    match DefaultChain::resolve(&chain) {
        Ok(r) => Resolved {
            report: CredentialReport {
                summary: format!("from {}", r.source()),
                steps: r.steps.iter().map(ToString::to_string).collect(),
            },
            provider: Some(r.provider),
            error: None,
        },
        Err(e) => Resolved {
            provider: None,
            report: CredentialReport {
                summary: format!("none: {e}"),
                steps: Vec::new(),
            },
            error: Some(e.to_string()),
        },
    }
}

fn stdout_writer() -> Box<dyn Write> {
    Box::new(BufWriter::with_capacity(64 * 1024, io::stdout()))
}

async fn run(config: Config, env: Environment) -> Result<Outcome, Failure> {
    let mut settings = settings::resolve(&config.global, &env)?;
    let now = Now::resolve(env.get(NOW_ENV)).map_err(CliError::usage)?;
    // For --mock: the in-process mock, alive until the command ends. The client's rate limit
    // stays as configured (on by default), as against the real API.
    let _mock = if config.global.mock && config.command != CommandConfig::ConfigShow {
        let server = crate::backend::mock::start(now).await?;
        settings.endpoint = Sourced {
            value: server.endpoint(),
            source: settings::Source::Mock,
        };
        Some(server)
    } else {
        None
    };
    let credentials = resolve_credentials(&config, &env, &settings);
    if config.command == CommandConfig::ConfigShow {
        let note = now.overridden.then(|| {
            format!(
                "{} UTC+8 (env {NOW_ENV}; relative times and mock data only, never signing)",
                tcredis_core::time::BeijingTime::from_unix(now.unix)
            )
        });
        let mut out = stdout_writer();
        out.write_all(config_show::render(&settings, &credentials.report, note).as_bytes())?;
        out.flush()?;
        return Ok(Outcome::Success);
    }
    let provider = credentials
        .provider
        .ok_or_else(|| CliError::usage(credentials.error.unwrap_or_default()))?;
    if config.global.dry_run {
        return dry_run_requests(&config, &settings, provider.as_ref(), now.unix).await;
    }
    let api: Arc<dyn Api> = Arc::new(crate::backend::client::build(&settings, provider, &env)?);
    let stdout_tty = io::stdout().is_terminal();
    match &config.command {
        CommandConfig::List(cfg) => {
            let plan = list::plan(cfg, now.unix);
            let mut emit = stdout_emitter(cfg.output, cfg.query.as_deref(), stdout_tty)?;
            Ok(list::run(api, plan, emit.as_mut()).await?)
        }
        CommandConfig::Latest(cfg) => {
            let mut emit = stdout_emitter(cfg.output, cfg.query.as_deref(), stdout_tty)?;
            let lookback = i64::try_from(cfg.lookback.as_secs()).unwrap_or(i64::MAX);
            Ok(latest::run(api, &cfg.instance_ids, lookback, now.unix, emit.as_mut()).await?)
        }
        CommandConfig::Check(cfg) => {
            let max_age = i64::try_from(cfg.max_age.as_secs()).unwrap_or(i64::MAX);
            let mut out = stdout_writer();
            Ok(check::run(
                api,
                &cfg.instance_ids,
                max_age,
                now.unix,
                cfg.json,
                out.as_mut(),
            )
            .await?)
        }
        _ => Ok(Outcome::Success),
    }
}

/// The first request of each query the command would send, printed instead of sent.
async fn dry_run_requests(
    config: &Config,
    settings: &Settings,
    provider: &dyn tcredis_transport_hyper::credentials::ProvideCredentials,
    now: i64,
) -> Result<Outcome, Failure> {
    let region = settings.require_region()?.to_owned();
    let creds = provider
        .provide()
        .await
        .map_err(|e| CliError::usage(format!("credentials: {e}")))?;
    let timestamp = config.global.timestamp.unwrap_or_else(system_unix);
    let timestamp = u64::try_from(timestamp)
        .map_err(|_| CliError::usage("--timestamp must not be negative"))?;
    let requests = planned_requests(&config.command, now);
    let target = dry_run::Target {
        endpoint: &settings.endpoint.value,
        region: Some(&region),
        language: settings.language.as_ref().map(|l| l.value.as_str()),
    };
    let mut out = stdout_writer();
    for (i, req) in requests.iter().enumerate() {
        req.validate()
            .map_err(|e| CliError::usage(format!("the request would be refused: {e}")))?;
        let prepared =
            dry_run::build(target, &creds, &req.to_json(), timestamp).map_err(CliError::usage)?;
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(dry_run::render(&prepared.request).as_bytes())?;
        if config.global.verbose > 0
            && let Some(stages) = &prepared.stages
        {
            out.flush()?;
            let _ = io::stderr()
                .lock()
                .write_all(dry_run::render_stages(stages).as_bytes());
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn planned_requests(
    command: &CommandConfig,
    now: i64,
) -> Vec<tcredis_core::request::DescribeInstanceBackupsRequest> {
    match command {
        CommandConfig::List(cfg) => {
            let plan = list::plan(cfg, now);
            let mut out = Vec::new();
            for target in &plan.targets {
                for &window in &plan.windows {
                    let mut r = fetch::base_request(&plan, target.as_deref(), window);
                    match plan.paging {
                        fetch::Paging::All => {
                            r.limit = Some(fetch::ALL_LIMIT);
                            r.offset = Some(0);
                        }
                        fetch::Paging::Single { limit, offset } if plan.windows.len() == 1 => {
                            r.limit = limit;
                            r.offset = offset;
                        }
                        fetch::Paging::Single { limit, offset } => {
                            r.limit = Some(limit.unwrap_or(20));
                            r.offset = Some(offset.unwrap_or(0));
                        }
                    }
                    out.push(r);
                }
            }
            out
        }
        CommandConfig::Latest(cfg) => {
            let secs = i64::try_from(cfg.lookback.as_secs()).unwrap_or(i64::MAX);
            let first = Window::closed(now.saturating_sub(secs), now).split(now)[0];
            first_pages(&cfg.instance_ids, first)
        }
        CommandConfig::Check(cfg) => {
            let secs = i64::try_from(cfg.max_age.as_secs()).unwrap_or(i64::MAX);
            let (windows, _) = check::windows(secs, now);
            first_pages(&cfg.instance_ids, windows[0])
        }
        _ => Vec::new(),
    }
}

fn first_pages(
    ids: &[String],
    window: Window,
) -> Vec<tcredis_core::request::DescribeInstanceBackupsRequest> {
    let plan = fetch::Plan {
        targets: Vec::new(),
        windows: Vec::new(),
        instance_name: None,
        statuses: Vec::new(),
        paging: fetch::Paging::All,
    };
    ids.iter()
        .map(|id| {
            let mut r = fetch::base_request(&plan, Some(id), window);
            r.limit = Some(fetch::ALL_LIMIT);
            r.offset = Some(0);
            r
        })
        .collect()
}

/// The writer for `--output`/`--query` on stdout: table on a terminal, json otherwise.
fn stdout_emitter(
    output: Option<Format>,
    query: Option<&str>,
    stdout_tty: bool,
) -> Result<Box<dyn output::Emit>, CliError> {
    let format = output.unwrap_or_else(|| Format::default_for(stdout_tty));
    let query = query
        .map(Query::compile)
        .transpose()
        .map_err(CliError::usage)?;
    Ok(output::emitter(format, query, stdout_writer()))
}
