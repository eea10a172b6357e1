//! `backups check`: a verdict per instance (OK, STALE, MISSING, SKIPPED, ERROR) for cron and
//! monitoring, through the transport's fleet API: every running instance of each region with
//! the fewest requests (`docs/architecture.md`), or the `--instance-id`s given, one by one. One
//! line per instance and a summary line (`-o text`), or one JSON document (`-o json`).

use std::io::Write;

use serde::Serialize;
use tcredis_core::freshness::Verdict;
use tcredis_core::instances::InstanceStatus;
use tcredis_transport_hyper::fleet::{
    CheckOptions, CheckReport, CheckResult, InstanceCheck, RegionResult, Selector,
};

use crate::client::ClientApi;
use crate::commands::fleet::{Regions, note_regions};
use crate::duration::format_compact;
use crate::exit::Outcome;

/// What a check run needs besides the client.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// The regions.
    pub regions: Regions,
    /// Which instances.
    pub selector: Selector,
    /// `--max-age`, seconds.
    pub max_age: i64,
    /// `--lookback`, seconds.
    pub lookback: i64,
    /// Now, Unix seconds.
    pub now: i64,
    /// `-o json`.
    pub json: bool,
    /// `-v` count.
    pub verbose: u8,
}

/// One error as `-o json` writes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorJson {
    code: String,
    message: String,
    request_id: String,
}

