//! Fleet rules: which instances a fleet check looks at, the windows a per-instance search walks
//! through, and how a server's refusals are read as a reason to change strategy.
//!
//! Pure functions on numbers and errors; the transport's fleet API (and any other driver) sends
//! the requests. The strategy they serve (see `docs/architecture.md`, "Fleet"):
//!
//! - **check**: one region-wide good-status listing over `[now - max_age, now]`
//!   ([`recent_windows`]) grouped by InstanceId, then one per-instance listing over
//!   `[now - lookback, now - max_age)` ([`older_windows`]) only for the instances without a good
//!   backup in it, to tell STALE from MISSING;
//! - **latest**: per instance, windows that widen from the newest ([`widening_windows`]: 1 day, 2
//!   days, 4 days, ... up to the lookback), stopping at the first window with a good backup;
//! - **fallbacks**, each detected once per region: a region-wide listing refused
//!   ([`refuses_region_wide`]) → per-instance calls; a Status filter of 3 or 4 refused
//!   ([`refuses_status_filter`]) → no status filter, good backups picked client-side; an empty
//!   region-wide answer while running instances exist → one per-instance call cross-checks it
//!   before it is trusted.
//!
//! ```
//! use tcredis_core::fleet::{widening_windows, DAY};
//! use tcredis_core::window::Window;
//!
//! let now = 100 * DAY;
//! let windows = widening_windows(now, DAY, 7 * DAY);
//! assert_eq!(windows, [
//!     Window::closed(now - DAY, now),
//!     Window::closed(now - 2 * DAY, now - DAY - 1),
//!     Window::closed(now - 4 * DAY, now - 2 * DAY - 1),
//!     Window::closed(now - 7 * DAY, now - 4 * DAY - 1),
//! ]);
//! ```

use crate::error::ApiError;
use crate::instances::InstanceStatus;
use crate::window::Window;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The backup statuses a good backup has: ok (2), exporting (3), exported (4).
pub const GOOD_STATUSES: [i64; 3] = [2, 3, 4];

/// The first window of a per-instance `latest` search: the last day.
pub const FIRST_LATEST_WINDOW: i64 = DAY;

/// The most backups one instance makes in a day (it makes one or two; a thousand is generous):
/// with [`listing_cap`], a bound on a listing that does not come from the server, so a
/// `TotalCount` that lies (or never ends) cannot keep a search paging for ever.
pub const MAX_BACKUPS_PER_DAY: u64 = 1_000;

/// The days a listing of `window` spans, started days rounded up (31 for an open window: the
/// API's 30-day cap).
pub fn window_days(window: Window) -> u64 {
    match (window.begin, window.end) {
        (Some(begin), Some(end)) => {
            u64::try_from(end.saturating_sub(begin)).unwrap_or(0) / 86_400 + 1
        }
        _ => 31,
    }
}

/// The most items a listing of `window` over `instances` instances may yield:
/// [`MAX_BACKUPS_PER_DAY`] per instance per day of the window (at least one instance).
///
/// ```
/// use tcredis_core::fleet::{listing_cap, DAY};
/// use tcredis_core::window::Window;
///
/// // One instance over one day (two started calendar days): 2,000 items.
/// assert_eq!(listing_cap(Window::closed(0, DAY), 1), 2_000);
/// // A region-wide listing of 1,010 instances over the same window.
/// assert_eq!(listing_cap(Window::closed(0, DAY), 1_010), 2_020_000);
/// ```
pub fn listing_cap(window: Window, instances: u64) -> u64 {
    MAX_BACKUPS_PER_DAY
        .saturating_mul(window_days(window))
        .saturating_mul(instances.max(1))
}

/// Whether a check looks at an instance of this `Status`: running (2) and in process (1) are
/// checked; initialising (0), isolated (-2) and being deleted (-3) are skipped unless
/// `include_isolated`. An instance whose status the server did not send, or sent as an unknown
/// number, is checked (better a false alarm than a silent gap).
pub fn is_checked(status: Option<i64>, include_isolated: bool) -> bool {
    include_isolated
        || match status.map(InstanceStatus::from_code) {
            None | Some(InstanceStatus::Other(_)) => true,
            Some(s) => s.is_active(),
        }
}

