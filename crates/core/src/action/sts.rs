//! sts `AssumeRole` and `AssumeRoleWithWebIdentity` (2018-08-13) as [`Action`]s: the
//! temporary-credential calls of the credential providers go through the same machine as the
//! API calls.

use super::{Action, Signing};
use crate::credentials::sts::{
    self, AssumeRoleRequest, AssumeRoleWithWebIdentityRequest, StsCredentials, StsError,
};
use crate::error::{ApiError, MalformedKind, MalformedResponse, ResponseError};

fn parse(body: &[u8]) -> Result<StsCredentials, ResponseError> {
    sts::parse_response(body).map_err(|e| match e {
        StsError::Api {
            code,
            message,
            request_id,
        } => ResponseError::Api(ApiError::new(code, message, request_id)),
        other => ResponseError::Malformed(MalformedResponse::new(
            MalformedKind::NotJson,
            other.to_string(),
            body,
        )),
    })
}

impl Action for AssumeRoleRequest {
    type Output = StsCredentials;

    const SERVICE: &'static str = sts::STS_SERVICE;
    const NAME: &'static str = sts::ASSUME_ROLE;
    const VERSION: &'static str = sts::STS_VERSION;
    const DEFAULT_HOST: &'static str = sts::STS_HOST;
    const DEFAULT_REGION: Option<&'static str> = Some(sts::STS_DEFAULT_REGION);

    fn to_body(&self) -> Vec<u8> {
        self.to_json()
    }

    fn parse(body: &[u8]) -> Result<Self::Output, ResponseError> {
        parse(body)
    }
}

impl Action for AssumeRoleWithWebIdentityRequest {
    type Output = StsCredentials;

    const SERVICE: &'static str = sts::STS_SERVICE;
    const NAME: &'static str = sts::ASSUME_ROLE_WITH_WEB_IDENTITY;
    const VERSION: &'static str = sts::STS_VERSION;
    const DEFAULT_HOST: &'static str = sts::STS_HOST;
    const DEFAULT_REGION: Option<&'static str> = Some(sts::STS_DEFAULT_REGION);
    const SIGNING: Signing = Signing::Skip;

    fn to_body(&self) -> Vec<u8> {
        self.to_json()
    }

    fn parse(body: &[u8]) -> Result<Self::Output, ResponseError> {
        parse(body)
    }
}
