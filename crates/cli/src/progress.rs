//! Progress of long listings on stderr (pages, backups, request rate), drawn only when stderr
//! is a terminal and at most ten times a second; silent otherwise, so logs and pipes stay clean.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A progress line.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
    pages: u64,
    backups: u64,
    drawn: bool,
}

impl Progress {
    /// Enabled when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        Self {
            enabled: wanted && std::io::stderr().is_terminal(),
            started: Instant::now(),
            last_draw: None,
            pages: 0,
            backups: 0,
            drawn: false,
        }
    }

    /// Counts a page of `items` backups.
    pub fn page(&mut self, items: usize) {
        self.pages += 1;
        self.backups += items as u64;
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self
            .last_draw
            .is_some_and(|t| now.duration_since(t) < Duration::from_millis(100))
        {
            return;
        }
        self.last_draw = Some(now);
        let secs = now.duration_since(self.started).as_secs_f64().max(0.001);
        let line = format!(
            "{} pages, {} backups, {:.1} req/s",
            self.pages,
            self.backups,
            self.pages as f64 / secs
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = true;
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
