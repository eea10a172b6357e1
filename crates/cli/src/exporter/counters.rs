//! The exporter's API counters: every request attempt its client sends, by action, region and
//! outcome code (`ok`, the API's error code, or `network`), and the retries among them — heard
//! through the transport's [`AttemptObserver`].

use std::collections::BTreeMap;
use std::sync::Mutex;

use tcredis_transport_hyper::attempts::{AttemptObserver, AttemptRecord};

use crate::metrics::exposition::{Family, MetricType};

/// Counts by `(action, region, code)` and retries by `(action, region)`.
#[derive(Debug, Default)]
pub struct ApiCounters {
    inner: Mutex<Counts>,
}

#[derive(Debug, Default, Clone)]
struct Counts {
    requests: BTreeMap<(String, String, String), u64>,
    retries: BTreeMap<(String, String), u64>,
}

impl AttemptObserver for ApiCounters {
    fn attempt(&self, record: &AttemptRecord<'_>) {
        let mut counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *counts
            .requests
            .entry((
                record.action.to_owned(),
                record.region.to_owned(),
                record.outcome.code().to_owned(),
            ))
            .or_default() += 1;
        if record.attempt > 1 {
            *counts
                .retries
                .entry((record.action.to_owned(), record.region.to_owned()))
                .or_default() += 1;
        }
    }
}

impl ApiCounters {
    /// `tcredis_api_requests_total` and `tcredis_api_retries_total`.
    pub fn families(&self) -> Vec<Family> {
        let counts = self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut requests = Family::new(
            "tcredis_api_requests",
            MetricType::Counter,
            "HTTP requests sent to the API (every attempt, retries included) by action, region and outcome code (ok, the API's error code, or network).",
        );
        for ((action, region, code), n) in counts.requests {
            requests.push(
                vec![("action", action), ("region", region), ("code", code)],
                n as f64,
            );
        }
        let mut retries = Family::new(
            "tcredis_api_retries",
            MetricType::Counter,
            "Request attempts that were retries of an earlier attempt, by action and region.",
        );
        for ((action, region), n) in counts.retries {
            retries.push(vec![("action", action), ("region", region)], n as f64);
        }
        vec![requests, retries]
    }
}
