//! The server's defences against clients that hold connections: a cap on open connections and
//! three timeouts, each carried out by closing the connection.
//!
//! A connection is always in one phase:
//! - **head**: waiting for a request to arrive (just accepted, or bytes of a new request came
//!   in after an answer): closed when no request head is complete within the *header timeout*
//!   (slowloris, silent connections, a stalled TLS handshake);
//! - **busy**: at least one request is being read or answered: its body must arrive within the
//!   *body timeout* (enforced where the body is read); answering takes as long as it takes (a
//!   `stall` fault holds a request on purpose);
//! - **idle**: a keep-alive connection between requests: closed after the *idle timeout*.
//!
//! At the cap, a new connection is admitted by closing the open connection that has waited the
//! longest for its client — in the head or idle phase, or busy only receiving request bodies —
//! (a slow or silent client before one being answered); only when every open connection is
//! being answered does the new one wait. So clients holding connections open cannot lock
//! legitimate ones out: they are the first to go.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Default cap on open connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Default time a connection may take to deliver a complete request head (from its accept, or
/// from the first byte of a request after an answer).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time a keep-alive connection may sit idle between requests (longer than common
/// clients' pool idle times, such as 30 s, so they close first).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time a request body may take to arrive in full.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The cap and the timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) header_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }
}

/// Why the server closed a connection itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    HeaderTimeout,
    IdleTimeout,
    Evicted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Head,
    Busy,
    Idle,
}

#[derive(Debug)]
struct PhaseState {
    phase: Phase,
    since: Instant,
    /// Requests being read or answered (HTTP/2 runs several at once).
    in_flight: u32,
    /// Of those, requests whose body is still arriving.
    receiving: u32,
    evicted: bool,
}

/// One connection's state, shared by its I/O, its requests and its watchdog.
#[derive(Debug)]
pub(crate) struct Connection {
    id: u64,
    state: Mutex<PhaseState>,
    /// Woken on every phase change and on eviction.
    changed: Notify,
}

impl Connection {
    fn lock(&self) -> MutexGuard<'_, PhaseState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, state: &mut PhaseState, phase: Phase) {
        if state.phase != phase {
            state.phase = phase;
            state.since = Instant::now();
            self.changed.notify_one();
        }
    }

    /// Bytes arrived: an idle connection starts receiving a request head.
    fn on_bytes(&self) {
        let mut state = self.lock();
        if state.phase == Phase::Idle {
            self.set(&mut state, Phase::Head);
        }
    }

    /// A request head is complete (the service was called). Returns a guard that ends the
    /// request when dropped (after its answer's body is sent, or when it fails).
    pub(crate) fn request_started(self: &Arc<Self>) -> RequestGuard {
        let mut state = self.lock();
        state.in_flight += 1;
        state.receiving += 1;
        self.set(&mut state, Phase::Busy);
        RequestGuard {
            connection: self.clone(),
            receiving: true,
        }
    }

    fn request_ended(&self, receiving: bool) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        if receiving {
            state.receiving = state.receiving.saturating_sub(1);
        }
        if state.in_flight == 0 {
            self.set(&mut state, Phase::Idle);
        }
    }

    fn body_received(&self) {
        let mut state = self.lock();
        state.receiving = state.receiving.saturating_sub(1);
    }

    /// Whether the cap may close this connection for a newcomer, and since when: not while
    /// the server is answering one of its requests.
    fn evictable_since(&self) -> Option<Instant> {
        let state = self.lock();
        let answering = state.phase == Phase::Busy && state.receiving < state.in_flight;
        (!answering && !state.evicted).then_some(state.since)
    }

    fn evict(&self) {
        self.lock().evicted = true;
        self.changed.notify_one();
    }

    /// Resolves when the connection must be closed: a timeout of its phase, or eviction.
    pub(crate) async fn watchdog(&self, limits: Limits) -> Closed {
        loop {
            let deadline = {
                let state = self.lock();
                if state.evicted {
                    return Closed::Evicted;
                }
                match state.phase {
                    Phase::Head => {
                        Some((state.since + limits.header_timeout, Closed::HeaderTimeout))
                    }
                    Phase::Idle => Some((state.since + limits.idle_timeout, Closed::IdleTimeout)),
                    Phase::Busy => None,
                }
            };
            match deadline {
                // Re-read after every wake-up: a phase change moves the deadline.
                Some((at, why)) if Instant::now() >= at => return why,
                Some((at, _)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.changed.notified() => {}
                    }
                }
                None => self.changed.notified().await,
            }
        }
    }
}

/// Ends one request of a connection when dropped.
#[derive(Debug)]
pub(crate) struct RequestGuard {
    connection: Arc<Connection>,
    receiving: bool,
}

impl RequestGuard {
    /// The request's body has arrived: from now on the server is answering it, and the
    /// connection is no longer the cap's to close.
    pub(crate) fn body_received(&mut self) {
        if std::mem::take(&mut self.receiving) {
            self.connection.body_received();
        }
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.connection.request_ended(self.receiving);
    }
}

/// The open connections, for the cap.
#[derive(Debug)]
pub(crate) struct Registry {
    limits: Limits,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    /// Woken when a connection closes.
    freed: Notify,
}

/// A connection's place in the registry; leaving it (drop) frees the slot.
#[derive(Debug)]
pub(crate) struct Admitted {
    registry: Arc<Registry>,
    pub(crate) connection: Arc<Connection>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.connection.id);
        self.registry.freed.notify_waiters();
    }
}

