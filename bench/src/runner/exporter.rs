//! Section 8b: `tcredis exporter` over the fleet of section 8 (`tcredis-mock --generate
//! fleet:1010,stale=10,none=10,isolated=5 --rate-limit 20`), counted in the mock's journal: the
//! first refresh (every family, schedules read for the first time), five scrapes right after it,
//! and the next refresh (schedules cached for `--schedule-refresh`). B, the backups a refresh
//! lists, is the 30-day listing's TotalCount (the exporter's default `--lookback`).

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::e2e::{display, env, http_get, secs, shell_join};
use super::mock::{Server, workspace_binaries};
use super::{Context, Section};

/// The fleet (see `docs/mock.md`, "Generated fleet"), as in section 8.
const FLEET: &str = "fleet:1010,stale=10,none=10,isolated=5";
const INSTANCES: u64 = 1010;
/// Isolated instances are described but not collected (no listing, no schedule).
const ISOLATED: u64 = 5;
const SCRAPES: usize = 5;

/// Requests in the mock's journal so far, by action.
fn journal(mock: &Server) -> Result<BTreeMap<String, u64>, String> {
    let body = http_get(&mock.addr, "/_mock/journal").ok_or("cannot read the mock's journal")?;
    let v: Value = serde_json::from_str(&body).map_err(|e| format!("journal: {e}"))?;
    let entries = v
        .as_array()
        .or_else(|| v["entries"].as_array())
        .ok_or("the journal is not a list")?;
    let mut by_action = BTreeMap::new();
    for e in entries {
        if let Some(action) = e["action"].as_str() {
            *by_action.entry(action.to_owned()).or_insert(0) += 1;
        }
    }
    Ok(by_action)
}

/// `after - before`, per action, as (DescribeInstances, DescribeInstanceBackups,
/// DescribeAutoBackupConfig, all).
fn delta(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> (u64, u64, u64, u64) {
    let d = |a: &str| after.get(a).copied().unwrap_or(0) - before.get(a).copied().unwrap_or(0);
    let all: u64 = after.values().sum::<u64>() - before.values().sum::<u64>();
    (
        d("DescribeInstances"),
        d("DescribeInstanceBackups"),
        d("DescribeAutoBackupConfig"),
        all,
    )
}

/// The value of the first sample of `/metrics` whose line starts with `prefix`.
fn sample(metrics: &str, prefix: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|v| v.trim().parse().ok())
}

