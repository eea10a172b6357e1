//! Automatic backup schedules (`DescribeAutoBackupConfig`, one request per instance) and the
//! schedule-aware check: [`Fleet::schedules`] reads the schedules of given instances (each
//! region through its own client, a few at a time, all through the one pacer); a check with
//! [`CheckOptions::schedule`] surveys each region (one region-wide listing over the lookback, so
//! every good start time is known), reads each checked instance's schedule and reports MISSED
//! when the last expected slot has no good backup started in `[slot start, slot end + grace]`.
//! That is `ceil(N/1000) + ceil(B/100) + N` requests per region.

use std::collections::HashMap;

use futures_util::stream::{self, StreamExt as _};
use tcredis_core::auto_backup::{DescribeAutoBackupConfigRequest, Schedule};
use tcredis_core::freshness::Rules;

use super::survey::{SurveyOptions, SurveyResult};
use super::{CheckOptions, CheckReport, CheckResult, Fleet, FleetInstance, InstanceCheck};
use crate::client::Client;
use crate::error::Error;

/// One instance's schedule: `None` when it expects nothing (no `WeekDays`).
pub type ScheduleResult = Result<Option<Schedule>, Error>;

/// Schedules read for a list of instances.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SchedulesReport {
    /// One result per instance asked about, in the same order.
    pub results: Vec<ScheduleResult>,
    /// Requests sent (every attempt).
    pub requests: u64,
}

/// Reads one instance's schedule through `client` (its region's).
async fn read_schedule(client: &Client, instance_id: &str) -> ScheduleResult {
    let config = client
        .call(&DescribeAutoBackupConfigRequest::new(instance_id))
        .await?;
    if config.week_days.is_empty() {
        return Ok(None);
    }
    config
        .schedule()
        .map(Some)
        .map_err(|e| Error::InvalidResponse {
            status: 200,
            message: format!("DescribeAutoBackupConfig of {instance_id}: {e}"),
        })
}

impl Fleet {
    /// The automatic backup schedule of each of `instances` (each in its own region).
    pub async fn schedules(&self, instances: &[FleetInstance]) -> SchedulesReport {
        let counted = self.client.with_request_counter();
        let mut clients: HashMap<&str, Result<Client, Error>> = HashMap::new();
        for i in instances {
            clients
                .entry(i.region.as_str())
                .or_insert_with(|| counted.for_region(&i.region));
        }
        let jobs: Vec<(Result<Client, Error>, String)> = instances
            .iter()
            .map(|i| (clients[i.region.as_str()].clone(), i.instance_id.clone()))
            .collect();
        let results = stream::iter(jobs)
            .map(|(client, id)| async move {
                match client {
                    Ok(client) => read_schedule(&client, &id).await,
                    Err(e) => Err(e),
                }
            })
            .buffered(self.concurrency)
            .collect()
            .await;
        SchedulesReport {
            results,
            requests: counted.requests_sent(),
        }
    }

    /// The schedule-aware check (see the [module documentation](self)).
    pub(super) async fn check_with_schedules(
        &self,
        options: CheckOptions,
        grace: i64,
    ) -> CheckReport {
        let survey = self
            .survey(SurveyOptions::new(options.now).lookback(options.lookback))
            .await;
        let listed: Vec<FleetInstance> = survey
            .instances
            .iter()
            .filter(|s| matches!(s.result, SurveyResult::Listed(_)))
            .map(|s| s.instance.clone())
            .collect();
        let schedules = self.schedules(&listed).await;
        let mut by_id: HashMap<(String, String), ScheduleResult> = listed
            .into_iter()
            .zip(schedules.results)
            .map(|(i, r)| ((i.region, i.instance_id), r))
            .collect();
        let mut regions = Vec::new();
        let mut requests = schedules.requests;
        for r in survey.regions {
            requests += r.report.requests;
            regions.push(r.report);
        }
        let instances = survey
            .instances
            .into_iter()
            .map(|s| {
                let key = (s.instance.region.clone(), s.instance.instance_id.clone());
                let result = match s.result {
                    SurveyResult::Listed(census) => match by_id.remove(&key) {
                        Some(Ok(schedule)) => {
                            let rules = Rules {
                                max_age: options.max_age,
                                schedule: schedule.map(|s| (s, grace)),
                            };
                            CheckResult::Judged(rules.judge(Some(&census.good), options.now))
                        }
                        Some(Err(e)) => CheckResult::Failed(e),
                        None => CheckResult::Skipped,
                    },
                    SurveyResult::Skipped => CheckResult::Skipped,
                    SurveyResult::Failed(e) => CheckResult::Failed(e),
                };
                InstanceCheck {
                    instance: s.instance,
                    result,
                }
            })
            .collect();
        CheckReport {
            regions,
            instances,
            requests,
        }
    }
}
