//! `tcredis exporter` end to end: the real binary against the seeded mock. Scrapes serve the
//! last snapshot without a single API request (the mock's journal); a region whose collection
//! fails keeps its series and reports `tcredis_collect_success 0`; request and retry counters
//! agree with the journal; `/healthz`; OpenMetrics on request; `--web-config` with TLS and
//! basic auth (no password, a wrong one, plain HTTP to the TLS listener); SIGTERM stops it with
//! exit 0; bad flags are usage errors. The metrics pass `promtool check metrics`.

mod common;

use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::exporter::{Exporter, body, exchange, promtool_check, sample};
use common::{home, seeded};
use tcredis_mock::{Script, Step};

const TWO: &str =
    "{region=\"ap-guangzhou\",instance_id=\"crs-seed0002\",instance_name=\"sessions\"}";

#[test]
fn scrapes_serve_the_snapshot_and_send_no_request() {
    let s = seeded();
    let mut exporter = Exporter::start(&s.server.uri(), &["--refresh", "1h"]);
    assert!(
        exporter
            .first_line
            .starts_with("listening on http://127.0.0.1:")
    );
    exporter.wait_for("/healthz", |status, _| status == 200);
    let journal = s.server.journal();
    let before = journal.len();
    // ceil(4/1000) DescribeInstances + ceil(108/100) listing pages + one
    // DescribeAutoBackupConfig per instance (the first read of the schedules).
    assert_eq!(before, 3 + 4, "{journal:?}");
    let mut last = String::new();
    for _ in 0..5 {
        let (status, answer) = exporter.get("/metrics", &[]);
        assert_eq!(status, 200);
        last = answer;
    }
    let (page_status, _) = exporter.get("/", &[]);
    assert_eq!(page_status, 200);
    let (health, health_body) = exporter.get("/healthz", &[]);
    assert_eq!((health, body(&health_body)), (200, "ok\n"));
    assert_eq!(s.server.journal().len(), before, "scrapes sent no request");

    assert!(
        last.contains("content-type: text/plain; version=0.0.4"),
        "{last}"
    );
    promtool_check(body(&last));
    assert_eq!(
        sample(
            &last,
            &format!("tcredis_backup_last_good_timestamp_seconds{TWO}")
        ),
        Some((1_780_286_400 - 3 * 3600) as f64)
    );
    assert_eq!(
        sample(
            &last,
            "tcredis_api_requests_total{action=\"DescribeInstances\",region=\"ap-guangzhou\",code=\"ok\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &last,
            "tcredis_api_requests_total{action=\"DescribeInstanceBackups\",region=\"ap-guangzhou\",code=\"ok\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &last,
            "tcredis_api_requests_total{action=\"DescribeAutoBackupConfig\",region=\"ap-guangzhou\",code=\"ok\"}"
        ),
        Some(4.0)
    );
    assert_eq!(
        sample(&last, "tcredis_collect_success{region=\"ap-guangzhou\"}"),
        Some(1.0)
    );
    assert!(
        sample(
            &last,
            "tcredis_collect_duration_seconds{region=\"ap-guangzhou\"}"
        )
        .is_some()
    );

    let (_, open) = exporter.get(
        "/metrics",
        &[("Accept", "application/openmetrics-text;version=1.0.0")],
    );
    assert!(open.contains("application/openmetrics-text"), "{open}");
    assert!(body(&open).contains("# TYPE tcredis_api_requests counter\n"));
    assert!(body(&open).ends_with("# EOF\n"));
    let (missing, _) = exporter.get("/nope", &[]);
    assert_eq!(missing, 404);

    assert_eq!(exporter.terminate(), Some(0), "SIGTERM is a graceful stop");
}

