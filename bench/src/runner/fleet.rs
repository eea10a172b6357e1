//! Section 8: a fleet of 1,010 instances at the default 20 requests/s, in one run against one
//! `tcredis-mock --generate fleet:1010,stale=10,none=10,isolated=5 --rate-limit 20`:
//! `backups check` over every instance (DescribeInstances, one region-wide listing, then one
//! listing per instance without a fresh backup) side by side with the same check given every
//! instance ID (one call per instance, as before fleets), and `backups latest` over every
//! instance. Request counts come from the CLI's own report and are compared with the mock's
//! journal; verdicts are compared with the fleet's known composition.

use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::e2e::{display, env, http_get, secs, shell_join};
use super::mock::{Server, workspace_binaries};
use super::{Context, Section};

/// The fleet (see `docs/mock.md`, "Generated fleet").
const FLEET: &str = "fleet:1010,stale=10,none=10,isolated=5";
const INSTANCES: u64 = 1010;
/// ceil(1010/1000) + ceil(985/100) + 20 + 3: the bound of the issue.
const CHECK_BOUND: u64 = 35;

/// Runs argv (with the bench environment); returns (exit code, stdout, stderr, wall seconds).
fn run(ctx: &Context, argv: &[String]) -> Result<(i32, String, String, f64), String> {
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    env(ctx, &mut cmd);
    let started = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
    let wall = started.elapsed().as_secs_f64();
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        wall,
    ))
}

/// Redis requests in the mock's journal so far.
fn journal_requests(mock: &Server) -> Result<u64, String> {
    let body = http_get(&mock.addr, "/_mock/journal").ok_or("cannot read the mock's journal")?;
    let v: Value = serde_json::from_str(&body).map_err(|e| format!("journal: {e}"))?;
    let entries = v
        .as_array()
        .or_else(|| v["entries"].as_array())
        .ok_or("the journal is not a list")?;
    Ok(entries
        .iter()
        .filter(|e| {
            matches!(
                e["action"].as_str(),
                Some("DescribeInstances" | "DescribeInstanceBackups")
            )
        })
        .count() as u64)
}

fn base(cli: &std::path::Path, url: &str) -> Vec<String> {
    [
        cli.display().to_string(),
        "--endpoint".into(),
        url.into(),
        "--region".into(),
        "ap-guangzhou".into(),
    ]
    .into()
}

fn verdicts(report: &Value) -> String {
    let count = |r: &str| {
        report["Instances"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|i| i["Result"] == r).count())
    };
    format!(
        "ok {}, stale {}, missing {}, skipped {}, error {}",
        count("ok"),
        count("stale"),
        count("missing"),
        count("skipped"),
        count("error")
    )
}

