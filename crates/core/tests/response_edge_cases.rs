//! Tolerance and strictness of response parsing: unknown fields, nulls, big sizes, escapes,
//! and a specific error for every malformed body.

use proptest::prelude::*;
use std::borrow::Cow;
use tcredis_core::error::{ErrorCode, MalformedKind, ResponseError};
use tcredis_core::response::{Backup, parse_response, parse_response_borrowed};

fn malformed_kind(body: &[u8]) -> MalformedKind {
    let owned = parse_response(body).unwrap_err();
    let borrowed = parse_response_borrowed(body).unwrap_err();
    assert_eq!(owned, borrowed, "both parsers give the same error");
    match owned {
        ResponseError::Malformed(m) => m.kind().clone(),
        other => panic!("expected a malformed-response error, got {other:?}"),
    }
}

#[test]
fn unknown_fields_are_ignored_by_the_typed_view_and_kept_raw() {
    let body = br#"{"Response":{"Future":{"x":[1,2]},"TotalCount":1,"BackupSet":[{"BackupId":"b","NewField":{"deep":[true,null]},"Status":4}],"RequestId":"r","DeprecatedWarning":"x"},"Other":1}"#;
    let page = parse_response(body).unwrap();
    let b = &page.backup_set[0];
    assert_eq!(b.backup_id.as_deref(), Some("b"));
    assert_eq!(
        b.raw_json(),
        r#"{"BackupId":"b","NewField":{"deep":[true,null]},"Status":4}"#
    );
    let view = parse_response_borrowed(body).unwrap();
    assert_eq!(view.backup_set[0].raw_json(), b.raw_json());
}

#[test]
fn null_is_absent() {
    let body = br#"{"Response":{"TotalCount":1,"BackupSet":[{"BackupId":null,"BackupSize":null,"FullBackup":null,"InstanceType":null,"Encrypted":null,"Status":2}],"RequestId":"r"}}"#;
    let page = parse_response(body).unwrap();
    let b = &page.backup_set[0];
    assert_eq!(
        (b.backup_id.as_deref(), b.backup_size, b.encrypted),
        (None, None, None)
    );
    let view = parse_response_borrowed(body).unwrap();
    assert_eq!(view.backup_set[0].backup_id, None);
    // A null or absent BackupSet is an empty page; a null RequestId is empty.
    for body in [
        &br#"{"Response":{"TotalCount":0,"BackupSet":null,"RequestId":null}}"#[..],
        br#"{"Response":{"TotalCount":0}}"#,
    ] {
        let page = parse_response(body).unwrap();
        assert!(page.backup_set.is_empty());
        assert_eq!(page.request_id, "");
    }
}

#[test]
fn sizes_above_2_pow_32_and_i64_max() {
    let body = format!(
        r#"{{"Response":{{"TotalCount":5000000000,"BackupSet":[{{"BackupSize":{}}},{{"BackupSize":4294967296}}],"RequestId":"r"}}}}"#,
        i64::MAX
    );
    let page = parse_response(body.as_bytes()).unwrap();
    assert_eq!(page.total_count, 5_000_000_000);
    assert_eq!(page.backup_set[0].backup_size, Some(i64::MAX));
    assert_eq!(page.backup_set[1].backup_size, Some(1 << 32));
}

#[test]
fn non_ascii_and_escapes() {
    let body = r#"{"Response":{"TotalCount":1,"BackupSet":[{"InstanceName":"订单缓存","Remark":"\u6d4b\u8bd5 \"q\" \n 😀","BackupId":"\ud83d\ude00"}],"RequestId":"r"}}"#;
    let page = parse_response(body.as_bytes()).unwrap();
    let b = &page.backup_set[0];
    assert_eq!(b.instance_name.as_deref(), Some("订单缓存"));
    assert_eq!(b.remark.as_deref(), Some("测试 \"q\" \n 😀"));
    assert_eq!(b.backup_id.as_deref(), Some("😀"));
    let view = parse_response_borrowed(body.as_bytes()).unwrap();
    let v = &view.backup_set[0];
    assert!(matches!(v.instance_name, Some(Cow::Borrowed("订单缓存"))));
    assert!(matches!(v.remark, Some(Cow::Owned(_))));
    assert_eq!(v.remark.as_deref(), b.remark.as_deref());
}

#[test]
fn content_is_decided_by_bytes_whitespace_and_bom_tolerated() {
    let body = b"\xEF\xBB\xBF \n{ \"Response\" : { \"TotalCount\" : 0 , \"BackupSet\" : [ ] , \"RequestId\" : \"r\" } } \n";
    let page = parse_response(body).unwrap();
    assert_eq!(page.request_id, "r");
    assert!(parse_response_borrowed(body).is_ok());
}

#[test]
fn error_envelope_with_unknown_code_and_missing_request_id() {
    let err = parse_response(br#"{"Response":{"Error":{"Code":"Brand.NewCode","Message":"m"}}}"#)
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.code(), &ErrorCode::Other("Brand.NewCode".into()));
    assert_eq!(api.request_id(), "");
    assert_eq!(err.to_string(), "Brand.NewCode: m");
}

