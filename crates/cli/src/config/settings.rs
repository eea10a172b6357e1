//! Resolution of the connection settings from flags, the environment snapshot and profile
//! files, each value remembering where it came from (for `config show`). The environment is
//! read once, at start, into a map: nothing below reads process-global state.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tcredis_core::credentials::locate::{self, CredentialLocations, ProfileSource};
use tcredis_core::endpoint::{ConnectAddress, Endpoint, Scheme};
use tcredis_transport_hyper::proxy::ProxyConfig;
use tcredis_transport_hyper::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, ResolveOverride};

use crate::config::GlobalOptions;
use crate::exit::CliError;

/// The region `--mock` uses when none is given.
pub const MOCK_REGION: &str = "ap-guangzhou";
/// Default client-side rate (requests per second): the transport's, which is core's.
pub const DEFAULT_RATE_LIMIT: f64 = tcredis_transport_hyper::DEFAULT_RATE_LIMIT;
/// Default retries after the first attempt: the transport's, which is core's.
pub const DEFAULT_MAX_RETRIES: u32 = tcredis_transport_hyper::DEFAULT_MAX_RETRIES;

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A key in a profile file.
    File(PathBuf, &'static str),
    /// The built-in default.
    Default,
    /// Chosen for `--mock`.
    Mock,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(name) => write!(f, "flag {name}"),
            Self::Env(name) => write!(f, "env {name}"),
            Self::File(path, key) => write!(f, "{} ({key})", path.display()),
            Self::Default => f.write_str("default"),
            Self::Mock => f.write_str("--mock"),
        }
    }
}

/// A value and its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

fn sourced<T>(value: T, source: Source) -> Sourced<T> {
    Sourced { value, source }
}

/// What the process started with: environment variables and the home directory.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Every variable (UTF-8 ones only).
    pub vars: HashMap<String, String>,
    /// `$HOME`, when set.
    pub home: Option<PathBuf>,
}

