//! The envelope, parsed the slow way: `{"Response":{...}}` with the page's items still raw,
//! the error envelope (current and legacy v2 shapes), and the diagnosis that names the place
//! a malformed body went wrong. The fast path (`fast.rs`) falls back to this.

use super::model::{Field, FieldKind};
use crate::error::{ApiError, ErrorBody, MalformedKind, MalformedResponse, ResponseError};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// The `Response` object with the page's items still raw.
#[derive(Deserialize)]
pub(super) struct Body<'a, R> {
    #[serde(rename = "Error")]
    pub(super) error: Option<ErrorBody>,
    #[serde(rename = "TotalCount")]
    pub(super) total_count: Option<u64>,
    #[serde(rename = "BackupSet", borrow)]
    pub(super) backup_set: Option<Vec<&'a RawValue>>,
    #[serde(rename = "RedisBackupSet", borrow)]
    pub(super) legacy_backup_set: Option<Vec<&'a RawValue>>,
    #[serde(rename = "RequestId")]
    pub(super) request_id: Option<R>,
}

#[derive(Deserialize)]
pub(super) struct Envelope<'a, R> {
    #[serde(rename = "Response", borrow)]
    pub(super) response: Option<Body<'a, R>>,
}

pub(super) struct RawPage<'a, R> {
    pub(super) total_count: u64,
    pub(super) items: Vec<&'a RawValue>,
    pub(super) key: &'static str,
    pub(super) request_id: Option<R>,
}

pub(super) fn into_page<'a, R: Into<String>>(
    body: &[u8],
    response: Option<Body<'a, R>>,
) -> Result<RawPage<'a, R>, ResponseError> {
    let Some(response) = response else {
        return Err(no_response(body));
    };
    if let Some(error) = response.error {
        return Err(ResponseError::Api(
            error.into_api_error(response.request_id.map(Into::into)),
        ));
    }
    let Some(total_count) = response.total_count else {
        return Err(MalformedResponse::new(
            MalformedKind::MissingField {
                path: "Response.TotalCount".into(),
            },
            "TotalCount is missing or null",
            body,
        )
        .into());
    };
    let (key, items) = match (response.backup_set, response.legacy_backup_set) {
        (Some(items), _) => ("BackupSet", items),
        (None, Some(items)) => ("RedisBackupSet", items),
        (None, None) => ("BackupSet", Vec::new()),
    };
    Ok(RawPage {
        total_count,
        items,
        key,
        request_id: response.request_id,
    })
}

pub(super) fn item_path(key: &str, index: usize) -> String {
    format!("Response.{key}[{index}]")
}

/// Types one item from its raw JSON; on failure names the field that was wrong.
pub(super) fn typed_item<'a, T: Deserialize<'a>>(
    raw: &'a RawValue,
    path: &str,
) -> Result<T, MalformedResponse> {
    serde_json::from_str(raw.get()).map_err(|e| item_error(raw, path, &e))
}

fn item_error(raw: &RawValue, path: &str, e: &serde_json::Error) -> MalformedResponse {
    let body = raw.get().as_bytes();
    let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let Some(object) = value.as_object() else {
        return MalformedResponse::new(
            MalformedKind::WrongType { path: path.into() },
            "expected a JSON object",
            body,
        );
    };
    for (name, value) in object {
        let Some(kind) = Field::from_name(name).map(Field::kind) else {
            continue;
        };
        let ok = match (kind, value) {
            (_, Value::Null) | (FieldKind::Boolean, Value::Bool(_)) => true,
            (FieldKind::Integer, Value::Number(n)) => n.as_i64().is_some(),
            (FieldKind::Text, Value::String(_)) => true,
            _ => false,
        };
        if !ok {
            return MalformedResponse::new(
                MalformedKind::WrongType {
                    path: format!("{path}.{name}"),
                },
                format!("expected {}, found {}", kind.expected(), describe(value)),
                body,
            );
        }
    }
    MalformedResponse::new(
        MalformedKind::WrongType { path: path.into() },
        strip_position(e),
        body,
    )
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}").chars().take(40).collect(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

pub(super) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// Slow path after the fast envelope parse failed: say precisely what is wrong.
pub(super) fn diagnose(body: &[u8], e: &serde_json::Error) -> ResponseError {
    if body.iter().all(u8::is_ascii_whitespace) {
        return MalformedResponse::new(MalformedKind::Empty, "no bytes", body).into();
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(parse) => {
            return MalformedResponse::new(MalformedKind::NotJson, parse.to_string(), body).into();
        }
    };
    let Some(response) = value.get("Response") else {
        return no_response(body);
    };
    let Some(object) = response.as_object() else {
        return MalformedResponse::new(
            MalformedKind::WrongType {
                path: "Response".into(),
            },
            format!("expected an object, found {}", describe(response)),
            body,
        )
        .into();
    };
    let request_id = object
        .get("RequestId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(error) = object.get("Error").filter(|e| !e.is_null()) {
        if let Some(code) = error.get("Code").and_then(Value::as_str) {
            let message = error
                .get("Message")
                .and_then(Value::as_str)
                .unwrap_or_default();
            return ApiError::new(code, message, request_id).into();
        }
        return wrong(
            "Response.Error",
            "an object with a string Code",
            error,
            body,
        );
    }
    for (field, expected) in [
        ("TotalCount", "a non-negative integer"),
        ("BackupSet", "an array"),
        ("RedisBackupSet", "an array"),
        ("RequestId", "a string"),
    ] {
        let Some(v) = object.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        let ok = match field {
            "TotalCount" => v.as_u64().is_some(),
            "RequestId" => v.is_string(),
            _ => v.is_array(),
        };
        if !ok {
            return wrong(&format!("Response.{field}"), expected, v, body);
        }
    }
    MalformedResponse::new(
        MalformedKind::WrongType {
            path: "Response".into(),
        },
        strip_position(e),
        body,
    )
    .into()
}

fn wrong(path: &str, expected: &str, found: &Value, body: &[u8]) -> ResponseError {
    MalformedResponse::new(
        MalformedKind::WrongType { path: path.into() },
        format!("expected {expected}, found {}", describe(found)),
        body,
    )
    .into()
}

/// No `Response` object: also understands the legacy v2 error shape
/// `{"code": 4000, "message": "..", "codeDesc": "InvalidParameter"}`.
fn no_response(body: &[u8]) -> ResponseError {
    #[derive(Deserialize)]
    struct Legacy {
        code: i64,
        #[serde(default)]
        message: String,
        #[serde(rename = "codeDesc")]
        code_desc: Option<String>,
    }
    if let Ok(legacy) = serde_json::from_slice::<Legacy>(body)
        && legacy.code != 0
    {
        let code = legacy.code_desc.unwrap_or_else(|| legacy.code.to_string());
        return ApiError::new(code, legacy.message, "").into();
    }
    MalformedResponse::new(
        MalformedKind::NoResponseObject,
        "the top level has no \"Response\" object",
        body,
    )
    .into()
}
