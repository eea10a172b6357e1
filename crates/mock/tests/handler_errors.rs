//! Every documented error, its precedence, and its wire form, through the sans-IO handler.

mod common;

use common::*;
use tcredis_core::call::Payload;
use tcredis_core::credentials::Credentials;
use tcredis_core::sign::v1::SignatureMethod;
use tcredis_mock::MockConfig;

fn expect_code(
    handler: &tcredis_mock::handler::Handler,
    request: &http::Request<Vec<u8>>,
    want: &str,
) -> String {
    let outcome = handler.handle(request, at(NOW));
    assert_eq!(
        code(&outcome).as_deref(),
        Some(want),
        "{}",
        String::from_utf8_lossy(outcome.response.body())
    );
    message(&outcome)
}

#[test]
fn method_other_than_get_or_post_is_unsupported_protocol() {
    let handler = demo_handler(MockConfig::new());
    let mut request = Req::default().build();
    *request.method_mut() = http::Method::PUT;
    let message = expect_code(&handler, &request, "UnsupportedProtocol");
    assert!(
        message.contains("PUT") && message.contains("GET and POST"),
        "{message}"
    );
}

#[test]
fn body_over_ten_megabytes_is_refused_before_anything_else() {
    let handler = demo_handler(MockConfig::new());
    let mut request = http::Request::post("/")
        .body(vec![b' '; 10 * 1024 * 1024 + 1])
        .unwrap();
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    expect_code(&handler, &request, "RequestSizeLimitExceeded");
    // Exactly 10 MB is not over the limit: the next check (no action) answers.
    let request = http::Request::post("/")
        .body(vec![b' '; 10 * 1024 * 1024])
        .unwrap();
    expect_code(&handler, &request, "MissingParameter");
}

#[test]
fn missing_action_or_version_is_missing_parameter() {
    let handler = demo_handler(MockConfig::new());
    let mut request = Req::default().build();
    request.headers_mut().remove("x-tc-action");
    assert!(expect_code(&handler, &request, "MissingParameter").contains("X-TC-Action"));
    let mut request = Req::default().build();
    request.headers_mut().remove("x-tc-version");
    assert!(expect_code(&handler, &request, "MissingParameter").contains("X-TC-Version"));
    let request = http::Request::get("/?Action=DescribeInstanceBackups&Signature=x")
        .body(Vec::new())
        .unwrap();
    assert!(expect_code(&handler, &request, "MissingParameter").contains("Version parameter"));
}

#[test]
fn unknown_action_and_wrong_version() {
    let handler = demo_handler(MockConfig::new());
    let request = Req {
        action: "DescribeBackupUrl",
        ..Req::default()
    }
    .build();
    assert!(expect_code(&handler, &request, "InvalidAction").contains("DescribeBackupUrl"));
    let request = Req {
        version: "2017-03-12",
        ..Req::default()
    }
    .build();
    assert!(expect_code(&handler, &request, "NoSuchVersion").contains("2018-04-12"));
    let request = Req {
        action: "AssumeRole",
        service: "sts",
        ..Req::default()
    }
    .build();
    assert!(expect_code(&handler, &request, "NoSuchVersion").contains("2018-08-13"));
}

#[test]
fn authorization_missing_malformed_or_skip_outside_web_identity() {
    let handler = demo_handler(MockConfig::new());
    let mut request = Req::default().build();
    request.headers_mut().remove("authorization");
    expect_code(&handler, &request, "AuthFailure.InvalidAuthorization");
    for bad in ["Bearer x", "TC3-HMAC-SHA256 Credential=AKID", "SKIP"] {
        let mut request = Req::default().build();
        request
            .headers_mut()
            .insert("authorization", bad.parse().unwrap());
        expect_code(&handler, &request, "AuthFailure.InvalidAuthorization");
    }
    let journal = handler.journal();
    assert!(
        journal
            .iter()
            .all(|e| e.signature == tcredis_mock::SignatureResult::Missing)
    );
}

#[test]
fn timestamp_window_is_300_seconds_either_way() {
    let handler = demo_handler(MockConfig::new());
    for (ts, ok) in [
        (NOW - 300, true),
        (NOW + 300, true),
        (NOW - 301, false),
        (NOW + 301, false),
    ] {
        let outcome = send(
            &handler,
            &Req {
                timestamp: ts,
                ..Req::default()
            },
        );
        assert_eq!(code(&outcome).is_none(), ok, "{ts}: {:?}", code(&outcome));
        if !ok {
            assert_eq!(
                code(&outcome).as_deref(),
                Some("AuthFailure.SignatureExpire")
            );
            assert!(message(&outcome).contains("301"), "{}", message(&outcome));
        }
    }
}

