//! STS emulation (2018-08-13): `AssumeRole` and `AssumeRoleWithWebIdentity` issue temporary
//! credentials (id, key, token, expiry) that the mock then accepts for the redis action.

use serde::Serialize;
use serde_json::{Map, Value};
use tcredis_core::random::SplitMix64;

use super::failure::Failure;
use super::params::{ParamType, Schema};
use crate::rng;

pub(crate) const ASSUME_ROLE_SCHEMA: Schema = &[
    ("RoleArn", ParamType::String),
    ("RoleSessionName", ParamType::String),
    ("DurationSeconds", ParamType::Integer),
    ("Policy", ParamType::String),
    ("ExternalId", ParamType::String),
    ("Tags", ParamType::Any),
    ("SourceIdentity", ParamType::String),
    ("SerialNumber", ParamType::String),
    ("TokenCode", ParamType::String),
];

pub(crate) const WEB_IDENTITY_SCHEMA: Schema = &[
    ("ProviderId", ParamType::String),
    ("WebIdentityToken", ParamType::String),
    ("RoleArn", ParamType::String),
    ("RoleSessionName", ParamType::String),
    ("DurationSeconds", ParamType::Integer),
];

/// Temporary credentials issued by the STS emulation. `Debug` shows only the id and expiry.
#[derive(Clone)]
pub(crate) struct Issued {
    pub(crate) secret_id: String,
    pub(crate) secret_key: String,
    pub(crate) token: String,
    pub(crate) expires: i64,
    /// The SecretId whose CAM policy these credentials inherit (`None`: web identity).
    pub(crate) source: Option<String>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("secret_id", &self.secret_id)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct CredentialsOut<'a> {
    #[serde(rename = "Token")]
    token: &'a str,
    #[serde(rename = "TmpSecretId")]
    tmp_secret_id: &'a str,
    #[serde(rename = "TmpSecretKey")]
    tmp_secret_key: &'a str,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "Credentials")]
    credentials: CredentialsOut<'a>,
    #[serde(rename = "ExpiredTime")]
    expired_time: i64,
    #[serde(rename = "Expiration")]
    expiration: String,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Validates the request and issues credentials valid for `DurationSeconds` (default 7200,
/// 1..=43200) from `now`.
pub(crate) fn assume_role(
    action: &str,
    params: &Map<String, Value>,
    required: &[&str],
    now: i64,
    rng: &mut SplitMix64,
    request_id: &str,
) -> Result<(Vec<u8>, Issued), Failure> {
    for name in required {
        if params
            .get(*name)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(Failure::new(
                "MissingParameter",
                format!("The parameter `{name}` is required by {action}."),
            ));
        }
    }
    let duration = params
        .get("DurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(7200);
    if !(1..=43_200).contains(&duration) {
        return Err(Failure::new(
            "InvalidParameter.InvalidParameter",
            format!("DurationSeconds must be between 1 and 43200, got {duration}."),
        ));
    }
    let issued = Issued {
        secret_id: format!("AKIDTMP{}", rng::string(rng, ALNUM, 29)),
        secret_key: rng::string(rng, ALNUM, 32),
        token: rng::string(rng, ALNUM, 96),
        expires: now + duration,
        source: None,
    };
    let body = super::envelope::success_body(&Answer {
        credentials: CredentialsOut {
            token: &issued.token,
            tmp_secret_id: &issued.secret_id,
            tmp_secret_key: &issued.secret_key,
        },
        expired_time: issued.expires,
        expiration: tcredis_core::time::rfc3339::format_utc(issued.expires),
        request_id,
    });
    Ok((body, issued))
}
