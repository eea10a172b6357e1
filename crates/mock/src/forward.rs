//! Record mode's seam: a request the mock has authenticated (with its own credentials),
//! rate-limited and policy-checked, handed to an [`Upstream`] that signs it again with real
//! credentials and sends it on. The library defines the seam only; the `tcredis-mock` binary
//! plugs in the transport crate's client (feature `record`), so the library never depends on
//! an HTTP client.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

/// A request to send upstream. It carries no secret: no header, no signature.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ForwardRequest {
    /// The action.
    pub action: String,
    /// The API version the client asked for.
    pub version: String,
    /// The region, if the client named one.
    pub region: Option<String>,
    /// The action parameters, typed (a GET client's form values become JSON numbers/arrays).
    pub params: Map<String, Value>,
    /// The `X-TC-Language` the client sent, if any.
    pub language: Option<String>,
    /// The mock's RequestId for this request (used when the upstream cannot be reached).
    pub request_id: String,
}

/// What the upstream answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForwardAnswer {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

impl ForwardAnswer {
    /// An answer from its parts.
    pub fn new(status: u16, content_type: impl Into<String>, body: Vec<u8>) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body,
        }
    }
}

/// The future an [`Upstream`] returns.
pub type ForwardFuture = Pin<Box<dyn Future<Output = Result<ForwardAnswer, String>> + Send>>;

/// Sends forwarded requests on. `Err` is a message for the client (it must hold no secret);
/// the mock answers it as `InternalError`.
pub trait Upstream: Send + Sync + fmt::Debug {
    /// Sends one request and returns the answer.
    fn forward(&self, request: ForwardRequest) -> ForwardFuture;
}
