//! Where credentials are looked for: the profile name, the INI credentials files and tccli's
//! profile files, with their precedence, as a pure function of an environment snapshot, the
//! home directory and the `--profile` flag.
//!
//! Both the transport's default credential chain and the CLI's `config show` (and its region
//! lookup) call [`locate`], so they cannot disagree about which profile or which file is in
//! effect. Nothing here touches the file system: [`IniFiles::select`] takes the existence
//! probe as an argument.
//!
//! The rules (the design card's "Credentials"; the Go SDK's for the INI file):
//! - the profile is `--profile` as given, else `TCCLI_PROFILE`, else `TENCENTCLOUD_PROFILE`
//!   (the Terraform provider's name), each with surrounding white space removed (blank counts
//!   as unset), else `default`;
//! - the INI file is `TENCENTCLOUD_CREDENTIALS_FILE` when set (blank is an error, a missing
//!   file is an error, both reported when the INI file is consulted), else the first of `<home>/.tencentcloud/credentials` and
//!   `/etc/tencentcloud/credentials` that exists (a directory or unreadable file there counts
//!   as existing: reading it then fails, loudly, instead of being skipped);
//! - tccli's files are `<home>/.tccli/<profile>.credential` and `.configure`;
//! - without a home directory (unset or empty) no home file is looked for: never a path
//!   relative to the working directory.
//!
//! ```
//! use std::collections::HashMap;
//! use std::path::Path;
//! use tcredis_core::credentials::locate::{self, ProfileSource, SYSTEM_CREDENTIALS_FILE};
//!
//! let env = HashMap::from([("TCCLI_PROFILE".to_owned(), " work ".to_owned())]);
//! let found = locate::locate(&env, Some(Path::new("/home/u")), None, Path::new(SYSTEM_CREDENTIALS_FILE));
//! assert_eq!((found.profile().name(), found.profile().source()), ("work", ProfileSource::Env));
//! assert_eq!(
//!     found.ini().candidates(),
//!     [Path::new("/home/u/.tencentcloud/credentials"), Path::new("/etc/tencentcloud/credentials")]
//! );
//! assert_eq!(found.tccli_credential(), Some(Path::new("/home/u/.tccli/work.credential")));
//! // The first candidate that exists is the file in effect.
//! let in_effect = found.ini().select(|p| p.starts_with("/etc"))?;
//! assert_eq!(in_effect, Some(Path::new("/etc/tencentcloud/credentials")));
//! # Ok::<(), locate::LocateError>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The variable naming the profile (tccli's).
pub const PROFILE_VAR: &str = "TCCLI_PROFILE";
/// The Terraform provider's variable naming the profile, read when [`PROFILE_VAR`] is unset.
pub const TERRAFORM_PROFILE_VAR: &str = "TENCENTCLOUD_PROFILE";
/// The variable naming an INI credentials file.
pub const CREDENTIALS_FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// The system-wide INI credentials file.
pub const SYSTEM_CREDENTIALS_FILE: &str = "/etc/tencentcloud/credentials";
/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Where the profile name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileSource {
    /// The `--profile` flag.
    Flag,
    /// The [`PROFILE_VAR`] variable.
    Env,
    /// The [`TERRAFORM_PROFILE_VAR`] variable ([`PROFILE_VAR`] unset or blank).
    TerraformEnv,
    /// Nothing named one: [`DEFAULT_PROFILE`].
    Default,
}

/// The profile in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    name: String,
    source: ProfileSource,
}

impl Profile {
    /// The profile name: the INI section and the tccli file stem.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the name came from.
    pub fn source(&self) -> ProfileSource {
        self.source
    }

    /// Whether a profile was named (flag or variable): the chain then reads that profile only
    /// and skips the environment pair.
    pub fn is_named(&self) -> bool {
        self.source != ProfileSource::Default
    }

    /// Where the name came from, in words for messages: `--profile`, `env TCCLI_PROFILE`,
    /// `env TENCENTCLOUD_PROFILE` or `default`.
    pub fn origin(&self) -> &'static str {
        match self.source {
            ProfileSource::Flag => "--profile",
            ProfileSource::Env => "env TCCLI_PROFILE",
            ProfileSource::TerraformEnv => "env TENCENTCLOUD_PROFILE",
            ProfileSource::Default => "default",
        }
    }
}

/// The INI credentials files to consult.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IniFiles {
    /// [`CREDENTIALS_FILE_VAR`] names this file: it alone is read, and it must exist.
    Named(PathBuf),
    /// The first of these that exists is read; none existing is not an error.
    Search(Vec<PathBuf>),
    /// [`CREDENTIALS_FILE_VAR`] is set but blank: consulting the INI file is an error.
    BlankVariable,
}

impl IniFiles {
    /// The files in precedence order.
    pub fn candidates(&self) -> &[PathBuf] {
        match self {
            Self::Named(path) => std::slice::from_ref(path),
            Self::Search(paths) => paths,
            Self::BlankVariable => &[],
        }
    }

