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
    serde_json::to_vec(&body).unwrap_or_default()
}

/// `{"Response": <fields>}` where `fields` already holds the RequestId last.
pub(crate) fn success_body<T: Serialize>(fields: &T) -> Vec<u8> {
    serde_json::to_vec(&Envelope { response: fields }).unwrap_or_default()
}

/// A scripted reply: the object given, with a RequestId added unless it has one.
pub(crate) fn scripted_body(reply: &Value, request_id: &str) -> Vec<u8> {
    let mut fields = reply.as_object().cloned().unwrap_or_else(Map::new);
    fields
        .entry("RequestId")
        .or_insert_with(|| Value::String(request_id.to_owned()));
    success_body(&Value::Object(fields))
}