fn wait_for<T>(
    what: &str,
    limit: Duration,
    mut done: impl FnMut() -> Option<T>,
) -> Result<T, String> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(t) = done() {
            return Ok(t);
        }
        if Instant::now() > deadline {
            return Err(format!("waited {limit:?} for {what}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
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

/// Section 8b.
pub fn exporter(ctx: &Context) -> Result<Section, String> {
    let (cli, _) = workspace_binaries(ctx)?;
    let mock = Server::mock(ctx, &["--generate", FLEET, "--rate-limit", "20"])?;

    // B: what a 30-day listing holds.
    let mut list = base(&cli, &mock.url);
    list.extend(
        [
            "backups",
            "list",
            "--all",
            "--since",
            "30d",
            "-o",
            "json",
            "--query",
            "TotalCount",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let mut cmd = Command::new(&list[0]);
    cmd.args(&list[1..]);
    env(ctx, &mut cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", list[0]))?;
    let backups: u64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("{}: TotalCount: {e}", shell_join(&list)))?;

    let mut argv = base(&cli, &mock.url);
    argv.extend(
        [
            "exporter",
            "--listen",
            "127.0.0.1:0",
            "--refresh",
            "15s",
            "--schedule-refresh",
            "6h",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let before = journal(&mock)?;
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    env(ctx, &mut cmd);
    let started = Instant::now();
    let exporter = Server::spawn(cmd)?;
    wait_for(
        "the first refresh (/healthz 200)",
        Duration::from_secs(600),
        || http_get(&exporter.addr, "/healthz").filter(|b| b.trim() == "ok"),
    )?;
    let first_done = journal(&mock)?;
    let first_elapsed = started.elapsed().as_secs_f64();
    let mut metrics = String::new();
    for _ in 0..SCRAPES {
        metrics = http_get(&exporter.addr, "/metrics").ok_or("a scrape failed")?;
    }
    let after_scrapes = journal(&mock)?;
    const LAST: &str = "tcredis_collect_last_success_timestamp_seconds{region=\"ap-guangzhou\"} ";
    const DURATION: &str = "tcredis_collect_duration_seconds{region=\"ap-guangzhou\"} ";
    let first_at = sample(&metrics, LAST).ok_or("no last-success sample")?;
    let first_wall = sample(&metrics, DURATION).ok_or("no duration sample")?;
    let series = metrics
        .lines()
        .filter(|l| l.starts_with("tcredis_backup_last_good_timestamp_seconds{"))
        .count();
    let second = wait_for("the second refresh", Duration::from_secs(600), || {
        let m = http_get(&exporter.addr, "/metrics")?;
        (sample(&m, LAST)? > first_at).then_some(m)
    })?;
    let second_wall = sample(&second, DURATION).ok_or("no duration sample")?;
    let second_done = journal(&mock)?;
    drop(exporter);

    let first = delta(&before, &first_done);
    let scrapes = delta(&first_done, &after_scrapes).3;
    let next = delta(&after_scrapes, &second_done);
    let (pages_instances, pages_backups) = (INSTANCES.div_ceil(1000), backups.div_ceil(100));
    let collected = INSTANCES - ISOLATED;

    let mut s = Section {
        command: display(
            ctx,
            &format!(
                "cargo run --release --manifest-path bench/Cargo.toml -- --only exporter   # runs, in one go:\ntcredis-mock --listen 127.0.0.1:0 --generate {FLEET} --rate-limit 20\n{}\n{}\ncurl http://127.0.0.1:PORT/metrics   # {SCRAPES} times after the first refresh",
                shell_join(&list),
                shell_join(&argv)
            ),
        ),
        header: vec![
            "Exporter, 1,010 instances, 20 req/s".into(),
            "DescribeInstances".into(),
            "DescribeInstanceBackups".into(),
            "DescribeAutoBackupConfig".into(),
            "Requests".into(),
            "Wall time".into(),
            "Listing time".into(),
        ],
        ..Section::default()
    };
    s.row(&[
        "first refresh (schedules read)",
        &first.0.to_string(),
        &first.1.to_string(),
        &first.2.to_string(),
        &first.3.to_string(),
        &secs(first_elapsed),
        &secs(first_wall),
    ]);
    s.row(&[
        &format!("{SCRAPES} scrapes of /metrics"),
        "0",
        "0",
        "0",
        &scrapes.to_string(),
        "—",
        "—",
    ]);
    s.row(&[
        "next refresh (schedules cached for --schedule-refresh 6h)",
        &next.0.to_string(),
        &next.1.to_string(),
        &next.2.to_string(),
        &next.3.to_string(),
        "—",
        &secs(second_wall),
    ]);
    s.check(
        "exporter refresh, listing requests",
        format!("{} + {}", first.0, first.1),
        &format!(
            "= ⌈N/1000⌉ + ⌈B/100⌉ = {pages_instances} + {pages_backups} (N = 1,010, B = {backups})"
        ),
        first.0 == pages_instances
            && first.1 == pages_backups
            && next.0 == pages_instances
            && next.1 == pages_backups,
    );
    s.check(
        "exporter schedule requests per --schedule-refresh",
        format!("{} then {}", first.2, next.2),
        &format!("≤ N ({collected} collected) once, 0 until it expires"),
        first.2 <= INSTANCES && next.2 == 0,
    );
    s.check(
        "exporter requests for 5 scrapes",
        scrapes.to_string(),
        "0",
        scrapes == 0,
    );
    s.notes.push(format!(
        "Counts are the mock's journal between the moments the exporter's /healthz turned 200 (first refresh), after the {SCRAPES} scrapes, and when tcredis_collect_last_success_timestamp_seconds moved (next refresh); every attempt counts, retries included. Wall time: from starting the exporter to /healthz answering ok. Listing time: the exporter's own tcredis_collect_duration_seconds (the region's DescribeInstances and listing pages; the schedule reads are not part of it). {series} instances have a last-good series."
    ));
    Ok(s)
}
