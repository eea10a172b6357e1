//! The default credential chain, precedence exactly as the design card says (first match wins):
//!
//! 1. **CVM role** when asked (`use_cvm_role`, `TENCENTCLOUD_USE_CVM_ROLE=1`, or a tccli
//!    credential of type `cvm-role`); never contacted otherwise.
//! 2. A **base pair**: with a profile (`profile` or `TCCLI_PROFILE`) that profile only — INI
//!    section `[P]`, then `~/.tccli/P.credential`; otherwise the environment, then INI
//!    `[default]`, then `~/.tccli/default.credential`.
//! 3. **STS AssumeRole** wrapping the base pair when a role is named (`role_arn` +
//!    `role_session_name`, `TENCENTCLOUD_ROLE_ARN` + `TENCENTCLOUD_ROLE_SESSION_NAME`, or the
//!    profile's role fields).
//! 4. **OIDC web identity** when there is no base pair and the TKE variables are set.
//! 5. Otherwise the base pair itself.
//!
//! Every step is recorded ([`ChainStep`]) so `config show` and the no-credentials error can say
//! what was tried.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use tcredis_core::credentials::locate::{self, SYSTEM_CREDENTIALS_FILE};

use super::cvm::CvmRoleProvider;
use super::env::EnvProvider;
use super::fetch::FetchSettings;
use super::files::ProfileData;
use super::profile_file::{IniLookup, ProfileFileProvider, pair_from};
use super::static_provider::StaticProvider;
use super::sts::{StsAssumeRoleProvider, WebIdentityProvider};
use super::tccli::{TccliProfileProvider, source_name};
use super::{Credentials, CredentialsError, SharedProvider};

/// Inputs of the chain. Nothing is read from the process environment.
#[derive(Clone)]
pub struct ChainConfig {
    /// Environment snapshot.
    pub env: HashMap<String, String>,
    /// Home directory (`~`); an empty path means there is none (no home file is read, never
    /// one relative to the working directory).
    pub home: PathBuf,
    /// `--profile`; when `None`, `TCCLI_PROFILE` from `env` (trimmed; blank is unset).
    pub profile: Option<String>,
    /// `--use-cvm-role`.
    pub use_cvm_role: bool,
    /// `--role-arn`.
    pub role_arn: Option<String>,
    /// `--role-session-name`.
    pub role_session_name: Option<String>,
    /// The system-wide INI file (default `/etc/tencentcloud/credentials`; tests change it).
    pub system_credentials_file: PathBuf,
    /// Network settings for STS and the metadata service.
    pub fetch: FetchSettings,
}

impl fmt::Debug for ChainConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainConfig")
            .field("env", &format_args!("<{} variables>", self.env.len()))
            .field("home", &self.home)
            .field("profile", &self.profile)
            .field("use_cvm_role", &self.use_cvm_role)
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("system_credentials_file", &self.system_credentials_file)
            .field("fetch", &self.fetch)
            .finish()
    }
}

impl ChainConfig {
    /// A configuration over an environment snapshot and a home directory, nothing else set.
    pub fn new(env: HashMap<String, String>, home: impl Into<PathBuf>) -> Self {
        Self {
            env,
            home: home.into(),
            profile: None,
            use_cvm_role: false,
            role_arn: None,
            role_session_name: None,
            system_credentials_file: PathBuf::from(SYSTEM_CREDENTIALS_FILE),
            fetch: FetchSettings::default(),
        }
    }
}

/// What happened at one step of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepOutcome {
    /// This source provided the credentials.
    Used,
    /// The source had nothing (why).
    NotFound(String),
    /// The source was not consulted (why).
    Skipped(String),
}

/// One step of the chain: a source name (never a secret) and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStep {
    /// E.g. `env TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY`, `/home/u/.tencentcloud/credentials [default]`.
    pub source: String,
    /// What happened.
    pub outcome: StepOutcome,
}

impl fmt::Display for ChainStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            StepOutcome::Used => write!(f, "{}: used", self.source),
            StepOutcome::NotFound(why) => write!(f, "{}: {why}", self.source),
            StepOutcome::Skipped(why) => write!(f, "{}: skipped ({why})", self.source),
        }
    }
}

/// The chain's result.
#[derive(Debug, Clone)]
pub struct ResolvedCredentials {
    /// The provider to give the client.
    pub provider: SharedProvider,
    /// Every step, in order.
    pub steps: Vec<ChainStep>,
    /// The region of the profile that supplied the pair (INI `region`, tccli `_sys_param.region`).
    pub profile_region: Option<String>,
}

