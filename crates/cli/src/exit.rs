//! Exit codes and the CLI's error type. 0 success; 1 a stale or missing backup (`check`,
//! `latest`); 2 usage or configuration; 3 the API answered an error; 4 network, TLS or timeout.
//! With several instances the worst outcome wins (4 > 3 > 1 > 0).

use std::fmt;

/// What a command ended with, ordered so that `max` picks the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything asked for was done.
    Success,
    /// An instance has no good backup inside the asked age or lookback.
    Stale,
    /// The command line or the configuration is wrong (exit 2; never combined with others).
    Usage,
    /// The API answered with an error.
    Api,
    /// The network, TLS or a timeout failed.
    Network,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Stale => 1,
            Self::Usage => 2,
            Self::Api => 3,
            Self::Network => 4,
        }
    }

    /// The worse of two outcomes for a multi-instance command (4 > 3 > 1 > 0).
    pub fn worst(self, other: Self) -> Self {
        self.max(other)
    }
}

/// An error that ends the command, with the outcome it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The exit class.
    pub outcome: Outcome,
    /// What went wrong and what to do; never holds a secret.
    pub message: String,
}

impl CliError {
    /// A usage or configuration error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Usage,
            message: message.into(),
        }
    }
    /// An API error (exit 3).
    pub fn api(message: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Api,
            message: message.into(),
        }
    }
    /// A network, TLS or timeout failure (exit 4).
    pub fn network(message: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Network,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// Why the program stopped early: a classified error, or writing the output failed.
#[derive(Debug)]
pub enum Failure {
    /// A usage, API or network error with its exit class.
    Cli(CliError),
    /// Writing stdout failed (a closed pipe is success; see [`is_broken_pipe`]).
    Io(std::io::Error),
}

impl From<CliError> for Failure {
    fn from(e: CliError) -> Self {
        Self::Cli(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl Failure {
    /// Reports the failure on stderr (nothing for a closed stdout pipe) and gives the exit code.
    pub fn report(self) -> u8 {
        match self {
            Self::Io(e) if is_broken_pipe(&e) => 0,
            // A --query that fails on the data is a usage error.
            Self::Io(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                stderr_line(format_args!("tcredis: error: {e}"));
                Outcome::Usage.code()
            }
            // The server's data cannot be shown as asked (e.g. an item too deep for --query):
            // the answer's fault, exit 4 like any unusable response.
            Self::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                stderr_line(format_args!("tcredis: error: {e}"));
                Outcome::Network.code()
            }
            Self::Io(e) => {
                // Writing stdout failed (disk full, closed terminal): an I/O failure, exit 4.
                stderr_line(format_args!("tcredis: error: cannot write the output: {e}"));
                Outcome::Network.code()
            }
            Self::Cli(e) => {
                stderr_line(format_args!("tcredis: error: {e}"));
                e.outcome.code()
            }
        }
    }
}

/// Prints one instance's error on stderr (`target` None: the region-wide query). The message is
/// already safe for a terminal (server text is escaped where errors are made); the instance id
/// is escaped here.
pub fn report_instance(target: Option<&str>, e: &CliError) {
    match target {
        Some(id) => {
            let id = crate::terminal::escape(id, crate::terminal::MAX_FIELD_CHARS);
            stderr_line(format_args!("tcredis: {id}: {e}"))
        }
        None => stderr_line(format_args!("tcredis: {e}")),
    }
}

/// Writes one line to stderr; a closed stderr is ignored (where `eprintln!` would panic).
pub fn stderr_line(line: fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// True for the error a closed stdout pipe gives (`tcredis ... | head`): success, quietly.
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_outcome_wins() {
        use Outcome::*;
        assert_eq!(Success.worst(Stale), Stale);
        assert_eq!(Stale.worst(Api), Api);
        assert_eq!(Network.worst(Api), Network);
        assert_eq!(
            [Success, Stale, Network, Api]
                .into_iter()
                .fold(Success, Outcome::worst)
                .code(),
            4
        );
        assert_eq!(
            [Success, Success]
                .into_iter()
                .fold(Success, Outcome::worst)
                .code(),
            0
        );
        assert_eq!(Usage.code(), 2);
    }
}
