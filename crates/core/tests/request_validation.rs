//! Validation before sending: every error's exact message, and the warnings.

use tcredis_core::request::{
    DescribeInstanceBackupsRequest, TimeParameter, ValidationError, ValidationWarning,
};

fn builder() -> tcredis_core::request::DescribeInstanceBackupsRequestBuilder {
    DescribeInstanceBackupsRequest::builder()
}

fn error_of(req: DescribeInstanceBackupsRequest) -> ValidationError {
    req.validate().expect_err("request should be refused")
}

#[test]
fn a_typical_request_is_valid_without_warnings() {
    let req = builder()
        .instance_id("crs-1")
        .limit(100)
        .offset(300)
        .begin_time("2024-01-01 00:00:00")
        .end_time("2024-01-31 00:00:00")
        .status([1, 2])
        .build();
    assert_eq!(req.validate(), Ok(vec![]));
    assert_eq!(DescribeInstanceBackupsRequest::new().validate(), Ok(vec![]));
}

#[test]
fn limit_out_of_range() {
    for limit in [0, -1, 101, i64::MAX] {
        let err = error_of(builder().limit(limit).build());
        assert_eq!(err, ValidationError::LimitOutOfRange { value: limit });
        assert_eq!(
            err.to_string(),
            format!("Limit {limit} is out of range: accepted 1..=100")
        );
    }
    assert!(builder().limit(1).build().validate().is_ok());
}

#[test]
fn negative_offset() {
    let err = error_of(builder().offset(-20).build());
    assert_eq!(err, ValidationError::NegativeOffset { value: -20 });
    assert_eq!(
        err.to_string(),
        "Offset -20 is negative: accepted 0 or more"
    );
}

#[test]
fn offset_not_a_multiple_of_limit_is_a_warning() {
    let warnings = builder().limit(10).offset(15).build().validate().unwrap();
    assert_eq!(
        warnings,
        vec![ValidationWarning::OffsetNotMultipleOfLimit {
            offset: 15,
            limit: 10
        }]
    );
    assert_eq!(
        warnings[0].to_string(),
        "Offset 15 is not a multiple of Limit 10: pages will not line up"
    );
    // Without Limit the server default 20 applies.
    assert_eq!(
        builder().offset(30).build().validate().unwrap(),
        vec![ValidationWarning::OffsetNotMultipleOfLimit {
            offset: 30,
            limit: 20
        }]
    );
}

#[test]
fn time_format_is_strict() {
    for bad in [
        "2024-01-01T00:00:00",
        "2024-01-01 00:00",
        "2024-1-01 00:00:00",
        "2024-02-30 00:00:00",
        "2024-01-01 24:00:00",
        " 2024-01-01 00:00:00",
        "2024-01-01 00:00:00+08:00",
        "",
    ] {
        let err = error_of(builder().begin_time(bad).build());
        assert_eq!(
            err,
            ValidationError::TimeFormat {
                parameter: TimeParameter::BeginTime,
                value: bad.to_owned()
            }
        );
        assert_eq!(
            err.to_string(),
            format!(
                "BeginTime {bad:?} is not a valid time: accepted YYYY-MM-DD HH:MM:SS (Beijing time, UTC+8), e.g. \"2024-01-31 08:00:00\""
            )
        );
    }
    let err = error_of(builder().end_time("yesterday").build());
    assert_eq!(
        err.to_string(),
        "EndTime \"yesterday\" is not a valid time: accepted YYYY-MM-DD HH:MM:SS (Beijing time, UTC+8), e.g. \"2024-01-31 08:00:00\""
    );
    assert!(
        builder()
            .begin_time("2024-02-29 23:59:59")
            .build()
            .validate()
            .is_ok()
    );
}

#[test]
fn begin_after_end() {
    let err = error_of(
        builder()
            .begin_time("2024-01-02 00:00:00")
            .end_time("2024-01-01 23:59:59")
            .build(),
    );
    assert_eq!(
        err.to_string(),
        "BeginTime \"2024-01-02 00:00:00\" is after EndTime \"2024-01-01 23:59:59\": accepted BeginTime <= EndTime"
    );
    // Equal is fine, and a one-sided window is open on the other side.
    assert!(
        builder()
            .begin_time("2024-01-02 00:00:00")
            .end_time("2024-01-02 00:00:00")
            .build()
            .validate()
            .is_ok()
    );
    assert!(
        builder()
            .end_time("2000-01-01 00:00:00")
            .build()
            .validate()
            .is_ok()
    );
}

#[test]
fn window_longer_than_30_days() {
    let ok = builder()
        .begin_time("2024-01-01 00:00:00")
        .end_time("2024-01-31 00:00:00")
        .build();
    assert!(ok.validate().is_ok(), "exactly 30 days is accepted");
    let err = error_of(
        builder()
            .begin_time("2024-01-01 00:00:00")
            .end_time("2024-01-31 00:00:01")
            .build(),
    );
    assert_eq!(
        err,
        ValidationError::WindowTooLong {
            begin: "2024-01-01 00:00:00".into(),
            end: "2024-01-31 00:00:01".into(),
            seconds: 30 * 86_400 + 1
        }
    );
    assert_eq!(
        err.to_string(),
        "BeginTime \"2024-01-01 00:00:00\" to EndTime \"2024-01-31 00:00:01\" spans 30 days 0h00m01s: accepted at most 30 days"
    );
    let err = error_of(
        builder()
            .begin_time("2024-01-01 00:00:00")
            .end_time("2024-03-01 00:00:00")
            .build(),
    );
    assert!(err.to_string().contains("spans 60 days:"), "{err}");
}

#[test]
fn unknown_status() {
    let err = error_of(builder().status([2, 0]).build());
    assert_eq!(err, ValidationError::UnknownStatus { value: 0, index: 1 });
    assert_eq!(
        err.to_string(),
        "Status.1 0 is not a backup status: accepted 1 (running), 2 (ok), 3 (exporting), 4 (exported), -1 (expired), -2 (deleted)"
    );
}

#[test]
fn legacy_status_values_are_accepted_with_a_warning() {
    let warnings = builder()
        .status([1, 2, 3, 4, -1, -2])
        .build()
        .validate()
        .unwrap();
    assert_eq!(
        warnings,
        [3, 4, -1, -2]
            .map(|value| ValidationWarning::LegacyStatus { value })
            .to_vec()
    );
    assert_eq!(
        warnings[0].to_string(),
        "Status 3 is only in older documentation (current: 1, 2); sent as given"
    );
}

#[test]
fn empty_status_list_is_a_warning() {
    assert_eq!(
        builder().status(Vec::<i64>::new()).build().validate(),
        Ok(vec![ValidationWarning::EmptyStatus])
    );
}