impl ResolvedCredentials {
    /// The provider's source name.
    pub fn source(&self) -> String {
        self.provider.source()
    }
}

/// The default chain.
#[derive(Debug, Clone, Copy)]
pub struct DefaultChain;

struct Base {
    credentials: Credentials,
    source: String,
    data: ProfileData,
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

impl DefaultChain {
    /// Resolves the chain. Local sources (env, files) are read now; remote ones (STS, CVM) are
    /// contacted at the first `provide`.
    pub fn resolve(config: &ChainConfig) -> Result<ResolvedCredentials, CredentialsError> {
        let env = &config.env;
        let mut steps = Vec::new();
        // Which profile and which files: core's rule, shared with the CLI's `config show`.
        let located = locate::locate(
            env,
            Some(&config.home),
            config.profile.as_deref(),
            &config.system_credentials_file,
        );
        let profile = located.profile().name().to_owned();

        // 1. CVM role, only when asked.
        let tccli = TccliProfileProvider::lookup(&located)?;
        let tccli_cvm = tccli.as_ref().is_some_and(|(_, d)| d.cvm_role);
        let cvm_source = "CVM role (metadata service)".to_owned();
        if config.use_cvm_role || truthy(env.get("TENCENTCLOUD_USE_CVM_ROLE")) || tccli_cvm {
            steps.push(ChainStep {
                source: cvm_source,
                outcome: StepOutcome::Used,
            });
            let provider = CvmRoleProvider::from_env(env, config.fetch.clone());
            let profile_region = tccli.and_then(|(_, d)| d.region);
            return Ok(ResolvedCredentials {
                provider: Arc::new(provider),
                steps,
                profile_region,
            });
        }
        steps.push(ChainStep {
            source: cvm_source,
            outcome: StepOutcome::Skipped(
                "not asked for: --use-cvm-role or TENCENTCLOUD_USE_CVM_ROLE=1".into(),
            ),
        });

        // 2. The base pair.
        let mut base: Option<Base> = None;
        let env_source = "env TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY".to_owned();
        if located.profile().is_named() {
            steps.push(ChainStep {
                source: env_source,
                outcome: StepOutcome::Skipped(format!("profile {profile:?} selected")),
            });
        } else {
            match EnvProvider::read(env)? {
                Some(c) => {
                    steps.push(ChainStep {
                        source: env_source.clone(),
                        outcome: StepOutcome::Used,
                    });
                    let data = ProfileData::default();
                    base = Some(Base {
                        credentials: c,
                        source: env_source,
                        data,
                    });
                }
                None => steps.push(ChainStep {
                    source: env_source,
                    outcome: StepOutcome::NotFound("not set".into()),
                }),
            }
        }
        if base.is_none() {
            let lookup = ProfileFileProvider::lookup(located.ini(), &profile)?;
            match lookup {
                IniLookup {
                    path: Some(path),
                    data: Some(data),
                } => {
                    let source = format!("{} [{profile}]", path.display());
                    let credentials = pair_from(&source, &data)?;
                    steps.push(ChainStep {
                        source: source.clone(),
                        outcome: StepOutcome::Used,
                    });
                    base = Some(Base {
                        credentials,
                        source,
                        data,
                    });
                }
                IniLookup {
                    path: Some(path),
                    data: None,
                } => steps.push(ChainStep {
                    source: format!("{} [{profile}]", path.display()),
                    outcome: StepOutcome::NotFound("no such section".into()),
                }),
                IniLookup { path: None, .. } => {
                    let names = located
                        .ini()
                        .candidates()
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    steps.push(ChainStep {
                        source: format!("INI file [{profile}] ({names})"),
                        outcome: StepOutcome::NotFound("no file exists".into()),
                    });
                }
            }
        }
        if base.is_none() {
            let source = source_name(&located);
            match tccli {
                Some((_, data)) => {
                    let credentials = pair_from(&source, &data)?;
                    steps.push(ChainStep {
                        source: source.clone(),
                        outcome: StepOutcome::Used,
                    });
                    base = Some(Base {
                        credentials,
                        source,
                        data,
                    });
                }
                None => steps.push(ChainStep {
                    source,
                    outcome: StepOutcome::NotFound("no such file".into()),
                }),
            }
        }

        // 3. STS AssumeRole over the base pair when a role is named.
        let get = |k: &str| env.get(k).filter(|v| !v.trim().is_empty()).cloned();
        let role = match (&config.role_arn, &config.role_session_name) {
            (Some(arn), name) => Some((arn.clone(), name.clone(), "--role-arn")),
            (None, _) => match (
                get("TENCENTCLOUD_ROLE_ARN"),
                get("TENCENTCLOUD_ROLE_SESSION_NAME"),
            ) {
                (Some(arn), name) => Some((arn, name, "env TENCENTCLOUD_ROLE_ARN")),
                _ => base.as_ref().and_then(|b| {
                    b.data
                        .role_arn
                        .clone()
                        .map(|a| (a, b.data.role_session_name.clone(), "profile role_arn"))
                }),
            },
        };
        if let Some(base) = base {
            let profile_region = base.data.region.clone();
            let pair: SharedProvider =
                Arc::new(StaticProvider::with_source(base.credentials, base.source));
            let provider: SharedProvider = match role {
                Some((arn, name, from)) => {
                    // tccli's `sts.endpoint` applies unless the environment names one.
                    let mut env = env.clone();
                    if let Some(e) = base.data.sts_endpoint.clone() {
                        env.entry(super::sts::STS_ENDPOINT_VAR.to_owned())
                            .or_insert(e);
                    }
                    let env = &env;
                    steps.push(ChainStep {
                        source: format!("STS AssumeRole ({from})"),
                        outcome: StepOutcome::Used,
                    });
                    Arc::new(StsAssumeRoleProvider::new(
                        pair,
                        arn,
                        name,
                        env,
                        config.fetch.clone(),
                    ))
                }
                None => {
                    steps.push(ChainStep {
                        source: "STS AssumeRole".into(),
                        outcome: StepOutcome::Skipped("no role named".into()),
                    });
                    pair
                }
            };
            return Ok(ResolvedCredentials {
                provider,
                steps,
                profile_region,
            });
        }

        // 4. OIDC web identity.
        let oidc_source =
            "TKE OIDC (TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE, TKE_ROLE_ARN)".to_owned();
        if let Some(p) = WebIdentityProvider::from_env(env, config.fetch.clone()) {
            steps.push(ChainStep {
                source: oidc_source,
                outcome: StepOutcome::Used,
            });
            return Ok(ResolvedCredentials {
                provider: Arc::new(p),
                steps,
                profile_region: get("TKE_REGION"),
            });
        }
        steps.push(ChainStep {
            source: oidc_source,
            outcome: StepOutcome::NotFound("not set".into()),
        });
        Err(CredentialsError::NotFound { tried: steps })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("tcredis-chain-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join(".tencentcloud")).unwrap();
        std::fs::create_dir_all(d.join(".tccli")).unwrap();
        d
    }

    fn config(home: &std::path::Path, env: &[(&str, &str)]) -> ChainConfig {
        let mut c = ChainConfig::new(
            env.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            home,
        );
        c.system_credentials_file = home.join("no-system-file");
        c
    }

    const ENV_PAIR: [(&str, &str); 2] = [
        ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
        ("TENCENTCLOUD_SECRET_KEY", "env-secret"),
    ];

    #[tokio::test]
    async fn env_beats_files_and_steps_are_recorded() {
        let h = home("env");
        std::fs::write(
            h.join(".tencentcloud/credentials"),
            "[default]\nsecret_id=AKIDini\nsecret_key=ini\n",
        )
        .unwrap();
        let r = DefaultChain::resolve(&config(&h, &ENV_PAIR)).unwrap();
        assert_eq!(r.provider.provide().await.unwrap().secret_id(), "AKIDenv");
        assert!(
            r.steps
                .iter()
                .any(|s| s.outcome == StepOutcome::Used && s.source.starts_with("env "))
        );
        let r = DefaultChain::resolve(&config(&h, &[])).unwrap();
        assert_eq!(r.provider.provide().await.unwrap().secret_id(), "AKIDini");
        assert!(r.source().contains(".tencentcloud/credentials [default]"));
    }

    #[tokio::test]
    async fn profile_selects_only_that_profile_and_its_region() {
        let h = home("profile");
        std::fs::write(
            h.join(".tccli/work.credential"),
            r#"{"secretId":"AKIDwork","secretKey":"w"}"#,
        )
        .unwrap();
        std::fs::write(
            h.join(".tccli/work.configure"),
            r#"{"_sys_param":{"region":"ap-chengdu"}}"#,
        )
        .unwrap();
        let mut c = config(&h, &ENV_PAIR);
        c.profile = Some("work".into());
        let r = DefaultChain::resolve(&c).unwrap();
        assert_eq!(r.provider.provide().await.unwrap().secret_id(), "AKIDwork");
        assert_eq!(r.profile_region.as_deref(), Some("ap-chengdu"));
        // TCCLI_PROFILE does the same.
        let r = DefaultChain::resolve(&config(
            &h,
            &[ENV_PAIR[0], ENV_PAIR[1], ("TCCLI_PROFILE", "work")],
        ))
        .unwrap();
        assert_eq!(r.provider.provide().await.unwrap().secret_id(), "AKIDwork");
        c.profile = Some("absent".into());
        assert!(matches!(
            DefaultChain::resolve(&c),
            Err(CredentialsError::NotFound { .. })
        ));
    }

    #[test]
    fn nothing_found_lists_every_step_without_secrets() {
        let h = home("none");
        let e = DefaultChain::resolve(&config(&h, &[])).unwrap_err();
        let text = e.to_string();
        for needle in [
            "CVM role",
            "env TENCENTCLOUD_SECRET_ID",
            "INI file [default]",
            "default.credential",
            "TKE OIDC",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }

    #[test]
    fn cvm_only_when_asked_and_role_wraps_base() {
        let h = home("cvm");
        let r = DefaultChain::resolve(&config(&h, &[("TENCENTCLOUD_USE_CVM_ROLE", "1")])).unwrap();
        assert!(r.source().starts_with("CVM role"));
        std::fs::write(
            h.join(".tccli/default.credential"),
            r#"{"type":"cvm-role"}"#,
        )
        .unwrap();
        let r = DefaultChain::resolve(&config(&h, &ENV_PAIR)).unwrap();
        assert!(
            r.source().starts_with("CVM role"),
            "tccli cvm-role profile asks for it"
        );
        std::fs::remove_file(h.join(".tccli/default.credential")).unwrap();
        let mut c = config(&h, &ENV_PAIR);
        c.role_arn = Some("qcs::cam::uin/1:roleName/r".into());
        let r = DefaultChain::resolve(&c).unwrap();
        assert!(
            r.source()
                .starts_with("STS AssumeRole qcs::cam::uin/1:roleName/r over env"),
            "{}",
            r.source()
        );
        let r = DefaultChain::resolve(&config(
            &h,
            &[
                ("TKE_PROVIDER_ID", "p"),
                ("TKE_WEB_IDENTITY_TOKEN_FILE", "/t"),
                ("TKE_ROLE_ARN", "arn"),
            ],
        ))
        .unwrap();
        assert!(r.source().contains("WebIdentity"));
    }

    #[test]
    fn half_set_env_is_an_error_not_a_fallthrough() {
        let h = home("half");
        let e =
            DefaultChain::resolve(&config(&h, &[("TENCENTCLOUD_SECRET_ID", "AKID")])).unwrap_err();
        assert!(matches!(e, CredentialsError::Invalid { .. }));
    }

    /// With `HOME` unset the CLI passes an empty home: no file relative to the working
    /// directory may be read (core's `locate` rule, shared with `config show`).
    #[test]
    fn an_empty_home_reads_no_relative_path() {
        let h = home("nohome");
        let mut c = config(&h, &[]);
        c.home = PathBuf::new();
        let text = DefaultChain::resolve(&c).unwrap_err().to_string();
        assert!(!text.contains("(.tencentcloud/credentials"), "{text}");
        assert!(!text.contains(" .tccli/"), "{text}");
        assert!(
            text.contains("~/.tccli/default.credential (no home directory)"),
            "{text}"
        );
    }

    /// A blank `TCCLI_PROFILE` is no profile (the env pair is used), a padded one is trimmed.
    #[tokio::test]
    async fn a_blank_profile_variable_is_unset() {
        let h = home("blankprofile");
        let r = DefaultChain::resolve(&config(
            &h,
            &[ENV_PAIR[0], ENV_PAIR[1], ("TCCLI_PROFILE", "  ")],
        ))
        .unwrap();
        assert_eq!(r.provider.provide().await.unwrap().secret_id(), "AKIDenv");
        std::fs::write(
            h.join(".tccli/work.credential"),
            r#"{"secretId":"AKIDwork","secretKey":"w"}"#,
        )
        .unwrap();
        let r = DefaultChain::resolve(&config(
            &h,
            &[ENV_PAIR[0], ENV_PAIR[1], ("TCCLI_PROFILE", " work ")],
        ))
        .unwrap();
        assert_eq!(r.provider.provide().await.unwrap().secret_id(), "AKIDwork");
    }
}
