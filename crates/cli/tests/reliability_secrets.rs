//! Secrets never reach any output of the `tcredis` binary: at every verbosity (none, -v, -vv,
//! -vvv, each with `RUST_LOG=trace`), for a dry run, a successful call, an API error, a
//! network failure and `config show`. The secret key and session token travel in the
//! environment or a file, never argv; all captured output also goes to `$TCREDIS_SCAN_DIR`
//! for the gate's secret scan. A credentials file readable by group or others gets a warning.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::{Run, SECRET_ID, SECRET_KEY, TOKEN, tcredis};
use tcredis_mock::{BlockingMockServer, MockConfig};

const BOUND: Duration = Duration::from_secs(60);
const VERBOSITY: &[&[&str]] = &[&[], &["-v"], &["-vv"], &["-vvv"]];

fn env_with_token() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TENCENTCLOUD_SECRET_ID", SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", SECRET_KEY),
        ("TENCENTCLOUD_TOKEN", TOKEN),
        ("RUST_LOG", "trace"),
    ]
}

fn assert_clean(run: &Run, case: &str) {
    run.assert_no_secret();
    for s in [SECRET_KEY, TOKEN] {
        assert!(
            !run.stdout().contains(s) && !run.stderr().contains(s),
            "{case}: a secret leaked"
        );
    }
    assert!(
        !run.stderr().contains("panicked"),
        "{case}: panic\n{}",
        run.both()
    );
}

fn with<'a>(verbosity: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    verbosity.iter().chain(rest).copied().collect()
}

#[test]
fn no_secret_at_any_verbosity_in_any_outcome() {
    let home = tempfile::tempdir().unwrap();
    // The mock knows the pair and its token: calls succeed.
    let good = BlockingMockServer::start_with(MockConfig::new().demo().rate_limit(0).credential(
        SECRET_ID,
        SECRET_KEY,
        Some(TOKEN),
    ))
    .unwrap();
    // This one expects another key: every call is an AuthFailure.SignatureFailure.
    let wrong = BlockingMockServer::start_with(MockConfig::new().demo().rate_limit(0).credential(
        SECRET_ID,
        "tcredis-test-secret-DO-NOT-PRINT-other-key",
        Some(TOKEN),
    ))
    .unwrap();
    let good_uri = good.uri();
    let wrong_uri = wrong.uri();
    // A port nothing listens on (bound, then released).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let env = env_with_token();
    for verbosity in VERBOSITY {
        let label = verbosity.join("");
        let dry = tcredis(
            home.path(),
            &with(
                verbosity,
                &[
                    "--region",
                    "ap-guangzhou",
                    "--dry-run",
                    "--timestamp",
                    "1790000000",
                    "backups",
                    "list",
                    "--instance-id",
                    "crs-x",
                ],
            ),
            &env,
            BOUND,
        );
        assert_clean(&dry, &format!("dry run {label}"));
        assert_eq!(dry.code, Some(0), "{}", dry.both());
        let out = dry.stdout();
        assert!(out.contains("Authorization: TC3-HMAC-SHA256"), "{out}");
        assert!(
            out.to_lowercase().contains("x-tc-token"),
            "the token header is shown, redacted: {out}"
        );

        let ok = tcredis(
            home.path(),
            &with(
                verbosity,
                &[
                    "--endpoint",
                    &good_uri,
                    "--region",
                    "ap-guangzhou",
                    "--rate-limit",
                    "0",
                    "backups",
                    "list",
                    "--output",
                    "json",
                ],
            ),
            &env,
            BOUND,
        );
        assert_clean(&ok, &format!("success {label}"));
        assert_eq!(ok.code, Some(0), "{}", ok.both());
        if verbosity.first().is_some_and(|v| v.len() >= 3) {
            // -vv and -vvv: the transport's debug/trace diagnostics (attempts, signing
            // stages) are printed, and they are what this test scans.
            assert!(
                !ok.stderr().is_empty(),
                "{label} prints diagnostics on stderr"
            );
        }

        let denied = tcredis(
            home.path(),
            &with(
                verbosity,
                &[
                    "--endpoint",
                    &wrong_uri,
                    "--region",
                    "ap-guangzhou",
                    "--rate-limit",
                    "0",
                    "backups",
                    "list",
                ],
            ),
            &env,
            BOUND,
        );
        assert_clean(&denied, &format!("API error {label}"));
        assert_eq!(denied.code, Some(3), "{}", denied.both());
        assert!(
            denied.stderr().contains("AuthFailure.SignatureFailure"),
            "{}",
            denied.both()
        );

        let down = tcredis(
            home.path(),
            &with(
                verbosity,
                &[
                    "--endpoint",
                    &closed,
                    "--region",
                    "ap-guangzhou",
                    "--max-retries",
                    "0",
                    "--connect-timeout",
                    "2s",
                    "backups",
                    "list",
                ],
            ),
            &env,
            BOUND,
        );
        assert_clean(&down, &format!("network failure {label}"));
        assert_eq!(down.code, Some(4), "{}", down.both());

        let show = tcredis(
            home.path(),
            &with(verbosity, &["--region", "ap-guangzhou", "config", "show"]),
            &env,
            BOUND,
        );
        assert_clean(&show, &format!("config show {label}"));
        assert_eq!(show.code, Some(0), "{}", show.both());
        assert!(
            show.stdout().contains("from env TENCENTCLOUD_SECRET_ID"),
            "config show names where the credentials came from\n{}",
            show.both()
        );
    }
}

fn profile_home(mode: u32) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".tencentcloud");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!(
            "[default]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\nregion = ap-guangzhou\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    home
}

#[test]
fn a_credentials_file_readable_by_others_gets_a_warning() {
    let args = ["--dry-run", "--timestamp", "1790000000", "backups", "list"];
    for mode in [0o644, 0o640, 0o604] {
        let home = profile_home(mode);
        let run = tcredis(home.path(), &args, &[], BOUND);
        assert_clean(&run, "open file");
        assert_eq!(run.code, Some(0), "{}", run.both());
        let stderr = run.stderr();
        assert!(
            stderr.contains("readable by group or others") && stderr.contains("chmod 600"),
            "mode {mode:o}: no permission warning\n{}",
            run.both()
        );
    }
    let home = profile_home(0o600);
    let run = tcredis(home.path(), &args, &[], BOUND);
    assert_clean(&run, "private file");
    assert_eq!(run.code, Some(0), "{}", run.both());
    assert!(
        !run.stderr().contains("readable by group or others"),
        "mode 600 warns\n{}",
        run.both()
    );
}
