//! Which credentials a command signs with: the public demo pair for `--mock`, otherwise the
//! transport's default chain set up from the flags, the environment snapshot and the resolved
//! settings (proxy, timeouts, extra CA for STS and metadata calls). Either way with a report for
//! `config show` (never a secret), and the error that lists every step when there are none.

use std::sync::Arc;

use tcredis_transport_hyper::credentials::{
    ChainConfig, CredentialsError, DefaultChain, FetchSettings, SharedProvider, StaticProvider,
};

use crate::config::GlobalOptions;
use crate::config::settings::{Environment, Settings, Source};
use crate::config::show::CredentialReport;
use crate::exit::CliError;

/// Credentials and their report.
pub struct Resolved {
    /// The provider, when the chain found one.
    provider: Option<SharedProvider>,
    /// Where they come from, for `config show`.
    pub report: CredentialReport,
    /// Why there is no provider.
    error: Option<String>,
}

impl Resolved {
    /// The provider, or the configuration error (exit 2) that says why there is none. The
    /// warnings about the source (a credentials file others can read) are printed on stderr,
    /// once.
    pub fn into_provider(self) -> Result<SharedProvider, CliError> {
        for w in &self.report.warnings {
            crate::exit::stderr_line(format_args!("tcredis: warning: {w}"));
        }
        self.provider
            .ok_or_else(|| CliError::usage(self.error.unwrap_or_default()))
    }
}

/// Resolves the credentials (no network call happens here: providers fetch lazily).
pub fn resolve(g: &GlobalOptions, env: &Environment, settings: &Settings) -> Resolved {
    if g.mock {
        let creds = tcredis_core::credentials::Credentials::new(
            tcredis_mock::DEMO_SECRET_ID,
            tcredis_mock::DEMO_SECRET_KEY,
        )
        .expect("the demo pair is well-formed");
        let source = "--mock public demo pair";
        return Resolved {
            provider: Some(Arc::new(StaticProvider::with_source(creds, source))),
            report: CredentialReport {
                summary: format!("{} ({source})", tcredis_mock::DEMO_SECRET_ID),
                steps: Vec::new(),
                warnings: Vec::new(),
            },
            error: None,
        };
    }
    let mut chain = ChainConfig::new(env.vars.clone(), env.home.clone().unwrap_or_default());
    chain.profile = g.profile.clone();
    chain.use_cvm_role = g.use_cvm_role;
    chain.role_arn = g.role_arn.clone();
    chain.role_session_name = g.role_session_name.clone();
    chain.external_id = g.external_id.clone();
    chain.fetch = FetchSettings {
        proxy: g.proxy.clone(),
        env: env.vars.clone(),
        native_roots: true,
        resolve: settings.resolve.clone(),
        ..FetchSettings::default()
    };
    // STS and the metadata service keep their own shorter defaults unless a flag says.
    if matches!(settings.connect_timeout.source, Source::Flag(_)) {
        chain.fetch.connect_timeout = settings.connect_timeout.value;
    }
    if matches!(settings.timeout.source, Source::Flag(_)) {
        chain.fetch.timeout = settings.timeout.value;
    }
    if let Some(ca) = settings.ca_file.as_ref()
        // A CA file that cannot be used is reported when the client is built.
        && let Ok(pem) =
            tcredis_files::read_regular_file(&ca.value, tcredis_files::MAX_CA_FILE_BYTES)
    {
        chain.fetch.extra_roots_pem.push(pem);
    }
    match DefaultChain::resolve(&chain) {
        Ok(r) => Resolved {
            report: CredentialReport {
                summary: format!("from {}", r.source()),
                steps: r.steps.iter().map(ToString::to_string).collect(),
                warnings: r.warnings.clone(),
            },
            provider: Some(r.provider),
            error: None,
        },
        Err(CredentialsError::NotFound { tried }) => Resolved {
            provider: None,
            report: CredentialReport {
                summary: "none found (every step below was tried)".to_owned(),
                steps: tried.iter().map(ToString::to_string).collect(),
                warnings: Vec::new(),
            },
            error: Some(CredentialsError::NotFound { tried }.to_string()),
        },
        Err(e) => Resolved {
            provider: None,
            report: CredentialReport {
                summary: format!("none: {e}"),
                steps: Vec::new(),
                warnings: Vec::new(),
            },
            error: Some(e.to_string()),
        },
    }
}