impl Registry {
    pub(crate) fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Self {
            limits,
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            freed: Notify::new(),
        })
    }

    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Open connections right now.
    pub(crate) fn open_count(&self) -> usize {
        self.lock().len()
    }

    /// Admits a connection just accepted: at once below the cap; at the cap by closing the
    /// connection that has been idle or receiving a head the longest; when every open
    /// connection is busy, once one closes.
    pub(crate) async fn admit(self: &Arc<Self>) -> Admitted {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut open = self.lock();
                if open.len() >= self.limits.max_connections {
                    let victim = open
                        .values()
                        .filter_map(|c| c.evictable_since().map(|since| (since, c.id)))
                        .min();
                    if let Some((_, id)) = victim
                        && let Some(victim) = open.remove(&id)
                    {
                        victim.evict();
                    }
                }
                if open.len() < self.limits.max_connections {
                    let connection = Arc::new(Connection {
                        id: self.next_id.fetch_add(1, Ordering::Relaxed),
                        state: Mutex::new(PhaseState {
                            phase: Phase::Head,
                            since: Instant::now(),
                            in_flight: 0,
                            receiving: 0,
                            evicted: false,
                        }),
                        changed: Notify::new(),
                    });
                    open.insert(connection.id, connection.clone());
                    return Admitted {
                        registry: self.clone(),
                        connection,
                    };
                }
            }
            // Every open connection is busy: wait for one to close (or a busy one to finish,
            // which the periodic re-check notices).
            tokio::select! {
                () = freed => {}
                () = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
    }
}

/// A stream that tells its connection when bytes arrive.
#[derive(Debug)]
pub(crate) struct Watched<S> {
    inner: S,
    connection: Arc<Connection>,
}

impl<S> Watched<S> {
    pub(crate) fn new(inner: S, connection: Arc<Connection>) -> Self {
        Self { inner, connection }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.connection.on_bytes();
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: usize) -> Limits {
        Limits {
            max_connections: max,
            header_timeout: Duration::from_millis(200),
            idle_timeout: Duration::from_millis(400),
            body_timeout: Duration::from_millis(200),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn each_phase_has_its_timeout_and_busy_has_none() {
        let registry = Registry::new(limits(4));
        let a = registry.admit().await;
        // A silent connection: the header timeout.
        let started = Instant::now();
        assert_eq!(
            a.connection.watchdog(registry.limits()).await,
            Closed::HeaderTimeout
        );
        assert_eq!(started.elapsed(), Duration::from_millis(200));

        // A request, then an idle keep-alive connection: the idle timeout from the answer on.
        let b = registry.admit().await;
        let guard = b.connection.request_started();
        let watch = b.connection.watchdog(registry.limits());
        tokio::pin!(watch);
        // Busy for longer than either timeout: still open.
        tokio::select! {
            _ = &mut watch => panic!("a busy connection is never timed out"),
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
        drop(guard);
        let idle_from = Instant::now();
        assert_eq!(watch.await, Closed::IdleTimeout);
        assert_eq!(idle_from.elapsed(), Duration::from_millis(400));

        // Bytes on an idle connection start a head: the header timeout again.
        let c = registry.admit().await;
        drop(c.connection.request_started());
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.connection.on_bytes();
        let head_from = Instant::now();
        assert_eq!(
            c.connection.watchdog(registry.limits()).await,
            Closed::HeaderTimeout
        );
        assert_eq!(head_from.elapsed(), Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_cap_the_longest_waiting_non_busy_connection_makes_room() {
        let registry = Registry::new(limits(4));
        // Being answered: never evicted.
        let answering = registry.admit().await;
        let mut request = answering.connection.request_started();
        request.body_received();
        let oldest = registry.admit().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
        // Still receiving its body: evictable, in its turn.
        let receiving = registry.admit().await;
        let _upload = receiving.connection.request_started();
        tokio::time::sleep(Duration::from_millis(10)).await;
        let newer = registry.admit().await;
        assert_eq!(registry.open_count(), 4);

        let newcomer = registry.admit().await;
        assert_eq!(registry.open_count(), 4);
        assert_eq!(
            oldest.connection.watchdog(registry.limits()).await,
            Closed::Evicted
        );
        for kept in [&answering, &receiving, &newer, &newcomer] {
            assert!(!kept.connection.lock().evicted);
        }
        drop(oldest);
        assert_eq!(registry.open_count(), 4);

        let _another = registry.admit().await;
        assert!(
            receiving.connection.lock().evicted,
            "next: the stalled body"
        );
        assert!(!answering.connection.lock().evicted);
        assert!(!newer.connection.lock().evicted);
    }

    #[tokio::test(start_paused = true)]
    async fn when_every_connection_is_busy_a_newcomer_waits_for_a_slot() {
        let registry = Registry::new(limits(1));
        let busy = registry.admit().await;
        let mut request = busy.connection.request_started();
        request.body_received();
        let waiting = tokio::spawn({
            let registry = registry.clone();
            async move { registry.admit().await }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiting.is_finished());
        drop(request);
        drop(busy);
        let admitted = tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("admitted once the slot is free")
            .unwrap();
        assert_eq!(registry.open_count(), 1);
        drop(admitted);
        assert_eq!(registry.open_count(), 0);
    }
}
