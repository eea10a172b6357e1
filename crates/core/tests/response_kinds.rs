//! The enum views of BackupType and Status, and the owned item's raw-JSON handling.

use tcredis_core::response::{
    Backup, BackupStatus, BackupType, RedisBackupSet, parse_response, parse_response_borrowed,
};

#[test]
fn backup_type_wire_values_and_names() {
    for (wire, kind, name) in [
        ("0", BackupType::Manual, "manual"),
        ("manualBackupInstance", BackupType::Manual, "manual"),
        ("1", BackupType::Automatic, "automatic"),
        ("systemBackupInstance", BackupType::Automatic, "automatic"),
        ("2", BackupType::SpecChange, "spec-change"),
        ("9", BackupType::Unknown("9".into()), "9"),
    ] {
        let parsed = BackupType::from_wire(wire);
        assert_eq!(parsed, kind, "{wire}");
        assert_eq!(parsed.name(), name);
        assert_eq!(parsed.to_string(), name);
    }
    assert_eq!(BackupType::Manual.wire(), "0");
    assert_eq!(BackupType::Unknown("x".into()).wire(), "x");
}

#[test]
fn status_codes_names_and_goodness() {
    let expected = [
        (1, "running", false),
        (2, "ok", true),
        (3, "exporting", true),
        (4, "exported", true),
        (-1, "expired", false),
        (-2, "deleted", false),
    ];
    for (status, (code, name, good)) in BackupStatus::ALL.into_iter().zip(expected) {
        assert_eq!(status.code(), code);
        assert_eq!(status.name(), name);
        assert_eq!(status.is_good(), good, "{name}");
        assert_eq!(BackupStatus::from_code(code), status);
        assert_eq!(name.parse::<BackupStatus>().unwrap(), status);
        assert_eq!(name.to_uppercase().parse::<BackupStatus>().unwrap(), status);
        assert_eq!(code.to_string().parse::<BackupStatus>().unwrap(), status);
        assert_eq!(i64::from(status), code);
    }
    assert_eq!(BackupStatus::from_code(7), BackupStatus::Unknown(7));
    assert!(!BackupStatus::Unknown(7).is_good());
    assert_eq!(BackupStatus::Unknown(7).to_string(), "7");
    let err = "7".parse::<BackupStatus>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"7\" is not a backup status: accepted running (1), ok (2), exporting (3), exported (4), expired (-1), deleted (-2)"
    );
    assert!("good".parse::<BackupStatus>().is_err());
}

#[test]
fn item_helpers() {
    // `#[non_exhaustive]`: built from the default, fields set one by one.
    let mut set = RedisBackupSet::default();
    set.status = Some(4);
    set.backup_type = Some("2".into());
    assert!(set.is_good());
    assert_eq!(set.parsed_backup_type(), Some(BackupType::SpecChange));
    assert!(!RedisBackupSet::default().is_good());
    let b = Backup::from_fields(set.clone());
    assert_eq!(b.raw_json(), r#"{"BackupType":"2","Status":4}"#);
    assert_eq!(b.fields(), &set);
}

#[test]
fn a_kept_item_can_detach_from_its_page() {
    let body = include_bytes!("samples/legacy-2019-redisbackupset-key.json");
    let page = parse_response(body).unwrap();
    let second = page.backup_set[1].clone();
    drop(page);
    let raw = second.raw_json().to_owned();
    let detached = second.detach();
    assert_eq!(detached.raw_json(), raw);
    assert!(raw.starts_with(r#"{"StartTime":"2018-09-04 12:53:06""#));
    let (text, fields) = detached.into_parts();
    assert_eq!(text, raw);
    assert_eq!(fields.remark.as_deref(), Some("xxx"));
}

#[test]
fn repeated_keys_inside_an_item_keep_the_last_value_in_both_views() {
    let body =
        br#"{"Response":{"TotalCount":1,"BackupSet":[{"Status":1,"Status":2}],"RequestId":"r"}}"#;
    assert_eq!(parse_response(body).unwrap().backup_set[0].status, Some(2));
    assert_eq!(
        parse_response_borrowed(body).unwrap().backup_set[0].status,
        Some(2)
    );
}

#[test]
fn the_careful_path_agrees_with_the_fast_path() {
    // `"Error": null` sends the fast path to the careful one; the result must be the same.
    let fast = br#"{"Response":{"TotalCount":2,"BackupSet":[{"BackupId":"a","Status":2},{"BackupId":"b","X":1}],"RequestId":"r"}}"#;
    let careful = br#"{"Response":{"Error":null,"TotalCount":2,"BackupSet":[{"BackupId":"a","Status":2},{"BackupId":"b","X":1}],"RequestId":"r"}}"#;
    let (f, c) = (
        parse_response(fast).unwrap(),
        parse_response(careful).unwrap(),
    );
    assert_eq!(f, c);
    for (x, y) in f.backup_set.iter().zip(&c.backup_set) {
        assert_eq!(x.raw_json(), y.raw_json());
    }
    let (f, c) = (
        parse_response_borrowed(fast).unwrap(),
        parse_response_borrowed(careful).unwrap(),
    );
    assert_eq!(f.request_id, c.request_id);
    for (x, y) in f.backup_set.iter().zip(&c.backup_set) {
        assert_eq!(x.raw_json(), y.raw_json());
        assert_eq!(x.to_owned_backup(), y.to_owned_backup());
    }
}
