//! `backups check -o prometheus` and `--textfile` end to end against the seeded mock: one
//! `DescribeInstances` and one region-wide listing over the lookback without a Status filter
//! (the mock's journal), the backup families' values and labels, `promtool check metrics`
//! accepting the output, and the textfile written atomically in place of stdout.
//!
//! Needs `promtool` (Debian package `prometheus`; `.ci/run` installs it): a missing promtool is a
//! failure, not a skip.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{home, run_seeded, seeded};

/// 2026-06-01T12:00:00+08:00.
const NOW_UNIX: i64 = 1_780_286_400;

/// Runs `promtool check metrics` over `text`; returns its combined output on failure.
pub fn promtool_check_metrics(text: &str) -> Result<(), String> {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("promtool is needed (Debian package `prometheus`; .ci/run installs it): {e}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The value of the sample whose line starts with `prefix` (name and labels).
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|v| v.trim().parse().unwrap())
}

fn labels(id: &str, name: &str) -> String {
    format!("{{region=\"ap-guangzhou\",instance_id=\"{id}\",instance_name=\"{name}\"")
}

#[test]
fn prometheus_output_is_one_listing_and_valid_exposition() {
    let s = seeded();
    let out = run_seeded(
        &s,
        home().path(),
        &["backups", "check", "--max-age", "26h", "-o", "prometheus"],
    );
    // crs-seed0003 is stale and crs-seed0004 has none: the exit code still says so.
    out.expect_code(1);
    let text = &out.stdout;
    promtool_check_metrics(text).unwrap_or_else(|e| panic!("promtool: {e}\n{text}"));

    let journal = s.server.journal();
    let actions: Vec<&str> = journal
        .iter()
        .map(|e| e.action.as_deref().unwrap_or_default())
        .collect();
    // 108 backups of the seed start within 30 days: two pages of 100.
    assert_eq!(
        actions,
        [
            "DescribeInstances",
            "DescribeInstanceBackups",
            "DescribeInstanceBackups"
        ]
    );
    for e in journal.iter().skip(1) {
        assert!(
            e.params.get("Status").is_none(),
            "no status filter: {:?}",
            e.params
        );
        assert!(
            e.params.get("InstanceId").is_none(),
            "region-wide: {:?}",
            e.params
        );
    }

    let two = labels("crs-seed0002", "sessions");
    assert_eq!(
        sample(
            text,
            &format!("tcredis_backup_last_good_timestamp_seconds{two}}}")
        ),
        Some((NOW_UNIX - 3 * 3600) as f64)
    );
    assert_eq!(
        sample(text, &format!("tcredis_backup_last_good_size_bytes{two}}}")),
        Some(537.0),
        "b-2-c (BackupId order breaks the StartTime tie) is the newest good backup"
    );
    for (status, n) in [
        ("ok", 1.0),
        ("exported", 1.0),
        ("expired", 1.0),
        ("running", 0.0),
    ] {
        assert_eq!(
            sample(text, &format!("tcredis_backups{two},status=\"{status}\"}}")),
            Some(n),
            "{status}"
        );
    }
    let empty = labels("crs-seed0004", "empty");
    assert_eq!(
        sample(
            text,
            &format!("tcredis_backup_last_good_timestamp_seconds{empty}}}")
        ),
        None,
        "no good backup: no sample"
    );
    assert_eq!(
        sample(text, &format!("tcredis_backups{empty},status=\"ok\"}}")),
        Some(0.0)
    );
    assert!(
        text.contains(&format!(
            "tcredis_instance_info{},instance_status=\"2\",type=\"\",zone_id=\"\",project_id=\"\"}} 1\n",
            labels("crs-seed0001", "orders 订单")
        )),
        "{text}"
    );
    assert_eq!(
        sample(text, "tcredis_collect_success{region=\"ap-guangzhou\"}"),
        Some(1.0)
    );
}

#[test]
fn textfile_is_written_atomically_instead_of_stdout() {
    let s = seeded();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tcredis.prom");
    std::fs::write(&path, "stale content\n").unwrap();
    let path_text = path.to_str().unwrap();
    let args = [
        "backups",
        "check",
        "--max-age",
        "30d",
        "--instance-id",
        "crs-seed0002",
        "-o",
        "prometheus",
    ];
    let stdout_run = run_seeded(&s, home().path(), &args);
    stdout_run.expect_code(0);
    let mut with_file: Vec<&str> = args.to_vec();
    with_file.extend(["--textfile", path_text]);
    let file_run = run_seeded(&s, home().path(), &with_file);
    file_run.expect_code(0);
    assert_eq!(file_run.stdout, "", "the metrics go to the file only");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, stdout_run.stdout);
    promtool_check_metrics(&written).unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["tcredis.prom"], "no temporary file left behind");

    let missing_dir = dir.path().join("absent").join("x.prom");
    let mut bad: Vec<&str> = args.to_vec();
    let missing_text = missing_dir.to_str().unwrap().to_owned();
    bad.extend(["--textfile", &missing_text]);
    let failed = run_seeded(&s, home().path(), &bad);
    failed.expect_code(2);
    assert!(
        failed.stderr.contains("--textfile") && failed.stderr.contains("cannot write"),
        "{}",
        failed.stderr
    );

    let not_metrics = run_seeded(
        &s,
        home().path(),
        &[
            "backups",
            "check",
            "--max-age",
            "1d",
            "--textfile",
            path_text,
        ],
    );
    not_metrics.expect_code(2);
    assert!(
        not_metrics.stderr.contains("-o prometheus"),
        "{}",
        not_metrics.stderr
    );
}
