//! Building complete signed requests, checked header by header against what the official SDKs
//! send, and round-tripped through the verifier the mock uses.

use tcredis_core::call::{self, CallError, CallSpec, Payload, SigningMethod, Stages};
use tcredis_core::credentials::{Credentials, Secret};
use tcredis_core::sign::tc3::SigningKeyCache;
use tcredis_core::sign::v1::{self, SignatureMethod};
use tcredis_core::sign::verify::{self, Tc3Request, V1Request, VerifyErrorKind, VerifyOptions};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const D1: &[u8] = br#"{"Limit": 20, "Offset": 0, "InstanceId": "crs-5a4py64p", "Status": [2, 4]}"#;

fn spec(payload: Payload<'_>, signing: SigningMethod) -> CallSpec<'_> {
    CallSpec {
        service: "redis",
        action: "DescribeInstanceBackups",
        version: "2018-04-12",
        region: Some("ap-guangzhou"),
        language: Some("zh-CN"),
        request_client: "SDK_PYTHON_3.1.162",
        scheme: "https",
        authority: "redis.tencentcloudapi.com",
        host: "redis.tencentcloudapi.com",
        payload,
        signing,
        timestamp: 1_551_113_065,
    }
}

const TC3: SigningMethod = SigningMethod::Tc3 {
    unsigned_payload: false,
};

fn header_list(request: &http::Request<Vec<u8>>) -> Vec<(String, String)> {
    request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect()
}

fn lookup(id: &str) -> Option<(Secret, Option<Secret>)> {
    (id == ID).then(|| (Secret::new(KEY), None))
}

fn verify_built(
    request: &http::Request<Vec<u8>>,
    now: u64,
) -> Result<verify::Verified, verify::VerifyError> {
    let host = request.headers()["host"].to_str().unwrap();
    let query = request.uri().query().unwrap_or("");
    verify::verify_tc3(
        &Tc3Request {
            method: request.method().as_str(),
            host,
            query,
            headers: request.headers(),
            body: request.body(),
        },
        now,
        &VerifyOptions::strict("redis"),
        lookup,
    )
}

#[test]
fn tc3_post_json_matches_the_python_sdk_d1() {
    let credentials = Credentials::new(ID, KEY).unwrap();
    let signed = call::build_request(
        &spec(Payload::Json(D1), TC3),
        &credentials,
        &SigningKeyCache::new(),
    )
    .unwrap();
    let request = signed.request;
    assert!(signed.stages.is_none());
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "https://redis.tencentcloudapi.com/");
    assert_eq!(request.body(), D1);
    assert_eq!(
        header_list(&request),
        [
            (
                "authorization",
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/redis/tc3_request, \
                 SignedHeaders=content-type;host, \
                 Signature=5f2f07f22c5fbb4a182fafc7a40ca154616add7582acd4a1357c997d9a9070f4"
            ),
            ("content-type", "application/json"),
            ("host", "redis.tencentcloudapi.com"),
            ("x-tc-action", "DescribeInstanceBackups"),
            ("x-tc-timestamp", "1551113065"),
            ("x-tc-version", "2018-04-12"),
            ("x-tc-region", "ap-guangzhou"),
            ("x-tc-language", "zh-CN"),
            ("x-tc-requestclient", "SDK_PYTHON_3.1.162"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
    );
    assert!(request.headers()["authorization"].is_sensitive());
    assert_eq!(verify_built(&request, 1_551_113_065).unwrap().secret_id, ID);
}

#[test]
fn tc3_get_query_matches_d2_and_has_no_body() {
    let credentials = Credentials::new(ID, KEY).unwrap();
    let query = "Limit=20&Offset=0&InstanceId=crs-5a4py64p&Status.0=2&Status.1=4";
    let signed = call::build_request_with_stages(
        &spec(Payload::Query(query), TC3),
        &credentials,
        &SigningKeyCache::new(),
    )
    .unwrap();
    let request = &signed.request;
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri(),
        &format!("https://redis.tencentcloudapi.com/?{query}")[..]
    );
    assert!(request.body().is_empty());
    assert_eq!(
        request.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    let auth = request.headers()["authorization"].to_str().unwrap();
    assert!(
        auth.ends_with(
            "Signature=88a0f1d4dd01529a1f1d1344dbdfc07c5fd4700a0cd67088f1de54aa42c90f2e"
        )
    );
    let Some(Stages::Tc3(stages)) = &signed.stages else {
        panic!("stages requested")
    };
    assert_eq!(stages.authorization, auth);
    assert!(
        stages
            .canonical_request
            .starts_with(&format!("GET\n/\n{query}\n"))
    );
    assert!(
        stages
            .string_to_sign
            .ends_with("c19a8a24a74ac88322be384e9702bdc92078f20b14865709c0dcec426e284c14")
    );
    verify_built(request, 1_551_113_065).unwrap();
}

#[test]
fn token_is_sent_but_not_signed_and_region_is_optional() {
    let plain = Credentials::new(ID, KEY).unwrap();
    let with_token = Credentials::new(ID, KEY)
        .unwrap()
        .with_token("session-token-value")
        .unwrap();
    let cache = SigningKeyCache::new();
    let a = call::build_request(&spec(Payload::Json(D1), TC3), &plain, &cache)
        .unwrap()
        .request;
    let mut no_region = spec(Payload::Json(D1), TC3);
    no_region.region = None;
    let b = call::build_request(&no_region, &with_token, &cache)
        .unwrap()
        .request;
    assert_eq!(
        a.headers()["authorization"],
        b.headers()["authorization"],
        "token and region are not signed"
    );
    assert_eq!(b.headers()["x-tc-token"], "session-token-value");
    assert!(b.headers()["x-tc-token"].is_sensitive());
    assert!(!b.headers().contains_key("x-tc-region"));
    assert!(!a.headers().contains_key("x-tc-token"));
    // The verifier wants the token for a token credential.
    let host = "redis.tencentcloudapi.com";
    let verify_with = |request: &http::Request<Vec<u8>>, token: Option<&str>| {
        verify::verify_tc3(
            &Tc3Request {
                method: "POST",
                host,
                query: "",
                headers: request.headers(),
                body: request.body(),
            },
            1_551_113_065,
            &VerifyOptions::strict("redis"),
            |_| Some((Secret::new(KEY), token.map(Secret::new))),
        )
    };
    verify_with(&b, Some("session-token-value")).unwrap();
    assert_eq!(
        verify_with(&b, Some("other")).unwrap_err().kind(),
        VerifyErrorKind::TokenFailure
    );
    assert_eq!(
        verify_with(&a, Some("session-token-value"))
            .unwrap_err()
            .kind(),
        VerifyErrorKind::TokenFailure
    );
    assert_eq!(
        verify_with(&b, None).unwrap_err().kind(),
        VerifyErrorKind::TokenFailure
    );
}

#[test]
fn unsigned_payload_mode_sends_the_marker_header() {
    let credentials = Credentials::new(ID, KEY).unwrap();
    let signing = SigningMethod::Tc3 {
        unsigned_payload: true,
    };
    let request = call::build_request(
        &spec(Payload::Json(D1), signing),
        &credentials,
        &SigningKeyCache::new(),
    )
    .unwrap()
    .request;
    assert_eq!(request.headers()["x-tc-content-sha256"], "UNSIGNED-PAYLOAD");
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/tc3/redis-unsigned-payload/authorization.txt"
    ))
    .unwrap();
    assert_eq!(request.headers()["authorization"], expected.as_str());
    let verified = verify_built(&request, 1_551_113_065).unwrap();
    assert!(verified.unsigned_payload);
}

