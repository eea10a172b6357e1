//! `backups list`: every API parameter, fan-out over instances, windows over 30 days split and
//! merged, `--all` (pages of `--limit`) or one page, written in the chosen format in a
//! deterministic order and in flat memory: json streams too, its TotalCount last. An instance
//! whose listing fails before its first page prints nothing on stdout; a command whose every
//! instance failed prints nothing at all.

use std::sync::Arc;

use tcredis_transport_hyper::fleet::RegionResult;

use crate::backend::Api;
use crate::backend::client::ClientApi;
use crate::commands::fetch::{self, Event};
use crate::commands::fleet::{self, Regions};
use crate::commands::plan::{ALL_LIMIT, Filters, ItemCap, Paging, Plan, Search};
use crate::config::{ListConfig, Selectors, TimeSpec};
use crate::exit::{Outcome, report_instance};
use crate::output::Emit;
use crate::progress::Progress;
use crate::time::window::Window;

/// The window a list asks for, split at 30 days.
pub fn windows(time: TimeSpec, now: i64) -> Vec<Window> {
    let whole = match time {
        TimeSpec::Absolute { begin, end } => Window { begin, end },
        TimeSpec::Since(d) => {
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            Window::closed(now.saturating_sub(secs), now)
        }
    };
    whole.split(now)
}

/// Every target and window of the listing, with its filters and paging.
pub fn plan(cfg: &ListConfig, now: i64) -> Plan {
    let targets = if cfg.instance_ids.is_empty() {
        vec![None]
    } else {
        cfg.instance_ids.iter().cloned().map(Some).collect()
    };
    Plan {
        targets,
        windows: windows(cfg.time, now),
        filters: Filters {
            instance_name: cfg.instance_name.clone(),
            statuses: cfg.statuses.clone(),
        },
        paging: if cfg.all {
            Paging::All
        } else {
            Paging::Single {
                limit: cfg.limit,
                offset: cfg.offset,
            }
        },
        all_limit: if cfg.all {
            cfg.limit.unwrap_or(ALL_LIMIT)
        } else {
            ALL_LIMIT
        },
        search: Search::EveryWindow,
        item_cap: match cfg.max_items {
            0 => ItemCap::Unlimited,
            n => ItemCap::PerListing(n),
        },
    }
}

/// What a listing printed: its outcome, the backups written and the TotalCount they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    /// The worst outcome over the instances.
    pub outcome: Outcome,
    /// Backups written.
    pub shown: u64,
    /// The sum of the TotalCounts of the instances listed.
    pub total: i64,
}

/// Runs the plan, writing every backup in order; per-instance errors are reported on stderr
/// and the worst outcome is returned (an I/O error on stdout is returned as such). When an
/// instance fails after some of its backups were received, the writer is told the listing is
/// incomplete; when every instance failed before its first page, the writer is not finished at
/// all (nothing is printed).
pub async fn run(
    apis: Vec<Arc<dyn Api>>,
    plan: Plan,
    emit: &mut dyn Emit,
) -> Result<Listed, std::io::Error> {
    let plan = Arc::new(plan);
    let mut progress = Progress::new(matches!(plan.paging, Paging::All));
    let receivers = fetch::start(apis, Arc::clone(&plan));
    let mut outcome = Outcome::Success;
    let mut total: i64 = 0;
    let mut shown: u64 = 0;
    let mut incomplete = false;
    let mut any_listed = false;
    for (target, mut rx) in plan.targets.iter().zip(receivers) {
        let mut received = false;
        while let Some(event) = rx.recv().await {
            match event {
                Event::Page { total_count, items } => {
                    received = true;
                    total = total.saturating_add(total_count.unwrap_or(0));
                    progress.page(items.len());
                    for item in &items {
                        emit.item(item)?;
                    }
                    shown += items.len() as u64;
                    emit.end_page()?;
                }
                Event::Failed(e) => {
                    progress.finish();
                    report_instance(target.as_deref(), &e);
                    outcome = outcome.worst(e.outcome);
                    incomplete |= received;
                }
            }
        }
        any_listed |= received;
    }
    progress.finish();
    if incomplete {
        emit.finish_incomplete(total)?;
    } else if any_listed || outcome == Outcome::Success {
        emit.finish(total)?;
    }
    Ok(Listed {
        outcome,
        shown,
        total,
    })
}

