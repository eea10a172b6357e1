//! The program, as dispatch: parse the command line, resolve the settings and credentials, then
//! print the configuration, print the plan's requests (`--dry-run`) or run the plan on a Tokio
//! runtime, and map the outcome to an exit code. A closed stdout (`tcredis ... | head`) ends
//! the program quietly with 0.

use std::io::{self, Write};

use crate::commands::fleet::Regions;
use crate::commands::{Planned, RunContext};
use crate::config::settings::{self, Environment};
use crate::config::{CommandConfig, Config, credentials, show};
use crate::exit::{CliError, Failure, Outcome};
use crate::time::now::{NOW_ENV, Now};
use crate::{backend, dry_run, output};

/// The argument `cargo xtask codegen` runs the binary with (`tcredis __generate-docs DIR`):
/// handled before the command line is parsed, so it is no subcommand (absent from help, usage
/// errors and completions).
const GENERATE_DOCS: &str = "__generate-docs";

/// Runs the program over `argv` and the process environment; returns the exit code.
pub fn main(argv: Vec<std::ffi::OsString>) -> u8 {
    if argv.get(1).is_some_and(|a| a == GENERATE_DOCS) {
        let Some(dir) = argv.get(2).filter(|_| argv.len() == 3) else {
            crate::exit::stderr_line(format_args!("usage: tcredis {GENERATE_DOCS} DIR"));
            return Outcome::Usage.code();
        };
        return match crate::docs_gen::generate(std::path::Path::new(dir)) {
            Ok(()) => Outcome::Success.code(),
            Err(e) => Failure::Io(e).report(),
        };
    }
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
        _ => run_on_runtime(config, env),
    };
    match result {
        Ok(outcome) => outcome.code(),
        Err(failure) => failure.report(),
    }
}

fn run_on_runtime(config: Config, env: Environment) -> Result<Outcome, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::network(format!("cannot start the async runtime: {e}")))?;
    let (deadline, by_default) = command_deadline(&config);
    runtime.block_on(async move {
        match deadline {
            Some(d) => match tokio::time::timeout(d, run(config, env)).await {
                Ok(r) => r,
                Err(_) => Err(CliError::network(format!(
                    "--deadline of {} elapsed before the command finished{}",
                    humantime::format_duration(d),
                    if by_default {
                        " (check's default; pass --deadline to change it)"
                    } else {
                        ""
                    }
                ))
                .into()),
            },
            None => run(config, env).await,
        }
    })
}

/// `check`'s deadline when `--deadline` is not given: cron and monitoring must always end.
pub const DEFAULT_CHECK_DEADLINE: std::time::Duration = std::time::Duration::from_secs(300);

/// The whole command's deadline, and whether it is `check`'s default: `--deadline` when given;
/// else [`DEFAULT_CHECK_DEADLINE`] for `check` (run from cron and monitoring, which must always
/// get an answer); else none.
fn command_deadline(config: &Config) -> (Option<std::time::Duration>, bool) {
    match (config.global.deadline, &config.command) {
        (Some(d), _) => (Some(d), false),
        (None, CommandConfig::Check(_)) => (Some(DEFAULT_CHECK_DEADLINE), true),
        (None, _) => (None, false),
    }
}

async fn run(config: Config, env: Environment) -> Result<Outcome, Failure> {
    let mut settings = settings::resolve(&config.global, &env)?;
    let now = Now::resolve(env.get(NOW_ENV)).map_err(CliError::usage)?;
    // Before anything is planned (a dry run included): a window reaching before 2015 is a typo.
    config
        .command
        .check_earliest(now.unix)
        .map_err(CliError::usage)?;
    let is_config_show = config.command == CommandConfig::ConfigShow;
    // For --mock: the in-process mock, alive until the command ends. The client's rate limit
    // stays as configured (on by default), as against the real API.
    let _mock =
        backend::start_mock(config.global.mock && !is_config_show, &mut settings, now).await?;
    let credentials = credentials::resolve(&config.global, &env, &settings);
    if is_config_show {
        let note = now.overridden.then(|| {
            format!(
                "{} UTC+8 (env {NOW_ENV}; relative times and mock data only, never signing)",
                tcredis_core::time::BeijingTime::from_unix(now.unix)
            )
        });
        let mut out = output::stdout_writer();
        out.write_all(show::render(&settings, &credentials.report, note).as_bytes())?;
        out.flush()?;
        return Ok(Outcome::Success);
    }
    let Some(planned) = Planned::new(&config.command, now.unix) else {
        return Ok(Outcome::Success);
    };
    let provider = credentials.into_provider()?;
    let regions = Regions::resolve(&config.global, &settings)?;
    let client = backend::client::build(
        &settings,
        provider,
        &env,
        config.global.verbose,
        regions.first(),
    )?;
    planned.warn_about_requests();
    if config.global.dry_run {
        if let Some(describe) = planned.discovery() {
            return dry_run::print_each_region(&config.global, &client, &regions, &[describe])
                .await;
        }
        if regions.names.len() > 1 || regions.all {
            let requests = planned.plan().first_requests();
            for req in &requests {
                dry_run::validate(req)?;
            }
            return dry_run::print_each_region(&config.global, &client, &regions, &requests).await;
        }
        return dry_run::print(&config.global, &client, planned.plan()).await;
    }
    let ctx = RunContext {
        now: now.unix,
        regions,
        verbose: config.global.verbose,
    };
    planned.run(backend::connect(client), ctx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        let mut argv = vec!["tcredis"];
        argv.extend_from_slice(args);
        crate::args::parse(argv).unwrap()
    }

    #[test]
    fn check_always_has_a_deadline_and_the_others_only_when_asked() {
        let check = [
            "backups",
            "check",
            "--instance-id",
            "crs-1",
            "--max-age",
            "1d",
        ];
        assert_eq!(
            command_deadline(&config(&check)),
            (Some(std::time::Duration::from_secs(300)), true)
        );
        let mut given = vec!["--deadline", "7s"];
        given.extend_from_slice(&check);
        assert_eq!(
            command_deadline(&config(&given)),
            (Some(std::time::Duration::from_secs(7)), false)
        );
        assert_eq!(
            command_deadline(&config(&["backups", "list", "--all"])),
            (None, false)
        );
    }
}