impl ErrorJson {
    /// The API's code, message and RequestId; for other failures a lower-case kind (`network`,
    /// `invalid-response`, `drift`, `credentials`, `config`) and the message.
    pub fn new(e: &tcredis_transport_hyper::Error) -> Self {
        use tcredis_transport_hyper::Error as E;
        if let Some(api) = e.api_error() {
            return Self {
                code: api.code().as_str().to_owned(),
                message: api.message().to_owned(),
                request_id: api.request_id().to_owned(),
            };
        }
        let code = match e {
            E::Transport { .. } | E::Timeout { .. } | E::Tls { .. } => "network",
            E::InvalidResponse { .. } => "invalid-response",
            E::Drift { .. } => "drift",
            E::Credentials { .. } => "credentials",
            _ => "config",
        };
        Self {
            code: code.to_owned(),
            message: e.to_string(),
            request_id: String::new(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RegionJson<'a> {
    region: &'a str,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceJson<'a> {
    region: &'a str,
    instance_id: &'a str,
    instance_name: &'a str,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReportJson<'a> {
    exit_code: u8,
    max_age_seconds: i64,
    requests: u64,
    regions: Vec<RegionJson<'a>>,
    instances: Vec<InstanceJson<'a>>,
}

/// Runs the check, prints the report; returns the worst outcome (0 all OK/SKIPPED, 1 any
/// STALE/MISSING, 3 an API error, 4 a network failure; worst wins).
pub async fn run(
    api: &ClientApi,
    run: CheckRun,
    out: &mut dyn Write,
) -> Result<Outcome, std::io::Error> {
    let fleet = api
        .client()
        .fleet(run.regions.names.clone())
        .selector(run.selector.clone())
        .tolerate_unavailable(run.regions.all);
    let options = CheckOptions::new(run.now)
        .max_age(run.max_age)
        .lookback(run.lookback);
    let report = fleet.check(options).await;
    note_regions(&report.regions, run.verbose);
    let mut outcome = Outcome::Success;
    for region in &report.regions {
        if let RegionResult::Failed(e) = &region.result {
            let e = api.classify(e.clone());
            crate::exit::stderr_line(format_args!("tcredis: {}: {e}", region.region));
            outcome = outcome.worst(e.outcome);
        }
    }
    for c in &report.instances {
        outcome = outcome.worst(match &c.result {
            CheckResult::Failed(e) => {
                let e = api.classify(e.clone());
                crate::commands::list::report(Some(&c.instance.instance_id), &e);
                e.outcome
            }
            _ if c.verdict().is_problem() => Outcome::Stale,
            _ => Outcome::Success,
        });
    }
    if run.json {
        write_json(out, &report, run.max_age, outcome)?;
    } else {
        write_text(out, &report, &run, outcome)?;
    }
    Ok(outcome)
}

/// The name `DescribeInstances` gave (empty for `--instance-id`s, which are not described).
fn instance_name(c: &InstanceCheck) -> &str {
    c.instance.instance_name.as_deref().unwrap_or_default()
}

fn write_text(
    out: &mut dyn Write,
    report: &CheckReport,
    run: &CheckRun,
    outcome: Outcome,
) -> std::io::Result<()> {
    let id_width = report
        .instances
        .iter()
        .map(|c| c.instance.instance_id.len())
        .max()
        .unwrap_or(1);
    let region_width = report
        .regions
        .iter()
        .map(|r| r.region.len())
        .max()
        .unwrap_or(0);
    let max = format_compact(run.max_age.unsigned_abs());
    let mut worst = Verdict::Ok;
    let mut failed_regions = 0;
    for region in &report.regions {
        if let RegionResult::Failed(e) = &region.result {
            failed_regions += 1;
            worst = worst.max(Verdict::Error);
            let message = e.to_string();
            writeln!(
                out,
                "{:<7}  {:<region_width$}  {:<id_width$}  {}",
                "ERROR",
                region.region,
                "-",
                message.lines().next().unwrap_or_default()
            )?;
        }
    }
    for c in &report.instances {
        let verdict = c.verdict();
        worst = worst.max(verdict);
        let detail = match &c.result {
            CheckResult::Judged(j) => match (&j.newest, j.age) {
                (Some(newest), Some(age)) => format!(
                    "newest good backup {} started {} ({} old {} {max})",
                    newest.backup_id.as_deref().unwrap_or("-"),
                    newest.start_time,
                    format_compact(age.unsigned_abs()),
                    if verdict == Verdict::Ok { "<=" } else { ">" }
                ),
                _ => format!(
                    "no good backup in the last {}",
                    format_compact(run.lookback.unsigned_abs())
                ),
            },
            CheckResult::Skipped => format!(
                "not checked: the instance is {} (--include-isolated checks it)",
                c.instance.status.map_or_else(
                    || "not running".to_owned(),
                    |s| InstanceStatus::from_code(s).name()
                )
            ),
            CheckResult::Failed(e) => e.to_string().lines().next().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        writeln!(
            out,
            "{:<7}  {:<region_width$}  {:<id_width$}  {detail}",
            verdict.to_string(),
            c.instance.region,
            c.instance.instance_id,
        )?;
    }
    let count = |v: Verdict| report.instances.iter().filter(|c| c.verdict() == v).count();
    writeln!(
        out,
        "tcredis check: {worst} ok={} stale={} missing={} missed={} skipped={} error={} instances={} max_age={max} requests={} exit={}",
        count(Verdict::Ok),
        count(Verdict::Stale),
        count(Verdict::Missing),
        count(Verdict::Missed),
        count(Verdict::Skipped),
        count(Verdict::Error) + failed_regions,
        report.instances.len(),
        report.requests,
        outcome.code()
    )?;
    out.flush()
}

fn write_json(
    out: &mut dyn Write,
    report: &CheckReport,
    max_age: i64,
    outcome: Outcome,
) -> std::io::Result<()> {
    let regions = report
        .regions
        .iter()
        .map(|r| RegionJson {
            region: &r.region,
            result: r.result.name(),
            error: match &r.result {
                RegionResult::Failed(e) => Some(ErrorJson::new(e)),
                _ => None,
            },
        })
        .collect();
    let instances = report
        .instances
        .iter()
        .map(|c| {
            let mut item = InstanceJson {
                region: &c.instance.region,
                instance_id: &c.instance.instance_id,
                instance_name: instance_name(c),
                result: c.verdict().name(),
                backup_id: None,
                start_time: None,
                age_seconds: None,
                error: None,
            };
            match &c.result {
                CheckResult::Judged(j) => {
                    if let Some(newest) = &j.newest {
                        item.backup_id = newest.backup_id.as_deref();
                        item.start_time = Some(&newest.start_time);
                        item.age_seconds = j.age;
                    }
                }
                CheckResult::Failed(e) => item.error = Some(ErrorJson::new(e)),
                _ => {}
            }
            item
        })
        .collect();
    let doc = ReportJson {
        exit_code: outcome.code(),
        max_age_seconds: max_age,
        requests: report.requests,
        regions,
        instances,
    };
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")?;
    out.flush()
}
