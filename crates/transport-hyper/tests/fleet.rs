//! The fleet API against the mock over loopback HTTP: every verdict and every newest backup
//! equals a truth computed from the mock's seed (with faults on too), the request counts agree
//! with the mock's journal and stay within the documented bounds, and each fallback is taken
//! when, and only when, the server calls for it.

use std::collections::BTreeMap;

use tcredis_core::credentials::Credentials;
use tcredis_core::endpoint::Endpoint;
use tcredis_core::fleet::Fallback;
use tcredis_core::freshness::Verdict;
use tcredis_core::time::BeijingTime;
use tcredis_mock::{
    DEMO_SECRET_ID, DEMO_SECRET_KEY, FaultKind, FleetSpec, MockConfig, MockServer, Script, Seed,
    Step,
};
use tcredis_transport_hyper::Client;
use tcredis_transport_hyper::fleet::{
    CheckOptions, CheckReport, CheckResult, LatestOptions, LatestResult, RegionResult, Selector,
};

/// 2026-06-01T12:00:00+08:00.
const NOW: i64 = 1_780_286_400;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const MAX_AGE: i64 = 26 * HOUR;
const LOOKBACK: i64 = 30 * DAY;

fn spec() -> FleetSpec {
    FleetSpec::new(130)
        .regions(["ap-guangzhou", "ap-shanghai"])
        .stale(6)
        .without_backups(5)
        .isolated(4)
}

async fn mock(config: MockConfig) -> MockServer {
    MockServer::start_with(
        config
            .now_override(NOW)
            .rate_limit(0)
            .journal_capacity(100_000),
    )
    .await
    .unwrap()
}

fn client(server: &MockServer, max_retries: u32) -> Client {
    Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .region("ap-guangzhou")
        .endpoint(Endpoint::parse(&server.uri()).unwrap())
        .rate_limit(0.0)
        .max_retries(max_retries)
        .random_seed(11)
        .build()
        .unwrap()
}

/// What the seed says of one instance: checked or not, and its newest good backup's start.
#[derive(Debug, Clone, PartialEq)]
struct Truth {
    checked: bool,
    newest: Option<(i64, String)>,
}

impl Truth {
    fn verdict(&self, max_age: i64, lookback: i64) -> Verdict {
        if !self.checked {
            return Verdict::Skipped;
        }
        match &self.newest {
            Some((start, _)) if NOW - start <= max_age => Verdict::Ok,
            Some((start, _)) if NOW - start <= lookback => Verdict::Stale,
            _ => Verdict::Missing,
        }
    }
}

/// (region, instance) → truth, in the fleet's order (region order, then InstanceId).
fn truth(seed: &Seed, regions: &[&str]) -> Vec<((String, String), Truth)> {
    let mut out = Vec::new();
    for region in regions {
        let mut by_id = BTreeMap::new();
        for instance in seed.instances().iter().filter(|i| i.region() == *region) {
            let newest = instance
                .backups()
                .iter()
                .filter(|b| matches!(b.status, Some(2..=4)))
                .filter_map(|b| {
                    let start = BeijingTime::parse(b.start_time.as_deref()?).ok()?.unix();
                    Some((start, b.backup_id.clone()?))
                })
                .filter(|(start, _)| NOW - start <= LOOKBACK)
                .max();
            by_id.insert(
                instance.instance_id().to_owned(),
                Truth {
                    checked: matches!(instance.status(), 1 | 2),
                    newest,
                },
            );
        }
        out.extend(
            by_id
                .into_iter()
                .map(|(id, t)| (((*region).to_owned(), id), t)),
        );
    }
    out
}

fn redis_requests(server: &MockServer) -> u64 {
    server
        .journal()
        .iter()
        .filter(|e| {
            matches!(
                e.action.as_deref(),
                Some("DescribeInstances" | "DescribeInstanceBackups")
            )
        })
        .count() as u64
}

