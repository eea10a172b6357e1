//! The wire envelope: `{"Response": {..., "RequestId": uuid}}` with HTTP 200 and
//! `Content-Type: application/json` exactly, for answers and errors alike.

use serde::Serialize;
use serde_json::{Map, Value};

use super::failure::Failure;

/// An HTTP response with a JSON body and the exact Content-Type the SDKs require.
pub(crate) fn json_response(status: u16, body: Vec<u8>) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A replayed response: the recorded status, Content-Type and body as they were.
pub(crate) fn raw_response(
    status: u16,
    content_type: &str,
    body: Vec<u8>,
) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    if let Ok(value) = http::HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, value);
    }
    response
}

#[derive(Serialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "Error")]
    error: ErrorFields<'a>,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

#[derive(Serialize)]
struct ErrorFields<'a> {
    #[serde(rename = "Code")]
    code: &'a str,
    #[serde(rename = "Message")]
    message: &'a str,
}

/// `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
pub(crate) fn error_body(failure: &Failure, request_id: &str) -> Vec<u8> {
    let body = Envelope {
        response: ErrorBody {
            error: ErrorFields {
                code: &failure.code,
                message: &failure.message,
            },
            request_id,
        },
    };
    to_sized_vec(&body)
}

/// Serialises into one buffer sized for a typical page, so the body is not regrown while written.
fn to_sized_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(BODY_CAPACITY);
    match serde_json::to_writer(&mut out, value) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// Starting capacity of a response body: a one-backup page with its envelope is ~600 bytes.
const BODY_CAPACITY: usize = 1024;

/// `{"Response": <fields>}` where `fields` already holds the RequestId last.
pub(crate) fn success_body<T: Serialize>(fields: &T) -> Vec<u8> {
    to_sized_vec(&Envelope { response: fields })
}

/// A scripted reply: the object given, with a RequestId added unless it has one.
pub(crate) fn scripted_body(reply: &Value, request_id: &str) -> Vec<u8> {
    let mut fields = reply.as_object().cloned().unwrap_or_else(Map::new);
    fields
        .entry("RequestId")
        .or_insert_with(|| Value::String(request_id.to_owned()));
    success_body(&Value::Object(fields))
}