    /// The file in effect, given a probe that says whether a path exists: the named file
    /// (an error if it does not exist), else the first candidate that exists, else `None`;
    /// an error when the variable is blank.
    pub fn select(
        &self,
        mut exists: impl FnMut(&Path) -> bool,
    ) -> Result<Option<&Path>, LocateError> {
        match self {
            Self::Named(path) if exists(path) => Ok(Some(path)),
            Self::Named(path) => Err(LocateError::MissingCredentialsFile(path.clone())),
            Self::Search(paths) => Ok(paths.iter().map(PathBuf::as_path).find(|p| exists(p))),
            Self::BlankVariable => Err(LocateError::EmptyCredentialsFile),
        }
    }
}

/// Every location [`locate`] found, in precedence order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialLocations {
    profile: Profile,
    ini: IniFiles,
    tccli_credential: Option<PathBuf>,
    tccli_configure: Option<PathBuf>,
}

impl CredentialLocations {
    /// The profile in effect.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The INI files to consult for section `[profile]`.
    pub fn ini(&self) -> &IniFiles {
        &self.ini
    }

    /// `<home>/.tccli/<profile>.credential`; `None` without a home directory.
    pub fn tccli_credential(&self) -> Option<&Path> {
        self.tccli_credential.as_deref()
    }

    /// `<home>/.tccli/<profile>.configure` (region, STS endpoint); `None` without a home
    /// directory.
    pub fn tccli_configure(&self) -> Option<&Path> {
        self.tccli_configure.as_deref()
    }
}

/// Why no INI file can be chosen ([`IniFiles::select`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LocateError {
    /// [`CREDENTIALS_FILE_VAR`] is set to nothing (or only white space).
    EmptyCredentialsFile,
    /// [`CREDENTIALS_FILE_VAR`] names a file that does not exist.
    MissingCredentialsFile(PathBuf),
}

