//! A cache for temporary credentials: serves the cached pair until its refresh time, then
//! fetches a new one; when a refresh fails while the old pair is still valid, the old pair is
//! served (and the failure logged).

use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::Mutex;

use super::{Credentials, CredentialsError};

/// Temporary credentials with their lifetime (Unix seconds).
#[derive(Debug, Clone)]
pub(crate) struct Expiring {
    pub credentials: Credentials,
    pub expires_at: i64,
    /// When to fetch a new pair (before `expires_at`).
    pub refresh_at: i64,
}

pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// One cached pair behind an async mutex (one fetch at a time).
#[derive(Debug, Default)]
pub(crate) struct RefreshCache {
    slot: Mutex<Option<Expiring>>,
}

impl RefreshCache {
    /// The cached pair, or the result of `fetch` when a refresh is due.
    pub(crate) async fn get<F, Fut>(
        &self,
        source: &str,
        fetch: F,
    ) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Expiring, CredentialsError>>,
    {
        let mut slot = self.slot.lock().await;
        let now = now_unix();
        if let Some(cur) = slot.as_ref().filter(|cur| now < cur.refresh_at) {
            return Ok(cur.credentials.clone());
        }
        match fetch().await {
            Ok(fresh) => {
                tracing::debug!(
                    source,
                    expires_at = fresh.expires_at,
                    "temporary credentials fetched"
                );
                let c = fresh.credentials.clone();
                *slot = Some(fresh);
                Ok(c)
            }
            Err(e) => match slot.as_ref() {
                Some(cur) if now < cur.expires_at => {
                    tracing::warn!(source, error = %e, "refreshing temporary credentials failed; using the current ones until they expire");
                    Ok(cur.credentials.clone())
                }
                _ => Err(e),
            },
        }
    }
}
