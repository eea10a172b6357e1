//! The handler's side of the mock's world: mock time for the data, lifecycle backups for a
//! listing, CAM policy checks, replay and record, and the clock and skipped-slot controls the
//! admin API and the Rust API share.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::failure::Failure;
use super::{Exchange, Handler, ScriptError, sts, unix_f64};
use crate::clock::{ClockCommand, ClockError, ClockReading};
use crate::config::AcceptedCredential;
use crate::data::backup::SeedBackup;
use crate::data::lifecycle::Selection;
use crate::forward::ForwardRequest;

/// Real time as Unix milliseconds.
pub(super) fn real_ms(now: SystemTime) -> i64 {
    (unix_f64(now) * 1000.0).floor() as i64
}

/// The SecretId whose policy applies: configured credentials are themselves; STS credentials
/// inherit their source's (through any chain of AssumeRole calls).
pub(super) fn policy_subject(
    configured: &[AcceptedCredential],
    issued: &HashMap<String, sts::Issued>,
    secret_id: &str,
) -> String {
    if configured.iter().any(|c| c.secret_id == secret_id) {
        return secret_id.to_owned();
    }
    match issued.get(secret_id).and_then(|i| i.source.clone()) {
        Some(source) => source,
        None => secret_id.to_owned(),
    }
}

/// A `YYYY-MM-DD` date, checked.
fn check_date(date: &str) -> Result<(), String> {
    if date.len() == 10
        && tcredis_core::time::BeijingTime::parse(&format!("{date} 00:00:00")).is_ok()
    {
        Ok(())
    } else {
        Err(format!(
            "skip_slot date {date:?} is not a date of the form YYYY-MM-DD (Beijing time)"
        ))
    }
}

impl Handler {
    /// The lifecycle backups a listing at real time `now` sees.
    pub(super) fn lifecycle_backups(
        &self,
        now: SystemTime,
        selection: Selection<'_>,
    ) -> Vec<SeedBackup> {
        let (mock_now, skipped) = {
            let state = self.lock();
            (
                state.world.clock.now_ms(real_ms(now)).div_euclid(1000),
                state.world.skipped.clone(),
            )
        };
        self.world.lifecycle.backups(mock_now, &skipped, selection)
    }

    /// `UnauthorizedOperation.NoCAMAuthed` when the policy of the request's SecretId (or of its
    /// STS source) does not allow the action on the resource.
    pub(super) fn check_policy(
        &self,
        secret_id: &str,
        action: &str,
        region: Option<&str>,
        params: &Value,
        request_id: &str,
    ) -> Result<(), Failure> {
        let Some(policy) = &self.world.policy else {
            return Ok(());
        };
        let subject = {
            let state = self.lock();
            policy_subject(&self.credentials, &state.issued, secret_id)
        };
        let instance_id = params
            .get("InstanceId")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        policy
            .check(&subject, action, region, instance_id)
            .map_err(|denied| {
                Failure::new(
                    "UnauthorizedOperation.NoCAMAuthed",
                    format!(
                        "[request id:{request_id}]you are not authorized to perform operation ({})\nresource ({}) has no permission\n",
                        denied.action, denied.resource
                    ),
                )
            })
    }

    /// Replay: the cassette's answer (or a miss naming the closest recorded request). Record:
    /// the request goes upstream (the server sends it).
    pub(super) fn replay_or_forward(
        &self,
        request: ForwardRequest,
        x: &mut Exchange,
    ) -> Result<Vec<u8>, Failure> {
        if let Some(cassette) = &self.world.replay {
            let mut state = self.lock();
            let answer = cassette.answer(
                &request.action,
                request.region.as_deref(),
                &request.params,
                &mut state.world.replay_cursors,
            );
            return match answer {
                Ok(entry) => {
                    x.raw_answer = Some((entry.status, entry.content_type.clone()));
                    Ok(entry.body.clone())
                }
                Err(message) => Err(Failure::new("FailedOperation.ReplayMiss", message)),
            };
        }
        x.forward = Some(request);
        Ok(Vec::new())
    }

    /// The upstream of record mode, if configured.
    #[cfg(feature = "server")]
    pub(crate) fn upstream(&self) -> Option<&dyn crate::forward::Upstream> {
        self.world.upstream.as_deref()
    }

    /// The answer for a forwarded request the upstream could not serve: `InternalError` with
    /// the reason (which never holds a secret).
    #[cfg(feature = "server")]
    pub(crate) fn upstream_failure(
        &self,
        request_id: &str,
        reason: &str,
    ) -> http::Response<Vec<u8>> {
        let failure = Failure::new(
            "InternalError",
            format!("record proxy: the upstream did not answer: {reason}"),
        );
        super::envelope::json_response(200, super::envelope::error_body(&failure, request_id))
    }

    /// The mock clock at real time `now`.
    pub fn clock(&self, now: SystemTime) -> ClockReading {
        self.lock().world.clock.reading(real_ms(now))
    }

    /// Sets the mock clock to Unix time `unix` (backwards too); a running clock keeps running.
    pub fn set_clock(&self, now: SystemTime, unix: i64) -> ClockReading {
        let mut state = self.lock();
        let real = real_ms(now);
        state.world.clock.set(real, unix.saturating_mul(1000));
        state.world.clock.reading(real)
    }

    /// Moves the mock clock forward by `by`.
    pub fn advance_clock(&self, now: SystemTime, by: Duration) -> ClockReading {
        let mut state = self.lock();
        let real = real_ms(now);
        let target = state
            .world
            .clock
            .now_ms(real)
            .saturating_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2));
        state.world.clock.set(real, target);
        state.world.clock.reading(real)
    }

    /// Carries out a `POST /_mock/clock` body.
    pub(super) fn clock_command(
        &self,
        now: SystemTime,
        command: &ClockCommand,
    ) -> Result<ClockReading, ClockError> {
        let mut state = self.lock();
        let real = real_ms(now);
        command.apply(&mut state.world.clock, real)?;
        Ok(state.world.clock.reading(real))
    }

    /// Makes the scheduled backup of `instance_id` on Beijing date `date` (`YYYY-MM-DD`) not
    /// happen (a missed night), until the next reset.
    pub fn skip_slot(&self, instance_id: &str, date: &str) -> Result<(), ScriptError> {
        check_date(date).map_err(ScriptError)?;
        if instance_id.is_empty() {
            return Err(ScriptError("skip_slot needs an InstanceId".into()));
        }
        self.lock()
            .world
            .skipped
            .insert((instance_id.to_owned(), date.to_owned()));
        Ok(())
    }
}