impl Environment {
    /// Snapshots the process environment once.
    pub fn capture() -> Self {
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = vars
            .get("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Self { vars, home }
    }

    /// A non-empty variable.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The resolved connection settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The profile name used for files.
    pub profile: Sourced<String>,
    /// The region (None only for `config show`, which reports it missing).
    pub region: Option<Sourced<String>>,
    /// The endpoint (for `--mock`, filled in once the mock listens).
    pub endpoint: Sourced<Endpoint>,
    /// `--connect-to`.
    pub connect_to: Option<Sourced<ConnectAddress>>,
    /// `--resolve` overrides.
    pub resolve: Vec<ResolveOverride>,
    /// Endpoint failover (`--no-failover` turns it off).
    pub failover: Sourced<bool>,
    /// The proxy requests to the endpoint go through: `--proxy`, or the environment's
    /// (`HTTPS_PROXY` / `HTTP_PROXY` by the endpoint's scheme, else `ALL_PROXY`).
    pub proxy: Option<Sourced<String>>,
    /// `NO_PROXY` names the endpoint: the proxy above is not used.
    pub proxy_bypassed: bool,
    /// Extra CA file.
    pub ca_file: Option<Sourced<PathBuf>>,
    /// `X-TC-Language`.
    pub language: Option<Sourced<String>>,
    /// Connect timeout.
    pub connect_timeout: Sourced<Duration>,
    /// Per-attempt timeout.
    pub timeout: Sourced<Duration>,
    /// Whole-command deadline.
    pub deadline: Option<Sourced<Duration>>,
    /// Requests per second (0 = off).
    pub rate_limit: Sourced<f64>,
    /// Retries after the first attempt.
    pub max_retries: Sourced<u32>,
}

impl Settings {
    /// The region, or the configuration error that says how to set one.
    pub fn require_region(&self) -> Result<&str, CliError> {
        self.region.as_ref().map(|r| r.value.as_str()).ok_or_else(|| {
            CliError::usage(format!(
                "no region: pass --region (e.g. ap-guangzhou), set TENCENTCLOUD_REGION, or set a region in profile {:?} \
                 (~/.tccli/{}.configure `_sys_param.region` or `region` in the credentials file)",
                self.profile.value, self.profile.value
            ))
        })
    }
}

/// Where profile and credential files are: core's rule, the one the credential chain uses.
fn locations(g: &GlobalOptions, env: &Environment) -> CredentialLocations {
    locate::locate(
        &env.vars,
        env.home.as_deref(),
        g.profile.as_deref(),
        Path::new(locate::SYSTEM_CREDENTIALS_FILE),
    )
}

/// The profile name: `--profile`, else `TCCLI_PROFILE`, else `TENCENTCLOUD_PROFILE` (the
/// Terraform provider's; each trimmed, blank is unset), else `default`.
pub fn profile_name(g: &GlobalOptions, env: &Environment) -> Sourced<String> {
    let located = locations(g, env);
    let profile = located.profile();
    let source = match profile.source() {
        ProfileSource::Flag => Source::Flag("--profile"),
        ProfileSource::Env => Source::Env(locate::PROFILE_VAR),
        ProfileSource::TerraformEnv => Source::Env(locate::TERRAFORM_PROFILE_VAR),
        _ => Source::Default,
    };
    sourced(profile.name().to_owned(), source)
}

/// The INI credentials file in effect (core's `locate` rule): `TENCENTCLOUD_CREDENTIALS_FILE`
/// (none when it is blank or the file is missing: the chain reports that), else the first of
/// `~/.tencentcloud/credentials` and `/etc/tencentcloud/credentials` that exists.
pub fn credentials_file(g: &GlobalOptions, env: &Environment) -> Option<PathBuf> {
    let located = locations(g, env);
    let file = located.ini().select(Path::exists).ok()??;
    Some(file.to_path_buf())
}

/// The `region` of an INI profile section (core's parser; files are only ever read).
fn ini_region(path: &Path, profile: &str) -> Option<String> {
    // Through the one bounded reader (a FIFO or /dev/zero here would hang or fill memory);
    // a file that cannot be read is reported by the credential chain, with its path.
    let text =
        tcredis_files::read_regular_text(path, tcredis_files::MAX_CREDENTIALS_FILE_BYTES).ok()?;
    let file = tcredis_core::credentials::ini::parse(&text).ok()?;
    file.profile(profile)?
        .region()
        .map(str::to_owned)
        .filter(|r| !r.is_empty())
}

/// The profile's tccli `.configure` (tccli's JSON; core's parser; at the path core's `locate`
/// gives, through the bounded reader) and its path.
fn tccli_configure(
    g: &GlobalOptions,
    env: &Environment,
) -> Option<(tcredis_core::credentials::tccli::TccliConfigure, PathBuf)> {
    let path = locations(g, env).tccli_configure()?.to_path_buf();
    let bytes =
        tcredis_files::read_regular_file(&path, tcredis_files::MAX_CONFIG_FILE_BYTES).ok()?;
    let configure = tcredis_core::credentials::tccli::parse_configure(&bytes).ok()?;
    Some((configure, path))
}

/// `_sys_param.region` of the profile's tccli `.configure`.
fn tccli_region(g: &GlobalOptions, env: &Environment) -> Option<(String, PathBuf)> {
    let (configure, path) = tccli_configure(g, env)?;
    let region = configure.region()?.trim();
    (!region.is_empty()).then(|| (region.to_owned(), path))
}

/// `redis.endpoint` of the profile's tccli `.configure` (honoured as tccli does, like its
/// `sts.endpoint`).
fn tccli_endpoint(g: &GlobalOptions, env: &Environment) -> Option<(String, PathBuf)> {
    let (configure, path) = tccli_configure(g, env)?;
    let endpoint = configure.redis_endpoint()?.trim();
    (!endpoint.is_empty()).then(|| (endpoint.to_owned(), path))
}

/// The proxy for requests to `endpoint` and whether `NO_PROXY` bypasses it: `--proxy`, else
/// `HTTPS_PROXY` (https) or `HTTP_PROXY` (http), lower-case names too, else `ALL_PROXY` — the
/// transport's own selection ([`ProxyConfig`]), named here for `config show`.
fn proxy_for(
    g: &GlobalOptions,
    env: &Environment,
    endpoint: &Endpoint,
) -> Result<(Option<Sourced<String>>, bool), CliError> {
    let https = endpoint.scheme() == Scheme::Https;
    let named = match &g.proxy {
        Some(p) => Some(sourced(p.clone(), Source::Flag("--proxy"))),
        None => {
            let names: [&'static str; 4] = if https {
                ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
            } else {
                ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
            };
            names.into_iter().find_map(|name| {
                env.get(name)
                    .map(|v| sourced(v.to_owned(), Source::Env(name)))
            })
        }
    };
    let config = ProxyConfig::from_settings(g.proxy.as_deref(), &env.vars)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let used = config
        .proxy_for(https, endpoint.host(), endpoint.effective_port())
        .is_some();
    Ok((named.clone(), named.is_some() && !used))
}

/// Resolves every setting except credentials. `mock` says the mock will be the endpoint.
pub fn resolve(g: &GlobalOptions, env: &Environment) -> Result<Settings, CliError> {
    let profile = profile_name(g, env);
    let region = resolve_region(g, env, &profile.value);
    let profile_endpoint = tccli_endpoint(g, env);
    let endpoint = match (&g.endpoint, profile_endpoint) {
        (Some(text), _) => {
            let e =
                Endpoint::parse(text).map_err(|e| CliError::usage(format!("--endpoint: {e}")))?;
            sourced(e, Source::Flag("--endpoint"))
        }
        // The mock's loopback address is only known once it listens (`backend::start_mock`).
        (None, _) if g.mock => sourced(Endpoint::default(), Source::Mock),
        (None, Some((text, path))) => {
            let e = Endpoint::parse(&text).map_err(|e| {
                CliError::usage(format!("{} (redis.endpoint): {e}", path.display()))
            })?;
            sourced(e, Source::File(path, "redis.endpoint"))
        }
        (None, None) => {
            let e = region
                .as_ref()
                .map_or_else(Endpoint::default, |r| Endpoint::for_region(&r.value));
            sourced(e, Source::Default)
        }
    };
    // Not for --mock: its endpoint is a loopback address, which is never second-guessed.
    if let Some(r) = region.as_ref().filter(|_| !g.mock) {
        let flag = match &endpoint.source {
            Source::File(path, key) => format!("--region/{} ({key})", path.display()),
            _ => "--region/--endpoint".to_owned(),
        };
        endpoint
            .value
            .check_region(&r.value)
            .map_err(|e| CliError::usage(format!("{flag}: {e}")))?;
    }
    let connect_to = g
        .connect_to
        .as_deref()
        .map(|t| {
            ConnectAddress::parse(t)
                .map(|a| sourced(a, Source::Flag("--connect-to")))
                .map_err(|e| CliError::usage(format!("--connect-to: {e}")))
        })
        .transpose()?;
    let (proxy, proxy_bypassed) = if g.mock {
        (None, false)
    } else {
        proxy_for(g, env, &endpoint.value)?
    };
    let ca_file = g
        .ca_file
        .clone()
        .map(|p| sourced(p, Source::Flag("--ca-file")));
    let language = Some(g.language.clone().map_or_else(
        || {
            sourced(
                tcredis_transport_hyper::DEFAULT_LANGUAGE.to_owned(),
                Source::Default,
            )
        },
        |l| sourced(l, Source::Flag("--language")),
    ));
    let flag = |d: Option<Duration>, name| d.map(|d| sourced(d, Source::Flag(name)));
    let or_default = |d: Option<Duration>, name, default| {
        flag(d, name).unwrap_or_else(|| sourced(default, Source::Default))
    };
    Ok(Settings {
        profile,
        region,
        endpoint,
        connect_to,
        resolve: g.resolve.clone(),
        failover: if g.failover {
            sourced(true, Source::Default)
        } else {
            sourced(false, Source::Flag("--no-failover"))
        },
        proxy,
        proxy_bypassed,
        ca_file,
        language,
        connect_timeout: or_default(
            g.connect_timeout,
            "--connect-timeout",
            DEFAULT_CONNECT_TIMEOUT,
        ),
        timeout: or_default(g.timeout, "--timeout", DEFAULT_REQUEST_TIMEOUT),
        deadline: flag(g.deadline, "--deadline"),
        rate_limit: g.rate_limit.map_or_else(
            || sourced(DEFAULT_RATE_LIMIT, Source::Default),
            |r| sourced(r, Source::Flag("--rate-limit")),
        ),
        max_retries: g.max_retries.map_or_else(
            || sourced(DEFAULT_MAX_RETRIES, Source::Default),
            |n| sourced(n, Source::Flag("--max-retries")),
        ),
    })
}

/// `--region` > `TENCENTCLOUD_REGION` > the profile's region (tccli `.configure`, then the INI
/// file's `region`) > `TKE_REGION` (the cluster's region on TKE) > `ap-guangzhou` for
/// `--mock` > none.
fn resolve_region(g: &GlobalOptions, env: &Environment, profile: &str) -> Option<Sourced<String>> {
    if let Some(r) = &g.region {
        return Some(sourced(r.clone(), Source::Flag("--region")));
    }
    if let Some(r) = env.get("TENCENTCLOUD_REGION") {
        return Some(sourced(r.to_owned(), Source::Env("TENCENTCLOUD_REGION")));
    }
    if let Some((r, path)) = tccli_region(g, env) {
        return Some(sourced(r, Source::File(path, "_sys_param.region")));
    }
    if let Some(path) = credentials_file(g, env)
        && let Some(r) = ini_region(&path, profile)
    {
        return Some(sourced(r, Source::File(path, "region")));
    }
    if let Some(r) = env.get("TKE_REGION") {
        return Some(sourced(r.to_owned(), Source::Env("TKE_REGION")));
    }
    g.mock
        .then(|| sourced(MOCK_REGION.to_owned(), Source::Mock))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)], home: Option<&Path>) -> Environment {
        Environment {
            vars: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: home.map(Path::to_path_buf),
        }
    }

    #[test]
    fn region_precedence() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".tccli")).unwrap();
        std::fs::write(
            dir.path().join(".tccli/work.configure"),
            r#"{"_sys_param":{"region":"ap-shanghai"}}"#,
        )
        .unwrap();
        let ini = dir.path().join("creds.ini");
        std::fs::write(
            &ini,
            "[default]\nregion = ap-chengdu\n[work]\nsecret_id = x\n",
        )
        .unwrap();

        let mut g = GlobalOptions {
            region: Some("ap-beijing".into()),
            profile: Some("work".into()),
            ..Default::default()
        };
        let e = env(
            &[
                ("TENCENTCLOUD_REGION", "ap-nanjing"),
                ("TENCENTCLOUD_CREDENTIALS_FILE", ini.to_str().unwrap()),
            ],
            Some(dir.path()),
        );
        let s = resolve(&g, &e).unwrap();
        assert_eq!(s.region.as_ref().unwrap().value, "ap-beijing");
        assert_eq!(s.region.unwrap().source, Source::Flag("--region"));
        g.region = None;
        assert_eq!(resolve(&g, &e).unwrap().region.unwrap().value, "ap-nanjing");
        let e2 = env(
            &[("TENCENTCLOUD_CREDENTIALS_FILE", ini.to_str().unwrap())],
            Some(dir.path()),
        );
        let r = resolve(&g, &e2).unwrap().region.unwrap();
        assert_eq!(r.value, "ap-shanghai");
        assert!(matches!(r.source, Source::File(_, "_sys_param.region")));
        g.profile = None;
        let r = resolve(&g, &e2).unwrap().region.unwrap();
        assert_eq!(
            (r.value.as_str(), r.source),
            ("ap-chengdu", Source::File(ini.clone(), "region"))
        );
        let none = resolve(&GlobalOptions::default(), &env(&[], None)).unwrap();
        let err = none.require_region().unwrap_err();
        assert!(
            err.message.contains("--region") && err.message.contains("TENCENTCLOUD_REGION"),
            "{err}"
        );
        let mock = resolve(
            &GlobalOptions {
                mock: true,
                ..Default::default()
            },
            &env(&[], None),
        )
        .unwrap();
        assert_eq!(mock.region.unwrap().value, MOCK_REGION);
    }

    /// Where `config show` and the credential chain used to disagree; both now ask core's
    /// `credentials::locate`.
    #[test]
    fn profile_and_credentials_file_follow_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".tencentcloud")).unwrap();
        std::fs::write(
            dir.path().join(".tencentcloud/credentials"),
            "[default]\nregion = ap-chengdu\n",
        )
        .unwrap();
        let g = GlobalOptions::default();
        // A blank TCCLI_PROFILE is no profile (was: the profile named "  ").
        let p = profile_name(&g, &env(&[("TCCLI_PROFILE", "  ")], Some(dir.path())));
        assert_eq!((p.value.as_str(), p.source), ("default", Source::Default));
        let p = profile_name(&g, &env(&[("TCCLI_PROFILE", " work ")], Some(dir.path())));
        assert_eq!(
            (p.value.as_str(), p.source),
            ("work", Source::Env("TCCLI_PROFILE"))
        );
        // The home file is read for the region ...
        let home = env(&[], Some(dir.path()));
        assert_eq!(
            resolve(&g, &home).unwrap().region.unwrap().value,
            "ap-chengdu"
        );
        // ... but not when TENCENTCLOUD_CREDENTIALS_FILE is blank (the chain refuses that; this
        // used to fall through to the home file) or names a missing file.
        for value in ["", "  ", "/nonexistent/creds.ini"] {
            let e = env(
                &[("TENCENTCLOUD_CREDENTIALS_FILE", value)],
                Some(dir.path()),
            );
            assert_eq!(credentials_file(&g, &e), None, "{value:?}");
            assert!(resolve(&g, &e).unwrap().region.is_none(), "{value:?}");
        }
    }

    #[test]
    fn endpoints_follow_the_card() {
        let e = env(&[], None);
        let fsi = resolve(
            &GlobalOptions {
                region: Some("ap-shanghai-fsi".into()),
                ..Default::default()
            },
            &e,
        )
        .unwrap();
        assert_eq!(
            fsi.endpoint.value.host(),
            "redis.ap-shanghai-fsi.tencentcloudapi.com"
        );
        let plain = resolve(
            &GlobalOptions {
                region: Some("ap-guangzhou".into()),
                ..Default::default()
            },
            &e,
        )
        .unwrap();
        assert_eq!(plain.endpoint.value.host(), "redis.tencentcloudapi.com");
        let bad = resolve(
            &GlobalOptions {
                endpoint: Some("http://127.0.0.1:1/x".into()),
                ..Default::default()
            },
            &e,
        );
        assert!(bad.unwrap_err().message.starts_with("--endpoint: "));
        let mismatch = resolve(
            &GlobalOptions {
                region: Some("ap-shanghai-fsi".into()),
                endpoint: Some("redis.tencentcloudapi.com".into()),
                ..Default::default()
            },
            &e,
        );
        assert_eq!(mismatch.unwrap_err().outcome, crate::exit::Outcome::Usage);
        let loopback = resolve(
            &GlobalOptions {
                region: Some("ap-shanghai-fsi".into()),
                endpoint: Some("http://127.0.0.1:9".into()),
                ..Default::default()
            },
            &e,
        );
        assert!(loopback.is_ok());
        let bad_connect = resolve(
            &GlobalOptions {
                connect_to: Some("127.0.0.1".into()),
                ..Default::default()
            },
            &e,
        );
        assert!(bad_connect.unwrap_err().message.contains("--connect-to"));
    }

    #[test]
    fn proxy_from_flag_or_env_and_no_proxy_bypass() {
        let e = env(&[("ALL_PROXY", "http://all:3128")], None);
        let s = resolve(&GlobalOptions::default(), &e).unwrap();
        assert_eq!(s.proxy.unwrap().source, Source::Env("ALL_PROXY"));
        assert!(!s.proxy_bypassed);
        let e = env(
            &[
                ("HTTPS_PROXY", "http://proxy:3128"),
                ("NO_PROXY", ".tencentcloudapi.com"),
            ],
            None,
        );
        let s = resolve(&GlobalOptions::default(), &e).unwrap();
        assert!(s.proxy_bypassed, "NO_PROXY names the endpoint");
        assert_eq!(s.connect_timeout.value, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(s.timeout.source, Source::Default);
        let e = env(&[("HTTPS_PROXY", "http://proxy:3128")], None);
        let s = resolve(&GlobalOptions::default(), &e).unwrap();
        assert_eq!(s.proxy.unwrap().source, Source::Env("HTTPS_PROXY"));
        let s = resolve(
            &GlobalOptions {
                proxy: Some("http://p:1".into()),
                ..Default::default()
            },
            &e,
        )
        .unwrap();
        assert_eq!(s.proxy.unwrap().value, "http://p:1");
        assert_eq!(s.rate_limit.value, DEFAULT_RATE_LIMIT);
        assert_eq!(s.max_retries.value, 4);
    }
}
