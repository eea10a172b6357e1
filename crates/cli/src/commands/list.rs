//! `backups list`: every API parameter, fan-out over instances, windows over 30 days split and
//! merged, `--all` or one page, written in the chosen format in a deterministic order; for json
//! the TotalCount is learnt first (the first page of every instance and window) so the document
//! streams.

use std::sync::Arc;

use crate::backend::Api;
use crate::commands::fetch::{self, Event};
use crate::commands::lanes::{Lane, learn_total};
use crate::commands::plan::{Filters, ItemCap, Paging, Plan, Search};
use crate::config::{ListConfig, TimeSpec};
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
        search: Search::EveryWindow,
        item_cap: match cfg.max_items {
            0 => ItemCap::Unlimited,
            n => ItemCap::PerListing(n),
        },
    }
}

/// Runs the plan, writing every backup in order; per-instance errors are reported on stderr
/// and the worst outcome is returned (an I/O error on stdout is returned as such). A writer
/// that streams once it knows the TotalCount (json) gets it before the first item. When an
/// instance fails after some of its backups were received, the writer is told the listing is
/// incomplete.
pub async fn run(
    api: Arc<dyn Api>,
    plan: Plan,
    emit: &mut dyn Emit,
) -> Result<Outcome, std::io::Error> {
    let plan = Arc::new(plan);
    let mut progress = Progress::new(matches!(plan.paging, Paging::All));
    let mut lanes: Vec<Lane> = fetch::start(api, Arc::clone(&plan))
        .into_iter()
        .map(Lane::new)
        .collect();
    if emit.total_first() {
        let total = learn_total(&mut lanes, plan.windows.len()).await;
        emit.begin(total)?;
    }
    let mut outcome = Outcome::Success;
    let mut total: i64 = 0;
    let mut incomplete = false;
    for (target, lane) in plan.targets.iter().zip(&mut lanes) {
        let mut received = false;
        while let Some(event) = lane.next().await {
            match event {
                Event::Page { total_count, items } => {
                    received = true;
                    total = total.saturating_add(total_count.unwrap_or(0));
                    progress.page(items.len());
                    for item in &items {
                        emit.item(item)?;
                    }
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
    }
    progress.finish();
    if incomplete {
        emit.finish_incomplete(total)?;
    } else {
        emit.finish(total)?;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    //! The streaming json path against the buffered one, over real loopback HTTP to the mock.
    use tcredis_core::credentials::Credentials;
    use tcredis_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockConfig, MockServer, Script, Step};
    use tcredis_transport_hyper::Client;

    use super::*;
    use crate::output::{Format, buffered_json, emitter};

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
            search: Search::EveryWindow,
            item_cap: crate::commands::plan::ItemCap::Unlimited,
        }
    }

    fn open() -> Vec<Window> {
        vec![Window {
            begin: None,
            end: None,
        }]
    }

    async fn listing(api: &Arc<dyn Api>, plan: &Plan, streaming: bool) -> (String, Outcome) {
        let mut buf = Vec::new();
        let outcome = {
            let mut emit = if streaming {
                emitter(Format::Json, None, Box::new(&mut buf))
            } else {
                buffered_json(Box::new(&mut buf))
            };
            assert_eq!(emit.total_first(), streaming);
            run(Arc::clone(api), plan.clone(), emit.as_mut())
                .await
                .unwrap()
        };
        (String::from_utf8(buf).unwrap(), outcome)
    }

    /// Runs both paths (re-applying `script` before each) and returns (streamed, buffered).
    async fn both(
        server: &MockServer,
        plan: &Plan,
        script: Option<&Script>,
    ) -> ((String, Outcome), (String, Outcome)) {
        let api = api(server);
        let mut runs = Vec::new();
        for streaming in [true, false] {
            server.reset();
            if let Some(s) = script {
                server.script(s.clone()).unwrap();
            }
            runs.push(listing(&api, plan, streaming).await);
        }
        let buffered = runs.pop().unwrap();
        (runs.pop().unwrap(), buffered)
    }

    fn total_and_len(text: &str) -> (i64, usize) {
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        (
            doc["TotalCount"].as_i64().unwrap(),
            doc["BackupSet"].as_array().unwrap().len(),
        )
    }

    #[tokio::test]
    async fn streamed_json_is_byte_identical_on_the_demo_data() {
        let server =
            MockServer::start_with(MockConfig::new().demo().now_override(NOW).rate_limit(0))
                .await
                .unwrap();
        let since_80d = Window::closed(NOW - 80 * DAY, NOW).split(NOW);
        assert!(since_80d.len() > 1);
        let past = vec![Window::closed(0, 1_000)];
        for windows in [open(), since_80d, past] {
            let p = plan(&[], windows);
            let ((streamed, s_out), (buffered, b_out)) = both(&server, &p, None).await;
            assert_eq!(streamed, buffered);
            assert_eq!((s_out, b_out), (Outcome::Success, Outcome::Success));
            let (total, len) = total_and_len(&streamed);
            assert_eq!(usize::try_from(total).unwrap(), len);
        }
        // The empty listing.
        let p = plan(&[], vec![Window::closed(0, 1_000)]);
        let ((streamed, _), _) = both(&server, &p, None).await;
        assert_eq!(
            streamed,
            "{\n  \"TotalCount\": 0,\n  \"BackupSet\": []\n}\n"
        );
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
    async fn streamed_json_is_byte_identical_over_several_instances() {
        let (server, p) = generated().await;
        let ((streamed, s_out), (buffered, b_out)) = both(&server, &p, None).await;
        assert_eq!(streamed, buffered);
        assert_eq!((s_out, b_out), (Outcome::Success, Outcome::Success));
        assert_eq!(total_and_len(&streamed), (1_260, 1_260));
        let first = streamed.find("crs-gen00004").unwrap();
        let last = streamed.find("crs-gen00003").unwrap();
        assert!(first < last, "instances in the order given");
    }

    fn failing(instance: &str, offset: i64) -> Script {
        Script::new()
            .param("InstanceId", serde_json::json!(instance))
            .param("Offset", serde_json::json!(offset))
            .then(Step::error("InvalidParameter"))
    }

    #[tokio::test]
    async fn an_instance_failing_before_its_first_page_leaves_a_complete_document() {
        let (server, p) = generated().await;
        let ((streamed, s_out), (buffered, b_out)) =
            both(&server, &p, Some(&failing("crs-gen00006", 0))).await;
        assert_eq!(streamed, buffered);
        assert_eq!((s_out, b_out), (Outcome::Api, Outcome::Api));
        assert_eq!(total_and_len(&streamed), (1_050, 1_050), "the five others");
        assert!(!streamed.contains("crs-gen00006"));
    }

    #[tokio::test]
    async fn an_instance_failing_mid_listing_leaves_the_document_open() {
        let (server, p) = generated().await;
        let ((streamed, s_out), (buffered, b_out)) =
            both(&server, &p, Some(&failing("crs-gen00006", 100))).await;
        assert_eq!((s_out, b_out), (Outcome::Api, Outcome::Api));
        // Today's buffered document claims 1260 but holds 1150: it looks complete and is not.
        assert_eq!(total_and_len(&buffered), (1_260, 1_150));
        // The stream is the same bytes up to the last backup, without the closing brackets.
        let open_doc = buffered.strip_suffix("\n  ]\n}\n").unwrap();
        assert_eq!(streamed, format!("{open_doc}\n"));
        assert!(serde_json::from_str::<serde_json::Value>(&streamed).is_err());
        assert!(
            streamed.contains("crs-gen00003"),
            "later instances still printed"
        );
    }
}