/// Section 8.
pub fn fleet(ctx: &Context) -> Result<Section, String> {
    let (cli, _) = workspace_binaries(ctx)?;
    let mock = Server::mock(ctx, &["--generate", FLEET, "--rate-limit", "20"])?;
    let mut journal = 0;
    let mut measure = |argv: &[String]| -> Result<(String, String, f64, u64), String> {
        let (code, stdout, stderr, wall) = run(ctx, argv)?;
        if !(0..=1).contains(&code) {
            return Err(format!(
                "{} exited {code}: {}",
                shell_join(argv),
                stderr.lines().last().unwrap_or("")
            ));
        }
        let now = journal_requests(&mock)?;
        let sent = now - journal;
        journal = now;
        Ok((stdout, stderr, wall, sent))
    };

    // 1. The fleet check.
    let mut check = base(&cli, &mock.url);
    check.extend(
        ["backups", "check", "--max-age", "26h", "--output", "json"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    let (stdout, _, check_wall, check_journal) = measure(&check)?;
    let report: Value = serde_json::from_str(&stdout).map_err(|e| format!("check json: {e}"))?;
    let check_requests = report["Requests"].as_u64().ok_or("no Requests")?;
    let fleet_verdicts = verdicts(&report);
    let ids: Vec<String> = report["Instances"]
        .as_array()
        .ok_or("no Instances")?
        .iter()
        .filter_map(|i| i["InstanceId"].as_str().map(str::to_owned))
        .collect();

    // 2. The same check, one call per instance (every ID given).
    let mut per_instance = base(&cli, &mock.url);
    per_instance.extend(
        ["backups", "check", "--max-age", "26h", "--output", "json"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    for id in &ids {
        per_instance.extend(["--instance-id".to_owned(), id.clone()]);
    }
    let (stdout, _, per_wall, per_journal) = measure(&per_instance)?;
    let per_report: Value =
        serde_json::from_str(&stdout).map_err(|e| format!("per-instance json: {e}"))?;
    let per_requests = per_report["Requests"].as_u64().ok_or("no Requests")?;

    // 3. latest over the fleet.
    let mut latest = base(&cli, &mock.url);
    latest.extend(
        ["backups", "latest", "--output", "json", "-v"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    let (stdout, stderr, latest_wall, latest_requests) = measure(&latest)?;
    let found: Value = serde_json::from_str(&stdout).map_err(|e| format!("latest json: {e}"))?;
    let reported = stderr
        .lines()
        .find_map(|l| l.strip_prefix("tcredis: ap-guangzhou: "))
        .and_then(|l| l.strip_suffix(" requests"))
        .and_then(|n| n.parse::<u64>().ok());
    if reported != Some(latest_requests) {
        return Err(format!(
            "latest reported {reported:?} requests, the journal saw {latest_requests}"
        ));
    }
    if check_requests != check_journal || per_requests != per_journal {
        return Err(format!(
            "reported requests ({check_requests}, {per_requests}) differ from the journal ({check_journal}, {per_journal})"
        ));
    }

    let per_id_command = format!(
        "{} --instance-id {} ... (all {} IDs)",
        shell_join(&per_instance[..per_instance.len() - 2 * ids.len()]),
        ids.first().map_or("", String::as_str),
        ids.len()
    );
    let mut s = Section {
        command: display(
            ctx,
            &format!(
                "cargo run --release --manifest-path bench/Cargo.toml -- --only fleet   # runs, in one go:\ntcredis-mock --listen 127.0.0.1:0 --generate {FLEET} --rate-limit 20\n{}\n{per_id_command}\n{}",
                shell_join(&check),
                shell_join(&latest)
            ),
        ),
        header: vec![
            "Run (1,010 instances, 20 req/s)".into(),
            "Requests".into(),
            "Requests per instance".into(),
            "Wall time".into(),
            "Result".into(),
        ],
        ..Section::default()
    };
    let per = |n: u64| format!("{:.3}", n as f64 / INSTANCES as f64);
    s.row(&[
        "`check --max-age 26h`, every instance (fleet strategy)",
        &check_requests.to_string(),
        &per(check_requests),
        &secs(check_wall),
        &fleet_verdicts,
    ]);
    s.row(&[
        "`check --max-age 26h`, every `--instance-id` given (one call per instance)",
        &per_requests.to_string(),
        &per(per_requests),
        &secs(per_wall),
        &verdicts(&per_report),
    ]);
    s.row(&[
        "`latest`, every instance (widening windows)",
        &latest_requests.to_string(),
        &per(latest_requests),
        &secs(latest_wall),
        &format!(
            "{} newest good backups",
            found["TotalCount"].as_u64().unwrap_or(0)
        ),
    ]);
    s.check(
        "check requests, fleet strategy",
        check_requests.to_string(),
        "≤ 35 = ⌈N/1000⌉ + ⌈G/100⌉ + U + 3",
        check_requests <= CHECK_BOUND,
    );
    s.check(
        "check requests, one call per instance",
        per_requests.to_string(),
        "≥ 1,010 (the comparison)",
        per_requests >= INSTANCES,
    );
    let latest_per = latest_requests as f64 / INSTANCES as f64;
    s.check(
        "latest requests per instance",
        format!("{latest_per:.3}"),
        "≤ 1.1",
        latest_per <= 1.1,
    );
    s.check(
        "fleet verdicts",
        fleet_verdicts.clone(),
        "ok 985, stale 10, missing 10, skipped 5, error 0",
        fleet_verdicts == "ok 985, stale 10, missing 10, skipped 5, error 0",
    );
    s.notes.push(format!(
        "Request counts are the CLI's own (`Requests` in `-o json`, `-v` for latest) and equal the mock's journal ({check_journal}, {per_journal}, {latest_requests}); every attempt counts, retries included."
    ));
    s.notes.push(
        "Given every ID, the isolated instances are checked too (the IDs are not described), so the second run's verdicts differ by those 5 (STALE instead of SKIPPED)."
            .to_owned(),
    );
    Ok(s)
}
