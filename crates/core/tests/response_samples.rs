//! Every official sample parses, through the owned page and the borrowing view alike.

use tcredis_core::error::{ErrorCode, ResponseError};
use tcredis_core::response::{
    BackupStatus, BackupType, DescribeInstanceBackupsResponse, parse_response,
    parse_response_borrowed,
};

const CURRENT: &[u8] = include_bytes!("samples/current-2026.json");
const PREVIOUS: &[u8] = include_bytes!("samples/previous-2022.json");
const LEGACY: &[u8] = include_bytes!("samples/legacy-2019-redisbackupset-key.json");
const ERROR: &[u8] = include_bytes!("samples/error-signature-failure.json");

/// The owned page and the borrowing view must agree field by field.
fn assert_views_agree(body: &[u8], page: &DescribeInstanceBackupsResponse) {
    let view = parse_response_borrowed(body).unwrap();
    assert_eq!(view.total_count, page.total_count);
    assert_eq!(view.request_id, page.request_id);
    assert_eq!(view.backup_set.len(), page.backup_set.len());
    for (v, b) in view.backup_set.iter().zip(&page.backup_set) {
        assert_eq!(&v.to_owned_backup(), b);
        assert_eq!(v.raw_json(), b.raw_json());
    }
}

#[test]
fn current_sample() {
    let page = parse_response(CURRENT).unwrap();
    assert_eq!(page.total_count, 6);
    assert_eq!(page.request_id, "66bb2e15-b864-46ea-894d-529885087fb8");
    assert_eq!(page.backup_set.len(), 1);
    let b = &page.backup_set[0];
    assert_eq!(b.backup_id.as_deref(), Some("165706342-5832225-1641692389"));
    assert_eq!(b.backup_size, Some(537));
    assert_eq!(b.backup_type.as_deref(), Some("1"));
    assert_eq!(b.parsed_backup_type(), Some(BackupType::Automatic));
    assert_eq!(b.encrypted, Some(false));
    assert_eq!(b.end_time.as_deref(), Some("2026-06-01 02:01:09"));
    assert_eq!(b.expire_time.as_deref(), Some("2026-06-08 02:00:48"));
    assert_eq!(b.file_type.as_deref(), Some("RDB-Redis 6.2"));
    assert_eq!(b.full_backup, Some(0));
    assert_eq!(b.instance_id.as_deref(), Some("crs-ei43p3gr"));
    assert_eq!(b.instance_name.as_deref(), Some("testbackup"));
    assert_eq!(b.instance_type, Some(16));
    assert_eq!(b.locked, Some(0));
    assert_eq!(b.region.as_deref(), Some("ap-guangzhou"));
    assert_eq!(b.remark.as_deref(), Some(""));
    assert_eq!(b.start_time.as_deref(), Some("2026-06-01 02:00:48"));
    assert_eq!(b.parsed_status(), Some(BackupStatus::Ok));
    assert!(b.is_good());
    // The raw JSON is the item's exact text, indentation included.
    assert!(b.raw_json().starts_with("{\n                \"BackupId\""));
    assert!(b.raw_json().ends_with('}'));
    assert_views_agree(CURRENT, &page);
}

#[test]
fn previous_sample_with_non_ascii_name_and_no_encrypted_field() {
    let page = parse_response(PREVIOUS).unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.request_id, "2a95bfa4-ac8c-43cd-b7b1-5a93817d8de2");
    let b = &page.backup_set[0];
    assert_eq!(b.instance_name.as_deref(), Some("备份test"));
    assert_eq!(b.parsed_backup_type(), Some(BackupType::Manual));
    assert_eq!(b.remark.as_deref(), Some("test001"));
    assert_eq!(b.encrypted, None);
    assert_eq!(b.instance_type, Some(6));
    assert_views_agree(PREVIOUS, &page);
}

#[test]
fn legacy_2019_sample_uses_the_redisbackupset_key() {
    let page = parse_response(LEGACY).unwrap();
    assert_eq!(page.total_count, 2);
    assert_eq!(page.request_id, "2d4387ee-2011-449e-a32b-87f9366f3ef4");
    let ids: Vec<_> = page
        .backup_set
        .iter()
        .map(|b| b.backup_id.as_deref().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "2e4127f8-affe-11e8-941e-4846fb00c75d",
            "6cbbf53a-affe-11e8-905b-4846fb00c75d"
        ]
    );
    let b = &page.backup_set[0];
    assert_eq!(b.remark.as_deref(), Some("For testing"));
    assert_eq!(b.locked, Some(0));
    assert_eq!(b.backup_size, None, "6-field model of 2019");
    assert_eq!(b.region, None);
    assert_views_agree(LEGACY, &page);
}

#[test]
fn documented_error_sample() {
    for err in [
        parse_response(ERROR).unwrap_err(),
        parse_response_borrowed(ERROR).unwrap_err(),
    ] {
        let ResponseError::Api(api) = &err else {
            panic!("expected an API error, got {err:?}");
        };
        assert_eq!(api.code(), &ErrorCode::AuthFailureSignatureFailure);
        assert_eq!(
            api.message(),
            "The provided credentials could not be validated. Please check your signature is correct."
        );
        assert_eq!(api.request_id(), "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6");
        assert!(!err.is_retryable());
        assert_eq!(
            err.to_string(),
            "AuthFailure.SignatureFailure: The provided credentials could not be validated. Please check your signature is correct. (RequestId: ed93f3cb-f35e-473f-b9f3-0d451b8b79c6)"
        );
    }
}

#[test]
fn serialising_a_page_passes_raw_items_through() {
    let page = parse_response(CURRENT).unwrap();
    let json: serde_json::Value = serde_json::to_value(&page).unwrap();
    let original: serde_json::Value = serde_json::from_slice(CURRENT).unwrap();
    assert_eq!(json["BackupSet"], original["Response"]["BackupSet"]);
    assert_eq!(json["TotalCount"], 6);
    let again = parse_response(&page.to_envelope_json()).unwrap();
    assert_eq!(again, page);
}
