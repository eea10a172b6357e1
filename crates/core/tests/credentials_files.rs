//! Credential file and response parsers: the INI profile file, tccli's files, CVM role metadata
//! and STS. Secrets never appear in `Debug` output or error messages.

use proptest::prelude::*;
use tcredis_core::credentials::cvm::{self, CvmError};
use tcredis_core::credentials::ini::{self, IniErrorKind};
use tcredis_core::credentials::sts::{
    self, AssumeRoleRequest, AssumeRoleWithWebIdentityRequest, StsError,
};
use tcredis_core::credentials::tccli::{self, CredentialKind};
use tcredis_core::credentials::{CredentialsError, JsonError, ProfileError};

const SECRET: &str = "s3cr3t-VALUE-that-must-never-leak";

#[test]
fn ini_profiles_comments_whitespace_and_case() {
    let text = format!(
        "\u{feff}# tencent cloud credentials\n\
         ; another comment\n\
         [default]\n\
         secret_id = AKIDdefault\n\
         \tSECRET_KEY   =   {SECRET}   \n\
         region: ap-guangzhou\n\
         unknown_key = ignored\n\
         \n\
         [ work ]\n\
         secret_id=AKIDwork\n\
         secret_key={SECRET};not-a-comment\n\
         token = tok-{SECRET}\n\
         role_arn = qcs::cam::uin/100000000001:roleName/reader\n\
         role_session_name = tcredis\n"
    );
    let file = ini::parse(&text).unwrap();
    assert_eq!(file.profiles().len(), 2);
    let default = file.profile("default").unwrap();
    assert_eq!(default.secret_id(), Some("AKIDdefault"));
    assert_eq!(default.secret_key().unwrap().expose(), SECRET);
    assert_eq!(default.region(), Some("ap-guangzhou"));
    assert!(default.token().is_none());
    let creds = default.credentials().unwrap();
    assert_eq!(creds.secret_id(), "AKIDdefault");
    assert!(creds.token().is_none());

    let work = file.profile("work").unwrap();
    assert_eq!(
        work.secret_key().unwrap().expose(),
        format!("{SECRET};not-a-comment")
    );
    assert_eq!(work.token().unwrap().expose(), format!("tok-{SECRET}"));
    assert_eq!(
        work.role_arn(),
        Some("qcs::cam::uin/100000000001:roleName/reader")
    );
    assert_eq!(work.role_session_name(), Some("tcredis"));
    assert!(work.credentials().unwrap().token().is_some());
    assert!(
        file.profile("Work").is_none(),
        "section names are case-sensitive"
    );

    let debug = format!("{file:?} {creds:?}");
    assert!(!debug.contains(SECRET), "{debug}");
}

