//! Business semantics, wire shape, signature variants (GET, v1, unsigned payload, tccli's Host,
//! the Node SDK's quirks), STS, scripts, faults and the journal — through the sans-IO handler.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use tcredis_core::call::{Payload, SigningMethod};
use tcredis_core::credentials::Credentials;
use tcredis_core::sign::v1::SignatureMethod;
use tcredis_mock::handler::DeliveryMode;
use tcredis_mock::{
    FaultKind, MockConfig, Script, Seed, SeedBackup, SeedInstance, SignatureResult, Step,
};

fn list(handler: &tcredis_mock::handler::Handler, body: &str) -> Value {
    let outcome = send(handler, &json_req(body.as_bytes()));
    let response = envelope(&outcome);
    assert!(response.get("Error").is_none(), "{response}");
    response
}

fn ids(response: &Value) -> Vec<String> {
    response["BackupSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["BackupId"].as_str().unwrap().to_owned())
        .collect()
}

fn small_seed() -> Seed {
    Seed::new()
        .instance(
            SeedInstance::new("crs-aaaa0001", "订单 cache", "ap-guangzhou")
                .backup(
                    SeedBackup::new("b1", "2026-05-01 02:00:00")
                        .status(2)
                        .backup_type("1")
                        .backup_size(5_000_000_000),
                )
                .backup(
                    SeedBackup::new("b3", "2026-05-02 02:00:00")
                        .status(-1)
                        .backup_type("0"),
                )
                .backup(
                    SeedBackup::new("b2", "2026-05-02 02:00:00")
                        .status(4)
                        .extra_field("FutureField", json!({"x": 1})),
                ),
        )
        .instance(
            SeedInstance::new("crs-bbbb0002", "sessions", "ap-shanghai")
                .backup(SeedBackup::new("c1", "2026-05-03 02:00:00").status(2)),
        )
}

#[test]
fn listing_order_types_and_unknown_fields() {
    let handler = demo_handler(MockConfig::new().seed(small_seed()));
    let all = list(&handler, "{}");
    assert_eq!(all["TotalCount"], 4);
    assert_eq!(
        ids(&all),
        ["c1", "b3", "b2", "b1"],
        "StartTime desc, then BackupId desc"
    );
    let b1 = &all["BackupSet"][3];
    assert_eq!(
        b1["BackupSize"],
        json!(5_000_000_000u64),
        "Integer fields are JSON numbers, above 2^32 too"
    );
    assert_eq!(b1["BackupType"], json!("1"), "BackupType is a string");
    assert_eq!(
        b1["InstanceName"], "订单 cache",
        "inherited from the instance, UTF-8 unescaped"
    );
    assert_eq!(
        all["BackupSet"][2]["FutureField"],
        json!({"x": 1}),
        "unknown seed fields pass through"
    );
    // Compact JSON, model order: TotalCount, BackupSet, RequestId; item fields in model order.
    let raw = String::from_utf8(send(&handler, &json_req(b"{}")).response.body().clone()).unwrap();
    assert!(raw.starts_with(r#"{"Response":{"TotalCount":4,"BackupSet":[{"StartTime":"2026-05-03 02:00:00","BackupId":"c1""#), "{raw}");
    assert!(raw.contains(r#""BackupSize":5000000000,"#), "{raw}");
    let tail = &raw[raw.rfind(r#","RequestId":""#).unwrap()..];
    assert_eq!(
        tail.len(),
        r#","RequestId":""#.len() + 36 + r#""}}"#.len(),
        "RequestId comes last: {tail}"
    );
}

#[test]
fn filters_paging_and_region_scope() {
    let handler = demo_handler(MockConfig::new().seed(small_seed()).rate_limit(0));
    assert_eq!(
        ids(&list(&handler, r#"{"Limit": 2, "Offset": 1}"#)),
        ["b3", "b2"]
    );
    assert_eq!(
        ids(&list(&handler, r#"{"Limit": 2, "Offset": 3}"#)),
        ["b1"],
        "an offset that is not a multiple of Limit is served as asked"
    );
    assert_eq!(list(&handler, r#"{"Offset": 10}"#)["BackupSet"], json!([]));
    assert_eq!(ids(&list(&handler, r#"{"Status": [2]}"#)), ["c1", "b1"]);
    assert_eq!(
        ids(&list(&handler, r#"{"Status": []}"#)),
        Vec::<String>::new(),
        "an empty Status list matches nothing"
    );
    assert_eq!(
        ids(&list(
            &handler,
            r#"{"InstanceId": "crs-aaaa0001", "Status": [-1, 4]}"#
        )),
        ["b3", "b2"]
    );
    assert_eq!(
        ids(&list(&handler, r#"{"InstanceName": "cache"}"#)),
        ["b3", "b2", "b1"]
    );
    assert_eq!(
        ids(&list(&handler, r#"{"InstanceName": "订单"}"#)),
        ["b3", "b2", "b1"]
    );
    assert_eq!(
        ids(&list(
            &handler,
            r#"{"BeginTime": "2026-05-02 02:00:00", "EndTime": "2026-05-02 02:00:00"}"#
        )),
        ["b3", "b2"],
        "inclusive"
    );
    assert_eq!(
        ids(&list(&handler, r#"{"EndTime": "2026-05-01 02:00:00"}"#)),
        ["b1"]
    );
    let scoped = send(
        &handler,
        &Req {
            region: Some("ap-shanghai"),
            ..Req::default()
        },
    );
    assert_eq!(ids(&envelope(&scoped)), ["c1"]);
    // Default Limit is 20.
    let handler = demo_handler(MockConfig::new());
    let page = list(&handler, "{}");
    assert_eq!(page["BackupSet"].as_array().unwrap().len(), 20);
    assert!(page["TotalCount"].as_u64().unwrap() > 300);
}

#[test]
fn demo_data_is_anchored_to_now_override() {
    let a = demo_handler(MockConfig::new());
    let b = demo_handler(MockConfig::new());
    assert_eq!(
        ids(&list(&a, r#"{"Limit": 100}"#)),
        ids(&list(&b, r#"{"Limit": 100}"#))
    );
    let newest = list(&a, r#"{"Limit": 1}"#);
    // NOW is 2026-05-28 20:26:40 UTC = 2026-05-29 04:26:40 Beijing; the newest backup is a minute before.
    assert_eq!(newest["BackupSet"][0]["StartTime"], "2026-05-29 04:25:40");
    assert_eq!(newest["BackupSet"][0]["Status"], 1);
}

#[test]
fn generated_million_pages_from_both_ends() {
    let handler = demo_handler(MockConfig::new().generate(1_000_000, 4).rate_limit(0));
    let first = list(&handler, r#"{"Limit": 100}"#);
    assert_eq!(first["TotalCount"], 1_000_000);
    let last = list(&handler, r#"{"Limit": 100, "Offset": 999950}"#);
    assert_eq!(last["BackupSet"].as_array().unwrap().len(), 50);
    let one = list(
        &handler,
        r#"{"InstanceId": "crs-gen00003", "Limit": 100, "Offset": 249900}"#,
    );
    assert_eq!(one["TotalCount"], 250_000);
    assert!(
        one["BackupSet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["InstanceId"] == "crs-gen00003")
    );
    let filtered = list(&handler, r#"{"Status": [-2], "Limit": 5}"#);
    assert_eq!(filtered["TotalCount"], 20_000);
}

#[test]
fn get_v1_unsigned_payload_and_tokens_verify() {
    let handler = demo_handler(MockConfig::new().rate_limit(0));
    let cases = [
        Req {
            payload: Payload::Query("Limit=2&Status.0=2"),
            ..Req::default()
        },
        Req {
            signing: SigningMethod::Tc3 {
                unsigned_payload: true,
            },
            payload: Payload::Json(br#"{"Limit": 2}"#),
            ..Req::default()
        },
        Req {
            signing: v1(SignatureMethod::HmacSha1),
            payload: Payload::Query("Limit=2"),
            ..Req::default()
        },
        Req {
            signing: v1(SignatureMethod::HmacSha256),
            payload: Payload::Query("Limit=2&InstanceName=orders%20cache"),
            ..Req::default()
        },
        Req {
            signing: v1(SignatureMethod::HmacSha256),
            payload: Payload::Form("Limit=2&Status.0=2"),
            ..Req::default()
        },
        Req {
            region: Some("ap-guangzhou"),
            payload: Payload::Json(br#"{"Limit": 2, "InstanceName": "\u8ba2\u5355"}"#),
            ..Req::default()
        },
    ];
    for (i, req) in cases.iter().enumerate() {
        let outcome = send(&handler, req);
        assert_eq!(
            code(&outcome),
            None,
            "case {i}: {}",
            String::from_utf8_lossy(outcome.response.body())
        );
    }
    let journal = handler.journal();
    assert_eq!(
        journal.iter().map(|e| e.style).collect::<Vec<_>>(),
        ["tc3", "tc3", "v1", "v1", "v1", "tc3"]
    );
    assert!(
        journal
            .iter()
            .all(|e| e.signature == SignatureResult::Valid && e.leniency.is_empty())
    );
    assert_eq!(
        journal[0].params,
        json!({"Limit": 2, "Status": [2]}),
        "GET values are typed in the journal"
    );
}

#[test]
fn tccli_host_with_scheme_is_signed_as_sent() {
    let handler = demo_handler(MockConfig::new().strict_signing(true));
    let outcome = send(
        &handler,
        &Req {
            host: "http://127.0.0.1:8080",
            ..Req::default()
        },
    );
    assert_eq!(
        code(&outcome),
        None,
        "{}",
        String::from_utf8_lossy(outcome.response.body())
    );
}

#[test]
fn node_sdk_quirks_are_accepted_on_loopback_unless_strict() {
    // The Node SDK signs the Host without its port and derives the scope service from the host.
    let node = |handler: &tcredis_mock::handler::Handler| {
        let mut request = Req {
            host: "127.0.0.1",
            service: "127",
            ..Req::default()
        }
        .build();
        request
            .headers_mut()
            .insert("host", "127.0.0.1:8080".parse().unwrap());
        handler.handle(&request, at(NOW))
    };
    let lenient = demo_handler(MockConfig::new());
    assert_eq!(code(&node(&lenient)), None);
    let entry = lenient.journal().pop().unwrap();
    assert_eq!(
        entry.leniency,
        ["host-without-port", "service-from-host-label"]
    );
    let strict = demo_handler(MockConfig::new().strict_signing(true));
    assert_eq!(
        code(&node(&strict)).as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
    // Never on a real domain.
    let mut request = Req {
        host: "redis.tencentcloudapi.com",
        ..Req::default()
    }
    .build();
    request
        .headers_mut()
        .insert("host", "redis.tencentcloudapi.com:443".parse().unwrap());
    assert_eq!(
        code(&lenient.handle(&request, at(NOW))).as_deref(),
        Some("AuthFailure.SignatureFailure")
    );
}

#[test]
fn sts_assume_role_credentials_work_for_redis_until_they_expire() {
    let handler = demo_handler(MockConfig::new().rate_limit(0));
    let body = br#"{"RoleArn": "qcs::cam::uin/100000000001:roleName/backup-reader", "RoleSessionName": "tcredis-test", "DurationSeconds": 900}"#;
    let assume = Req {
        action: "AssumeRole",
        version: "2018-08-13",
        service: "sts",
        region: Some("ap-guangzhou"),
        payload: Payload::Json(body),
        ..Req::default()
    };
    let response = envelope(&send(&handler, &assume));
    let creds = &response["Credentials"];
    assert_eq!(response["ExpiredTime"], json!(NOW + 900));
    assert!(response["Expiration"].as_str().unwrap().ends_with('Z'));
    let temporary = Credentials::new(
        creds["TmpSecretId"].as_str().unwrap(),
        creds["TmpSecretKey"].as_str().unwrap(),
    )
    .unwrap()
    .with_token(creds["Token"].as_str().unwrap())
    .unwrap();
    let describe = Req {
        credentials: temporary.clone(),
        ..Req::default()
    };
    assert_eq!(code(&send(&handler, &describe)), None);
    // Without the token, or after expiry: TokenFailure.
    let no_token =
        Credentials::new(temporary.secret_id(), temporary.secret_key().expose()).unwrap();
    assert_eq!(
        code(&send(
            &handler,
            &Req {
                credentials: no_token,
                ..Req::default()
            }
        ))
        .as_deref(),
        Some("AuthFailure.TokenFailure")
    );
    let late = NOW + 901;
    let outcome = handler.handle(
        &Req {
            credentials: temporary,
            timestamp: late,
            ..Req::default()
        }
        .build(),
        at(late),
    );
    assert_eq!(code(&outcome).as_deref(), Some("AuthFailure.TokenFailure"));
    // Missing RoleArn is MissingParameter; a wrong type is InvalidParameter.
    let missing = Req {
        payload: Payload::Json(br#"{"RoleSessionName": "x"}"#),
        ..assume.clone()
    };
    assert_eq!(
        code(&send(&handler, &missing)).as_deref(),
        Some("MissingParameter")
    );
    let wrong = Req {
        payload: Payload::Json(
            br#"{"RoleArn": "a", "RoleSessionName": "x", "DurationSeconds": "900"}"#,
        ),
        ..assume
    };
    assert_eq!(
        code(&send(&handler, &wrong)).as_deref(),
        Some("InvalidParameter")
    );
}

#[test]
fn web_identity_is_unsigned_with_authorization_skip() {
    let handler = demo_handler(MockConfig::new());
    let body = br#"{"ProviderId": "tke-oidc", "WebIdentityToken": "eyJhbGciOi.secret.jwt", "RoleArn": "qcs::cam::uin/1:roleName/r", "RoleSessionName": "s"}"#;
    let mut request = Req {
        action: "AssumeRoleWithWebIdentity",
        version: "2018-08-13",
        service: "sts",
        payload: Payload::Json(body),
        ..Req::default()
    }
    .build();
    request
        .headers_mut()
        .insert("authorization", "SKIP".parse().unwrap());
    let outcome = handler.handle(&request, at(NOW));
    let response = envelope(&outcome);
    assert!(
        response["Credentials"]["TmpSecretId"]
            .as_str()
            .unwrap()
            .starts_with("AKID"),
        "{response}"
    );
    let entry = handler.journal().pop().unwrap();
    assert_eq!(entry.signature, SignatureResult::Skipped);
    assert_eq!(
        entry.params["WebIdentityToken"], "***",
        "tokens never enter the journal"
    );
}

#[test]
fn scripted_errors_then_success_and_expectations() {
    let handler = demo_handler(MockConfig::new().rate_limit(0));
    handler
        .script(
            Script::new()
                .action("DescribeInstanceBackups")
                .then(Step::error("RequestLimitExceeded"))
                .then(Step::error_with_message("InternalError", "boom"))
                .then(Step::reply(json!({"TotalCount": 0, "BackupSet": []})))
                .expect(3),
        )
        .unwrap();
    let codes: Vec<Option<String>> = (0..4)
        .map(|_| code(&send(&handler, &Req::default())))
        .collect();
    assert_eq!(
        codes,
        [
            Some("RequestLimitExceeded".into()),
            Some("InternalError".into()),
            None,
            None
        ]
    );
    assert!(handler.verify().is_ok());
    let journal = handler.journal();
    assert_eq!(
        journal.iter().map(|e| e.script).collect::<Vec<_>>(),
        [Some(1), Some(1), Some(1), None]
    );

    handler.reset();
    handler
        .script(
            Script::new()
                .named("two for crs-x")
                .param("InstanceId", json!("crs-x"))
                .expect(2),
        )
        .unwrap();
    send(&handler, &json_req(br#"{"InstanceId": "crs-demo0001"}"#));
    let report = handler.verify().unwrap_err().to_string();
    assert!(
        report.contains("\"two for crs-x\"") && report.contains("got 0"),
        "{report}"
    );
    assert!(
        report.contains("param InstanceId: expected \"crs-x\", got \"crs-demo0001\""),
        "{report}"
    );
}

#[test]
fn scripted_and_global_faults_become_delivery_instructions() {
    let handler = demo_handler(MockConfig::new().rate_limit(0));
    handler
        .script(
            Script::new()
                .then(Step::fault(FaultKind::Drop))
                .then(Step::fault(FaultKind::Truncate))
                .then(Step::fault(FaultKind::Stall))
                .then(Step::pass().delay(Duration::from_millis(250)))
                .then(Step::fault(FaultKind::Throttle)),
        )
        .unwrap();
    let modes: Vec<(DeliveryMode, Duration)> = (0..5)
        .map(|_| {
            let outcome = send(&handler, &Req::default());
            (outcome.delivery.mode, outcome.delivery.delay)
        })
        .collect();
    assert_eq!(
        modes,
        [
            (DeliveryMode::Drop, Duration::ZERO),
            (DeliveryMode::Truncate, Duration::ZERO),
            (DeliveryMode::Stall, Duration::ZERO),
            (DeliveryMode::Respond, Duration::from_millis(250)),
            (DeliveryMode::Respond, Duration::ZERO),
        ]
    );
    let verdicts: Vec<String> = handler
        .journal()
        .iter()
        .map(|e| e.verdict.clone())
        .collect();
    assert_eq!(verdicts, ["drop", "truncate", "stall", "ok", "error"]);

    // Global faults with a seed are reproducible and hit at about their probability.
    let run = || {
        let handler = demo_handler(
            MockConfig::new()
                .rate_limit(0)
                .fault(FaultKind::Throttle, 0.3),
        );
        (0..200)
            .map(|_| code(&send(&handler, &Req::default())).is_some())
            .collect::<Vec<bool>>()
    };
    let first = run();
    assert_eq!(first, run());
    let hits = first.iter().filter(|h| **h).count();
    assert!((30..90).contains(&hits), "{hits}");
}

#[test]
fn journal_records_failures_with_what_was_claimed() {
    let handler = demo_handler(MockConfig::new());
    let wrong = Credentials::new(tcredis_mock::DEMO_SECRET_ID, "wrong-key").unwrap();
    send(
        &handler,
        &Req {
            credentials: wrong,
            region: Some("ap-guangzhou"),
            payload: Payload::Json(br#"{"Limit": 5}"#),
            ..Req::default()
        },
    );
    let entry = handler.journal().pop().unwrap();
    assert_eq!(entry.code.as_deref(), Some("AuthFailure.SignatureFailure"));
    assert_eq!(entry.signature, SignatureResult::Invalid);
    assert_eq!(
        entry.secret_id.as_deref(),
        Some(tcredis_mock::DEMO_SECRET_ID)
    );
    assert_eq!(entry.action.as_deref(), Some("DescribeInstanceBackups"));
    assert_eq!(entry.region.as_deref(), Some("ap-guangzhou"));
    assert_eq!(entry.params, json!({"Limit": 5}));
    let text = serde_json::to_string(&handler.journal()).unwrap();
    assert!(
        !text.contains("wrong-key")
            && !text.contains(tcredis_mock::DEMO_SECRET_KEY)
            && !text.contains("Signature="),
        "{text}"
    );
}
