//! `backups check --nagios` end to end, the real binary against the real mock: each plugin state
//! (OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3) with its status line and perfdata, the service state
//! as the worst by CRITICAL > UNKNOWN > WARNING > OK, `--perfdata-limit`, and usage and
//! configuration errors as UNKNOWN (3), also when the argument parser rejects the command line.

mod common;

use common::{home, run, run_seeded, seeded};

/// The check in plugin mode over `ids`, warning 1d (86400 s); `critical` as given.
fn plugin(s: &common::Seeded, ids: &[&str], critical: &str, extra: &[&str]) -> common::Output {
    let mut args = vec!["backups", "check", "--nagios", "--warning", "1d"];
    args.extend(["--critical", critical]);
    for id in ids {
        args.extend(["--instance-id", id]);
    }
    args.extend_from_slice(extra);
    run_seeded(s, home().path(), &args)
}

/// The perfdata after `|` on the first line, as (label, value) pairs.
fn perfdata(out: &common::Output) -> Vec<(String, String)> {
    let first = out.stdout.lines().next().expect("a status line");
    let (_, data) = first.split_once(" | ").expect("perfdata after ' | '");
    data.split(' ')
        .map(|item| {
            let (label, rest) = item.split_once('=').expect("label=value");
            (label.to_owned(), rest.to_owned())
        })
        .collect()
}

#[test]
fn ok_when_every_instance_is_younger_than_warning() {
    let s = seeded();
    let out = plugin(&s, &["crs-seed0001", "crs-seed0002"], "2d", &[]);
    out.expect_code(0);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert_eq!(
        out.stdout.trim_end(),
        "TCREDIS BACKUP OK - 2 instances: 0 critical, 0 unknown, 0 warning, 2 ok | ok=2;;;0 warning=0;;;0 critical=0;;;0 unknown=0;;;0 crs-seed0002_age=10800s;86400;172800;0 crs-seed0001_age=600s;86400;172800;0"
    );
}

#[test]
fn warning_when_older_than_warning_but_not_critical() {
    let s = seeded();
    // crs-seed0003's newest good backup is 3 days old.
    let out = plugin(&s, &["crs-seed0003", "crs-seed0001"], "4d", &[]);
    out.expect_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "TCREDIS BACKUP WARNING - 2 instances: 0 critical, 0 unknown, 1 warning, 1 ok (crs-seed0003 WARNING) | "
        ),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "WARNING crs-seed0003: newest good backup 3d old");
    let data = perfdata(&out);
    assert_eq!(data[1], ("warning".into(), "1;;;0".into()));
    assert_eq!(
        data[4],
        ("crs-seed0003_age".into(), "259200s;86400;345600;0".into()),
        "the worst instance's age comes first"
    );
}

#[test]
fn critical_for_an_old_backup_and_for_none_at_all() {
    let s = seeded();
    let out = plugin(
        &s,
        &["crs-seed0003", "crs-seed0004", "crs-seed0001"],
        "2d",
        &[],
    );
    out.expect_code(2);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "TCREDIS BACKUP CRITICAL - 3 instances: 2 critical, 0 unknown, 0 warning, 1 ok (crs-seed0004 CRITICAL, crs-seed0003 CRITICAL) | "
        ),
        "{}",
        lines[0]
    );
    assert_eq!(
        &lines[1..],
        [
            "CRITICAL crs-seed0004: no good backup in the last 30d",
            "CRITICAL crs-seed0003: newest good backup 3d old",
        ]
    );
    let data = perfdata(&out);
    assert_eq!(
        data[4],
        ("crs-seed0004_age".into(), "U;86400;172800;0".into()),
        "an instance without any good backup has an undeterminable age (U)"
    );
}

#[test]
fn unknown_when_an_instance_cannot_be_checked_and_it_outranks_warning_not_critical() {
    let s = seeded();
    let out = plugin(&s, &["crs-seed0003", "crs-nope9999"], "4d", &[]);
    out.expect_code(3);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "TCREDIS BACKUP UNKNOWN - 2 instances: 0 critical, 1 unknown, 1 warning, 0 ok"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("UNKNOWN crs-nope9999: not checked: ")
            && lines[1].contains("ResourceNotFound.InstanceNotExists"),
        "{}",
        lines[1]
    );
    let critical_wins = plugin(&s, &["crs-seed0004", "crs-nope9999"], "4d", &[]);
    critical_wins.expect_code(2);
    assert!(
        critical_wins
            .stdout
            .starts_with("TCREDIS BACKUP CRITICAL - ")
    );
}

#[test]
fn perfdata_limit_bounds_the_ages_and_the_lines() {
    let s = seeded();
    let out = plugin(
        &s,
        &["crs-seed0001", "crs-seed0003", "crs-seed0004"],
        "2d",
        &["--perfdata-limit", "1"],
    );
    out.expect_code(2);
    let ages: Vec<String> = perfdata(&out)
        .into_iter()
        .map(|(label, _)| label)
        .filter(|l| l.ends_with("_age"))
        .collect();
    assert_eq!(ages, ["crs-seed0004_age"], "only the worst instance");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        &lines[1..],
        [
            "CRITICAL crs-seed0004: no good backup in the last 30d",
            "... and 1 more (--perfdata-limit 1)"
        ]
    );
}

#[test]
fn usage_and_configuration_errors_are_unknown() {
    let s = seeded();
    for (args, needle) in [
        (
            &["backups", "check", "--nagios", "--warning", "1d"][..],
            "--critical",
        ),
        (
            &[
                "backups",
                "check",
                "--nagios",
                "--warning",
                "1d",
                "--critical",
                "2d",
                "--bogus",
            ][..],
            "--bogus",
        ),
        (
            &[
                "backups",
                "check",
                "--nagios",
                "--warning",
                "3d",
                "--critical",
                "2d",
            ][..],
            "WARNING must come before CRITICAL",
        ),
        (
            &[
                "backups",
                "check",
                "--nagios",
                "--warning",
                "1d",
                "--critical",
                "soon",
            ][..],
            "soon",
        ),
    ] {
        let out = run_seeded(&s, home().path(), args);
        out.expect_code(3);
        let first = out.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("TCREDIS BACKUP UNKNOWN - usage error: ") && first.contains(needle),
            "{args:?}: {first}"
        );
        assert_eq!(out.stdout.lines().count(), 1, "{args:?}: {}", out.stdout);
    }
    // Without --nagios the same mistake stays a usage error (2).
    let plain = run_seeded(&s, home().path(), &["backups", "check", "--bogus"]);
    plain.expect_code(2);
    assert!(plain.stdout.is_empty());
    // A configuration error found after parsing (no credentials at all).
    let uri = s.server.uri();
    let out = run(
        home().path(),
        &[
            "--endpoint",
            &uri,
            "--region",
            "ap-guangzhou",
            "backups",
            "check",
            "--nagios",
            "--warning",
            "1d",
            "--critical",
            "2d",
            "--instance-id",
            "crs-seed0001",
        ],
        &[("TCREDIS_NOW", common::NOW)],
    );
    out.expect_code(3);
    assert!(
        out.stdout.starts_with("TCREDIS BACKUP UNKNOWN - ") && out.stdout.contains("credentials"),
        "{}",
        out.stdout
    );
}