fn assert_verdicts_match(report: &CheckReport, truth: &[((String, String), Truth)]) {
    let got: Vec<((String, String), Verdict)> = report
        .instances
        .iter()
        .map(|c| {
            (
                (c.instance.region.clone(), c.instance.instance_id.clone()),
                c.verdict(),
            )
        })
        .collect();
    let want: Vec<((String, String), Verdict)> = truth
        .iter()
        .map(|(k, t)| (k.clone(), t.verdict(MAX_AGE, LOOKBACK)))
        .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
    // STALE and OK carry the true newest backup.
    for (c, (_, t)) in report.instances.iter().zip(truth) {
        if let CheckResult::Judged(j) = &c.result {
            assert_eq!(
                j.newest.as_ref().and_then(|n| n.backup_id.clone()),
                t.newest.as_ref().map(|(_, id)| id.clone()),
                "{}",
                c.instance.instance_id
            );
        }
    }
}

/// The documented bound for one region: ceil(N/1000) + ceil(G/100) + U + 3.
fn check_bound(seed: &Seed, region: &str) -> u64 {
    let instances: Vec<_> = seed
        .instances()
        .iter()
        .filter(|i| i.region() == region)
        .collect();
    let n = instances.len() as u64;
    let good_recent = instances
        .iter()
        .flat_map(|i| i.backups())
        .filter(|b| matches!(b.status, Some(2..=4)))
        .filter(|b| {
            let start = BeijingTime::parse(b.start_time.as_deref().unwrap())
                .unwrap()
                .unix();
            NOW - start <= MAX_AGE
        })
        .count() as u64;
    let t = truth(seed, &[region]);
    let without = t
        .iter()
        .filter(|(_, t)| t.checked && t.verdict(MAX_AGE, LOOKBACK) != Verdict::Ok)
        .count() as u64;
    n.div_ceil(1000) + good_recent.div_ceil(100) + without + 3
}

#[tokio::test]
async fn check_verdicts_equal_the_seed_truth_within_the_request_bound() {
    let spec = spec();
    let server = mock(MockConfig::new().fleet(spec.clone())).await;
    let seed = spec.seed(NOW);
    let regions = ["ap-guangzhou", "ap-shanghai"];
    let report = client(&server, 0)
        .fleet(regions)
        .check(CheckOptions::new(NOW).max_age(MAX_AGE).lookback(LOOKBACK))
        .await;
    let truth = truth(&seed, &regions);
    assert_verdicts_match(&report, &truth);
    let verdicts: Vec<Verdict> = report.instances.iter().map(|c| c.verdict()).collect();
    for (verdict, per_region) in [
        (Verdict::Ok, 115),
        (Verdict::Stale, 6),
        (Verdict::Missing, 5),
        (Verdict::Skipped, 4),
    ] {
        assert_eq!(
            verdicts.iter().filter(|v| **v == verdict).count(),
            2 * per_region,
            "{verdict}"
        );
    }
    assert_eq!(
        report.requests,
        redis_requests(&server),
        "the journal agrees"
    );
    for region in &report.regions {
        assert!(matches!(region.result, RegionResult::Ok));
        assert!(region.fallbacks.is_empty(), "{:?}", region.fallbacks);
        let bound = check_bound(&seed, &region.region);
        assert!(
            region.requests <= bound,
            "{}: {} requests > {bound}",
            region.region,
            region.requests
        );
    }
    // ceil(130/1000) + ceil(115/100) + 11 per region; the +3 of the bound is not needed.
    assert_eq!(report.requests, 2 * (1 + 2 + 11));
}

#[tokio::test]
async fn check_is_exact_with_a_third_of_the_answers_failing() {
    let spec = spec();
    let server = mock(
        MockConfig::new()
            .fleet(spec.clone())
            .fault(FaultKind::InternalError, 0.3)
            .random_seed(7),
    )
    .await;
    let regions = ["ap-guangzhou", "ap-shanghai"];
    let report = client(&server, 10)
        .fleet(regions)
        .check(CheckOptions::new(NOW).max_age(MAX_AGE).lookback(LOOKBACK))
        .await;
    assert_verdicts_match(&report, &truth(&spec.seed(NOW), &regions));
    let journal = server.journal();
    let faults = journal.iter().filter(|e| e.fault.is_some()).count();
    assert!(faults > 5, "faults were injected: {faults}");
    assert_eq!(
        report.requests,
        redis_requests(&server),
        "retries are requests"
    );
}