/// The line that says a one-page listing has more (`20 of 137 — use --all`), for stderr when
/// stdout is a terminal; `None` when everything was shown.
pub fn more_hint(listed: &Listed, plan: &Plan) -> Option<String> {
    let Paging::Single { offset, .. } = plan.paging else {
        return None;
    };
    let before = offset.unwrap_or(0).max(0);
    let after = listed.total - before - i64::try_from(listed.shown).unwrap_or(i64::MAX);
    (after > 0).then(|| {
        format!(
            "tcredis: {} of {} — use --all for every backup (or --offset {} for the next page)",
            listed.shown,
            listed.total,
            before + i64::try_from(listed.shown).unwrap_or(0)
        )
    })
}

/// The targets of a list over several regions or selected instances, each with its region's
/// API: without selectors one region-wide target per region (no `DescribeInstances`, as for
/// one region); with `--search`/`--tag`/`--project-id` the matching instances of each region
/// (every status), by InstanceId. Regions that fail to list their instances are reported on
/// stderr; the returned outcome is the worst of them.
pub async fn fleet_targets(
    api: &ClientApi,
    regions: &Regions,
    selectors: &Selectors,
    verbose: u8,
) -> (Vec<Arc<dyn Api>>, Vec<Option<String>>, Outcome) {
    let mut apis: Vec<Arc<dyn Api>> = Vec::new();
    let mut targets = Vec::new();
    let mut outcome = Outcome::Success;
    if !selectors.filters() {
        for region in &regions.names {
            match api.for_region(region) {
                Ok(a) => {
                    apis.push(Arc::new(a.tolerating_unavailable(regions.all)));
                    targets.push(None);
                }
                Err(e) => {
                    report_instance(Some(region), &e);
                    outcome = outcome.worst(e.outcome);
                }
            }
        }
        return (apis, targets, outcome);
    }
    let mut selector = fleet::selector(&[], selectors);
    selector.include_isolated = true;
    let report_ = api
        .client()
        .fleet(regions.names.clone())
        .selector(selector)
        .tolerate_unavailable(regions.all)
        .instances()
        .await;
    fleet::note_regions(&report_.regions, verbose);
    for r in &report_.regions {
        if let RegionResult::Failed(e) = &r.result {
            let e = api.classify(e.clone());
            report_instance(Some(&r.region), &e);
            outcome = outcome.worst(e.outcome);
        }
    }
    let mut region_apis: Vec<(String, Arc<dyn Api>)> = Vec::new();
    for instance in report_.instances {
        let region_api = match region_apis.iter().find(|(r, _)| *r == instance.region) {
            Some((_, a)) => Arc::clone(a),
            None => match api.for_region(&instance.region) {
                Ok(a) => {
                    let a: Arc<dyn Api> = Arc::new(a);
                    region_apis.push((instance.region.clone(), Arc::clone(&a)));
                    a
                }
                Err(e) => {
                    report_instance(Some(&instance.region), &e);
                    outcome = outcome.worst(e.outcome);
                    continue;
                }
            },
        };
        apis.push(region_api);
        targets.push(Some(instance.instance_id));
    }
    (apis, targets, outcome)
}

