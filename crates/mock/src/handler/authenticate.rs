//! Authentication of one request inside the handler: SKIP for the unsigned STS action, TC3 or v1
//! verification through core with the configured and STS-issued credentials, expiry of
//! temporary credentials, and what the journal records about it.

use tcredis_core::credentials::Secret;

use super::failure::Failure;
use super::{ActionKind, Exchange, Found, Handler, Route, auth};
use crate::journal::SignatureResult;

impl Handler {
    /// Finds the key (and token) of a SecretId: configured pairs first, then issued STS pairs.
    fn find_credential(&self, secret_id: &str) -> Option<Found> {
        if let Some(c) = self.credentials.iter().find(|c| c.secret_id == secret_id) {
            return Some(Found {
                secret_key: c.secret_key.expose().to_owned(),
                token: c.token.as_ref().map(|t| t.expose().to_owned()),
            });
        }
        let state = self.lock();
        state.issued.get(secret_id).map(|i| Found {
            secret_key: i.secret_key.clone(),
            token: Some(i.token.clone()),
        })
    }

    /// The key and token to verify a SecretId with.
    fn secrets_for(&self, secret_id: &str) -> Option<(Secret, Option<Secret>)> {
        self.find_credential(secret_id)
            .map(|f| (Secret::new(f.secret_key), f.token.map(Secret::new)))
    }

    /// Temporary credentials stop working at their expiry.
    fn check_expiry(&self, secret_id: &str, now_unix: f64) -> Result<(), Failure> {
        // Configured credentials never expire: only STS-issued ones (looked up without copying
        // any key) carry an expiry.
        if self.credentials.iter().any(|c| c.secret_id == secret_id) {
            return Ok(());
        }
        let expires = self.lock().issued.get(secret_id).map(|i| i.expires);
        if let Some(expires) = expires
            && now_unix >= expires as f64
        {
            return Err(Failure::new(
                "AuthFailure.TokenFailure",
                format!(
                    "The temporary credentials expired at {}; assume the role again.",
                    tcredis_core::time::rfc3339::format_utc(expires)
                ),
            ));
        }
        Ok(())
    }

    fn finish_auth(
        &self,
        result: Result<auth::Authenticated, auth::Rejected>,
        now_unix: f64,
        x: &mut Exchange,
    ) -> Result<Option<String>, Failure> {
        match result {
            Ok(ok) => {
                x.signature = SignatureResult::Valid;
                x.leniency = ok.leniency;
                x.secret_id = Some(ok.secret_id.clone());
                self.check_expiry(&ok.secret_id, now_unix)?;
                Ok(Some(ok.secret_id))
            }
            Err(rejected) => {
                x.signature = rejected.signature;
                Err(rejected.failure)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn authenticate_tc3<B>(
        &self,
        request: &http::Request<B>,
        route: &Route,
        authorization: Option<&str>,
        host: &str,
        body: &[u8],
        now_unix: f64,
        x: &mut Exchange,
    ) -> Result<Option<String>, Failure> {
        if authorization == Some("SKIP") {
            if route.kind == ActionKind::WebIdentity {
                x.signature = SignatureResult::Skipped;
                return Ok(None);
            }
            x.signature = SignatureResult::Missing;
            return Err(Failure::new(
                "AuthFailure.InvalidAuthorization",
                "`Authorization: SKIP` is accepted only for AssumeRoleWithWebIdentity.",
            ));
        }
        x.secret_id = authorization.and_then(auth::claimed_secret_id);
        let query = if request.method() == http::Method::GET {
            request.uri().query().unwrap_or("")
        } else {
            ""
        };
        let parts = auth::RawParts {
            method: request.method().as_str(),
            host,
            query,
            body,
        };
        let now = now_unix.max(0.0) as u64;
        let result = auth::tc3(
            &parts,
            request.headers(),
            now,
            route.service,
            self.strict_signing,
            |id| self.secrets_for(id),
        );
        self.finish_auth(result, now_unix, x)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn authenticate_v1<B>(
        &self,
        request: &http::Request<B>,
        route: &Route,
        form_value: impl Fn(&str) -> Option<String>,
        host: &str,
        body: &[u8],
        now_unix: f64,
        x: &mut Exchange,
    ) -> Result<Option<String>, Failure> {
        x.secret_id = form_value("SecretId").filter(|s| !s.is_empty());
        let parts = auth::RawParts {
            method: request.method().as_str(),
            host,
            query: request.uri().query().unwrap_or(""),
            body,
        };
        let now = now_unix.max(0.0) as u64;
        let result = auth::v1(&parts, now, route.service, self.strict_signing, |id| {
            self.secrets_for(id)
        });
        self.finish_auth(result, now_unix, x)
    }
}