#[test]
fn ini_errors_name_the_line_and_never_the_text() {
    let cases: [(String, usize, IniErrorKind); 6] = [
        (
            format!("secret_key = {SECRET}\n"),
            1,
            IniErrorKind::EntryOutsideSection,
        ),
        (
            format!("[default]\n{SECRET}\n"),
            2,
            IniErrorKind::ExpectedKeyValue,
        ),
        (
            format!("[default\nsecret_key = {SECRET}\n"),
            1,
            IniErrorKind::MalformedSection,
        ),
        (
            format!("[default]\n = {SECRET}\n"),
            2,
            IniErrorKind::EmptyKey,
        ),
        (
            "[a]\n[b]\n[a]\n".to_string(),
            3,
            IniErrorKind::DuplicateSection("a".into()),
        ),
        (
            format!("[a]\nsecret_key={SECRET}\n# c\nSecret_Key={SECRET}\n"),
            4,
            IniErrorKind::DuplicateKey("secret_key".into()),
        ),
    ];
    for (text, line, kind) in cases {
        let err = ini::parse(&text).unwrap_err();
        assert_eq!(err.line(), line, "{text:?}");
        assert_eq!(err.kind(), &kind);
        let shown = format!("{err} {err:?}");
        assert!(shown.starts_with(&format!("line {line}: ")), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

#[test]
fn ini_missing_or_bad_values_are_named() {
    let file =
        ini::parse("[p]\nsecret_key = k\n[q]\nsecret_id = id\n[r]\nsecret_id = id\nsecret_key =\n")
            .unwrap();
    assert_eq!(
        file.profile("p").unwrap().credentials().unwrap_err(),
        ProfileError::MissingSecretId {
            profile: "p".into()
        }
    );
    assert_eq!(
        file.profile("q").unwrap().credentials().unwrap_err(),
        ProfileError::MissingSecretKey {
            profile: "q".into()
        }
    );
    let err = file.profile("r").unwrap().credentials().unwrap_err();
    assert_eq!(
        err,
        ProfileError::MissingSecretKey {
            profile: "r".into()
        },
        "an empty value counts as absent"
    );
    assert!(err.to_string().contains("\"r\""));
}

proptest! {
    #[test]
    fn ini_never_panics_and_errors_never_leak_values(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("[default]".to_string()),
                Just("[other]".to_string()),
                Just("[broken".to_string()),
                Just("# comment".to_string()),
                Just(String::new()),
                Just(format!("secret_key = {SECRET}")),
                Just(format!("token: {SECRET}")),
                Just(format!("= {SECRET}")),
                Just(SECRET.to_string()),
                "\\PC{0,20}",
            ],
            0..12,
        ),
    ) {
        let text = lines.join("\n");
        if let Err(e) = ini::parse(&text) {
            prop_assert!(!e.to_string().contains(SECRET));
            prop_assert!(e.line() >= 1 && e.line() <= lines.len());
        }
    }

    #[test]
    fn json_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = tccli::parse_credential(&bytes);
        let _ = tccli::parse_configure(&bytes);
        let _ = cvm::parse_role_credentials(&bytes);
        let _ = sts::parse_response(&bytes);
        let _ = cvm::parse_role_name(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn tccli_credential_forms() {
    let c = tccli::parse_credential(
        format!(r#"{{"secretId":"AKIDx","secretKey":"{SECRET}","token":"","role-arn":"qcs::cam::uin/1:roleName/r","role-session-name":"s1"}}"#).as_bytes(),
    )
    .unwrap();
    assert_eq!(c.kind(), &CredentialKind::Keys);
    assert_eq!(c.secret_id(), Some("AKIDx"));
    assert!(c.token().is_none());
    assert_eq!(c.role_arn(), Some("qcs::cam::uin/1:roleName/r"));
    assert_eq!(c.role_session_name(), Some("s1"));
    assert_eq!(
        c.credentials("default").unwrap().secret_key().expose(),
        SECRET
    );
    assert!(!format!("{c:?}").contains(SECRET));

    let role = tccli::parse_credential(br#"{"type": "cvm-role"}"#).unwrap();
    assert_eq!(role.kind(), &CredentialKind::CvmRole);
    assert_eq!(
        role.credentials("ops").unwrap_err(),
        ProfileError::MissingSecretId {
            profile: "ops".into()
        }
    );
    let other = tccli::parse_credential(br#"{"type": "oidc"}"#).unwrap();
    assert_eq!(other.kind(), &CredentialKind::Other("oidc".into()));

    let err = tccli::parse_credential(
        format!(r#"{{"secretId": 5, "secretKey": "{SECRET}"}}"#).as_bytes(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        JsonError::WrongType {
            field: "secretId".into(),
            expected: "a string"
        }
    );
    let err =
        tccli::parse_credential(format!("{{\"secretKey\": \"{SECRET}\"").as_bytes()).unwrap_err();
    assert!(matches!(err, JsonError::Syntax { line: 1, .. }), "{err:?}");
    assert!(!err.to_string().contains(SECRET));
    assert_eq!(
        tccli::parse_credential(b"[]").unwrap_err(),
        JsonError::NotAnObject {
            path: String::new()
        }
    );
    let bad_ws = tccli::parse_credential(br#"{"secretId": " AKIDx", "secretKey": "k"}"#).unwrap();
    assert_eq!(
        bad_ws.credentials("default").unwrap_err(),
        ProfileError::Invalid {
            profile: "default".into(),
            reason: CredentialsError::SecretIdWhitespace
        }
    );
}

#[test]
fn tccli_configure_fields() {
    let c = tccli::parse_configure(
        br#"{"_sys_param": {"arrayCount": 10, "output": "json", "region": "ap-beijing", "language": "en-US"},
             "redis": {"endpoint": "redis.internal.example", "version": "2018-04-12"},
             "sts": {"endpoint": "sts.internal.example"}, "cvm": {"endpoint": "x"}}"#,
    )
    .unwrap();
    assert_eq!(c.region(), Some("ap-beijing"));
    assert_eq!(c.language(), Some("en-US"));
    assert_eq!(c.redis_endpoint(), Some("redis.internal.example"));
    assert_eq!(c.sts_endpoint(), Some("sts.internal.example"));
    let empty = tccli::parse_configure(b"{}").unwrap();
    assert_eq!(empty.region(), None);
    let err = tccli::parse_configure(br#"{"_sys_param": {"region": 3}}"#).unwrap_err();
    assert_eq!(err.to_string(), "\"_sys_param.region\" must be a string");
    let err = tccli::parse_configure(br#"{"redis": "x"}"#).unwrap_err();
    assert_eq!(
        err,
        JsonError::NotAnObject {
            path: "redis".into()
        }
    );
}

#[test]
fn cvm_role_documents() {
    assert_eq!(
        cvm::parse_role_name("\n  reader-role \nsecond\n").unwrap(),
        "reader-role"
    );
    assert_eq!(cvm::parse_role_name(" \n").unwrap_err(), CvmError::NoRole);
    assert_eq!(
        cvm::parse_role_name("../etc").unwrap_err(),
        CvmError::InvalidRoleName
    );
    assert_eq!(
        cvm::parse_role_name("a b").unwrap_err(),
        CvmError::InvalidRoleName
    );

    let body = format!(
        r#"{{"TmpSecretId":"AKIDtmp","TmpSecretKey":"{SECRET}","ExpiredTime":1795826153,
            "Expiration":"2026-11-28T00:35:53Z","Token":"tok","Code":"Success"}}"#
    );
    let creds = cvm::parse_role_credentials(body.as_bytes()).unwrap();
    assert_eq!(creds.secret_id(), "AKIDtmp");
    assert_eq!(creds.expired_time(), 1_795_826_153);
    assert_eq!(creds.expiration(), Some("2026-11-28T00:35:53Z"));
    assert_eq!(creds.refresh_at_unix(), 1_795_826_153 - 300);
    assert!(!creds.needs_refresh(1_795_826_153 - 301));
    assert!(creds.needs_refresh(1_795_826_153 - 300));
    let signing = creds.credentials().unwrap();
    assert_eq!(signing.token().unwrap().expose(), "tok");
    assert!(!format!("{creds:?}").contains(SECRET));

    let failed = cvm::parse_role_credentials(br#"{"Code":"Failed"}"#).unwrap_err();
    assert_eq!(
        failed,
        CvmError::NotSuccess {
            code: "Failed".into()
        }
    );
    let missing = cvm::parse_role_credentials(
        format!(r#"{{"TmpSecretId":"A","TmpSecretKey":"{SECRET}","Token":"t"}}"#).as_bytes(),
    )
    .unwrap_err();
    assert_eq!(
        missing,
        CvmError::Json(JsonError::Missing {
            field: "ExpiredTime".into()
        })
    );
    assert!(!missing.to_string().contains(SECRET));
    // A quoted ExpiredTime is accepted.
    let quoted = cvm::parse_role_credentials(
        br#"{"TmpSecretId":"A","TmpSecretKey":"k","Token":"t","ExpiredTime":"100"}"#,
    )
    .unwrap();
    assert_eq!(quoted.expired_time(), 100);
}

#[test]
fn sts_request_bodies_and_validation() {
    let r = AssumeRoleRequest::new("qcs::cam::uin/1:roleName/r", "tcredis-1").unwrap();
    assert_eq!(r.duration_seconds(), 7200);
    assert_eq!(
        String::from_utf8(r.to_json()).unwrap(),
        r#"{"RoleArn":"qcs::cam::uin/1:roleName/r","RoleSessionName":"tcredis-1","DurationSeconds":7200}"#
    );
    assert_eq!(
        r.clone().with_duration_seconds(0).unwrap_err(),
        StsError::InvalidDuration(0)
    );
    assert_eq!(
        r.clone().with_duration_seconds(43_201).unwrap_err(),
        StsError::InvalidDuration(43_201)
    );
    assert_eq!(
        r.with_duration_seconds(43_200).unwrap().duration_seconds(),
        43_200
    );
    assert_eq!(
        AssumeRoleRequest::new(" ", "ok-name").unwrap_err(),
        StsError::EmptyRoleArn
    );
    assert_eq!(
        AssumeRoleRequest::new("arn", "").unwrap_err(),
        StsError::InvalidSessionName
    );
    assert_eq!(
        AssumeRoleRequest::new("arn", "has space").unwrap_err(),
        StsError::InvalidSessionName
    );
    assert_eq!(
        sts::default_session_name(1_795_819_953_000_000),
        "tcredis-1795819953000000"
    );

    let w = AssumeRoleWithWebIdentityRequest::new("OIDC", format!("{SECRET}\n"), "arn", "sess")
        .unwrap()
        .with_duration_seconds(3600)
        .unwrap();
    assert_eq!(
        String::from_utf8(w.to_json()).unwrap(),
        format!(
            r#"{{"ProviderId":"OIDC","WebIdentityToken":"{SECRET}","RoleArn":"arn","RoleSessionName":"sess","DurationSeconds":3600}}"#
        )
    );
    assert!(!format!("{w:?}").contains(SECRET));
    assert_eq!(
        AssumeRoleWithWebIdentityRequest::new("OIDC", " ", "arn", "sess").unwrap_err(),
        StsError::EmptyWebIdentity
    );
}

#[test]
fn sts_responses() {
    let ok = format!(
        r#"{{"Response":{{"Credentials":{{"Token":"tok","TmpSecretId":"AKIDtmp","TmpSecretKey":"{SECRET}"}},
            "ExpiredTime":1795827153,"Expiration":"2026-11-28T00:52:33Z","RequestId":"req-1"}}}}"#
    );
    let creds = sts::parse_response(ok.as_bytes()).unwrap();
    assert_eq!(creds.secret_id(), "AKIDtmp");
    assert_eq!(creds.request_id(), Some("req-1"));
    assert_eq!(creds.expiration(), Some("2026-11-28T00:52:33Z"));
    assert_eq!(creds.refresh_at_unix(7200), 1_795_827_153 - 6480);
    assert!(creds.needs_refresh(1_795_827_153 - 6480, 7200));
    assert!(!creds.needs_refresh(1_795_827_153 - 6481, 7200));
    assert_eq!(
        creds.credentials().unwrap().token().unwrap().expose(),
        "tok"
    );
    assert!(!format!("{creds:?}").contains(SECRET));

    let err = sts::parse_response(
        br#"{"Response":{"Error":{"Code":"InvalidParameter.RoleNotExist","Message":"role not exist"},"RequestId":"req-2"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err,
        StsError::Api {
            code: "InvalidParameter.RoleNotExist".into(),
            message: "role not exist".into(),
            request_id: "req-2".into()
        }
    );
    assert!(err.to_string().contains("req-2"));
    assert_eq!(
        sts::parse_response(b"{}").unwrap_err(),
        StsError::Json(JsonError::Missing {
            field: "Response".into()
        })
    );
    let missing = sts::parse_response(
        br#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":"A"},"ExpiredTime":1}}"#,
    )
    .unwrap_err();
    assert_eq!(
        missing,
        StsError::Json(JsonError::Missing {
            field: "Response.Credentials.TmpSecretKey".into()
        })
    );
}

#[test]
fn secrets_print_as_stars() {
    let secret = tcredis_core::credentials::Secret::new(SECRET);
    assert_eq!(format!("{secret}"), "***");
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert_eq!(secret.expose(), SECRET);
}