#[tokio::test]
async fn latest_finds_every_newest_backup_with_about_one_request_per_instance() {
    for faults in [false, true] {
        let spec = spec();
        let mut config = MockConfig::new().fleet(spec.clone());
        if faults {
            config = config.fault(FaultKind::InternalError, 0.3).random_seed(7);
        }
        let server = mock(config).await;
        let regions = ["ap-guangzhou", "ap-shanghai"];
        let report = client(&server, 10)
            .fleet(regions)
            .latest(LatestOptions::new(NOW).lookback(LOOKBACK))
            .await;
        let truth = truth(&spec.seed(NOW), &regions);
        assert_eq!(report.instances.len(), truth.len());
        for (got, ((_, id), t)) in report.instances.iter().zip(&truth) {
            assert_eq!(&got.instance.instance_id, id);
            match (&got.result, t.checked, &t.newest) {
                (LatestResult::Skipped, false, _) => {}
                (LatestResult::NotFound, true, None) => {}
                (LatestResult::Found(b), true, Some((_, want))) => {
                    assert_eq!(b.backup_id.as_deref(), Some(want.as_str()), "{id}")
                }
                other => panic!("{id}: {other:?}"),
            }
        }
        assert_eq!(report.requests, redis_requests(&server));
        if !faults {
            // 115 fresh: 1 each; 6 stale (3 days): 3 each; 5 empty: 6 each; plus 1 listing.
            assert_eq!(report.requests, 2 * (1 + 115 + 6 * 3 + 5 * 6));
            let per_instance = report.requests as f64 / truth.len() as f64;
            assert!(per_instance <= 1.3, "{per_instance}");
        }
    }
}

/// One region of 30 instances (2 stale, 2 empty, 1 isolated) with `script` queued.
async fn scripted(script: Script) -> (MockServer, CheckReport, Vec<((String, String), Truth)>) {
    let spec = FleetSpec::new(30).stale(2).without_backups(2).isolated(1);
    let server = mock(MockConfig::new().fleet(spec.clone())).await;
    server.script(script).unwrap();
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .check(CheckOptions::new(NOW).max_age(MAX_AGE).lookback(LOOKBACK))
        .await;
    let truth = truth(&spec.seed(NOW), &["ap-guangzhou"]);
    assert_verdicts_match(&report, &truth);
    assert_eq!(report.requests, redis_requests(&server));
    (server, report, truth)
}

fn backups_without_instance_id(server: &MockServer) -> usize {
    server
        .journal()
        .iter()
        .filter(|e| e.action.as_deref() == Some("DescribeInstanceBackups"))
        .filter(|e| e.params.get("InstanceId").is_none())
        .count()
}

#[tokio::test]
async fn a_refused_region_wide_listing_falls_back_to_one_listing_per_instance() {
    for (code, message) in [
        ("MissingParameter", "The parameter InstanceId is required."),
        (
            "InvalidParameter.InvalidParameter",
            "InstanceId must not be empty.",
        ),
        ("UnauthorizedOperation.NoCAMAuthed", "no permission"),
    ] {
        let script = Script::new()
            .action("DescribeInstanceBackups")
            .then(Step::error_with_message(code, message));
        let (server, report, _) = scripted(script).await;
        assert_eq!(
            report.regions[0].fallbacks,
            [Fallback::PerInstance],
            "{code}"
        );
        assert_eq!(backups_without_instance_id(&server), 1, "asked once");
        // 1 instance listing + the refused one + 29 checked instances (recent window; the 4
        // without a recent backup also search the older window).
        assert_eq!(report.requests, 1 + 1 + 29 + 4, "{code}");
    }
}

