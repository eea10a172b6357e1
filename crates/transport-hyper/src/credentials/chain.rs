//! The default credential chain, precedence exactly as the design card says (first match wins):
//!
//! 1. **CVM role** when asked (`use_cvm_role`, `TENCENTCLOUD_USE_CVM_ROLE=1`, a role name in
//!    `TENCENTCLOUD_CAM_ROLE_NAME` (then the role-list call is skipped), or a tccli credential
//!    of type `cvm-role`); never contacted otherwise.
//! 2. A **base pair**: with a profile (`profile`, else `TCCLI_PROFILE`, else
//!    `TENCENTCLOUD_PROFILE`) that profile only — INI section `[P]`, then
//!    `~/.tccli/P.credential`; otherwise the environment, then INI `[default]`, then
//!    `~/.tccli/default.credential`. A tccli `oauth` / `sso` login is used until 5 minutes
//!    before its `expiresAt`.
//! 3. **STS AssumeRole** wrapping the base pair when a role is named (`role_arn` +
//!    `role_session_name`, `TENCENTCLOUD_ROLE_ARN` + `TENCENTCLOUD_ROLE_SESSION_NAME`, the
//!    Terraform names `TENCENTCLOUD_ASSUME_ROLE_ARN` + `TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME`
//!    (+ `_SESSION_DURATION`, `_EXTERNAL_ID`), or the profile's role fields).
//! 4. **OIDC web identity** when there is no base pair and the TKE variables are set.
//! 5. Otherwise the base pair itself.
//!
//! Every step is recorded ([`ChainStep`]) so `config show` and the no-credentials error can say
//! what was tried; a warning is recorded for a credentials file others can read, for the file
//! that supplied the credentials only.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use tcredis_core::credentials::locate::{self, CredentialLocations, SYSTEM_CREDENTIALS_FILE};

use super::cvm::CvmRoleProvider;
use super::env::EnvProvider;
use super::fetch::FetchSettings;
use super::files::{ProfileData, permission_warning};
use super::profile_file::{IniLookup, ProfileFileProvider, pair_from};
use super::static_provider::StaticProvider;
use super::sts::{StsAssumeRoleProvider, WebIdentityProvider};
use super::tccli::{LoginProvider, TccliProfileProvider, source_name};
use super::{ChainStep, StepOutcome};
use super::{CredentialsError, SharedProvider};

/// The variable naming the CVM role to use (the Terraform provider's name); setting it asks
/// for the CVM role and skips the metadata call that lists the bound role.
pub const CAM_ROLE_NAME_VAR: &str = "TENCENTCLOUD_CAM_ROLE_NAME";