impl fmt::Display for LocateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyCredentialsFile => write!(
                f,
                "{CREDENTIALS_FILE_VAR} is set but empty; unset it or name a file"
            ),
            Self::MissingCredentialsFile(path) => write!(
                f,
                "{CREDENTIALS_FILE_VAR}={}: the file does not exist",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LocateError {}

/// Works out the profile and the credential file locations from an environment snapshot, the
/// home directory (`None` or an empty path: there is none), the `--profile` flag and the
/// system-wide INI file (normally [`SYSTEM_CREDENTIALS_FILE`]; tests point it elsewhere).
pub fn locate(
    env: &HashMap<String, String>,
    home: Option<&Path>,
    profile_flag: Option<&str>,
    system_file: &Path,
) -> CredentialLocations {
    let profile = match profile_flag {
        Some(name) => Profile {
            name: name.to_owned(),
            source: ProfileSource::Flag,
        },
        None => [
            (PROFILE_VAR, ProfileSource::Env),
            (TERRAFORM_PROFILE_VAR, ProfileSource::TerraformEnv),
        ]
        .into_iter()
        .find_map(|(var, source)| {
            env.get(var)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(|name| Profile {
                    name: name.to_owned(),
                    source,
                })
        })
        .unwrap_or_else(|| Profile {
            name: DEFAULT_PROFILE.to_owned(),
            source: ProfileSource::Default,
        }),
    };
    let home = home.filter(|h| !h.as_os_str().is_empty());
    let ini = match env.get(CREDENTIALS_FILE_VAR) {
        Some(named) if named.trim().is_empty() => IniFiles::BlankVariable,
        Some(named) => IniFiles::Named(PathBuf::from(named)),
        None => IniFiles::Search(
            home.map(|h| h.join(".tencentcloud").join("credentials"))
                .into_iter()
                .chain([system_file.to_path_buf()])
                .collect(),
        ),
    };
    let tccli = |extension: &str| {
        home.map(|h| {
            h.join(".tccli")
                .join(format!("{}.{extension}", profile.name))
        })
    };
    CredentialLocations {
        tccli_credential: tccli("credential"),
        tccli_configure: tccli("configure"),
        profile,
        ini,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const SYSTEM: &str = "/etc/tencentcloud/credentials";

    fn at_home(pairs: &[(&str, &str)], flag: Option<&str>) -> CredentialLocations {
        locate(
            &env(pairs),
            Some(Path::new("/home/u")),
            flag,
            Path::new(SYSTEM),
        )
    }

    #[test]
    fn profile_precedence_flag_then_variable_then_default() {
        let p = at_home(&[(PROFILE_VAR, "env")], Some("flag"));
        assert_eq!(
            (p.profile().name(), p.profile().source()),
            ("flag", ProfileSource::Flag)
        );
        let p = at_home(&[(PROFILE_VAR, "env")], None);
        assert_eq!(
            (p.profile().name(), p.profile().source()),
            ("env", ProfileSource::Env)
        );
        assert!(p.profile().is_named());
        let p = at_home(&[], None);
        assert_eq!(
            (p.profile().name(), p.profile().source()),
            ("default", ProfileSource::Default)
        );
        assert!(!p.profile().is_named());
    }

    #[test]
    fn the_terraform_profile_variable_comes_after_tccli_profile() {
        let p = at_home(&[(TERRAFORM_PROFILE_VAR, " tf ")], None);
        assert_eq!(
            (p.profile().name(), p.profile().source()),
            ("tf", ProfileSource::TerraformEnv)
        );
        assert_eq!(p.profile().origin(), "env TENCENTCLOUD_PROFILE");
        assert_eq!(
            p.tccli_credential(),
            Some(Path::new("/home/u/.tccli/tf.credential"))
        );
        let p = at_home(
            &[(PROFILE_VAR, "tccli"), (TERRAFORM_PROFILE_VAR, "tf")],
            None,
        );
        assert_eq!(p.profile().name(), "tccli");
        // A blank TCCLI_PROFILE is unset: the Terraform name applies.
        let p = at_home(&[(PROFILE_VAR, " "), (TERRAFORM_PROFILE_VAR, "tf")], None);
        assert_eq!(p.profile().source(), ProfileSource::TerraformEnv);
        let p = at_home(&[(PROFILE_VAR, "tccli")], Some("flag"));
        assert_eq!(p.profile().origin(), "--profile");
    }

    /// The chain trimmed-and-ignored a blank `TCCLI_PROFILE`; `config show` used it as the
    /// profile name `"  "` (and looked for `~/.tccli/  .configure`).
    #[test]
    fn a_blank_profile_variable_is_unset_and_a_padded_one_trimmed() {
        for blank in ["", "  ", "\t"] {
            let p = at_home(&[(PROFILE_VAR, blank)], None);
            assert_eq!(p.profile().source(), ProfileSource::Default, "{blank:?}");
            assert_eq!(
                p.tccli_configure(),
                Some(Path::new("/home/u/.tccli/default.configure"))
            );
        }
        let p = at_home(&[(PROFILE_VAR, " work ")], None);
        assert_eq!(p.profile().name(), "work");
        assert_eq!(
            p.tccli_credential(),
            Some(Path::new("/home/u/.tccli/work.credential"))
        );
    }

    /// The chain refused a blank `TENCENTCLOUD_CREDENTIALS_FILE`; `config show` ignored it and
    /// read `~/.tencentcloud/credentials` for the region instead.
    #[test]
    fn a_blank_credentials_file_variable_is_an_error() {
        for blank in ["", " "] {
            let p = at_home(&[(CREDENTIALS_FILE_VAR, blank)], None);
            assert!(p.ini().candidates().is_empty());
            let e = p.ini().select(|_| true).unwrap_err();
            assert_eq!(e, LocateError::EmptyCredentialsFile);
            assert!(e.to_string().contains("set but empty"), "{e}");
        }
    }

    #[test]
    fn a_named_file_is_the_only_candidate_and_must_exist() {
        let p = at_home(&[(CREDENTIALS_FILE_VAR, "/srv/creds.ini")], None);
        assert_eq!(p.ini().candidates(), [PathBuf::from("/srv/creds.ini")]);
        assert_eq!(
            p.ini().select(|_| true),
            Ok(Some(Path::new("/srv/creds.ini")))
        );
        let e = p.ini().select(|_| false).unwrap_err();
        assert_eq!(
            e,
            LocateError::MissingCredentialsFile("/srv/creds.ini".into())
        );
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    #[test]
    fn the_search_takes_the_first_that_exists_home_first() {
        let p = at_home(&[], None);
        let home_file = Path::new("/home/u/.tencentcloud/credentials");
        assert_eq!(p.ini().candidates(), [home_file, Path::new(SYSTEM)]);
        assert_eq!(p.ini().select(|_| true), Ok(Some(home_file)));
        assert_eq!(
            p.ini().select(|f| f == Path::new(SYSTEM)),
            Ok(Some(Path::new(SYSTEM)))
        );
        assert_eq!(p.ini().select(|_| false), Ok(None));
    }

    /// The CLI passed an empty home to the chain when `HOME` was unset, and the chain then read
    /// `.tencentcloud/credentials` and `.tccli/default.credential` relative to the working
    /// directory; `config show` looked at no home file.
    #[test]
    fn without_a_home_no_home_file_and_never_a_relative_path() {
        for home in [None, Some(Path::new(""))] {
            let p = locate(&env(&[]), home, None, Path::new(SYSTEM));
            assert_eq!(p.ini().candidates(), [Path::new(SYSTEM)], "{home:?}");
            assert_eq!(p.tccli_credential(), None);
            assert_eq!(p.tccli_configure(), None);
        }
    }
}
