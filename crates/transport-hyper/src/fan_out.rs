//! [`FanOut`]: the one ordered, bounded fan-out. Jobs (e.g. one listing per instance) run as
//! tasks, at most `concurrency` at a time, started strictly in input order; each reports through
//! its own bounded [`Lane`], and a reader that takes the lanes in input order gets deterministic
//! output with flat memory (at most `buffer` items ahead per running job).
//!
//! Why the start order matters: a job blocked on its full lane keeps its permit. Because job
//! `i + 1` asks for a permit only after job `i` got one, every job the reader waits on has a
//! permit (or will get one as soon as an earlier job ends), so the reader, which drains lanes in
//! order, never waits for a job that cannot start — no deadlock with any number of jobs.
//!
//! Every job of a client shares the client's pacer (through its `CallContext`), so the rate
//! holds across the whole fan-out. Needs a Tokio runtime.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// The default number of jobs running at once.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// The default number of reports buffered per job ahead of the reader.
pub const DEFAULT_BUFFER: usize = 2;

/// How many jobs run at once and how far each may run ahead of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FanOut {
    concurrency: usize,
    buffer: usize,
}

impl Default for FanOut {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            buffer: DEFAULT_BUFFER,
        }
    }
}

/// A job's way to report: [`send`](Reporter::send) waits while the lane is full.
#[derive(Debug)]
pub struct Reporter<T> {
    tx: mpsc::Sender<T>,
}

impl<T> Reporter<T> {
    /// Sends one report; `false` when the reader is gone (the job should stop).
    pub async fn send(&self, report: T) -> bool {
        self.tx.send(report).await.is_ok()
    }
}

/// One job's reports, in the order it sent them. Dropping the lane aborts its job.
#[derive(Debug)]
pub struct Lane<T> {
    rx: mpsc::Receiver<T>,
    task: tokio::task::JoinHandle<()>,
}

impl<T> Lane<T> {
    /// The next report; `None` once the job has ended and everything was read.
    pub async fn recv(&mut self) -> Option<T> {
        self.rx.recv().await
    }
    /// Polls for the next report (for readers that watch several lanes at once).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.rx.poll_recv(cx)
    }
}

impl<T> Drop for Lane<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FanOut {
    /// `concurrency` jobs at once (at least 1), `buffer` reports ahead per job (at least 1).
    pub fn new(concurrency: usize, buffer: usize) -> Self {
        Self {
            concurrency: concurrency.max(1),
            buffer: buffer.max(1),
        }
    }

    /// Jobs running at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Starts `work` on every job; the lanes come back in job order.
    pub fn spawn<J, T, F, Fut>(&self, jobs: impl IntoIterator<Item = J>, work: F) -> Vec<Lane<T>>
    where
        J: Send + 'static,
        T: Send + 'static,
        F: Fn(J, Reporter<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let work = Arc::new(work);
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut previous_started: Option<oneshot::Receiver<()>> = None;
        jobs.into_iter()
            .map(|job| {
                let (tx, rx) = mpsc::channel(self.buffer);
                let (started_tx, started_rx) = oneshot::channel();
                let turn = previous_started.replace(started_rx);
                let (work, permits) = (Arc::clone(&work), Arc::clone(&permits));
                let task = tokio::spawn(async move {
                    if let Some(turn) = turn {
                        // The previous job has its permit (or was dropped): our turn to ask.
                        let _ = turn.await;
                    }
                    let Ok(_permit) = permits.acquire_owned().await else {
                        return;
                    };
                    let _ = started_tx.send(());
                    work(job, Reporter { tx }).await;
                });
                Lane { rx, task }
            })
            .collect()
    }
}

/// Reads lanes one after the other: every report of lane 0, then of lane 1, ... with the lane's
/// index.
pub fn in_order<T: Send + 'static>(lanes: Vec<Lane<T>>) -> impl Stream<Item = (usize, T)> + Send {
    futures_util::stream::unfold(
        lanes
            .into_iter()
            .enumerate()
            .collect::<std::collections::VecDeque<_>>(),
        |mut lanes| async move {
            loop {
                let (index, lane) = lanes.front_mut()?;
                let index = *index;
                match lane.recv().await {
                    Some(report) => return Some(((index, report), lanes)),
                    None => {
                        lanes.pop_front();
                    }
                }
            }
        },
    )
}
