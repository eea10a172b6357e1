//! `check`'s report: one line per instance and a summary line for cron and monitoring (`text`),
//! or one JSON document with its keys in the documented order (`json`): `ExitCode`,
//! `MaxAgeSeconds`, `Requests`, `Regions`, `Instances`.

use std::io::Write;

use serde::Serialize;
use tcredis_core::freshness::Verdict;
use tcredis_core::instances::InstanceStatus;
use tcredis_transport_hyper::fleet::{CheckReport, CheckResult, InstanceCheck, RegionResult};

use crate::exit::Outcome;
use crate::terminal;
use crate::time::duration::format_compact;

/// The report's format (`--output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    /// One line per instance and a summary line.
    Text,
    /// One pretty JSON document.
    Json,
}

/// Everything the report says.
#[derive(Debug)]
pub struct Report<'a> {
    /// The fleet check: regions, instances, requests.
    pub check: &'a CheckReport,
    /// `--max-age` in seconds.
    pub max_age: i64,
    /// `--lookback` in seconds.
    pub lookback: i64,
    /// The worst outcome (the exit code).
    pub outcome: Outcome,
}

/// Writes the report and flushes.
pub fn write(out: &mut dyn Write, format: CheckFormat, report: &Report<'_>) -> std::io::Result<()> {
    match format {
        CheckFormat::Text => write_text(out, report),
        CheckFormat::Json => write_json(out, report),
    }
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
            E::InvalidResponse { .. } | E::TooManyItems { .. } => "invalid-response",
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

/// The name `DescribeInstances` gave (empty for `--instance-id`s, which are not described).
fn instance_name(c: &InstanceCheck) -> &str {
    c.instance.instance_name.as_deref().unwrap_or_default()
}

/// A server's value for a line of the text report: escaped and bounded, so a newline in a
/// BackupId or an InstanceId cannot forge a report line.
fn field(text: &str) -> std::borrow::Cow<'_, str> {
    terminal::escape(text, terminal::MAX_FIELD_CHARS)
}

/// The first line of an error for the text report, escaped and bounded (its message may quote
/// the server).
fn error_line(e: &tcredis_transport_hyper::Error) -> String {
    let text = e.to_string();
    terminal::escape(
        text.lines().next().unwrap_or_default(),
        terminal::MAX_MESSAGE_CHARS,
    )
    .into_owned()
}

fn write_text(out: &mut dyn Write, view: &Report<'_>) -> std::io::Result<()> {
    let (report, outcome) = (view.check, view.outcome);
    let id_width = report
        .instances
        .iter()
        .map(|c| field(&c.instance.instance_id).chars().count())
        .max()
        .unwrap_or(1);
    let region_width = report
        .regions
        .iter()
        .map(|r| field(&r.region).chars().count())
        .max()
        .unwrap_or(0);
    let max = format_compact(view.max_age.unsigned_abs());
    let mut worst = Verdict::Ok;
    let mut failed_regions = 0;
    for region in &report.regions {
        if let RegionResult::Failed(e) = &region.result {
            failed_regions += 1;
            worst = worst.max(Verdict::Error);
            writeln!(
                out,
                "{:<7}  {:<region_width$}  {:<id_width$}  {}",
                "ERROR",
                field(&region.region),
                "-",
                error_line(e)
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
                    field(newest.backup_id.as_deref().unwrap_or("-")),
                    field(&newest.start_time),
                    format_compact(age.unsigned_abs()),
                    if verdict == Verdict::Ok { "<=" } else { ">" }
                ),
                _ => format!(
                    "no good backup in the last {}",
                    format_compact(view.lookback.unsigned_abs())
                ),
            },
            CheckResult::Skipped => format!(
                "not checked: the instance is {} (--include-isolated checks it)",
                c.instance.status.map_or_else(
                    || "not running".to_owned(),
                    |s| InstanceStatus::from_code(s).name()
                )
            ),
            CheckResult::Failed(e) => error_line(e),
            _ => String::new(),
        };
        writeln!(
            out,
            "{:<7}  {:<region_width$}  {:<id_width$}  {detail}",
            verdict.to_string(),
            field(&c.instance.region),
            field(&c.instance.instance_id),
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

fn write_json(out: &mut dyn Write, view: &Report<'_>) -> std::io::Result<()> {
    let (report, max_age, outcome) = (view.check, view.max_age, view.outcome);
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
