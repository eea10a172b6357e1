//! `tcredis`: list and check Tencent Cloud Redis backups from the shell.
//!
//! A thin binary: [`args`] turns the command line into a plain [`config::Config`], the commands
//! run against the transport (or the in-process mock), and `main` maps the outcome to an exit code.
#![forbid(unsafe_code)]

mod args;
mod backup;
mod clock;
mod config;
mod dry_run;
mod duration;
mod exit;
mod json_text;
mod output;
mod settings;
mod status;
mod window;

use std::process::ExitCode;

fn main() -> ExitCode {
    let config = match args::parse(std::env::args_os()) {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    let _ = config;
    ExitCode::SUCCESS
}