/// `[now - max_age, now]`, split at the API's 30-day cap: the region-wide listing of a check.
pub fn recent_windows(now: i64, max_age: i64) -> Vec<Window> {
    Window::closed(now.saturating_sub(max_age), now).split(now)
}

/// `[now - lookback, now - max_age - 1]`, split at 30 days, newest first: what a check searches
/// per instance when the recent window had no good backup. Empty when the lookback is not
/// longer than `max_age`.
pub fn older_windows(now: i64, max_age: i64, lookback: i64) -> Vec<Window> {
    if lookback <= max_age {
        return Vec::new();
    }
    let end = now.saturating_sub(max_age).saturating_sub(1);
    Window::closed(now.saturating_sub(lookback), end).split(now)
}

/// Disjoint windows that widen back from `now`, newest first: `[now - first, now]`, then the
/// older part of a window twice as long, and so on until `now - lookback`; each split at the
/// API's 30-day cap. A search that stops at the first window holding a good backup sends one
/// request for an instance backed up within `first`, and a few more only for instances whose
/// newest backup is older.
pub fn widening_windows(now: i64, first: i64, lookback: i64) -> Vec<Window> {
    let oldest = now.saturating_sub(lookback.max(0));
    let mut out = Vec::new();
    let mut span = first.max(1);
    let mut upper = now;
    loop {
        let lower = now.saturating_sub(span).max(oldest);
        out.extend(Window::closed(lower, upper).split(now));
        if lower <= oldest {
            return out;
        }
        upper = lower - 1;
        span = span.saturating_mul(2);
    }
}

/// Whether an error refuses a listing without `InstanceId` (a server that requires it):
/// `MissingParameter`, or an `InvalidParameter` code whose message names `InstanceId`, or a CAM
/// denial (`UnauthorizedOperation*`: the caller may read only some instances). The remedy is
/// one listing per instance.
pub fn refuses_region_wide(error: &ApiError) -> bool {
    let code = error.code().as_str();
    code == "MissingParameter"
        || code.starts_with("MissingParameter.")
        || (code.starts_with("InvalidParameter") && error.message().contains("InstanceId"))
        || error.code().is_permission_denied()
}

/// Whether an error refuses the `Status` filter (the newest documentation lists only 1 and 2,
/// so a server may refuse 3 and 4): an `InvalidParameter` code whose message names `Status`.
/// The remedy is no status filter, with good backups picked client-side.
pub fn refuses_status_filter(error: &ApiError) -> bool {
    error.code().as_str().starts_with("InvalidParameter") && error.message().contains("Status")
}

/// A change of strategy a fleet run made in one region, reported once per region (`-v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fallback {
    /// The region-wide listing was refused: one listing per instance instead.
    PerInstance,
    /// The Status filter was refused: no status filter, good backups picked client-side.
    NoStatusFilter,
    /// The region-wide listing was empty while running instances exist, and one per-instance
    /// call found a good backup: the region-wide answer is not trusted, one listing per instance.
    EmptyAnswerDistrusted,
    /// The region-wide listing was empty and the per-instance cross-check agreed: trusted.
    EmptyAnswerConfirmed,
}