#[test]
fn loopback_endpoint_keeps_host_with_port_and_scheme_apart() {
    let credentials = Credentials::new(ID, KEY).unwrap();
    let mut s = spec(Payload::Json(b"{}"), TC3);
    s.scheme = "http";
    s.authority = "127.0.0.1:8080";
    s.host = "127.0.0.1:8080";
    let request = call::build_request(&s, &credentials, &SigningKeyCache::new())
        .unwrap()
        .request;
    assert_eq!(request.uri(), "http://127.0.0.1:8080/");
    assert_eq!(request.headers()["host"], "127.0.0.1:8080");
    let verified = verify_built(&request, 1_551_113_065 + 300).unwrap();
    assert!(verified.leniency.is_strict());
    assert_eq!(
        verify_built(&request, 1_551_113_065 + 301)
            .unwrap_err()
            .kind(),
        VerifyErrorKind::SignatureExpire
    );
}

#[test]
fn bad_inputs_get_specific_errors() {
    let credentials = Credentials::new(ID, KEY).unwrap();
    let cache = SigningKeyCache::new();
    let mut s = spec(Payload::Json(D1), TC3);
    s.scheme = "ftp";
    assert_eq!(
        call::build_request(&s, &credentials, &cache).unwrap_err(),
        CallError::InvalidScheme
    );
    let mut s = spec(Payload::Json(D1), TC3);
    s.authority = "redis.tencentcloudapi.com/path";
    assert_eq!(
        call::build_request(&s, &credentials, &cache).unwrap_err(),
        CallError::InvalidUri
    );
    let mut s = spec(Payload::Json(D1), TC3);
    s.region = Some("ap-guangzhou\r\nX-Evil: 1");
    assert_eq!(
        call::build_request(&s, &credentials, &cache).unwrap_err(),
        CallError::InvalidHeaderValue("X-TC-Region")
    );
    let s = spec(Payload::Form("Limit=1"), TC3);
    assert_eq!(
        call::build_request(&s, &credentials, &cache).unwrap_err(),
        CallError::UnsupportedPayload
    );
    let v1 = SigningMethod::V1 {
        method: SignatureMethod::HmacSha1,
        nonce: 1,
    };
    let s = spec(Payload::Json(D1), v1);
    assert_eq!(
        call::build_request(&s, &credentials, &cache).unwrap_err(),
        CallError::UnsupportedPayload
    );
    let s = spec(Payload::Query("Action=X"), v1);
    assert_eq!(
        call::build_request(&s, &credentials, &cache).unwrap_err(),
        CallError::ReservedParameter("Action".into())
    );
    for err in [
        CallError::InvalidScheme,
        CallError::ReservedParameter("Nonce".into()),
    ] {
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn v1_get_and_post_form_sign_and_verify() {
    let credentials = Credentials::new(ID, KEY)
        .unwrap()
        .with_token("tok")
        .unwrap();
    let cache = SigningKeyCache::new();
    let params = "Limit=20&InstanceName=%E6%B5%8B%E8%AF%95%20%3Ca%26b%3E&Status.0=2";
    for (payload, method) in [
        (Payload::Query(params), SignatureMethod::HmacSha1),
        (Payload::Form(params), SignatureMethod::HmacSha256),
    ] {
        let signed = call::build_request_with_stages(
            &spec(
                payload,
                SigningMethod::V1 {
                    method,
                    nonce: 11_886,
                },
            ),
            &credentials,
            &cache,
        )
        .unwrap();
        let request = &signed.request;
        assert_eq!(
            request.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert!(!request.headers().contains_key("authorization"));
        let (query, body) = (
            request.uri().query().unwrap_or(""),
            request.body().as_slice(),
        );
        let sent = if request.method() == http::Method::GET {
            query.to_owned()
        } else {
            String::from_utf8(body.to_vec()).unwrap()
        };
        let decoded = v1::parse_form(&sent).unwrap();
        let get = |k: &str| decoded.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("InstanceName").as_deref(), Some("测试 <a&b>"));
        assert_eq!(get("SignatureMethod").as_deref(), Some(method.as_param()));
        assert_eq!(get("Token").as_deref(), Some("tok"));
        assert_eq!(get("Nonce").as_deref(), Some("11886"));
        let Some(Stages::V1 { string_to_sign }) = &signed.stages else {
            panic!("stages requested")
        };
        assert!(string_to_sign.starts_with(&format!(
            "{}redis.tencentcloudapi.com/?Action=DescribeInstanceBackups&",
            request.method()
        )));
        let expected_signature =
            v1::sign_string(&Secret::new(KEY), method, string_to_sign.as_bytes());
        assert_eq!(get("Signature"), Some(expected_signature));
        // Upper-case percent escapes only.
        assert!(!sent.contains("%2f") && !sent.contains("%e6"));

        let v1_request = V1Request {
            method: request.method().as_str(),
            host: "redis.tencentcloudapi.com",
            query,
            body,
        };
        let verified = verify::verify_v1(
            &v1_request,
            1_551_113_065,
            &VerifyOptions::strict("redis"),
            |id| (id == ID).then(|| (Secret::new(KEY), Some(Secret::new("tok")))),
        )
        .unwrap();
        assert_eq!(verified.secret_id, ID);
        let wrong_token = verify::verify_v1(
            &v1_request,
            1_551_113_065,
            &VerifyOptions::strict("redis"),
            |_| Some((Secret::new(KEY), Some(Secret::new("other")))),
        );
        assert_eq!(
            wrong_token.unwrap_err().kind(),
            VerifyErrorKind::TokenFailure
        );
        let wrong_key = verify::verify_v1(
            &v1_request,
            1_551_113_065,
            &VerifyOptions::strict("redis"),
            |_| Some((Secret::new("not-the-key"), Some(Secret::new("tok")))),
        );
        assert_eq!(
            wrong_key.unwrap_err().kind(),
            VerifyErrorKind::SignatureFailure
        );
    }
}

#[test]
fn describe_instance_backups_from_the_models() {
    use tcredis_core::call::CallOptions;
    use tcredis_core::endpoint::Endpoint;
    use tcredis_core::request::DescribeInstanceBackupsRequest;

    let mut model = DescribeInstanceBackupsRequest::new();
    model.limit = Some(20);
    model.offset = Some(0);
    model.instance_id = Some("crs-5a4py64p".into());
    model.status = Some(vec![2, 4]);
    let credentials = Credentials::new(ID, KEY).unwrap();
    let cache = SigningKeyCache::new();
    let options = CallOptions {
        region: Some("ap-guangzhou"),
        request_client: "SDK_PYTHON_3.1.162",
        ..CallOptions::default()
    };
    let endpoint = Endpoint::for_region("ap-guangzhou");

    // GET: the model's query is the Python SDK's D2 query, so the published signature comes out.
    let get = CallOptions {
        get: true,
        ..options
    };
    let signed = call::describe_instance_backups(
        &endpoint,
        &model,
        &get,
        1_551_113_065,
        &credentials,
        &cache,
        true,
    )
    .unwrap();
    assert_eq!(
        signed.request.uri().query(),
        Some("Limit=20&Offset=0&InstanceId=crs-5a4py64p&Status.0=2&Status.1=4")
    );
    assert!(
        signed.request.headers()["authorization"]
            .to_str()
            .unwrap()
            .ends_with(
                "Signature=88a0f1d4dd01529a1f1d1344dbdfc07c5fd4700a0cd67088f1de54aa42c90f2e"
            )
    );
    assert!(matches!(signed.stages, Some(Stages::Tc3(_))));

    // POST: compact JSON in model order, verified by the mock's verifier on a loopback endpoint.
    let endpoint = Endpoint::parse("http://127.0.0.1:8080").unwrap();
    let signed = call::describe_instance_backups(
        &endpoint,
        &model,
        &options,
        1_551_113_065,
        &credentials,
        &cache,
        false,
    )
    .unwrap();
    assert_eq!(signed.request.uri(), "http://127.0.0.1:8080/");
    assert_eq!(
        signed.request.body(),
        br#"{"Limit":20,"Offset":0,"InstanceId":"crs-5a4py64p","Status":[2,4]}"#
    );
    assert_eq!(signed.request.headers()["host"], "127.0.0.1:8080");
    verify_built(&signed.request, 1_551_113_065).unwrap();

    // v1 POST form.
    let v1_options = CallOptions {
        signing: SigningMethod::V1 {
            method: SignatureMethod::HmacSha256,
            nonce: 7,
        },
        ..options
    };
    let signed = call::describe_instance_backups(
        &endpoint,
        &model,
        &v1_options,
        1_551_113_065,
        &credentials,
        &cache,
        false,
    )
    .unwrap();
    assert_eq!(signed.request.method(), http::Method::POST);
    let v1_request = V1Request {
        method: "POST",
        host: "127.0.0.1:8080",
        query: "",
        body: signed.request.body(),
    };
    verify::verify_v1(
        &v1_request,
        1_551_113_065,
        &VerifyOptions::strict("redis"),
        lookup,
    )
    .unwrap();
}
