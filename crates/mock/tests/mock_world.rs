//! The mock's world through the sans-IO handler: the clock and its admin API, backup lifecycles
//! across a week (with a skipped night), `DescribeAutoBackupConfig`, CAM policies (STS
//! credentials included), deterministic fault sequences and cassette replay.

mod common;

use std::time::Duration;

use common::{NOW, Req, at, code, envelope, json_req, message, send};
use serde_json::{Value, json};
use tcredis_core::call::Payload;
use tcredis_core::credentials::Credentials;
use tcredis_mock::handler::Handler;
use tcredis_mock::{
    AutoBackupConfig, Cassette, CassetteEntry, ClockStart, MockConfig, PolicySet, Seed, SeedBackup,
    SeedInstance,
};

/// 2026-06-01 10:00 Beijing (Monday), where the world clocks of these tests start.
const START: i64 = 1_780_279_200;
const DAY: i64 = 86_400;

fn admin(handler: &Handler, method: &str, path: &str, body: Value) -> (u16, Value) {
    let request = http::Request::builder()
        .method(method)
        .uri(path)
        .body(serde_json::to_vec(&body).unwrap())
        .unwrap();
    let outcome = handler.handle(&request, at(NOW));
    (
        outcome.response.status().as_u16(),
        serde_json::from_slice(outcome.response.body()).unwrap(),
    )
}

fn scheduled_seed() -> Seed {
    Seed::new()
        .instance(
            SeedInstance::new("crs-night", "nightly", "ap-guangzhou")
                .backup(SeedBackup::new("seed-old", "2026-05-20 02:05:00").status(-1))
                .auto_backup(
                    AutoBackupConfig::new(
                        &[
                            "Monday",
                            "Tuesday",
                            "Wednesday",
                            "Thursday",
                            "Friday",
                            "Saturday",
                            "Sunday",
                        ],
                        "02:00-03:00",
                        3,
                    )
                    .unwrap(),
                ),
        )
        .instance(SeedInstance::new(
            "crs-plain",
            "no schedule",
            "ap-guangzhou",
        ))
}

fn world(config: MockConfig) -> Handler {
    Handler::new(
        &config
            .clock(ClockStart::At(START))
            .random_seed(3)
            .rate_limit(0),
        at(NOW),
    )
    .unwrap()
}

