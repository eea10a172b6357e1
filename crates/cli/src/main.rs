//! `tcredis`: list and check Tencent Cloud Redis backups from the shell.
//!
//! A thin binary: [`args`] turns the command line into a plain [`config::Config`]; [`app`]
//! dispatches: [`config`] resolves settings and credentials, [`commands`] plans the backups
//! commands and runs each plan against [`backend`] (the transport client, or the in-process
//! mock), [`output`] writes every format, and `main` returns the exit code ([`exit`]).
#![forbid(unsafe_code)]

mod app;
mod args;
mod backend;
mod commands;
mod config;
mod docs_gen;
mod dry_run;
mod exit;
mod logging;
mod output;
mod progress;
mod terminal;
mod time;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(app::main(std::env::args_os().collect()))
}
