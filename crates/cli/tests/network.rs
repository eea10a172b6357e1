//! The network options end to end: endpoint failover with `--resolve HOST:PORT:ADDR` on
//! loopback (and `--no-failover`), TLS trust from the system store, `SSL_CERT_FILE` and
//! `--ca-file`, and the hint for a plain-HTTP server given without `http://`.

mod common;

use common::{home, run, seeded, seeded_with};

#[test]
fn an_unreachable_host_fails_over_to_the_com_cn_host() {
    let s = seeded();
    let port = s.server.uri().rsplit(':').next().unwrap().to_owned();
    let endpoint = format!("http://redis.tencentcloudapi.com:{port}");
    // Nothing listens on 127.0.0.2: the primary host is refused.
    let primary = format!("redis.tencentcloudapi.com:{port}:127.0.0.2");
    let backup = format!("redis.tencentcloudapi.com.cn:{port}:127.0.0.1");
    let home = home();
    let args = |extra: &'static [&'static str]| {
        let mut a: Vec<String> = [
            "--endpoint",
            &endpoint,
            "--resolve",
            &primary,
            "--resolve",
            &backup,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "--max-retries",
            "0",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a.extend(
            ["backups", "list", "--instance-id", "crs-seed0002"]
                .iter()
                .map(|s| (*s).to_owned()),
        );
        a
    };
    let a = args(&["-v"]);
    let out = run(
        home.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &common::doc_env(),
    );
    out.expect_code(0);
    assert_eq!(out.json()["TotalCount"], 3);
    assert!(
        out.stderr.contains("failing over")
            && out.stderr.contains("to=redis.tencentcloudapi.com.cn"),
        "-v says when it switches: {}",
        out.stderr
    );
    assert_eq!(s.server.journal().len(), 1);

    let a = args(&["--no-failover"]);
    let out = run(
        home.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &common::doc_env(),
    );
    out.expect_code(4);
    assert!(out.stderr.contains("127.0.0.2"), "{}", out.stderr);
    assert_eq!(s.server.journal().len(), 1, "nothing more reached the mock");
}

#[test]
fn tls_trusts_the_system_store_ssl_cert_file_and_ca_file() {
    let s = seeded_with(|c| c.tls(true));
    let ca = s.server.ca_pem().expect("a TLS mock has a CA");
    let dir = home();
    let ca_file = dir.path().join("mock-ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let uri = s.server.uri();
    assert!(uri.starts_with("https://"));
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["--endpoint", &uri, "--region", "ap-guangzhou"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a.extend(
            [
                "--rate-limit",
                "0",
                "backups",
                "list",
                "--instance-id",
                "crs-seed0002",
            ]
            .iter()
            .map(|s| (*s).to_owned()),
        );
        a
    };
    let call = |extra: &[&str], env: &[(&str, &str)]| {
        let a = args(extra);
        let mut e = common::doc_env();
        e.extend_from_slice(env);
        run(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            &e,
        )
    };
    // Untrusted: the error names the roots and how to add one.
    let out = call(&[], &[]);
    out.expect_code(4);
    for needle in ["trusted roots: ", "--ca-file", "SSL_CERT_FILE"] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
    // SSL_CERT_FILE replaces the system store.
    let ca_path = ca_file.display().to_string();
    call(&[], &[("SSL_CERT_FILE", &ca_path)]).expect_code(0);
    // --ca-file adds to it.
    call(&["--ca-file", &ca_path], &[]).expect_code(0);
}

#[test]
fn a_plain_http_server_given_without_a_scheme_suggests_http() {
    let s = seeded();
    let hostport = s.server.uri().trim_start_matches("http://").to_owned();
    let home = home();
    let out = run(
        home.path(),
        &[
            "--endpoint",
            &hostport,
            "--region",
            "ap-guangzhou",
            "--max-retries",
            "0",
            "backups",
            "list",
        ],
        &common::doc_env(),
    );
    out.expect_code(4);
    assert!(
        out.stderr
            .contains(&format!("write the endpoint as http://{hostport}")),
        "{}",
        out.stderr
    );
}