fn listing(handler: &Handler, instance: &str) -> Vec<Value> {
    let body = format!(r#"{{"InstanceId":"{instance}","Limit":100}}"#);
    let outcome = send(handler, &json_req(body.as_bytes()));
    assert_eq!(code(&outcome), None, "{}", message(&outcome));
    envelope(&outcome)["BackupSet"].as_array().unwrap().clone()
}

#[test]
fn the_clock_admin_api_reads_sets_and_advances() {
    let handler = world(MockConfig::new().seed(scheduled_seed()));
    let (status, reading) = admin(&handler, "GET", "/_mock/clock", json!(null));
    assert_eq!(status, 200);
    assert_eq!(
        reading,
        json!({"now": "2026-06-01T02:00:00Z", "frozen": true, "speed": 1.0})
    );
    let (_, reading) = admin(
        &handler,
        "POST",
        "/_mock/clock",
        json!({"advance": "1d12h"}),
    );
    assert_eq!(reading["now"], "2026-06-02T14:00:00Z");
    let (_, reading) = admin(
        &handler,
        "POST",
        "/_mock/clock",
        json!({"set": "2026-06-01 10:00:00"}),
    );
    assert_eq!(
        reading["now"], "2026-06-01T02:00:00Z",
        "Beijing time accepted, backwards too"
    );
    let (_, reading) = admin(&handler, "POST", "/_mock/clock", json!({"advance": -3600}));
    assert_eq!(reading["now"], "2026-06-01T01:00:00Z");
    for bad in [
        json!({"advance": "soon"}),
        json!({"set": "yesterday"}),
        json!({"set": "2026-06-01T00:00:00Z", "advance": "1d"}),
        json!({"speed": 0}),
        json!({"sett": "2026-06-01T00:00:00Z"}),
        json!({}),
    ] {
        let (status, answer) = admin(&handler, "POST", "/_mock/clock", bad.clone());
        assert_eq!(status, 400, "{bad}");
        assert!(!answer["error"].as_str().unwrap().is_empty());
    }
    // The keys come in the documented order.
    let raw = handler.handle(
        &http::Request::get("/_mock/clock").body(Vec::new()).unwrap(),
        at(NOW),
    );
    assert!(
        raw.response.body().starts_with(br#"{"now":"#),
        "{}",
        String::from_utf8_lossy(raw.response.body())
    );
    // Reset keeps the clock.
    admin(&handler, "POST", "/_mock/reset", json!(null));
    assert_eq!(handler.clock(at(NOW)).now, "2026-06-01T01:00:00Z");
}

#[test]
fn a_week_of_nights_appears_runs_finishes_expires_and_a_skipped_night_is_missing() {
    let handler = world(MockConfig::new().seed(scheduled_seed()));
    let (status, _) = admin(
        &handler,
        "POST",
        "/_mock/script",
        json!({"skip_slot": {"InstanceId": "crs-night", "date": "2026-06-04"}}),
    );
    assert_eq!(status, 200);
    // Not advanced: the seed history only.
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|b| b["BackupId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&listing(&handler, "crs-night")), ["seed-old"]);
    let mut seen_running = 0;
    for night in 1..=7 {
        // 02:00 Beijing of night `night` after the start, then through the slot hour.
        let slot = START - 8 * 3600 + night * DAY;
        for minute in (0..=60).step_by(1) {
            handler.set_clock(at(NOW), slot + minute * 60);
            let items = listing(&handler, "crs-night");
            let running = items.iter().filter(|b| b["Status"] == 1).count();
            seen_running += running;
            assert!(running <= 1);
        }
        let items = listing(&handler, "crs-night");
        let date =
            tcredis_core::time::BeijingTime::from_unix(slot).to_string()[..10].replace('-', "");
        let this_night = items
            .iter()
            .find(|b| b["BackupId"].as_str().unwrap().contains(&date));
        if date == "20260604" {
            assert!(this_night.is_none(), "the skipped night has no backup");
        } else {
            let backup = this_night.unwrap_or_else(|| panic!("night {date}: {items:?}"));
            assert_eq!(backup["Status"], 2, "finished an hour later");
            assert_eq!(backup["BackupType"], "1");
            assert_eq!(backup["InstanceId"], "crs-night");
        }
    }
    assert!(
        seen_running >= 6 * 2,
        "each backup was seen running (2 minutes)"
    );
    // A week later: 3 days of storage, so the nights older than 3 days have expired.
    handler.set_clock(at(NOW), START - 8 * 3600 + 7 * DAY + 3 * 3600);
    let items = listing(&handler, "crs-night");
    let statuses: Vec<(String, i64)> = items
        .iter()
        .map(|b| {
            (
                b["BackupId"].as_str().unwrap().to_owned(),
                b["Status"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 7, "6 nights + the seed's: {statuses:?}");
    assert_eq!(
        statuses.iter().filter(|(_, s)| *s == 2).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|(_, s)| *s == -1).count(),
        4,
        "{statuses:?}"
    );
    // Newest first, and back in time hides the later nights again.
    assert!(statuses[0].0.contains("20260608"), "{statuses:?}");
    handler.set_clock(at(NOW), START);
    assert_eq!(ids(&listing(&handler, "crs-night")), ["seed-old"]);
    // A reset forgets the skipped night.
    admin(&handler, "POST", "/_mock/reset", json!(null));
    handler.set_clock(at(NOW), START - 8 * 3600 + 4 * DAY + 3 * 3600);
    assert_eq!(
        listing(&handler, "crs-night").len(),
        5,
        "4 nights and the seed's"
    );
}

#[test]
fn lifecycle_backups_page_and_filter_like_the_others() {
    let handler = world(MockConfig::new().seed(scheduled_seed()));
    handler.advance_clock(at(NOW), Duration::from_secs(5 * DAY as u64));
    let all = listing(&handler, "crs-night");
    assert_eq!(all.len(), 6);
    let mut paged = Vec::new();
    for offset in (0..6).step_by(4) {
        let body = format!(r#"{{"InstanceId":"crs-night","Limit":4,"Offset":{offset}}}"#);
        let outcome = send(&handler, &json_req(body.as_bytes()));
        let response = envelope(&outcome);
        assert_eq!(response["TotalCount"], 6);
        paged.extend(response["BackupSet"].as_array().unwrap().clone());
    }
    assert_eq!(paged, all);
    let body = br#"{"InstanceId":"crs-night","Status":[-1]}"#;
    let expired = envelope(&send(&handler, &json_req(body)));
    assert_eq!(
        expired["TotalCount"], 3,
        "the seed's and the first two nights' (3 days kept)"
    );
    let body = br#"{"InstanceId":"crs-night","BeginTime":"2026-06-03 00:00:00","EndTime":"2026-06-04 23:59:59"}"#;
    let window = envelope(&send(&handler, &json_req(body)));
    assert_eq!(window["TotalCount"], 2);
    assert!(listing(&handler, "crs-plain").is_empty());
}

#[test]
fn demo_and_generated_instances_back_up_daily_only_once_the_clock_moves() {
    let demo = world(MockConfig::new());
    let total = |h: &Handler, id: &str| {
        let body = format!(r#"{{"InstanceId":"{id}"}}"#);
        envelope(&send(h, &json_req(body.as_bytes())))["TotalCount"]
            .as_u64()
            .unwrap()
    };
    let before = total(&demo, "crs-demo0001");
    demo.advance_clock(at(NOW), Duration::from_secs(2 * DAY as u64));
    assert_eq!(total(&demo, "crs-demo0001"), before + 2);
    let after = listing(&demo, "crs-demo0001");
    assert!(
        after[0]["BackupId"]
            .as_str()
            .unwrap()
            .starts_with("auto-20260603-")
    );
    let generated = world(MockConfig::new().generate(1000, 4));
    assert_eq!(listing(&generated, "crs-gen00002").len(), 100);
    assert_eq!(total(&generated, "crs-gen00002"), 250);
    generated.advance_clock(at(NOW), Duration::from_secs(3 * DAY as u64));
    assert_eq!(total(&generated, "crs-gen00002"), 253);
}

fn auto_backup_config(handler: &Handler, instance: Option<&str>, region: Option<&str>) -> Value {
    let body = match instance {
        Some(id) => format!(r#"{{"InstanceId":"{id}"}}"#),
        None => "{}".to_owned(),
    };
    let req = Req {
        action: "DescribeAutoBackupConfig",
        region,
        payload: Payload::Json(body.as_bytes()),
        ..Req::default()
    };
    envelope(&handler.handle(&req.build(), at(NOW)))
}

#[test]
fn describe_auto_backup_config_answers_the_seeded_schedule() {
    let handler = world(MockConfig::new().seed(scheduled_seed()));
    let mut answer = auto_backup_config(&handler, Some("crs-night"), Some("ap-guangzhou"));
    answer.as_object_mut().unwrap().remove("RequestId");
    assert_eq!(
        answer,
        json!({"AutoBackupType": 1, "WeekDays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], "TimePeriod": "02:00-03:00", "BackupStorageDays": 3, "BinlogStorageDays": 7})
    );
    let plain = auto_backup_config(&handler, Some("crs-plain"), None);
    assert_eq!(plain["WeekDays"], json!([]));
    let parsed = tcredis_core::auto_backup::parse_response(
        &serde_json::to_vec(&json!({"Response": plain})).unwrap(),
    )
    .unwrap();
    assert!(
        parsed.schedule().unwrap().is_empty(),
        "core reads it as nothing scheduled"
    );
    let missing = auto_backup_config(&handler, None, None);
    assert_eq!(missing["Error"]["Code"], "MissingParameter");
    let elsewhere = auto_backup_config(&handler, Some("crs-night"), Some("ap-beijing"));
    assert_eq!(
        elsewhere["Error"]["Code"],
        "ResourceNotFound.InstanceNotExists"
    );
    let demo = world(MockConfig::new());
    assert_eq!(
        auto_backup_config(&demo, Some("crs-demo0002"), None)["TimePeriod"],
        "02:00-03:00"
    );
}

const LIMITED: &str = "AKIDlimited00000000000000000000000000";
const FREE: &str = "AKIDfree000000000000000000000000000000";

fn policy_handler() -> Handler {
    let policy = PolicySet::from_json(
        format!(
            r#"{{"Uin": "100000000001", "Policies": {{"{LIMITED}": {{"statement": [
                {{"effect": "allow", "action": ["redis:*"], "resource": ["qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-*"]}},
                {{"effect": "deny", "action": ["redis:*"], "resource": ["qcs::redis:*:uin/100000000001:instance/crs-night"]}}]}}}}}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    world(
        MockConfig::new()
            .seed(scheduled_seed())
            .credential(LIMITED, "limited-key", None)
            .credential(FREE, "free-key", None)
            .policy(policy),
    )
}

fn as_id(secret_id: &str, key: &str, body: &str, action: &str) -> Value {
    as_credentials(
        policy_handler_ref(),
        Credentials::new(secret_id, key).unwrap(),
        body,
        action,
    )
}

thread_local! {
    static POLICY: &'static Handler = Box::leak(Box::new(policy_handler()));
}

fn policy_handler_ref() -> &'static Handler {
    POLICY.with(|h| *h)
}

fn as_credentials(handler: &Handler, credentials: Credentials, body: &str, action: &str) -> Value {
    let req = Req {
        action,
        region: Some("ap-guangzhou"),
        payload: Payload::Json(body.as_bytes()),
        credentials,
        ..Req::default()
    };
    envelope(&handler.handle(&req.build(), at(NOW)))
}

#[test]
fn a_policy_denying_one_instance_fails_exactly_its_requests() {
    let night = r#"{"InstanceId":"crs-night"}"#;
    let plain = r#"{"InstanceId":"crs-plain"}"#;
    let denied = as_id(LIMITED, "limited-key", night, "DescribeInstanceBackups");
    assert_eq!(denied["Error"]["Code"], "UnauthorizedOperation.NoCAMAuthed");
    let request_id = denied["RequestId"].as_str().unwrap();
    assert_eq!(
        denied["Error"]["Message"],
        format!(
            "[request id:{request_id}]you are not authorized to perform operation (redis:DescribeInstanceBackups)\nresource (qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-night) has no permission\n"
        )
    );
    assert_eq!(
        as_id(LIMITED, "limited-key", night, "DescribeAutoBackupConfig")["Error"]["Code"],
        "UnauthorizedOperation.NoCAMAuthed"
    );
    assert!(as_id(LIMITED, "limited-key", plain, "DescribeInstanceBackups")["Error"].is_null());
    assert!(as_id(LIMITED, "limited-key", plain, "DescribeAutoBackupConfig")["Error"].is_null());
    // A region-wide listing needs instance/*, which `crs-*` is not.
    let wide = as_id(LIMITED, "limited-key", "{}", "DescribeInstanceBackups");
    assert_eq!(wide["Error"]["Code"], "UnauthorizedOperation.NoCAMAuthed");
    assert!(
        wide["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains("instance/*) has no permission")
    );
    // Unlisted SecretIds keep full access.
    assert!(as_id(FREE, "free-key", night, "DescribeInstanceBackups")["Error"].is_null());
    assert!(as_id(FREE, "free-key", "{}", "DescribeInstanceBackups")["Error"].is_null());
    // The denial comes after authentication: a wrong key is still a signature failure.
    assert_eq!(
        as_id(LIMITED, "wrong-key", night, "DescribeInstanceBackups")["Error"]["Code"],
        "AuthFailure.SignatureFailure"
    );
}

#[test]
fn sts_credentials_inherit_their_source_policy() {
    let handler = policy_handler_ref();
    let assume = |secret_id: &str, key: &str| -> Credentials {
        let req = Req {
            action: "AssumeRole",
            version: "2018-08-13",
            service: "sts",
            region: Some("ap-guangzhou"),
            payload: Payload::Json(
                br#"{"RoleArn":"qcs::cam::uin/100000000001:roleName/r","RoleSessionName":"s"}"#,
            ),
            credentials: Credentials::new(secret_id, key).unwrap(),
            ..Req::default()
        };
        let answer = envelope(&handler.handle(&req.build(), at(NOW)));
        let c = &answer["Credentials"];
        Credentials::new(
            c["TmpSecretId"].as_str().unwrap(),
            c["TmpSecretKey"].as_str().unwrap(),
        )
        .unwrap()
        .with_token(c["Token"].as_str().unwrap())
        .unwrap()
    };
    let night = r#"{"InstanceId":"crs-night"}"#;
    let limited = assume(LIMITED, "limited-key");
    assert_eq!(
        as_credentials(handler, limited.clone(), night, "DescribeInstanceBackups")["Error"]["Code"],
        "UnauthorizedOperation.NoCAMAuthed"
    );
    assert!(
        as_credentials(
            handler,
            limited,
            r#"{"InstanceId":"crs-plain"}"#,
            "DescribeInstanceBackups"
        )["Error"]
            .is_null()
    );
    let free = assume(FREE, "free-key");
    assert!(as_credentials(handler, free, night, "DescribeInstanceBackups")["Error"].is_null());
}

#[test]
fn a_fault_sequence_fails_exactly_the_listed_requests() {
    let handler = world(MockConfig::new().seed(scheduled_seed()));
    let (status, _) = admin(
        &handler,
        "POST",
        "/_mock/script",
        json!({"match": {"action": "DescribeInstanceBackups"}, "on": [3, 5], "steps": [{"error": {"code": "InternalError"}}], "expect": {"times": 6}}),
    );
    assert_eq!(status, 200);
    let codes: Vec<Option<String>> = (0..6)
        .map(|_| code(&send(&handler, &json_req(br#"{"InstanceId":"crs-plain"}"#))))
        .collect();
    let failed: Vec<usize> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.as_deref() == Some("InternalError"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(failed, [3, 5], "{codes:?}");
    assert!(
        codes
            .iter()
            .all(|c| c.is_none() || c.as_deref() == Some("InternalError"))
    );
    handler.verify().unwrap();
    let (status, answer) = admin(
        &handler,
        "POST",
        "/_mock/script",
        json!({"on": [2, 2], "steps": [{}]}),
    );
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("twice"));
}

#[test]
fn replay_serves_recorded_answers_in_order_get_or_post_and_names_the_closest_on_a_miss() {
    let params = |offset: i64| {
        json!({"InstanceId": "crs-1", "Limit": 10, "Offset": offset})
            .as_object()
            .unwrap()
            .clone()
    };
    let entry = |offset, body: &str, content_type: &str, status| {
        CassetteEntry::new(
            "DescribeInstanceBackups",
            "2018-04-12",
            Some("ap-guangzhou".into()),
            params(offset),
            status,
            content_type,
            body.as_bytes().to_vec(),
        )
    };
    let cassette = Cassette::new(vec![
        entry(
            0,
            r#"{"Response":{"TotalCount":1,"BackupSet":[],"RequestId":"first"}}"#,
            "application/json",
            200,
        ),
        entry(
            0,
            r#"{"Response":{"TotalCount":2,"BackupSet":[],"RequestId":"second"}}"#,
            "application/json; charset=utf-8",
            200,
        ),
    ]);
    let handler = world(MockConfig::new().replay(cassette));
    let post = |body: &'static [u8]| {
        let req = Req {
            region: Some("ap-guangzhou"),
            payload: Payload::Json(body),
            ..Req::default()
        };
        handler.handle(&req.build(), at(NOW))
    };
    let first = post(br#"{"Offset":0,"Limit":10,"InstanceId":"crs-1"}"#);
    assert_eq!(
        first.response.body(),
        br#"{"Response":{"TotalCount":1,"BackupSet":[],"RequestId":"first"}}"#
    );
    let get = Req {
        region: Some("ap-guangzhou"),
        payload: Payload::Query("InstanceId=crs-1&Limit=10&Offset=0"),
        ..Req::default()
    };
    let second = handler.handle(&get.build(), at(NOW));
    assert_eq!(
        second.response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    assert!(
        std::str::from_utf8(second.response.body())
            .unwrap()
            .contains("\"second\"")
    );
    let third = post(br#"{"InstanceId":"crs-1","Limit":10,"Offset":0}"#);
    assert!(
        std::str::from_utf8(third.response.body())
            .unwrap()
            .contains("\"second\""),
        "the last again"
    );
    let miss = post(br#"{"InstanceId":"crs-1","Limit":10,"Offset":10}"#);
    assert_eq!(code(&miss).as_deref(), Some("FailedOperation.ReplayMiss"));
    let text = message(&miss);
    assert!(text.contains("closest recorded request is #1"), "{text}");
    assert!(text.contains("Offset: recorded 0, asked 10"), "{text}");
    assert_eq!(handler.journal().last().unwrap().verdict, "error");
    assert_eq!(handler.journal()[0].verdict, "replayed");
}