#[test]
fn a_failing_region_keeps_its_series_and_reports_collect_success_0() {
    let s = seeded();
    let exporter = Exporter::start(&s.server.uri(), &["--refresh", "1s", "--max-retries", "1"]);
    let (_, first) = exporter.wait_for("/metrics", |_, text| {
        text.contains("tcredis_collect_success{region=\"ap-guangzhou\"} 1")
    });
    let kept = sample(
        &first,
        &format!("tcredis_backup_last_good_timestamp_seconds{TWO}"),
    );
    assert!(kept.is_some());
    let mut failing = Script::new().action("DescribeInstances");
    for _ in 0..400 {
        failing = failing.then(Step::error("InternalError"));
    }
    s.server.script(failing).unwrap();
    let (_, during) = exporter.wait_for("/metrics", |_, text| {
        text.contains("tcredis_collect_success{region=\"ap-guangzhou\"} 0")
    });
    assert_eq!(
        sample(
            &during,
            &format!("tcredis_backup_last_good_timestamp_seconds{TWO}")
        ),
        kept,
        "the previous series stay"
    );
    assert!(
        sample(&during, "tcredis_api_requests_total{action=\"DescribeInstances\",region=\"ap-guangzhou\",code=\"InternalError\"}")
            .is_some_and(|n| n >= 2.0),
        "{during}"
    );
    assert!(
        sample(
            &during,
            "tcredis_api_retries_total{action=\"DescribeInstances\",region=\"ap-guangzhou\"}"
        )
        .is_some_and(|n| n >= 1.0),
        "{during}"
    );
    assert!(
        sample(
            &during,
            "tcredis_collect_last_success_timestamp_seconds{region=\"ap-guangzhou\"}"
        )
        .is_some()
    );
    let (status, health) = exporter.get("/healthz", &[]);
    assert_eq!(status, 503);
    assert!(
        body(&health).contains("ap-guangzhou") && body(&health).contains("InternalError"),
        "{health}"
    );
    promtool_check(body(&during));
}

/// A self-signed certificate for 127.0.0.1 and localhost: (cert PEM, key PEM, DER).
fn certificate() -> (String, String, Vec<u8>) {
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    (
        cert.cert.pem(),
        cert.key_pair.serialize_pem(),
        cert.cert.der().to_vec(),
    )
}

fn tls_get(addr: &str, der: &[u8], path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(der.to_vec()))
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    exchange(rustls::StreamOwned::new(conn, tcp), path, headers)
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[test]
fn web_config_enforces_tls_and_basic_auth() {
    let s = seeded();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, der) = certificate();
    std::fs::write(dir.path().join("server.crt"), cert).unwrap();
    std::fs::write(dir.path().join("server.key"), key).unwrap();
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let web = dir.path().join("web.yml");
    std::fs::write(
        &web,
        format!("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: '{hash}'\n"),
    )
    .unwrap();
    let exporter = Exporter::start(
        &s.server.uri(),
        &["--refresh", "1h", "--web-config", web.to_str().unwrap()],
    );
    assert!(
        exporter
            .first_line
            .starts_with("listening on https://127.0.0.1:"),
        "{}",
        exporter.first_line
    );

    let (plain, answer) = exporter.get("/metrics", &[]);
    assert_eq!(plain, 400);
    assert!(
        answer.contains("HTTP request to an HTTPS server"),
        "{answer}"
    );

    let (none, answer) = tls_get(&exporter.addr, &der, "/metrics", &[]);
    assert_eq!(none, 401);
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("www-authenticate: basic"),
        "{answer}"
    );
    assert!(!answer.contains("tcredis_"), "no metric leaks");
    let wrong = basic("prometheus", "wrong");
    let (status, _) = tls_get(
        &exporter.addr,
        &der,
        "/metrics",
        &[("Authorization", &wrong)],
    );
    assert_eq!(status, 401);
    let stranger = basic("someone", "s3cret");
    let (status, _) = tls_get(
        &exporter.addr,
        &der,
        "/healthz",
        &[("Authorization", &stranger)],
    );
    assert_eq!(status, 401);

    let good = basic("prometheus", "s3cret");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, _) = tls_get(
            &exporter.addr,
            &der,
            "/healthz",
            &[("Authorization", &good)],
        );
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "healthz stayed {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, metrics) = tls_get(
        &exporter.addr,
        &der,
        "/metrics",
        &[("Authorization", &good)],
    );
    assert_eq!(status, 200);
    assert!(body(&metrics).contains("tcredis_backup_last_good_timestamp_seconds{"));
}

#[test]
fn bad_exporter_flags_are_usage_errors() {
    let s = seeded();
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web.yml");
    std::fs::write(
        &web,
        "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n",
    )
    .unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap().to_string();
    let uri = s.server.uri();
    for (extra, needle) in [
        (vec!["--listen", "everywhere"], "is not an address"),
        (
            vec!["--web-config", web.to_str().unwrap()],
            "client_ca_file",
        ),
        (vec!["--listen", taken_addr.as_str()], "cannot listen there"),
        (vec!["--refresh", "0s"], "--refresh"),
    ] {
        let mut args = vec![
            "--endpoint",
            uri.as_str(),
            "--region",
            "ap-guangzhou",
            "exporter",
        ];
        args.extend(extra.iter().copied());
        let out = common::run(home().path(), &args, &common::doc_env());
        out.expect_code(2);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{args:?}: nothing listens: {}",
            out.stdout
        );
    }
}
