//! Exact bytes of the request body and query: vectors D1/D2 of the protocol spec, the
//! Python-escaped and compact forms, percent-encoding, and pagination helpers.

use sha2::{Digest, Sha256};
use tcredis_core::request::DescribeInstanceBackupsRequest;

fn d_request() -> DescribeInstanceBackupsRequest {
    DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-5a4py64p")
        .limit(20)
        .offset(0)
        .status([2, 4])
        .build()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn d1_compact_body_is_exact() {
    assert_eq!(
        String::from_utf8(d_request().to_json()).unwrap(),
        r#"{"Limit":20,"Offset":0,"InstanceId":"crs-5a4py64p","Status":[2,4]}"#
    );
}

#[test]
fn d1_python_body_matches_the_sdk_bytes_and_payload_hash() {
    let python = d_request().to_python_json();
    assert_eq!(
        python,
        include_bytes!("samples/request-d1-python-body.json")
    );
    assert_eq!(
        hex(&Sha256::digest(&python)),
        "411778048be5abaffec185c6405f1f506d9dad9cf94a10535ffac8285b1b287c"
    );
}

#[test]
fn compact_and_python_forms_carry_the_same_json() {
    let req = DescribeInstanceBackupsRequest::builder()
        .instance_name("测试实例 <a&b> \"q\" \\ \n 😀")
        .begin_time("2024-01-01 00:00:00")
        .build();
    let compact: serde_json::Value = serde_json::from_slice(&req.to_json()).unwrap();
    let python: serde_json::Value = serde_json::from_slice(&req.to_python_json()).unwrap();
    assert_eq!(compact, python);
    let back: DescribeInstanceBackupsRequest = serde_json::from_value(compact).unwrap();
    assert_eq!(back, req);
}

#[test]
fn non_ascii_is_raw_utf8_in_compact_and_escaped_in_python_form() {
    let req = DescribeInstanceBackupsRequest::builder()
        .status([2])
        .instance_name("测试实例 <a&b>")
        .build();
    assert_eq!(
        String::from_utf8(req.to_json()).unwrap(),
        r#"{"Status":[2],"InstanceName":"测试实例 <a&b>"}"#
    );
    // The spec's Python SDK output for the same request.
    assert_eq!(
        String::from_utf8(req.to_python_json()).unwrap(),
        r#"{"Status": [2], "InstanceName": "\u6d4b\u8bd5\u5b9e\u4f8b <a&b>"}"#
    );
}

#[test]
fn python_form_escapes_astral_characters_as_surrogate_pairs_and_del() {
    let req = DescribeInstanceBackupsRequest::builder()
        .instance_name("😀\u{7f}\u{1}")
        .build();
    assert_eq!(
        String::from_utf8(req.to_python_json()).unwrap(),
        r#"{"InstanceName": "\ud83d\ude00\u007f\u0001"}"#
    );
    assert_eq!(
        String::from_utf8(req.to_json()).unwrap(),
        "{\"InstanceName\":\"😀\u{7f}\\u0001\"}"
    );
}

#[test]
fn fields_follow_the_model_order_whatever_the_builder_order() {
    let req = DescribeInstanceBackupsRequest::builder()
        .instance_name("n")
        .status([1])
        .end_time("2024-01-02 00:00:00")
        .begin_time("2024-01-01 00:00:00")
        .instance_id("crs-1")
        .offset(100)
        .limit(100)
        .build();
    assert_eq!(
        String::from_utf8(req.to_json()).unwrap(),
        r#"{"Limit":100,"Offset":100,"InstanceId":"crs-1","BeginTime":"2024-01-01 00:00:00","EndTime":"2024-01-02 00:00:00","Status":[1],"InstanceName":"n"}"#
    );
    assert_eq!(
        req.to_query(),
        "Limit=100&Offset=100&InstanceId=crs-1&BeginTime=2024-01-01%2000%3A00%3A00&EndTime=2024-01-02%2000%3A00%3A00&Status.0=1&InstanceName=n"
    );
}

#[test]
fn empty_request_is_an_empty_object_and_query() {
    let req = DescribeInstanceBackupsRequest::new();
    assert_eq!(req.to_json(), b"{}");
    assert_eq!(req.to_python_json(), b"{}");
    assert_eq!(req.to_query(), "");
}

#[test]
fn d2_query_is_exact() {
    assert_eq!(
        d_request().to_query(),
        include_str!("samples/request-d2-query.txt")
    );
}

#[test]
fn query_percent_encodes_with_upper_case_hex_and_space_as_percent_20() {
    let req = DescribeInstanceBackupsRequest::builder()
        .status([2])
        .instance_name("测试实例 <a&b>~-._+=/")
        .build();
    assert_eq!(
        req.to_query(),
        "Status.0=2&InstanceName=%E6%B5%8B%E8%AF%95%E5%AE%9E%E4%BE%8B%20%3Ca%26b%3E~-._%2B%3D%2F"
    );
}

#[test]
fn empty_status_list_is_kept_in_json_and_absent_from_query() {
    let req = DescribeInstanceBackupsRequest::builder()
        .status(Vec::<i64>::new())
        .build();
    assert_eq!(req.to_json(), br#"{"Status":[]}"#);
    assert_eq!(req.to_query(), "");
}

#[test]
fn with_page_replaces_offset_and_limit_and_keeps_filters() {
    let base = DescribeInstanceBackupsRequest::builder()
        .instance_id("crs-1")
        .status([2])
        .limit(5)
        .build();
    let page = base.with_page(200, 100);
    assert_eq!(page.offset, Some(200));
    assert_eq!(page.limit, Some(100));
    assert_eq!(page.instance_id.as_deref(), Some("crs-1"));
    assert_eq!(page.status, Some(vec![2]));
    assert_eq!(base.limit, Some(5), "the original is unchanged");
    assert_eq!(DescribeInstanceBackupsRequest::new().effective_limit(), 20);
}

#[test]
fn builder_accepts_status_enum_values() {
    use tcredis_core::response::BackupStatus;
    let req = DescribeInstanceBackupsRequest::builder()
        .status([BackupStatus::Ok, BackupStatus::Exported])
        .build();
    assert_eq!(req.status, Some(vec![2, 4]));
}

mod properties {
    use proptest::prelude::*;
    use tcredis_core::request::DescribeInstanceBackupsRequest;

    /// Decodes `%XX` sequences (the inverse of the query's percent-encoding).
    fn percent_decode(s: &str) -> Vec<u8> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn any_name_round_trips_through_json_and_query(name in "\\PC{0,30}") {
            let req = DescribeInstanceBackupsRequest::builder().instance_name(name.clone()).build();
            let back: DescribeInstanceBackupsRequest = serde_json::from_slice(&req.to_json()).unwrap();
            prop_assert_eq!(&back, &req);
            let back: DescribeInstanceBackupsRequest = serde_json::from_slice(&req.to_python_json()).unwrap();
            prop_assert_eq!(&back, &req);
            prop_assert!(req.to_python_json().is_ascii());
            let query = req.to_query();
            let value = query.strip_prefix("InstanceName=").unwrap();
            prop_assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            let upper_hex = value
                .split('%')
                .skip(1)
                .all(|chunk| chunk.bytes().take(2).all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
            prop_assert!(upper_hex, "lower-case hex in {}", value);
            prop_assert_eq!(percent_decode(value), name.as_bytes());
        }
    }
}
