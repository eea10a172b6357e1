//! Credentials end to end, through child processes with an injected environment: fetch
//! failures classified (STS or the metadata service unreachable: exit 4; STS refusing: exit 3
//! with code, RequestId and hint), the names the Terraform provider reads, tccli `oauth`/`sso`
//! logins and their expiry, `TKE_REGION`, a profile's `redis.endpoint`, the no-credentials
//! message and the permission warning for the file actually used.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::{DOC_SECRET_ID, DOC_SECRET_KEY, NOW, Output, home, run, seeded, seeded_with};

const ROLE: &str = "qcs::cam::uin/100000000001:roleName/backup-reader";

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn list_flags(uri: &str) -> Vec<&str> {
    vec![
        "--endpoint",
        uri,
        "--region",
        "ap-guangzhou",
        "--rate-limit",
        "0",
        "--max-retries",
        "0",
    ]
}

fn run_list(uri: &str, home: &std::path::Path, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let mut args = list_flags(uri);
    args.extend(extra);
    args.extend(["backups", "list", "--instance-id", "crs-seed0002"]);
    run(home, &args, env)
}

#[test]
fn an_unreachable_sts_is_a_network_failure_exit_4_and_check_says_so() {
    let s = seeded();
    let home = home();
    let sts = format!("http://127.0.0.1:{}", closed_port());
    let mut env = common::doc_env();
    env.extend([
        ("TENCENTCLOUD_STS_ENDPOINT", sts.as_str()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE),
        ("TENCENTCLOUD_ROLE_SESSION_NAME", "t"),
    ]);
    let out = run_list(&s.server.uri(), home.path(), &env, &[]);
    out.expect_code(4);
    assert!(
        out.stderr.contains("AssumeRole at ") && out.stderr.contains("connection"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", out.stdout);
    let uri = s.server.uri();
    let mut args = list_flags(&uri);
    args.extend([
        "backups",
        "check",
        "--instance-id",
        "crs-seed0002",
        "--max-age",
        "26h",
    ]);
    let check = run(home.path(), &args, &env);
    check.expect_code(4);
    assert!(check.stdout.contains(" exit=4"), "{}", check.stdout);
}

#[test]
fn sts_refusing_the_base_pair_is_an_api_error_exit_3_with_request_id_and_hint() {
    let s = seeded();
    let home = home();
    let uri = s.server.uri();
    let env = [
        (
            "TENCENTCLOUD_SECRET_ID",
            "AKIDunknownToTheMock0000000000000000",
        ),
        ("TENCENTCLOUD_SECRET_KEY", "not-known-key"),
        ("TENCENTCLOUD_STS_ENDPOINT", uri.as_str()),
        ("TENCENTCLOUD_ROLE_ARN", ROLE),
        ("TENCENTCLOUD_ROLE_SESSION_NAME", "t"),
        ("TCREDIS_NOW", NOW),
    ];
    let out = run_list(&uri, home.path(), &env, &[]);
    out.expect_code(3);
    let journal = s.server.journal();
    assert_eq!(journal.len(), 1, "only the STS call");
    assert_eq!(journal[0].action.as_deref(), Some("AssumeRole"));
    for needle in [
        "AssumeRole was refused",
        "AuthFailure.SecretIdNotFound",
        journal[0].request_id.as_str(),
        "hint:",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
}

#[test]
fn a_refused_metadata_service_is_a_network_failure_exit_4() {
    let home = home();
    let metadata = format!("http://127.0.0.1:{}", closed_port());
    let out = run(
        home.path(),
        &[
            "--region",
            "ap-guangzhou",
            "--endpoint",
            "http://127.0.0.1:9",
            "backups",
            "list",
        ],
        &[
            ("TENCENTCLOUD_USE_CVM_ROLE", "1"),
            ("TENCENTCLOUD_METADATA_ENDPOINT", &metadata),
        ],
    );
    out.expect_code(4);
    assert!(out.stderr.contains("CVM role"), "{}", out.stderr);
}

#[test]
fn the_terraform_names_serve_the_same_environment() {
    let token = "terraform-session-token-value";
    let s = seeded_with(|c| {
        c.credential(
            "AKIDterraform00000000000000000000000",
            "tf-key",
            Some(token),
        )
    });
    let home = home();
    let uri = s.server.uri();
    // TENCENTCLOUD_SECURITY_TOKEN is the token.
    let out = run_list(
        &uri,
        home.path(),
        &[
            (
                "TENCENTCLOUD_SECRET_ID",
                "AKIDterraform00000000000000000000000",
            ),
            ("TENCENTCLOUD_SECRET_KEY", "tf-key"),
            ("TENCENTCLOUD_SECURITY_TOKEN", token),
        ],
        &[],
    );
    out.expect_code(0);
    assert!(!out.stderr.contains(token) && !out.stdout.contains(token));

    // TENCENTCLOUD_PROFILE selects the profile; the TENCENTCLOUD_ASSUME_ROLE_* names (and
    // --external-id over the variable) name the role.
    let dir = home.path().join(".tencentcloud");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!("[default]\nsecret_id = AKIDwrong\nsecret_key = wrong\n[prod]\nsecret_id = {DOC_SECRET_ID}\nsecret_key = {DOC_SECRET_KEY}\n"),
    )
    .unwrap();
    let env = [
        ("TENCENTCLOUD_PROFILE", "prod"),
        ("TENCENTCLOUD_STS_ENDPOINT", uri.as_str()),
        ("TENCENTCLOUD_ASSUME_ROLE_ARN", ROLE),
        ("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "tf-session"),
        ("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "900"),
        ("TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID", "ext-from-env"),
    ];
    for (extra, external) in [
        (&[][..], "ext-from-env"),
        (&["--external-id", "ext-from-flag"][..], "ext-from-flag"),
    ] {
        s.server.reset();
        let out = run_list(&uri, home.path(), &env, extra);
        out.expect_code(0);
        let journal = s.server.journal();
        let sts = journal
            .iter()
            .find(|e| e.action.as_deref() == Some("AssumeRole"))
            .expect("AssumeRole sent");
        assert_eq!(
            sts.secret_id.as_deref(),
            Some(DOC_SECRET_ID),
            "profile prod"
        );
        assert_eq!(sts.params["RoleArn"], ROLE);
        assert_eq!(sts.params["RoleSessionName"], "tf-session");
        assert_eq!(sts.params["DurationSeconds"], 900);
        assert_eq!(sts.params["ExternalId"], external);
    }
}

/// A metadata service on loopback that serves `role`'s credentials and records every path.
fn metadata_server(
    role: &'static str,
    id: &'static str,
    key: &'static str,
    token: &'static str,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let paths = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&paths);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
            seen.lock().unwrap().push(path.clone());
            let expires = now_unix() + 3600;
            let (status, body) = if path.ends_with(&format!("/security-credentials/{role}")) {
                (
                    "200 OK",
                    format!(
                        r#"{{"TmpSecretId":"{id}","TmpSecretKey":"{key}","Token":"{token}","ExpiredTime":{expires},"Expiration":"x","Code":"Success"}}"#
                    ),
                )
            } else if path.ends_with("/security-credentials/") {
                ("200 OK", role.to_owned())
            } else {
                ("404 Not Found", String::new())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}"), paths)
}

#[test]
fn a_cam_role_name_asks_for_the_cvm_role_and_skips_the_role_list_call() {
    const ID: &str = "AKIDcvmrole000000000000000000000000";
    const KEY: &str = "cvm-role-key";
    const TOKEN: &str = "cvm-role-token";
    let s = seeded_with(|c| c.credential(ID, KEY, Some(TOKEN)));
    let (metadata, paths) = metadata_server("backup-reader", ID, KEY, TOKEN);
    let home = home();
    let out = run_list(
        &s.server.uri(),
        home.path(),
        &[
            ("TENCENTCLOUD_CAM_ROLE_NAME", "backup-reader"),
            ("TENCENTCLOUD_METADATA_ENDPOINT", &metadata),
        ],
        &[],
    );
    out.expect_code(0);
    assert_eq!(
        *paths.lock().unwrap(),
        ["/latest/meta-data/cam/security-credentials/backup-reader"],
        "no role-list call"
    );
}

fn write_tccli(home: &std::path::Path, kind: &str, expires_at: i64) {
    let dir = home.join(".tccli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("default.credential"),
        format!(
            r#"{{"type":"{kind}","secretId":"AKIDlogin0000000000000000000000000","secretKey":"login-key","token":"login-token","expiresAt":{expires_at}}}"#
        ),
    )
    .unwrap();
}

#[test]
fn a_tccli_login_is_used_until_five_minutes_before_it_expires() {
    let s = seeded_with(|c| {
        c.credential(
            "AKIDlogin0000000000000000000000000",
            "login-key",
            Some("login-token"),
        )
    });
    let home = home();
    for (kind, command) in [("sso", "tccli sso login"), ("oauth", "tccli auth login")] {
        write_tccli(home.path(), kind, now_unix() + 3600);
        run_list(&s.server.uri(), home.path(), &[], &[]).expect_code(0);
        write_tccli(home.path(), kind, now_unix() + 200);
        let out = run_list(&s.server.uri(), home.path(), &[], &[]);
        out.expect_code(2);
        assert!(
            out.stderr.contains(&format!("run `{command}`"))
                && out.stderr.contains("default.credential"),
            "{kind}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("login-key") && !out.stderr.contains("login-token"));
    }
}

#[test]
fn tke_region_and_a_profiles_redis_endpoint_are_honoured() {
    let s = seeded();
    let home = home();
    let dir = home.path().join(".tccli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("default.configure"),
        format!(r#"{{"redis":{{"endpoint":"{}"}}}}"#, s.server.uri()),
    )
    .unwrap();
    let mut env = common::doc_env();
    env.push(("TKE_REGION", "ap-guangzhou"));
    let show = run(home.path(), &["config", "show"], &env);
    show.expect_code(0);
    assert!(
        show.stdout.lines().any(|l| l.starts_with("region")
            && l.contains("ap-guangzhou")
            && l.contains("env TKE_REGION")),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.lines().any(|l| l.starts_with("endpoint")
            && l.contains(&s.server.uri())
            && l.contains("(redis.endpoint)")),
        "{}",
        show.stdout
    );
    let out = run(
        home.path(),
        &[
            "--rate-limit",
            "0",
            "backups",
            "list",
            "--instance-id",
            "crs-seed0002",
        ],
        &env,
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 3);
}

#[test]
fn no_credentials_lists_every_step_sts_included_and_names_the_missing_tke_variable() {
    let home = home();
    let env = [("TKE_PROVIDER_ID", "p"), ("TKE_ROLE_ARN", ROLE)];
    let out = run(
        home.path(),
        &["--region", "ap-guangzhou", "backups", "list"],
        &env,
    );
    out.expect_code(2);
    for needle in [
        "CVM role",
        "env TENCENTCLOUD_SECRET_ID",
        "INI file [default]",
        "default.credential",
        "STS AssumeRole: skipped (no key pair to assume a role with)",
        "TKE_WEB_IDENTITY_TOKEN_FILE not set (TKE_PROVIDER_ID and TKE_ROLE_ARN are set)",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
    let show = run(
        home.path(),
        &["--region", "ap-guangzhou", "config", "show"],
        &env,
    );
    show.expect_code(0);
    assert!(
        show.stdout.contains("STS AssumeRole: skipped")
            && show.stdout.contains("TKE_WEB_IDENTITY_TOKEN_FILE not set"),
        "{}",
        show.stdout
    );
}

#[cfg(unix)]
#[test]
fn the_permission_warning_is_for_the_file_used_once_and_says_how_to_fix_it() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = home();
    let dir = home.path().join(".tccli");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("default.credential");
    std::fs::write(
        &file,
        format!(r#"{{"secretId":"{DOC_SECRET_ID}","secretKey":"{DOC_SECRET_KEY}"}}"#),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let args = [
        "--region",
        "ap-guangzhou",
        "--dry-run",
        "--timestamp",
        "1790000000",
        "backups",
        "list",
    ];
    // The environment's pair is used: the tccli file is not, and gets no warning.
    let out = run(home.path(), &args, &common::doc_env());
    out.expect_code(0);
    assert!(!out.stderr.contains("readable"), "{}", out.stderr);
    // The file is used: one warning, plain (no log timestamp), with the fix.
    let out = run(home.path(), &args, &[]);
    out.expect_code(0);
    assert_eq!(
        out.stderr.matches("readable by group or others").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .starts_with("tcredis: warning: credentials file ")
            && out
                .stderr
                .contains(&format!("chmod 600 {}", file.display())),
        "{}",
        out.stderr
    );
}