#[tokio::test]
async fn an_unrelated_region_wide_error_fails_the_region_without_a_fallback() {
    let script = Script::new()
        .action("DescribeInstanceBackups")
        .then(Step::error_with_message(
            "InvalidParameter.InvalidParameter",
            "Limit must be between 1 and 100.",
        ));
    let spec = FleetSpec::new(10);
    let server = mock(MockConfig::new().fleet(spec)).await;
    server.script(script).unwrap();
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .check(CheckOptions::new(NOW).max_age(MAX_AGE))
        .await;
    assert!(matches!(report.regions[0].result, RegionResult::Failed(_)));
    assert!(report.regions[0].fallbacks.is_empty());
    assert!(
        report
            .instances
            .iter()
            .all(|c| c.verdict() == Verdict::Error)
    );
    assert_eq!(report.requests, 2);
}

#[tokio::test]
async fn a_refused_status_filter_is_dropped_once_and_good_backups_picked_client_side() {
    let refuse = Step::error_with_message(
        "InvalidParameter.InvalidParameter",
        "Status 3 is not one of 1, 2.",
    );
    let mut script = Script::new()
        .action("DescribeInstanceBackups")
        .param("Status", serde_json::json!([2, 3, 4]));
    for _ in 0..100 {
        script = script.then(refuse.clone());
    }
    let (server, report, _) = scripted(script).await;
    assert_eq!(report.regions[0].fallbacks, [Fallback::NoStatusFilter]);
    let journal = server.journal();
    let filtered = journal
        .iter()
        .filter(|e| e.params.get("Status").is_some())
        .count();
    assert_eq!(filtered, 1, "detected once: only the first listing sent it");
    // The stale instances' running backups came back unfiltered and were not taken as good.
    assert!(
        report
            .instances
            .iter()
            .filter(|c| c.verdict() == Verdict::Stale)
            .count()
            == 2
    );
}

#[tokio::test]
async fn an_empty_region_wide_answer_is_cross_checked_before_it_is_trusted() {
    let empty = Script::new()
        .action("DescribeInstanceBackups")
        .then(Step::reply(
            serde_json::json!({"TotalCount": 0, "BackupSet": []}),
        ));
    let (server, report, truth) = scripted(empty).await;
    // The probe is the first running instance; whichever it is, every verdict is exact.
    let probe = truth
        .iter()
        .find(|(_, t)| t.checked)
        .map(|(_, t)| t.verdict(MAX_AGE, LOOKBACK))
        .unwrap();
    let expected = if probe == Verdict::Ok {
        Fallback::EmptyAnswerDistrusted
    } else {
        Fallback::EmptyAnswerConfirmed
    };
    assert_eq!(report.regions[0].fallbacks, [expected]);
    assert_eq!(backups_without_instance_id(&server), 1);

    // A region whose instances really have no recent backup: the cross-check agrees.
    let spec = FleetSpec::new(6).without_backups(6);
    let server = mock(MockConfig::new().fleet(spec)).await;
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .check(CheckOptions::new(NOW).max_age(MAX_AGE))
        .await;
    assert_eq!(
        report.regions[0].fallbacks,
        [Fallback::EmptyAnswerConfirmed]
    );
    assert!(
        report
            .instances
            .iter()
            .all(|c| c.verdict() == Verdict::Missing)
    );
    // Listing, region-wide, the cross-check, then one search of each of the 6.
    assert_eq!(report.requests, 1 + 1 + 1 + 6);
}

#[tokio::test]
async fn an_empty_answer_confirmed_by_an_unrepresentative_probe_still_gives_exact_verdicts() {
    // The probe (the first running instance) has no backups; the region-wide answer is
    // scripted empty although the other instance has a recent backup.
    let seed = Seed::new()
        .instance(tcredis_mock::SeedInstance::new(
            "crs-a-empty",
            "a",
            "ap-guangzhou",
        ))
        .instance(
            tcredis_mock::SeedInstance::new("crs-b-fresh", "b", "ap-guangzhou").backup(
                tcredis_mock::SeedBackup::new(
                    "b-1",
                    BeijingTime::from_unix(NOW - HOUR).to_string(),
                )
                .status(2),
            ),
        );
    let server = mock(MockConfig::new().seed(seed)).await;
    server
        .script(
            Script::new()
                .action("DescribeInstanceBackups")
                .then(Step::reply(
                    serde_json::json!({"TotalCount": 0, "BackupSet": []}),
                )),
        )
        .unwrap();
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .check(CheckOptions::new(NOW).max_age(MAX_AGE))
        .await;
    assert_eq!(
        report.regions[0].fallbacks,
        [Fallback::EmptyAnswerConfirmed]
    );
    let verdicts: Vec<Verdict> = report.instances.iter().map(|c| c.verdict()).collect();
    assert_eq!(verdicts, [Verdict::Missing, Verdict::Ok]);
}