/// Inputs of the chain. Nothing is read from the process environment.
#[derive(Clone)]
pub struct ChainConfig {
    /// Environment snapshot.
    pub env: HashMap<String, String>,
    /// Home directory (`~`); an empty path means there is none (no home file is read, never
    /// one relative to the working directory).
    pub home: PathBuf,
    /// `--profile`; when `None`, `TCCLI_PROFILE`, then `TENCENTCLOUD_PROFILE` from `env`
    /// (trimmed; blank is unset): core's `locate` rule.
    pub profile: Option<String>,
    /// `--use-cvm-role`.
    pub use_cvm_role: bool,
    /// `--role-arn`.
    pub role_arn: Option<String>,
    /// `--role-session-name`.
    pub role_session_name: Option<String>,
    /// `--external-id`: the `ExternalId` of the role to assume.
    pub external_id: Option<String>,
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
            .field("external_id", &self.external_id)
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
            external_id: None,
            system_credentials_file: PathBuf::from(SYSTEM_CREDENTIALS_FILE),
            fetch: FetchSettings::default(),
        }
    }

    /// A non-empty variable of the snapshot.
    fn var(&self, name: &str) -> Option<String> {
        self.env
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Where the profile and its files are: core's rule, shared with the CLI's `config show`.
    fn locate(&self) -> CredentialLocations {
        locate::locate(
            &self.env,
            Some(&self.home),
            self.profile.as_deref(),
            &self.system_credentials_file,
        )
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
    /// Warnings for the user, e.g. the credentials file used is readable by others (with the
    /// command that fixes it). Never a secret.
    pub warnings: Vec<String>,
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

/// The pair found at step 2, with the file it came from.
struct Base {
    provider: SharedProvider,
    data: ProfileData,
    file: Option<PathBuf>,
}

/// The role to assume at step 3 and where it was named.
struct Role {
    arn: String,
    session_name: Option<String>,
    duration_seconds: Option<u32>,
    external_id: Option<String>,
    from: &'static str,
}

fn truthy(v: Option<String>) -> bool {
    v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

const TKE_VARS: [&str; 3] = [
    "TKE_PROVIDER_ID",
    "TKE_WEB_IDENTITY_TOKEN_FILE",
    "TKE_ROLE_ARN",
];

impl DefaultChain {
    /// Resolves the chain. Local sources (env, files) are read now; remote ones (STS, CVM) are
    /// contacted at the first `provide`.
    pub fn resolve(config: &ChainConfig) -> Result<ResolvedCredentials, CredentialsError> {
        let mut steps = Vec::new();
        let located = config.locate();
        let tccli = TccliProfileProvider::lookup(&located)?;

        if let Some(resolved) = Self::cvm_role(config, tccli.as_ref(), &mut steps) {
            return Ok(resolved);
        }
        let base = Self::base_pair(config, &located, tccli, &mut steps)?;
        let role = Self::role(config, base.as_ref())?;
        match base {
            Some(base) => Ok(Self::assume_role(config, base, role, steps)),
            None => {
                steps.push(ChainStep::new(
                    "STS AssumeRole",
                    StepOutcome::Skipped(match &role {
                        Some(r) => format!(
                            "role {} named ({}) but no key pair to assume it with",
                            r.arn, r.from
                        ),
                        None => "no key pair to assume a role with".into(),
                    }),
                ));
                Self::web_identity(config, steps)
            }
        }
    }

    /// Step 1: the CVM role, only when asked.
    fn cvm_role(
        config: &ChainConfig,
        tccli: Option<&(PathBuf, ProfileData)>,
        steps: &mut Vec<ChainStep>,
    ) -> Option<ResolvedCredentials> {
        let role_name = config.var(CAM_ROLE_NAME_VAR);
        let tccli_cvm = tccli.is_some_and(|(_, d)| d.cvm_role);
        let asked = config.use_cvm_role
            || truthy(config.var("TENCENTCLOUD_USE_CVM_ROLE"))
            || role_name.is_some()
            || tccli_cvm;
        if !asked {
            steps.push(ChainStep::new(
                "CVM role (metadata service)",
                StepOutcome::Skipped(format!(
                    "not asked for: --use-cvm-role, TENCENTCLOUD_USE_CVM_ROLE=1 or {CAM_ROLE_NAME_VAR}"
                )),
            ));
            return None;
        }
        let mut provider = CvmRoleProvider::from_env(&config.env, config.fetch.clone());
        let source = match &role_name {
            Some(role) => {
                provider = provider.role_name(role.clone());
                format!("CVM role {role} (metadata service, {CAM_ROLE_NAME_VAR})")
            }
            None => "CVM role (metadata service)".to_owned(),
        };
        steps.push(ChainStep::new(source, StepOutcome::Used));
        Some(ResolvedCredentials {
            provider: Arc::new(provider),
            steps: std::mem::take(steps),
            profile_region: tccli.and_then(|(_, d)| d.region.clone()),
            warnings: Vec::new(),
        })
    }

    /// Step 2: the base pair (environment, INI file, tccli file).
    fn base_pair(
        config: &ChainConfig,
        located: &CredentialLocations,
        tccli: Option<(PathBuf, ProfileData)>,
        steps: &mut Vec<ChainStep>,
    ) -> Result<Option<Base>, CredentialsError> {
        let profile = located.profile().name();
        let env_source = "env TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY";
        if located.profile().is_named() {
            steps.push(ChainStep::new(
                env_source,
                StepOutcome::Skipped(format!(
                    "profile {profile:?} selected ({})",
                    located.profile().origin()
                )),
            ));
        } else if let Some(c) = EnvProvider::read(&config.env)? {
            steps.push(ChainStep::new(env_source, StepOutcome::Used));
            return Ok(Some(Base {
                provider: Arc::new(StaticProvider::with_source(c, env_source)),
                data: ProfileData::default(),
                file: None,
            }));
        } else {
            steps.push(ChainStep::new(
                env_source,
                StepOutcome::NotFound("not set".into()),
            ));
        }
        let lookup = ProfileFileProvider::lookup(located.ini(), profile)?;
        match lookup {
            IniLookup {
                path: Some(path),
                data: Some(data),
            } => {
                let source = format!("{} [{profile}]", path.display());
                let credentials = pair_from(&source, &data)?;
                steps.push(ChainStep::new(&source, StepOutcome::Used));
                return Ok(Some(Base {
                    provider: Arc::new(StaticProvider::with_source(credentials, source)),
                    data,
                    file: Some(path),
                }));
            }
            IniLookup {
                path: Some(path),
                data: None,
            } => steps.push(ChainStep::new(
                format!("{} [{profile}]", path.display()),
                StepOutcome::NotFound("no such section".into()),
            )),
            IniLookup { path: None, .. } => {
                let names = located
                    .ini()
                    .candidates()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                steps.push(ChainStep::new(
                    format!("INI file [{profile}] ({names})"),
                    StepOutcome::NotFound("no file exists".into()),
                ));
            }
        }
        let source = source_name(located);
        let Some((path, data)) = tccli else {
            steps.push(ChainStep::new(
                source,
                StepOutcome::NotFound("no such file".into()),
            ));
            return Ok(None);
        };
        let credentials = pair_from(&source, &data)?;
        let provider: SharedProvider = match (data.login_command, data.expires_at) {
            (Some(command), Some(at)) => Arc::new(LoginProvider::new(
                credentials,
                source.clone(),
                at,
                command,
                profile,
            )),
            _ => Arc::new(StaticProvider::with_source(credentials, source.clone())),
        };
        steps.push(ChainStep::new(source, StepOutcome::Used));
        Ok(Some(Base {
            provider,
            data,
            file: Some(path),
        }))
    }

    /// The role named for step 3, if any.
    fn role(config: &ChainConfig, base: Option<&Base>) -> Result<Option<Role>, CredentialsError> {
        let duration = match config.var("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION") {
            None => None,
            Some(v) => Some(
                v.parse::<u32>()
                    .ok()
                    .filter(|d| (1..=43_200).contains(d))
                    .ok_or_else(|| {
                        CredentialsError::invalid(
                            "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION",
                            format!("{v:?} is not a number of seconds in 1..=43200"),
                        )
                    })?,
            ),
        };
        let external_id = config
            .external_id
            .clone()
            .or_else(|| config.var("TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"));
        let named = |arn: String, session_name: Option<String>, from| Role {
            arn,
            session_name,
            duration_seconds: duration,
            external_id: external_id.clone(),
            from,
        };
        if let Some(arn) = &config.role_arn {
            return Ok(Some(named(
                arn.clone(),
                config.role_session_name.clone(),
                "--role-arn",
            )));
        }
        for (arn_var, name_var, from) in [
            (
                "TENCENTCLOUD_ROLE_ARN",
                "TENCENTCLOUD_ROLE_SESSION_NAME",
                "env TENCENTCLOUD_ROLE_ARN",
            ),
            (
                "TENCENTCLOUD_ASSUME_ROLE_ARN",
                "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME",
                "env TENCENTCLOUD_ASSUME_ROLE_ARN",
            ),
        ] {
            if let Some(arn) = config.var(arn_var) {
                return Ok(Some(named(arn, config.var(name_var), from)));
            }
        }
        Ok(base.and_then(|b| {
            b.data
                .role_arn
                .clone()
                .map(|arn| named(arn, b.data.role_session_name.clone(), "profile role_arn"))
        }))
    }

    /// Steps 3 and 5: STS AssumeRole over the base pair when a role is named, else the pair.
    fn assume_role(
        config: &ChainConfig,
        base: Base,
        role: Option<Role>,
        mut steps: Vec<ChainStep>,
    ) -> ResolvedCredentials {
        let warnings = base
            .file
            .as_deref()
            .and_then(permission_warning)
            .into_iter()
            .collect();
        let provider: SharedProvider = match role {
            Some(role) => {
                // tccli's `sts.endpoint` applies unless the environment names one.
                let mut env = config.env.clone();
                if let Some(e) = base.data.sts_endpoint.clone() {
                    env.entry(super::sts::STS_ENDPOINT_VAR.to_owned())
                        .or_insert(e);
                }
                steps.push(ChainStep::new(
                    format!("STS AssumeRole ({})", role.from),
                    StepOutcome::Used,
                ));
                let mut p = StsAssumeRoleProvider::new(
                    base.provider,
                    role.arn,
                    role.session_name,
                    &env,
                    config.fetch.clone(),
                );
                if let Some(d) = role.duration_seconds {
                    p = p.duration_seconds(d);
                }
                if let Some(id) = role.external_id {
                    p = p.external_id(id);
                }
                Arc::new(p)
            }
            None => {
                steps.push(ChainStep::new(
                    "STS AssumeRole",
                    StepOutcome::Skipped(
                        "no role named: --role-arn, TENCENTCLOUD_ROLE_ARN, TENCENTCLOUD_ASSUME_ROLE_ARN or the profile's role_arn".into(),
                    ),
                ));
                base.provider
            }
        };
        ResolvedCredentials {
            provider,
            steps,
            profile_region: base.data.region,
            warnings,
        }
    }

    /// Step 4: OIDC web identity (TKE); the error lists every step when it is not set either.
    fn web_identity(
        config: &ChainConfig,
        mut steps: Vec<ChainStep>,
    ) -> Result<ResolvedCredentials, CredentialsError> {
        let oidc_source = format!("TKE OIDC ({})", TKE_VARS.join(", "));
        if let Some(p) = WebIdentityProvider::from_env(&config.env, config.fetch.clone()) {
            steps.push(ChainStep::new(oidc_source, StepOutcome::Used));
            return Ok(ResolvedCredentials {
                provider: Arc::new(p),
                steps,
                profile_region: config.var("TKE_REGION"),
                warnings: Vec::new(),
            });
        }
        let (set, missing): (Vec<&str>, Vec<&str>) =
            TKE_VARS.iter().partition(|v| config.var(v).is_some());
        let why = if set.is_empty() {
            "not set".to_owned()
        } else {
            format!(
                "{} not set ({} {} set)",
                missing.join(" and "),
                set.join(" and "),
                if set.len() == 1 { "is" } else { "are" }
            )
        };
        steps.push(ChainStep::new(oidc_source, StepOutcome::NotFound(why)));
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