#[cfg(test)]
mod tests {
    //! The streaming json listing against ndjson of the same plan, over real loopback HTTP to
    //! the mock: the same backups in the same order, TotalCount last, failures.
    use tcredis_core::credentials::Credentials;
    use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig, MockServer, Script, Step};
    use tcredis_transport_hyper::Client;

    use super::*;
    use crate::output::{Format, emitter};

    /// 2026-06-01T12:00:00+08:00, the documentation's now.
    const NOW: i64 = 1_780_286_400;
    const DAY: i64 = 86_400;

    fn api(server: &MockServer) -> Arc<dyn Api> {
        let client = Client::builder()
            .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
            .region("ap-guangzhou")
            .endpoint(tcredis_core::endpoint::Endpoint::parse(&server.uri()).unwrap())
            .rate_limit(0.0)
            .max_retries(0)
            .build()
            .unwrap();
        Arc::new(crate::backend::client::from_client(client))
    }

    fn plan(targets: &[&str], windows: Vec<Window>) -> Plan {
        Plan {
            targets: if targets.is_empty() {
                vec![None]
            } else {
                targets.iter().map(|t| Some((*t).to_owned())).collect()
            },
            windows,
            filters: Filters::default(),
            paging: Paging::All,
            all_limit: ALL_LIMIT,
            search: Search::EveryWindow,
            item_cap: ItemCap::Unlimited,
        }
    }

    fn open() -> Vec<Window> {
        vec![Window {
            begin: None,
            end: None,
        }]
    }

    async fn listing(api: &Arc<dyn Api>, plan: &Plan, format: Format) -> (String, Listed) {
        let mut buf = Vec::new();
        let listed = {
            let mut emit = emitter(format, None, false, Box::new(&mut buf));
            run(vec![Arc::clone(api)], plan.clone(), emit.as_mut())
                .await
                .unwrap()
        };
        (String::from_utf8(buf).unwrap(), listed)
    }

    /// Runs json and ndjson (re-applying `script` before each).
    async fn both(
        server: &MockServer,
        plan: &Plan,
        script: Option<&Script>,
    ) -> ((String, Listed), (String, Listed)) {
        let api = api(server);
        let mut runs = Vec::new();
        for format in [Format::Json, Format::Ndjson] {
            server.reset();
            if let Some(s) = script {
                server.script(s.clone()).unwrap();
            }
            runs.push(listing(&api, plan, format).await);
        }
        let ndjson = runs.pop().unwrap();
        (runs.pop().unwrap(), ndjson)
    }

    fn ids_of_json(text: &str) -> (i64, Vec<String>) {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let ids = doc["BackupSet"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["BackupId"].as_str().unwrap().to_owned())
            .collect();
        (doc["TotalCount"].as_i64().unwrap(), ids)
    }

    fn ids_of_ndjson(text: &str) -> Vec<String> {
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["BackupId"].as_str().unwrap().to_owned()
            })
            .collect()
    }

    #[tokio::test]
    async fn json_streams_the_same_backups_as_ndjson_with_the_total_last() {
        let server =
            MockServer::start_with(MockConfig::new().demo().now_override(NOW).rate_limit(0))
                .await
                .unwrap();
        let since_80d = Window::closed(NOW - 80 * DAY, NOW).split(NOW);
        assert!(since_80d.len() > 1);
        for windows in [open(), since_80d] {
            let p = plan(&[], windows);
            let ((json, j), (ndjson, n)) = both(&server, &p, None).await;
            assert_eq!((j.outcome, n.outcome), (Outcome::Success, Outcome::Success));
            let (total, ids) = ids_of_json(&json);
            assert_eq!(ids, ids_of_ndjson(&ndjson));
            assert_eq!(usize::try_from(total).unwrap(), ids.len());
            assert_eq!((j.total, j.shown), (total, ids.len() as u64));
            assert!(json.ends_with(&format!("  ],\n  \"TotalCount\": {total}\n}}\n")));
        }
        // The empty listing.
        let p = plan(&[], vec![Window::closed(0, 1_000)]);
        let ((json, _), _) = both(&server, &p, None).await;
        assert_eq!(json, "{\n  \"BackupSet\": [],\n  \"TotalCount\": 0\n}\n");
    }

    /// Six instances (more than the fan-out's concurrency), three pages each, given out of order.
    async fn generated() -> (MockServer, Plan) {
        let server = MockServer::start_with(MockConfig::new().generate(1_260, 6).rate_limit(0))
            .await
            .unwrap();
        let p = plan(
            &[
                "crs-gen00004",
                "crs-gen00002",
                "crs-gen00006",
                "crs-gen00001",
                "crs-gen00005",
                "crs-gen00003",
            ],
            open(),
        );
        (server, p)
    }

    #[tokio::test]
    async fn several_instances_stream_in_the_order_given() {
        let (server, p) = generated().await;
        let ((json, j), (ndjson, _)) = both(&server, &p, None).await;
        assert_eq!(j.outcome, Outcome::Success);
        let (total, ids) = ids_of_json(&json);
        assert_eq!((total, ids.len()), (1_260, 1_260));
        assert_eq!(ids, ids_of_ndjson(&ndjson));
        let first = json.find("crs-gen00004").unwrap();
        let last = json.find("crs-gen00003").unwrap();
        assert!(first < last, "instances in the order given");
    }

    fn failing(instance: &str, offset: i64) -> Script {
        Script::new()
            .param("InstanceId", serde_json::json!(instance))
            .param("Offset", serde_json::json!(offset))
            .then(Step::error("InvalidParameter"))
    }

    #[tokio::test]
    async fn an_instance_failing_before_its_first_page_is_left_out_of_a_complete_document() {
        let (server, p) = generated().await;
        let ((json, j), (ndjson, n)) = both(&server, &p, Some(&failing("crs-gen00006", 0))).await;
        assert_eq!((j.outcome, n.outcome), (Outcome::Api, Outcome::Api));
        let (total, ids) = ids_of_json(&json);
        assert_eq!((total, ids.len()), (1_050, 1_050), "the five others");
        assert_eq!(ids, ids_of_ndjson(&ndjson));
        assert!(!json.contains("crs-gen00006"));
    }

    #[tokio::test]
    async fn an_instance_failing_mid_listing_leaves_the_document_open() {
        let (server, p) = generated().await;
        let ((json, j), (ndjson, _)) = both(&server, &p, Some(&failing("crs-gen00006", 100))).await;
        assert_eq!(j.outcome, Outcome::Api);
        assert!(serde_json::from_str::<serde_json::Value>(&json).is_err());
        assert!(!json.contains("TotalCount"), "no total is claimed");
        assert_eq!(json.matches("\"BackupId\"").count(), 1_150);
        assert_eq!(ids_of_ndjson(&ndjson).len(), 1_150);
        assert!(
            json.contains("crs-gen00003"),
            "later instances still printed"
        );
    }

    #[tokio::test]
    async fn nothing_is_printed_when_every_instance_failed() {
        let (server, _) = generated().await;
        let p = plan(&["crs-gen00006"], open());
        let ((json, j), (ndjson, _)) = both(&server, &p, Some(&failing("crs-gen00006", 0))).await;
        assert_eq!(j.outcome, Outcome::Api);
        assert_eq!((json.as_str(), ndjson.as_str()), ("", ""));
    }

    #[test]
    fn the_more_hint_counts_what_is_left() {
        let mut p = plan(&[], open());
        p.paging = Paging::Single {
            limit: None,
            offset: Some(20),
        };
        let listed = Listed {
            outcome: Outcome::Success,
            shown: 20,
            total: 137,
        };
        assert_eq!(
            more_hint(&listed, &p).unwrap(),
            "tcredis: 20 of 137 — use --all for every backup (or --offset 40 for the next page)"
        );
        let last = Listed {
            shown: 17,
            total: 37,
            ..listed
        };
        assert_eq!(more_hint(&last, &p), None);
        p.paging = Paging::All;
        assert_eq!(more_hint(&listed, &p), None);
    }
}