#[tokio::test]
async fn an_empty_answer_without_a_running_instance_to_probe_still_gives_exact_verdicts() {
    // Only an instance in process (Status 1): nothing to cross-check with.
    let seed = Seed::new().instance(
        tcredis_mock::SeedInstance::new("crs-busy", "busy", "ap-guangzhou")
            .field("Status", serde_json::json!(1))
            .backup(
                tcredis_mock::SeedBackup::new(
                    "b-1",
                    BeijingTime::from_unix(NOW - HOUR).to_string(),
                )
                .status(2),
            ),
    );
    let server = mock(MockConfig::new().seed(seed)).await;
    server
        .script(
            Script::new()
                .action("DescribeInstanceBackups")
                .then(Step::reply(
                    serde_json::json!({"TotalCount": 0, "BackupSet": []}),
                )),
        )
        .unwrap();
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .check(CheckOptions::new(NOW).max_age(MAX_AGE))
        .await;
    assert!(report.regions[0].fallbacks.is_empty());
    assert_eq!(report.instances[0].verdict(), Verdict::Ok);
    assert_eq!(
        report.requests, 3,
        "listing, region-wide, the instance's whole lookback"
    );
}

#[tokio::test]
async fn every_region_tolerates_unavailable_ones_and_selectors_narrow_the_fleet() {
    let spec = FleetSpec::new(12);
    let server = mock(MockConfig::new().fleet(spec)).await;
    let client = client(&server, 0);
    let report = client
        .fleet(["ap-guangzhou", "ap-tokyo", "xx-nowhere-1"])
        .tolerate_unavailable(true)
        .instances()
        .await;
    let results: Vec<&str> = report.regions.iter().map(|r| r.result.name()).collect();
    assert_eq!(results, ["ok", "unavailable", "unavailable"]);
    assert_eq!(report.instances.len(), 12);
    assert_eq!(report.requests, 3);
    let strict = client.fleet(["xx-nowhere-1"]).instances().await;
    match &strict.regions[0].result {
        RegionResult::Failed(e) => {
            assert_eq!(e.api_error().unwrap().code().as_str(), "UnsupportedRegion")
        }
        other => panic!("{other:?}"),
    }
    let tagged = client
        .fleet(["ap-guangzhou"])
        .selector(Selector::new().tag("team", "pay").tag("env", "prod"))
        .instances()
        .await;
    // Instances k with k % 4 == 0 (team pay) and k % 3 != 0 (env prod), k = 0..12: 4 and 8.
    let ids: Vec<&str> = tagged
        .instances
        .iter()
        .map(|i| i.instance_id.as_str())
        .collect();
    assert_eq!(ids, ["crs-f0500005", "crs-f0500009"]);
    let projects = client
        .fleet(["ap-guangzhou"])
        .selector(Selector::new().project_id(1).project_id(2).search("0000"))
        .instances()
        .await;
    // Projects 1 or 2: k = 1, 2, 5, 6, 9, 10; "0000" is in crs-f0500001 ..= crs-f0500009.
    assert_eq!(projects.instances.len(), 4);
}

