//! `tcredis`: list and check Tencent Cloud Redis backups from the shell.
//!
//! A thin binary: [`args`] turns the command line into a plain [`config::Config`], [`app`] runs
//! the command against the transport (or the in-process mock), and `main` returns the exit code.
#![forbid(unsafe_code)]

mod api;
mod app;
mod args;
mod backup;
mod client;
mod clock;
mod commands;
mod config;
mod config_show;
mod docs_gen;
mod dry_run;
mod duration;
mod exit;
mod json_text;
mod logging;
mod mock;
mod output;
mod progress;
mod settings;
mod status;
mod window;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(app::main(std::env::args_os().collect()))
}