#[test]
fn unknown_secret_id_wrong_key_and_token_failures() {
    let handler = demo_handler(
        MockConfig::new()
            .credential("AKIDtok", "tok-key", Some("the-token"))
            .credential("AKIDplain", "plain-key", None),
    );
    let stranger = Credentials::new("AKIDstranger", "k").unwrap();
    send_expect(
        &handler,
        Req {
            credentials: stranger,
            ..Req::default()
        },
        "AuthFailure.SecretIdNotFound",
    );
    let wrong = Credentials::new("AKIDplain", "not-the-key").unwrap();
    send_expect(
        &handler,
        Req {
            credentials: wrong,
            ..Req::default()
        },
        "AuthFailure.SignatureFailure",
    );
    let no_token = Credentials::new("AKIDtok", "tok-key").unwrap();
    send_expect(
        &handler,
        Req {
            credentials: no_token,
            ..Req::default()
        },
        "AuthFailure.TokenFailure",
    );
    let bad_token = Credentials::new("AKIDtok", "tok-key")
        .unwrap()
        .with_token("other")
        .unwrap();
    send_expect(
        &handler,
        Req {
            credentials: bad_token,
            ..Req::default()
        },
        "AuthFailure.TokenFailure",
    );
    let good = Credentials::new("AKIDtok", "tok-key")
        .unwrap()
        .with_token("the-token")
        .unwrap();
    assert_eq!(
        code(&send(
            &handler,
            &Req {
                credentials: good,
                ..Req::default()
            }
        )),
        None
    );
    // The demo pair is not accepted once credentials are configured.
    send_expect(&handler, Req::default(), "AuthFailure.SecretIdNotFound");
}

fn send_expect(handler: &tcredis_mock::handler::Handler, req: Req<'_>, want: &str) {
    let outcome = send(handler, &req);
    assert_eq!(
        code(&outcome).as_deref(),
        Some(want),
        "{}",
        String::from_utf8_lossy(outcome.response.body())
    );
}

#[test]
fn rate_limit_per_secret_id_answers_request_limit_exceeded() {
    let handler = demo_handler(MockConfig::new().rate_limit(3));
    let request = Req::default().build();
    for _ in 0..3 {
        assert_eq!(
            code(&handler.handle(&request, at(NOW))),
            None,
            "identical replays are accepted"
        );
    }
    let outcome = handler.handle(&request, at(NOW));
    assert_eq!(code(&outcome).as_deref(), Some("RequestLimitExceeded"));
    assert!(
        message(&outcome).contains("3 per second"),
        "{}",
        message(&outcome)
    );
    // One token comes back after 1/3 s.
    let later = at(NOW) + std::time::Duration::from_millis(340);
    assert_eq!(code(&handler.handle(&request, later)), None);
}