impl Fallback {
    /// What happened, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::PerInstance => {
                "the region-wide backup listing was refused; listing each instance instead"
            }
            Self::NoStatusFilter => {
                "the Status filter was refused; listing without it and picking good backups client-side"
            }
            Self::EmptyAnswerDistrusted => {
                "the region-wide backup listing was empty but an instance has good backups; listing each instance instead"
            }
            Self::EmptyAnswerConfirmed => {
                "the region-wide backup listing was empty; one instance cross-checked it and agrees"
            }
        }
    }
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::MAX_WINDOW_SECS;

    fn api_error(code: &str, message: &str) -> ApiError {
        let body = format!(
            r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"{message}"}},"RequestId":"r"}}}}"#
        );
        ApiError::from_body(body.as_bytes()).unwrap()
    }

    #[test]
    fn listing_caps_grow_with_days_and_instances() {
        assert_eq!(window_days(Window::closed(0, DAY - 1)), 1);
        assert_eq!(window_days(Window::closed(0, DAY)), 2);
        assert_eq!(window_days(Window::closed(0, MAX_WINDOW_SECS)), 31);
        assert_eq!(
            window_days(Window {
                begin: None,
                end: None
            }),
            31
        );
        assert_eq!(listing_cap(Window::closed(0, DAY - 1), 0), 1_000);
        assert_eq!(listing_cap(Window::closed(0, 2 * DAY), 3), 9_000);
        assert_eq!(
            listing_cap(Window::closed(0, i64::MAX), u64::MAX),
            u64::MAX,
            "saturates"
        );
    }

    #[test]
    fn checked_statuses() {
        for (status, checked, with_isolated) in [
            (Some(2), true, true),
            (Some(1), true, true),
            (Some(0), false, true),
            (Some(-2), false, true),
            (Some(-3), false, true),
            (Some(7), true, true),
            (None, true, true),
        ] {
            assert_eq!(is_checked(status, false), checked, "{status:?}");
            assert_eq!(is_checked(status, true), with_isolated, "{status:?}");
        }
    }

    #[test]
    fn widening_windows_cover_the_lookback_once() {
        let now = 1_000 * DAY;
        for lookback in [DAY / 2, DAY, 3 * DAY, 30 * DAY, 45 * DAY, 400 * DAY] {
            let windows = widening_windows(now, DAY, lookback);
            assert_eq!(windows[0].end, Some(now));
            assert_eq!(windows.last().unwrap().begin, Some(now - lookback));
            for w in &windows {
                let (b, e) = (w.begin.unwrap(), w.end.unwrap());
                assert!(b <= e && e - b <= MAX_WINDOW_SECS, "{w:?}");
            }
            for pair in windows.windows(2) {
                assert_eq!(pair[1].end.unwrap() + 1, pair[0].begin.unwrap(), "{pair:?}");
            }
        }
        assert_eq!(
            widening_windows(now, DAY, 30 * DAY).len(),
            6,
            "1, 2, 4, 8, 16, 30 days"
        );
    }

    #[test]
    fn check_windows() {
        let now = 1_000 * DAY;
        assert_eq!(
            recent_windows(now, 26 * 3600),
            [Window::closed(now - 26 * 3600, now)]
        );
        assert_eq!(
            older_windows(now, 26 * 3600, 30 * DAY),
            [Window::closed(now - 30 * DAY, now - 26 * 3600 - 1)]
        );
        assert!(older_windows(now, 30 * DAY, 30 * DAY).is_empty());
        assert_eq!(
            older_windows(now, DAY, 61 * DAY).len(),
            2,
            "60 days less a second"
        );
        assert_eq!(older_windows(now, DAY, 62 * DAY).len(), 3);
    }

    #[test]
    fn refusals_are_read_from_code_and_message() {
        assert!(refuses_region_wide(&api_error(
            "MissingParameter",
            "InstanceId is required"
        )));
        assert!(refuses_region_wide(&api_error(
            "InvalidParameter.InvalidParameter",
            "the parameter InstanceId is missing"
        )));
        assert!(refuses_region_wide(&api_error(
            "UnauthorizedOperation.NoCAMAuthed",
            "no permission"
        )));
        assert!(!refuses_region_wide(&api_error(
            "InvalidParameter.InvalidParameter",
            "Limit must be between 1 and 100"
        )));
        assert!(!refuses_region_wide(&api_error(
            "InternalError",
            "InstanceId"
        )));
        assert!(refuses_status_filter(&api_error(
            "InvalidParameter.InvalidParameter",
            "Status 3 is not one of 1, 2."
        )));
        assert!(!refuses_status_filter(&api_error(
            "ResourceNotFound.InstanceNotExists",
            "Status"
        )));
    }
}
