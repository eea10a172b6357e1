//! The `tcredis-mock` binary: flags to a `MockConfig`, the server on a loopback port, the
//! `listening on ...` line on stdout, and a graceful stop on SIGTERM, SIGINT or stdin EOF.

mod args;
mod docs_gen;
#[cfg(feature = "record")]
mod record;

use std::io::Write;
use std::process::ExitCode;

use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer};

fn main() -> ExitCode {
    if let Some(code) = docs_gen::run_hook(std::env::args_os().skip(1)) {
        return code;
    }
    let settings = match args::settings(std::env::var("TCREDIS_NOW").ok()) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("tcredis-mock: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("tcredis-mock: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(run(settings))
}

async fn run(settings: args::Settings) -> ExitCode {
    let signals = StopSignals::install();
    let server = match MockServer::start_with(settings.config).await {
        Ok(server) => server,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            // A bad flag: another address (or port 0) is the fix.
            eprintln!(
                "tcredis-mock: --listen: the address is already in use ({e}); choose another port, or 127.0.0.1:0 for a free one"
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("tcredis-mock: cannot start: {e}");
            return ExitCode::from(if e.kind() == std::io::ErrorKind::InvalidInput {
                2
            } else {
                1
            });
        }
    };
    if let (Some(path), Some(pem)) = (&settings.ca_out, server.ca_pem())
        && let Err(e) = std::fs::write(path, pem)
    {
        eprintln!("tcredis-mock: --ca-out {}: {e}", path.display());
        return ExitCode::from(1);
    }
    {
        let mut stdout = std::io::stdout().lock();
        // A closed stdout is not an error: the server keeps serving.
        let _ = writeln!(stdout, "listening on {}", server.uri());
        let _ = stdout.flush();
    }
    if settings.demo_credentials {
        eprintln!(
            "tcredis-mock: accepting the public demo credentials SecretId={DEMO_SECRET_ID} SecretKey={DEMO_SECRET_KEY}"
        );
    }
    eprintln!(
        "tcredis-mock: serving {} backups",
        server.handler().backup_count()
    );
    let clock = server.clock();
    eprintln!(
        "tcredis-mock: mock clock at {} ({})",
        clock.now,
        if clock.frozen {
            "frozen".to_owned()
        } else {
            format!("running at {}x", clock.speed)
        }
    );
    signals.wait(settings.exit_on_stdin_eof).await;
    match server.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcredis-mock: {e}");
            ExitCode::from(1)
        }
    }
}

/// The ways to be told to stop, installed before the listening line is printed so a signal sent
/// right after it is never lost (the default action would kill the process).
struct StopSignals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    async fn wait(mut self, exit_on_stdin_eof: bool) {
        let stdin_eof = async {
            if exit_on_stdin_eof {
                let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
                    let _ = tx.send(());
                });
                let _ = rx.await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        {
            let term = async {
                match self.term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            let int = async {
                match self.int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = term => {},
                _ = int => {},
                _ = stdin_eof => {},
            }
        }
        #[cfg(not(unix))]
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = stdin_eof => {},
            }
        }
    }
}