#[test]
fn error_envelope_wins_over_page_fields() {
    let err = parse_response(
        br#"{"Response":{"TotalCount":"junk","Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"r"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.api_error().unwrap().code(),
        &ErrorCode::RequestLimitExceeded
    );
    assert!(err.is_retryable());
}

#[test]
fn legacy_v2_error_shape() {
    let err = parse_response(br#"{"code":4000,"message":"bad","codeDesc":"InvalidParameter"}"#)
        .unwrap_err();
    assert_eq!(
        err.api_error().unwrap().code(),
        &ErrorCode::InvalidParameter
    );
}

#[test]
fn empty_body() {
    assert_eq!(malformed_kind(b""), MalformedKind::Empty);
    assert_eq!(malformed_kind(b" \n"), MalformedKind::Empty);
}

#[test]
fn not_json() {
    assert_eq!(
        malformed_kind(b"<html>502 Bad Gateway</html>"),
        MalformedKind::NotJson
    );
    assert_eq!(
        malformed_kind(br#"{"Response":{"TotalCount":1,"BackupSet":[{"#),
        MalformedKind::NotJson,
        "a truncated body"
    );
    assert_eq!(malformed_kind(b"\xff\xfe"), MalformedKind::NotJson);
    let err = parse_response(b"<html>502 Bad Gateway</html>").unwrap_err();
    assert!(
        err.to_string()
            .contains("body starts \"<html>502 Bad Gateway</html>\""),
        "{err}"
    );
}

#[test]
fn excerpt_is_short_and_printable() {
    let body = format!("\u{1b}[31m{}", "x".repeat(10_000));
    let ResponseError::Malformed(m) = parse_response(body.as_bytes()).unwrap_err() else {
        panic!()
    };
    assert!(m.excerpt().chars().count() <= 90, "{}", m.excerpt());
    assert!(!m.excerpt().contains('\u{1b}'));
    assert!(m.excerpt().ends_with('…'));
}

#[test]
fn no_response_object() {
    assert_eq!(
        malformed_kind(br#"{"Foo":1}"#),
        MalformedKind::NoResponseObject
    );
    assert_eq!(malformed_kind(b"[1,2]"), MalformedKind::NoResponseObject);
    assert_eq!(
        malformed_kind(br#"{"Response":null}"#),
        MalformedKind::NoResponseObject
    );
}

#[test]
fn wrong_types_name_the_field() {
    let cases: [(&[u8], &str); 7] = [
        (br#"{"Response":"x"}"#, "Response"),
        (
            br#"{"Response":{"TotalCount":"6","BackupSet":[]}}"#,
            "Response.TotalCount",
        ),
        (
            br#"{"Response":{"TotalCount":-1,"BackupSet":[]}}"#,
            "Response.TotalCount",
        ),
        (
            br#"{"Response":{"TotalCount":1,"BackupSet":{}}}"#,
            "Response.BackupSet",
        ),
        (
            br#"{"Response":{"TotalCount":1,"BackupSet":[{"Status":"2"}]}}"#,
            "Response.BackupSet[0].Status",
        ),
        (
            br#"{"Response":{"TotalCount":2,"BackupSet":[{},{"BackupType":1}]}}"#,
            "Response.BackupSet[1].BackupType",
        ),
        (
            br#"{"Response":{"TotalCount":1,"RedisBackupSet":[3]}}"#,
            "Response.RedisBackupSet[0]",
        ),
    ];
    for (body, path) in cases {
        assert_eq!(
            malformed_kind(body),
            MalformedKind::WrongType { path: path.into() },
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let err = parse_response(br#"{"Response":{"TotalCount":1,"BackupSet":[{"Status":"2"}]}}"#)
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "malformed response: Response.BackupSet[0].Status has the wrong type (expected an integer, found string \"2\")"
        ),
        "{err}"
    );
}

#[test]
fn missing_total_count() {
    assert_eq!(
        malformed_kind(br#"{"Response":{"BackupSet":[],"RequestId":"r"}}"#),
        MalformedKind::MissingField {
            path: "Response.TotalCount".into()
        }
    );
}

#[test]
fn duplicate_keys_take_the_careful_path() {
    // serde refuses duplicate fields; the answer is a malformed-response error, not a guess.
    let body = br#"{"Response":{"TotalCount":1,"TotalCount":2,"BackupSet":[]}}"#;
    assert!(matches!(
        parse_response(body).unwrap_err(),
        ResponseError::Malformed(_)
    ));
}

#[test]
fn backup_item_round_trips_through_serde() {
    let b = Backup::from_json(r#"{"BackupId":"x","Extra":[1]}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&b).unwrap(),
        r#"{"BackupId":"x","Extra":[1]}"#
    );
    let back: Backup = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
    assert_eq!(back.raw_json(), b.raw_json());
    assert!(Backup::from_json("[1]").is_err());
    assert!(Backup::from_json("{").is_err());
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_response(&body);
        let _ = parse_response_borrowed(&body);
    }

    #[test]
    fn never_panics_on_mutated_pages(cut in 0usize..400, byte in any::<u8>()) {
        let mut body = include_bytes!("samples/previous-2022.json").to_vec();
        let at = cut % body.len();
        body[at] = byte;
        let owned = parse_response(&body);
        let borrowed = parse_response_borrowed(&body);
        prop_assert_eq!(owned.is_ok(), borrowed.is_ok());
    }
}
