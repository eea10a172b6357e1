//! The mock's world beyond its fixed data: the clock, the backup lifecycle it drives, skipped
//! slots, CAM policies and recorded answers (replay) or an upstream (record). Settings live in
//! [`WorldConfig`], the immutable parts in [`World`], what requests and the admin API change in
//! [`WorldState`] (behind the handler's lock).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::cassette::Cassette;
use crate::clock::{self, ClockStart, MockClock};
use crate::data::lifecycle::{Lifecycle, SkippedSlots};
use crate::forward::Upstream;
use crate::policy::PolicySet;

/// The default time from a lifecycle backup's StartTime to its EndTime.
pub const DEFAULT_BACKUP_DURATION: Duration = Duration::from_secs(120);

/// The world settings of a [`crate::MockConfig`].
#[derive(Debug, Clone)]
pub(crate) struct WorldConfig {
    pub(crate) clock: ClockStart,
    pub(crate) clock_speed: Option<f64>,
    pub(crate) backup_duration: Duration,
    pub(crate) policy: Option<PolicySet>,
    pub(crate) replay: Option<Cassette>,
    pub(crate) upstream: Option<Arc<dyn Upstream>>,
}

impl Default for WorldConfig {
    fn default() -> Self {
        Self {
            clock: ClockStart::Real,
            clock_speed: None,
            backup_duration: DEFAULT_BACKUP_DURATION,
            policy: None,
            replay: None,
            upstream: None,
        }
    }
}

impl WorldConfig {
    /// Checks the settings; `Err` says what is wrong and what is accepted.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(speed) = self.clock_speed {
            clock::check_speed(speed).map_err(|e| e.to_string())?;
            if self.clock == ClockStart::Real {
                return Err(
                    "a clock speed needs a non-real clock: add --clock frozen or --clock TIME"
                        .into(),
                );
            }
        }
        if self.backup_duration.is_zero() {
            return Err("the backup duration must be at least 1 second".into());
        }
        if self.replay.is_some() && self.upstream.is_some() {
            return Err(
                "replay and record cannot be combined: give --replay or --record-from".into(),
            );
        }
        Ok(())
    }
}

/// The immutable parts.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) lifecycle: Lifecycle,
    pub(crate) policy: Option<PolicySet>,
    pub(crate) replay: Option<Cassette>,
    pub(crate) upstream: Option<Arc<dyn Upstream>>,
}

/// The parts requests and the admin API change.
#[derive(Debug)]
pub(crate) struct WorldState {
    pub(crate) clock: MockClock,
    pub(crate) skipped: SkippedSlots,
    pub(crate) replay_cursors: HashMap<String, usize>,
}

/// The seconds a lifecycle backup runs.
pub(crate) fn duration_seconds(config: &WorldConfig) -> i64 {
    clock::whole_seconds(config.backup_duration)
}
