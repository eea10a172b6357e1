//! `tcredis`: list and check Tencent Cloud Redis backups from the shell.
//!
//! A thin binary: [`args`] turns the command line into a plain [`config::Config`], [`app`] runs
//! the command against the transport (or the in-process mock), and `main` returns the exit code.
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
mod time;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(app::main(std::env::args_os().collect()))
}
