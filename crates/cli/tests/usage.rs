//! Usage and configuration errors (exit 2, naming the flag or file and what is accepted),
//! `--help`/`--version`, completions, and `config show` with its sources, all through the real
//! binary in a clean environment.

mod common;

use common::{DOC_SECRET_ID, DOC_SECRET_KEY, home, run};

const PAIR: [(&str, &str); 2] = [
    ("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID),
    ("TENCENTCLOUD_SECRET_KEY", DOC_SECRET_KEY),
];

#[test]
fn bad_flags_exit_2_naming_the_flag_and_the_accepted_values() {
    let home = home();
    for (args, needles) in [
        (
            &["backups", "list", "--status", "good"][..],
            &[
                "--status",
                "running (1), ok (2), exporting (3), exported (4), expired (-1), deleted (-2)",
            ][..],
        ),
        (
            &["backups", "list", "--begin-time", "2026-13-01 00:00:00"][..],
            &["--begin-time", "YYYY-MM-DD HH:MM:SS"][..],
        ),
        (
            &["backups", "list", "--since", "a week"][..],
            &["--since", "30s, 15m, 26h, 7d, 2w"][..],
        ),
        (
            &["backups", "list", "--limit", "0"][..],
            &["--limit", "a whole number from 1 to 100"][..],
        ),
        (
            &["backups", "list", "--output", "xml"][..],
            &["--output", "table", "ndjson", "tsv"][..],
        ),
        (
            &[
                "backups",
                "check",
                "--instance-id",
                "crs-1",
                "--max-age",
                "0s",
            ][..],
            &["--max-age", "zero"][..],
        ),
        (
            &[
                "backups",
                "list",
                "--begin-time",
                "2026-02-01 00:00:00",
                "--end-time",
                "2026-01-01 00:00:00",
            ][..],
            &["--begin-time", "after --end-time"][..],
        ),
        (
            &["--connect-timeout", "soon", "config", "show"][..],
            &["--connect-timeout"][..],
        ),
        (&["backups", "frobnicate"][..], &["frobnicate"][..]),
    ] {
        let out = run(home.path(), args, &PAIR);
        out.expect_code(2);
        for needle in needles {
            assert!(
                out.stderr.contains(needle),
                "{args:?}: missing {needle:?} in\n{}",
                out.stderr
            );
        }
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn configuration_errors_exit_2() {
    let home = home();
    let no_region = run(home.path(), &["backups", "list"], &PAIR);
    no_region.expect_code(2);
    assert!(
        no_region.stderr.contains("no region")
            && no_region.stderr.contains("--region")
            && no_region.stderr.contains("TENCENTCLOUD_REGION")
    );

    let no_creds = run(
        home.path(),
        &["--region", "ap-guangzhou", "backups", "list"],
        &[],
    );
    no_creds.expect_code(2);
    assert!(
        no_creds.stderr.contains("TENCENTCLOUD_SECRET_ID"),
        "every step is listed: {}",
        no_creds.stderr
    );
    assert!(no_creds.stderr.contains(".tencentcloud/credentials"));

    let path = run(
        home.path(),
        &[
            "--endpoint",
            "https://redis.tencentcloudapi.com/v3",
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
        ],
        &PAIR,
    );
    path.expect_code(2);
    assert!(
        path.stderr.contains("--endpoint") && path.stderr.contains("path"),
        "{}",
        path.stderr
    );

    let fsi = run(
        home.path(),
        &[
            "--endpoint",
            "redis.tencentcloudapi.com",
            "--region",
            "ap-shanghai-fsi",
            "backups",
            "list",
        ],
        &PAIR,
    );
    fsi.expect_code(2);
    assert!(fsi.stderr.contains("ap-shanghai-fsi"), "{}", fsi.stderr);

    let now = run(
        home.path(),
        &["config", "show"],
        &[("TCREDIS_NOW", "last tuesday")],
    );
    now.expect_code(2);
    assert!(now.stderr.contains("TCREDIS_NOW") && now.stderr.contains("RFC 3339"));

    let ca = run(
        home.path(),
        &[
            "--ca-file",
            "/nonexistent/ca.pem",
            "--region",
            "ap-guangzhou",
            "backups",
            "list",
        ],
        &PAIR,
    );
    ca.expect_code(2);
    assert!(ca.stderr.contains("--ca-file"), "{}", ca.stderr);
}

#[test]
fn help_version_and_completions() {
    let home = home();
    let help = run(home.path(), &["backups", "list", "--help"], &[]);
    help.expect_code(0);
    assert!(
        help.stdout.contains("--instance-id") && help.stdout.contains("--rate-limit"),
        "global flags on subcommand help"
    );
    let version = run(home.path(), &["--version"], &[]);
    version.expect_code(0);
    assert_eq!(
        version.stdout.trim(),
        format!("tcredis {}", env!("CARGO_PKG_VERSION"))
    );
    for shell in ["bash", "zsh", "fish"] {
        let out = run(home.path(), &["completions", shell], &[]);
        out.expect_code(0);
        assert!(
            out.stdout.contains("tcredis") && out.stdout.contains("max-age"),
            "{shell}"
        );
    }
    run(home.path(), &["completions", "powershell"], &[]).expect_code(2);
}

/// A proxy URL whose password is a test secret (the repository's secret scan looks for it).
const PROXY_WITH_PASSWORD: &str =
    "http://user:tcredis-test-secret-DO-NOT-PRINT-cli-proxy-8Wn4@proxy:3128";

#[test]
fn config_show_lists_sources_and_never_a_secret() {
    let home = home();
    std::fs::create_dir_all(home.path().join(".tccli")).unwrap();
    std::fs::write(
        home.path().join(".tccli/work.configure"),
        r#"{"_sys_param":{"region":"ap-chengdu","output":"json"}}"#,
    )
    .unwrap();
    std::fs::write(
        home.path().join(".tccli/work.credential"),
        format!(r#"{{"secretId":"{DOC_SECRET_ID}","secretKey":"{DOC_SECRET_KEY}"}}"#),
    )
    .unwrap();
    let out = run(
        home.path(),
        &["config", "show", "--profile", "work", "--rate-limit", "0"],
        &[("HTTPS_PROXY", PROXY_WITH_PASSWORD)],
    );
    out.expect_code(0);
    let line = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {}", out.stdout))
            .to_owned()
    };
    assert!(line("profile").contains("work") && line("profile").contains("flag --profile"));
    assert!(line("region").contains("ap-chengdu") && line("region").contains("work.configure"));
    assert!(line("rate-limit").contains("off") && line("rate-limit").contains("flag --rate-limit"));
    assert!(
        line("proxy").contains("http://***@proxy:3128")
            && line("proxy").contains("env HTTPS_PROXY")
    );
    assert!(
        line("credentials").contains("work.credential"),
        "{}",
        out.stdout
    );
    for secret in [DOC_SECRET_KEY, "DO-NOT-PRINT"] {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "{secret} leaked"
        );
    }

    let env_region = run(
        home.path(),
        &["config", "show", "--profile", "work"],
        &[("TENCENTCLOUD_REGION", "ap-beijing")],
    );
    assert!(env_region.stdout.contains("env TENCENTCLOUD_REGION"));
    let flag_region = run(
        home.path(),
        &["config", "show", "--region", "ap-shanghai-fsi"],
        &[],
    );
    assert!(
        flag_region
            .stdout
            .contains("https://redis.ap-shanghai-fsi.tencentcloudapi.com"),
        "{}",
        flag_region.stdout
    );
}

#[test]
fn the_docs_hook_is_no_command() {
    let home = home();
    let bare = run(home.path(), &[], &[]);
    bare.expect_code(2);
    assert!(!bare.stderr.contains("generate"), "{}", bare.stderr);
    let backups = run(home.path(), &["backups"], &[]);
    backups.expect_code(2);
    assert!(!backups.stderr.contains("generate"));
    for shell in ["bash", "zsh", "fish"] {
        let out = run(home.path(), &["completions", shell], &[]);
        out.expect_code(0);
        assert!(!out.stdout.contains("generate-docs"), "{shell}");
    }
    let help = run(home.path(), &["--help"], &[]);
    assert!(!help.stdout.contains("generate"));
}

#[test]
fn messages_say_what_is_accepted() {
    let home = home();
    let connect = run(
        home.path(),
        &["--connect-to", "localhost", "config", "show"],
        &[],
    );
    connect.expect_code(2);
    assert!(
        connect.stderr.contains("--connect-to")
            && connect.stderr.contains("needs a port")
            && connect.stderr.contains("accepted: HOST:PORT"),
        "{}",
        connect.stderr
    );
    assert!(
        !connect.stderr.contains("https://host"),
        "{}",
        connect.stderr
    );
    let offset = run(home.path(), &["backups", "list", "--offset", "-1"], &[]);
    offset.expect_code(2);
    assert!(
        offset.stderr.contains("use a whole number of 0 or more")
            && !offset.stderr.contains("9223372036854775807"),
        "{}",
        offset.stderr
    );
    for args in [
        &["backups", "list", "-V"][..],
        &["backups", "-V"][..],
        &["config", "show", "--version"][..],
    ] {
        let out = run(home.path(), args, &[]);
        out.expect_code(0);
        assert_eq!(
            out.stdout.trim(),
            format!("tcredis {}", env!("CARGO_PKG_VERSION")),
            "{args:?}"
        );
    }
}

#[test]
fn config_show_names_the_proxy_in_effect_and_the_default_timeouts() {
    let home = home();
    let line = |out: &common::Output, name: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {}", out.stdout))
            .to_owned()
    };
    let all = run(
        home.path(),
        &["config", "show", "--region", "ap-guangzhou"],
        &[("ALL_PROXY", "http://all-proxy:3128")],
    );
    all.expect_code(0);
    assert!(
        line(&all, "proxy").contains("http://all-proxy:3128")
            && line(&all, "proxy").contains("env ALL_PROXY"),
        "{}",
        all.stdout
    );
    let bypassed = run(
        home.path(),
        &["config", "show", "--region", "ap-guangzhou"],
        &[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("NO_PROXY", ".tencentcloudapi.com"),
        ],
    );
    bypassed.expect_code(0);
    let proxy = line(&bypassed, "proxy");
    assert!(
        proxy.contains("NO_PROXY names redis.tencentcloudapi.com") && proxy.contains("bypassed"),
        "{proxy}"
    );
    assert!(
        line(&bypassed, "connect-timeout").contains("10s")
            && line(&bypassed, "connect-timeout").contains("(default)")
    );
    assert!(
        line(&bypassed, "timeout ").contains("1m")
            && line(&bypassed, "timeout ").contains("(default)")
    );
    assert!(line(&bypassed, "failover").contains("on"));
    let off = run(
        home.path(),
        &[
            "config",
            "show",
            "--no-failover",
            "--resolve",
            "a.test:443:127.0.0.1",
        ],
        &[],
    );
    assert!(
        line(&off, "failover").contains("off") && line(&off, "failover").contains("--no-failover")
    );
    assert!(line(&off, "resolve").contains("a.test:443:127.0.0.1"));
}