#[tokio::test]
async fn explicit_instance_ids_are_checked_one_by_one_in_the_order_given() {
    let spec = FleetSpec::new(12).stale(1);
    let seed = spec.seed(NOW);
    let server = mock(MockConfig::new().fleet(spec)).await;
    let ids: Vec<String> = seed
        .instances()
        .iter()
        .rev()
        .map(|i| i.instance_id().to_owned())
        .chain(["crs-nothere".to_owned()])
        .collect();
    let mut selector = Selector::new();
    for id in &ids {
        selector = selector.instance_id(id.clone());
    }
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .selector(selector)
        .check(CheckOptions::new(NOW).max_age(MAX_AGE))
        .await;
    let got: Vec<&str> = report
        .instances
        .iter()
        .map(|c| c.instance.instance_id.as_str())
        .collect();
    assert_eq!(got, ids);
    let verdicts: Vec<Verdict> = report.instances.iter().map(|c| c.verdict()).collect();
    assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Ok).count(), 11);
    assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Stale).count(), 1);
    assert_eq!(verdicts.last(), Some(&Verdict::Error));
    let journal = server.journal();
    assert!(
        journal
            .iter()
            .all(|e| e.action.as_deref() == Some("DescribeInstanceBackups")),
        "no DescribeInstances for explicit IDs"
    );
    assert_eq!(report.requests, 12 + 1 + 1, "one each, the stale one twice");
}

#[test]
fn fleet_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let client = Client::builder()
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .region("ap-guangzhou")
        .build()
        .unwrap();
    let fleet = client.fleet(["ap-guangzhou"]);
    send(&fleet.check(CheckOptions::new(NOW)));
    send(&fleet.latest(LatestOptions::new(NOW)));
    send(&fleet.instances());
}

/// The mock's CAM policy (issue 12's fallback case, through the real permission check rather
/// than a scripted error): the SecretId may describe instances region-wide and call everything
/// on `crs-*` instances, but one instance is denied. A region-wide listing needs `instance/*`,
/// so it is refused with `UnauthorizedOperation.NoCAMAuthed`; the fleet falls back to one
/// listing per instance, and exactly the denied instance ends in ERROR.
#[tokio::test]
async fn a_cam_policy_denying_one_instance_falls_back_per_instance_and_fails_only_it() {
    let spec = FleetSpec::new(30).stale(2).without_backups(2).isolated(1);
    let truth = truth(&spec.seed(NOW), &["ap-guangzhou"]);
    let denied = truth
        .iter()
        .find(|(_, t)| t.checked && t.newest.is_some())
        .map(|((_, id), _)| id.clone())
        .unwrap();
    let policy = tcredis_mock::PolicySet::from_json(
        format!(
            r#"{{"Uin": "100000000001", "Policies": {{"{DEMO_SECRET_ID}": {{"statement": [
                {{"effect": "allow", "action": ["redis:DescribeInstances"], "resource": ["*"]}},
                {{"effect": "allow", "action": ["redis:*"], "resource": ["qcs::redis:*:uin/100000000001:instance/crs-*"]}},
                {{"effect": "deny", "action": ["redis:*"], "resource": ["qcs::redis:*:uin/100000000001:instance/{denied}"]}}]}}}}}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    let server = mock(MockConfig::new().fleet(spec).policy(policy)).await;
    let report = client(&server, 0)
        .fleet(["ap-guangzhou"])
        .check(CheckOptions::new(NOW).max_age(MAX_AGE).lookback(LOOKBACK))
        .await;
    assert_eq!(report.regions[0].fallbacks, [Fallback::PerInstance]);
    assert_eq!(backups_without_instance_id(&server), 1, "asked once");
    assert_eq!(report.requests, redis_requests(&server));
    assert_eq!(report.instances.len(), truth.len());
    for (c, ((_, id), t)) in report.instances.iter().zip(&truth) {
        assert_eq!(&c.instance.instance_id, id);
        let want = if *id == denied {
            Verdict::Error
        } else {
            t.verdict(MAX_AGE, LOOKBACK)
        };
        assert_eq!(c.verdict(), want, "{id}");
    }
    let denied_answers = server
        .journal()
        .iter()
        .filter(|e| e.code.as_deref() == Some("UnauthorizedOperation.NoCAMAuthed"))
        .count();
    // The region-wide listing and the denied instance's own listing.
    assert_eq!(denied_answers, 2);
}
