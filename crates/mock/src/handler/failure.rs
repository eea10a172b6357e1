//! An API error the handler answers: a code from the documented set and a message that says
//! what was wrong and what is accepted.

/// An error answer (`Response.Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: String,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// The message used when a script or fault names a code without a message: core's documented
/// description, or a mock-specific one for codes core does not know.
pub(crate) fn default_message(code: &str) -> &'static str {
    let known = tcredis_core::error::ErrorCode::from(code);
    if !matches!(known, tcredis_core::error::ErrorCode::Other(_)) {
        return known.default_message();
    }
    match code {
        "InternalError" | "InternalError.InternalError" => {
            "An internal error has occurred. Retry your request; if it persists, contact support."
        }
        "InternalError.DbOperationFailed" => "An internal database operation failed.",
        "FailedOperation.SystemError" => {
            "An internal system error occurred (not related to the request)."
        }
        "RequestLimitExceeded"
        | "RequestLimitExceeded.UinLimitExceeded"
        | "RequestLimitExceeded.GlobalRegionUinLimitExceeded" => {
            "Your requests exceed the frequency limit; slow down and retry later."
        }
        "ServiceUnavailable" => "The service is unavailable now; retry later.",
        "AuthFailure.SignatureExpire" => "The signature is expired, please request again.",
        "AuthFailure.SignatureFailure" => {
            "The provided credentials could not be validated. Please check your signature is correct."
        }
        "AuthFailure.SecretIdNotFound" => {
            "The SecretId is not found, please ensure that your SecretId is correct."
        }
        "AuthFailure.TokenFailure" => "The token is invalid or expired.",
        "AuthFailure.InvalidAuthorization" => "The `Authorization` header is invalid.",
        "AuthFailure.UnauthorizedOperation" | "UnauthorizedOperation.NoCAMAuthed" => {
            "The request is not authorized (CAM)."
        }
        "ResourceNotFound.InstanceNotExists" => "The instance does not exist.",
        "InvalidParameter.InvalidParameter" => "A business parameter is invalid.",
        "InvalidParameter" => "A parameter is invalid.",
        "UnsupportedRegion" => "The API does not support the requested region.",
        _ => "Scripted error from tcredis-mock.",
    }
}
