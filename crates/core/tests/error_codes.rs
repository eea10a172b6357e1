//! Error codes round-trip, classify and explain themselves.

use tcredis_core::error::{ApiError, ErrorCode, HintContext};

#[test]
fn every_known_code_round_trips_exactly() {
    assert!(ErrorCode::KNOWN.len() >= 45);
    for code in ErrorCode::KNOWN {
        let text = code.as_str();
        assert_eq!(&ErrorCode::from(text), code, "{text}");
        assert_eq!(&ErrorCode::from(text.to_owned()), code);
        assert_eq!(&text.parse::<ErrorCode>().unwrap(), code);
        assert_eq!(code.to_string(), text);
        assert!(!code.default_message().is_empty());
    }
}

#[test]
fn unknown_codes_are_preserved_verbatim() {
    for text in [
        "Brand.New",
        "authfailure.signaturefailure",
        "",
        " InternalError",
    ] {
        let code = ErrorCode::from(text);
        assert_eq!(code, ErrorCode::Other(text.to_owned()));
        assert_eq!(code.as_str(), text);
    }
}

#[test]
fn this_actions_business_codes_are_variants() {
    for (text, code) in [
        (
            "FailedOperation.SystemError",
            ErrorCode::FailedOperationSystemError,
        ),
        (
            "InternalError.DbOperationFailed",
            ErrorCode::InternalErrorDbOperationFailed,
        ),
        (
            "InternalError.InternalError",
            ErrorCode::InternalErrorInternalError,
        ),
        (
            "InvalidParameter.InvalidParameter",
            ErrorCode::InvalidParameterInvalidParameter,
        ),
        (
            "InvalidParameter.PermissionDenied",
            ErrorCode::InvalidParameterPermissionDenied,
        ),
        (
            "ResourceNotFound.InstanceNotExists",
            ErrorCode::ResourceNotFoundInstanceNotExists,
        ),
        (
            "UnauthorizedOperation.NoCAMAuthed",
            ErrorCode::UnauthorizedOperationNoCamAuthed,
        ),
        ("UnsupportedOperation", ErrorCode::UnsupportedOperation),
    ] {
        assert_eq!(ErrorCode::from(text), code);
    }
}

#[test]
fn default_messages_follow_the_documentation() {
    assert_eq!(
        ErrorCode::AuthFailureSignatureExpire.default_message(),
        "Signature expired. Timestamp and server time cannot differ by more than five minutes."
    );
    assert_eq!(
        ErrorCode::UnsupportedRegion.default_message(),
        "API does not support the requested region."
    );
    assert_eq!(
        ErrorCode::InvalidParameterInvalidParameter.default_message(),
        "Business parameter error."
    );
}

#[test]
fn retryable_classification() {
    let retryable = [
        "RequestLimitExceeded",
        "RequestLimitExceeded.IPLimitExceeded",
        "RequestLimitExceeded.UinLimitExceeded",
        "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
        "RequestLimitExceeded.SomethingNew",
        "InternalError",
        "InternalError.InternalError",
        "InternalError.DbOperationFailed",
        "FailedOperation.SystemError",
        "ServiceUnavailable",
    ];
    for text in retryable {
        assert!(ErrorCode::from(text).is_retryable(), "{text}");
    }
    let not_retryable = [
        "AuthFailure.SignatureExpire",
        "AuthFailure.SignatureFailure",
        "AuthFailure.SecretIdNotFound",
        "FailedOperation",
        "InvalidParameter",
        "InvalidParameter.InvalidParameter",
        "ResourceNotFound.InstanceNotExists",
        "UnauthorizedOperation.NoCAMAuthed",
        "UnsupportedRegion",
        "LimitExceeded",
        "Brand.New",
    ];
    for text in not_retryable {
        assert!(!ErrorCode::from(text).is_retryable(), "{text}");
    }
    assert!(ErrorCode::AuthFailureSignatureExpire.is_clock_skew());
    assert!(!ErrorCode::AuthFailureSignatureFailure.is_clock_skew());
}

#[test]
fn display_and_accessors() {
    let e = ApiError::new(
        ErrorCode::AuthFailureSignatureFailure,
        "The provided credentials could not be validated.",
        "ed93f3cb",
    );
    assert_eq!(e.code(), &ErrorCode::AuthFailureSignatureFailure);
    assert_eq!(
        e.message(),
        "The provided credentials could not be validated."
    );
    assert_eq!(e.request_id(), "ed93f3cb");
    assert_eq!(
        e.to_string(),
        "AuthFailure.SignatureFailure: The provided credentials could not be validated. (RequestId: ed93f3cb)"
    );
    assert_eq!(ApiError::new("X", "m", "").to_string(), "X: m");
    let e = ApiError::with_default_message(ErrorCode::RequestLimitExceeded, "r");
    assert_eq!(
        e.to_string(),
        "RequestLimitExceeded: The number of requests exceeds the frequency limit. (RequestId: r)"
    );
}

#[test]
fn hints() {
    let hint = |code: &str| ApiError::new(code, "m", "r").hint().unwrap_or_default();
    assert!(hint("AuthFailure.SignatureExpire").contains("clock"));
    assert!(hint("AuthFailure.SignatureFailure").contains("whitespace"));
    assert!(hint("AuthFailure.SecretIdNotFound").contains("deleted or disabled"));
    assert!(hint("UnauthorizedOperation.NoCAMAuthed").contains("CAM policy"));
    assert!(hint("InvalidParameter.PermissionDenied").contains("CAM policy"));
    assert!(hint("RequestLimitExceeded.UinLimitExceeded").contains("rate"));
    assert!(hint("UnsupportedRegion").contains("-fsi"));
    assert_eq!(ApiError::new("InvalidParameter", "m", "r").hint(), None);

    let skewed = ApiError::new("AuthFailure.SignatureExpire", "m", "r")
        .hint_with(&HintContext::new().clock_skew_seconds(420))
        .unwrap();
    assert!(skewed.contains("420 s behind"), "{skewed}");
    let ahead = ApiError::new("AuthFailure.SignatureExpire", "m", "r")
        .hint_with(&HintContext::new().clock_skew_seconds(-600))
        .unwrap();
    assert!(ahead.contains("600 s ahead of"), "{ahead}");
    let fsi = ApiError::new("UnsupportedRegion", "m", "r")
        .hint_with(&HintContext::new().region("ap-shanghai-fsi"))
        .unwrap();
    assert!(
        fsi.contains("redis.ap-shanghai-fsi.tencentcloudapi.com"),
        "{fsi}"
    );
}

#[test]
fn api_error_from_any_envelope() {
    let e = ApiError::from_body(
        br#"{"Response":{"Error":{"Code":"InvalidAction","Message":"no"},"RequestId":"r"}}"#,
    )
    .unwrap();
    assert_eq!(e.code(), &ErrorCode::InvalidAction);
    assert_eq!(e.request_id(), "r");
    assert!(ApiError::from_body(br#"{"Response":{"RequestId":"r"}}"#).is_none());
    assert!(ApiError::from_body(b"not json").is_none());
}