#[test]
fn unknown_and_isolated_regions_are_unsupported() {
    let handler = demo_handler(MockConfig::new());
    send_expect(
        &handler,
        Req {
            region: Some("mars-north-1"),
            ..Req::default()
        },
        "UnsupportedRegion",
    );
    // A financial region sent to the general endpoint is isolated.
    send_expect(
        &handler,
        Req {
            region: Some("ap-shanghai-fsi"),
            host: "redis.tencentcloudapi.com",
            ..Req::default()
        },
        "UnsupportedRegion",
    );
    // The financial endpoint serves only its own region.
    let fsi_host = "redis.ap-shanghai-fsi.tencentcloudapi.com";
    send_expect(
        &handler,
        Req {
            region: Some("ap-guangzhou"),
            host: fsi_host,
            ..Req::default()
        },
        "UnsupportedRegion",
    );
    let outcome = send(
        &handler,
        &Req {
            region: Some("ap-shanghai-fsi"),
            host: fsi_host,
            ..Req::default()
        },
    );
    let response = envelope(&outcome);
    assert!(response["TotalCount"].as_u64().unwrap() > 0);
    assert!(
        response["BackupSet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["Region"] == "ap-shanghai-fsi")
    );
    // Without X-TC-Region the fsi endpoint still serves only its region.
    let outcome = send(
        &handler,
        &Req {
            host: fsi_host,
            ..Req::default()
        },
    );
    assert!(
        envelope(&outcome)["BackupSet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["Region"] == "ap-shanghai-fsi")
    );
    // Loopback hosts are never second-guessed: an fsi region works there.
    assert_eq!(
        code(&send(
            &handler,
            &Req {
                region: Some("ap-shanghai-fsi"),
                ..Req::default()
            }
        )),
        None
    );
}

#[test]
fn malformed_and_truncated_json_is_invalid_parameter() {
    let handler = demo_handler(MockConfig::new());
    for body in [
        &b"{\"Limit\": 1"[..],
        b"{\"Limit\": 1,}",
        b"not json",
        b"\xff\xfe",
    ] {
        let outcome = send(&handler, &json_req(body));
        assert_eq!(
            code(&outcome).as_deref(),
            Some("InvalidParameter"),
            "{body:?}"
        );
        assert!(
            message(&outcome).contains("not valid JSON"),
            "{}",
            message(&outcome)
        );
    }
    let outcome = send(&handler, &json_req(b"[1, 2]"));
    assert!(
        message(&outcome).contains("JSON object"),
        "{}",
        message(&outcome)
    );
}

#[test]
fn unknown_parameter_then_types_then_business_rules() {
    let handler = demo_handler(MockConfig::new());
    let outcome = send(
        &handler,
        &json_req(br#"{"Limit": "x", "InstanceIds": ["a"]}"#),
    );
    assert_eq!(code(&outcome).as_deref(), Some("UnknownParameter"));
    assert!(message(&outcome).contains("InstanceIds"));
    for (body, name) in [
        (&br#"{"Limit": "20"}"#[..], "Limit"),
        (br#"{"Offset": 1.5}"#, "Offset"),
        (br#"{"InstanceId": 5}"#, "InstanceId"),
        (br#"{"Status": 2}"#, "Status"),
        (br#"{"Status": ["2"]}"#, "Status"),
        (br#"{"BeginTime": true}"#, "BeginTime"),
    ] {
        let outcome = send(&handler, &json_req(body));
        assert_eq!(
            code(&outcome).as_deref(),
            Some("InvalidParameter"),
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(
            message(&outcome).contains(&format!("`{name}`")),
            "{}",
            message(&outcome)
        );
    }
    for (body, needle) in [
        (&br#"{"Limit": 0}"#[..], "between 1 and 100"),
        (br#"{"Limit": 101}"#, "got 101"),
        (br#"{"Offset": -1}"#, "Offset must be 0 or more"),
        (
            br#"{"BeginTime": "2026-05-01T00:00:00"}"#,
            "YYYY-MM-DD HH:MM:SS",
        ),
        (br#"{"EndTime": "2026-02-30 00:00:00"}"#, "EndTime"),
        (
            br#"{"BeginTime": "2026-05-02 00:00:00", "EndTime": "2026-05-01 00:00:00"}"#,
            "after EndTime",
        ),
        (
            br#"{"BeginTime": "2026-04-01 00:00:00", "EndTime": "2026-05-01 00:00:01"}"#,
            "at most 30 days",
        ),
        (br#"{"Status": [2, 7]}"#, "Status 7"),
    ] {
        let outcome = send(&handler, &json_req(body));
        assert_eq!(
            code(&outcome).as_deref(),
            Some("InvalidParameter.InvalidParameter"),
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(
            message(&outcome).contains(needle),
            "{} -> {}",
            String::from_utf8_lossy(body),
            message(&outcome)
        );
    }
    // Exactly 30 days is allowed; one-sided windows are open on the other side.
    for body in [
        &br#"{"BeginTime": "2026-04-01 00:00:00", "EndTime": "2026-05-01 00:00:00"}"#[..],
        br#"{"BeginTime": "2020-01-01 00:00:00"}"#,
        br#"{"EndTime": "2030-01-01 00:00:00"}"#,
    ] {
        assert_eq!(
            code(&send(&handler, &json_req(body))),
            None,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn unknown_instance_or_one_outside_the_region_does_not_exist() {
    let handler = demo_handler(MockConfig::new());
    send_expect(
        &handler,
        json_req(br#"{"InstanceId": "crs-nope"}"#),
        "ResourceNotFound.InstanceNotExists",
    );
    let req = Req {
        region: Some("ap-beijing"),
        ..json_req(br#"{"InstanceId": "crs-demo0001"}"#)
    };
    let outcome = send(&handler, &req);
    assert_eq!(
        code(&outcome).as_deref(),
        Some("ResourceNotFound.InstanceNotExists")
    );
    assert!(message(&outcome).contains("crs-demo0001") && message(&outcome).contains("ap-beijing"));
    let req = Req {
        region: Some("ap-guangzhou"),
        ..json_req(br#"{"InstanceId": "crs-demo0001"}"#)
    };
    assert_eq!(code(&send(&handler, &req)), None);
}

#[test]
fn precedence_first_failing_check_answers() {
    let handler = demo_handler(MockConfig::new().rate_limit(1));
    let stranger = Credentials::new("AKIDstranger", "k").unwrap();
    // Unknown action beats a bad signature.
    send_expect(
        &handler,
        Req {
            action: "Nope",
            credentials: stranger.clone(),
            ..Req::default()
        },
        "InvalidAction",
    );
    // An expired timestamp beats an unknown SecretId.
    send_expect(
        &handler,
        Req {
            timestamp: NOW - 1000,
            credentials: stranger.clone(),
            ..Req::default()
        },
        "AuthFailure.SignatureExpire",
    );
    // A bad signature beats a bad region and bad parameters.
    let wrong = Credentials::new(tcredis_mock::DEMO_SECRET_ID, "wrong").unwrap();
    send_expect(
        &handler,
        Req {
            credentials: wrong,
            region: Some("mars"),
            payload: Payload::Json(b"{"),
            ..Req::default()
        },
        "AuthFailure.SignatureFailure",
    );
    // The rate limit beats the region; the region beats malformed JSON.
    assert_eq!(code(&send(&handler, &Req::default())), None);
    send_expect(
        &handler,
        Req {
            region: Some("mars"),
            ..Req::default()
        },
        "RequestLimitExceeded",
    );
    let handler = demo_handler(MockConfig::new().rate_limit(0));
    send_expect(
        &handler,
        Req {
            region: Some("mars"),
            payload: Payload::Json(b"{"),
            ..Req::default()
        },
        "UnsupportedRegion",
    );
    // Malformed JSON beats everything parameter-level.
    send_expect(
        &handler,
        json_req(br#"{"Bogus": 1, "Limit": 0"#),
        "InvalidParameter",
    );
    // Types beat business rules; business rules beat the instance lookup.
    send_expect(
        &handler,
        json_req(br#"{"Limit": 0, "Offset": "1"}"#),
        "InvalidParameter",
    );
    send_expect(
        &handler,
        json_req(br#"{"Limit": 0, "InstanceId": "crs-nope"}"#),
        "InvalidParameter.InvalidParameter",
    );
}

#[test]
fn get_queries_are_typed_and_checked_like_json() {
    let handler = demo_handler(MockConfig::new());
    let get = |query| Req {
        payload: Payload::Query(query),
        ..Req::default()
    };
    send_expect(&handler, get("Status=2"), "InvalidParameter");
    send_expect(&handler, get("Limit=ten"), "InvalidParameter");
    send_expect(&handler, get("Bogus=1"), "UnknownParameter");
    let outcome = send(
        &handler,
        &get("Limit=3&Status.0=2&Status.1=4&InstanceId=crs-demo0001"),
    );
    let response = envelope(&outcome);
    assert_eq!(response["BackupSet"].as_array().unwrap().len(), 3);
    assert!(
        response["BackupSet"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["Status"] == 2 || b["Status"] == 4)
    );
    // v1 requests put the signature in the parameters; their errors come in the same order.
    let v1_get = |query, method| Req {
        payload: Payload::Query(query),
        signing: v1(method),
        ..Req::default()
    };
    send_expect(
        &handler,
        v1_get("Limit=0", SignatureMethod::HmacSha1),
        "InvalidParameter.InvalidParameter",
    );
    let wrong = Credentials::new(tcredis_mock::DEMO_SECRET_ID, "wrong").unwrap();
    send_expect(
        &handler,
        Req {
            credentials: wrong,
            ..v1_get("Limit=1", SignatureMethod::HmacSha256)
        },
        "AuthFailure.SignatureFailure",
    );
}

#[test]
fn admin_paths_never_match_api_requests_and_unknown_ones_are_404() {
    let handler = demo_handler(MockConfig::new());
    let request = http::Request::get("/_mock/nothing")
        .body(Vec::new())
        .unwrap();
    let outcome = handler.handle(&request, at(NOW));
    assert_eq!(outcome.response.status(), 404);
    assert_eq!(
        outcome.response.headers()["content-type"],
        "application/json"
    );
    let request = http::Request::post("/_mock/script")
        .body(b"{\"steps\": 3}".to_vec())
        .unwrap();
    let outcome = handler.handle(&request, at(NOW));
    assert_eq!(outcome.response.status(), 400);
    assert!(String::from_utf8_lossy(outcome.response.body()).contains("invalid script JSON"));
    assert!(
        handler.journal().is_empty(),
        "admin requests are not journaled"
    );
}
