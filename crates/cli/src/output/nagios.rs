//! `backups check --nagios`: the report as a Nagios / Icinga plugin writes it (Monitoring Plugins
//! guidelines): one status line `TCREDIS BACKUP STATE - summary | perfdata`, then one line per
//! instance that needs attention, and the exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
//!
//! Per instance: no good backup (MISSING), a missed slot (MISSED) or an age over `--critical` is
//! CRITICAL; an age over `--warning` is WARNING; an instance (or a region) that could not be
//! checked is UNKNOWN; a skipped one is OK. The service state is the worst, by CRITICAL >
//! UNKNOWN > WARNING > OK. Perfdata: the count of instances in each state and the ages of at most
//! `--perfdata-limit` worst instances, so a thousand instances stay within plugin output limits.

use std::io::Write;

use tcredis_core::freshness::Verdict;
use tcredis_transport_hyper::fleet::{CheckReport, CheckResult, InstanceCheck, RegionResult};

use crate::time::duration::format_compact;

/// What the first line starts with.
pub const SERVICE: &str = "TCREDIS BACKUP";

/// The summary names at most this many instances; the lines after it list more.
const NAMED_IN_SUMMARY: usize = 3;

/// `--warning`, `--critical` (seconds) and `--perfdata-limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginThresholds {
    /// WARNING above this age.
    pub warning: i64,
    /// CRITICAL above this age.
    pub critical: i64,
    /// Ages of at most this many instances in the perfdata.
    pub perfdata_limit: usize,
}

pub use crate::exit::PluginState;

/// The state of one instance.
pub fn state_of(check: &InstanceCheck, t: &PluginThresholds) -> PluginState {
    match &check.result {
        CheckResult::Skipped => PluginState::Ok,
        CheckResult::Judged(j) => match (j.verdict, j.age) {
            (Verdict::Missing | Verdict::Missed, _) | (_, None) => PluginState::Critical,
            (_, Some(age)) if age > t.critical => PluginState::Critical,
            (_, Some(age)) if age > t.warning => PluginState::Warning,
            _ => PluginState::Ok,
        },
        // Failed, or a result this version does not know: not checked.
        _ => PluginState::Unknown,
    }
}

/// One row of the plugin's view: a checked instance or a failed region.
struct Row<'a> {
    state: PluginState,
    name: &'a str,
    age: Option<i64>,
    /// Whether an age belongs in the perfdata (checked instances only).
    measured: bool,
    detail: String,
}

fn rows<'a>(report: &'a CheckReport, t: &PluginThresholds, lookback: i64) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    for region in &report.regions {
        if let RegionResult::Failed(e) = &region.result {
            rows.push(Row {
                state: PluginState::Unknown,
                name: &region.region,
                age: None,
                measured: false,
                detail: format!("region not checked: {}", first_line(&e.to_string())),
            });
        }
    }
    for c in &report.instances {
        let state = state_of(c, t);
        let (age, measured, detail) = match &c.result {
            CheckResult::Judged(j) => match (&j.newest, j.age) {
                (Some(_), Some(age)) if j.verdict == Verdict::Missed => (
                    Some(age),
                    true,
                    "the last scheduled slot has no backup".to_owned(),
                ),
                (Some(_), Some(age)) => (
                    Some(age),
                    true,
                    format!(
                        "newest good backup {} old",
                        format_compact(age.unsigned_abs())
                    ),
                ),
                _ => (
                    None,
                    true,
                    format!(
                        "no good backup in the last {}",
                        format_compact(lookback.unsigned_abs())
                    ),
                ),
            },
            CheckResult::Skipped => (None, false, "skipped (not running)".to_owned()),
            CheckResult::Failed(e) => (
                None,
                false,
                format!("not checked: {}", first_line(&e.to_string())),
            ),
            _ => (None, false, "not checked".to_owned()),
        };
        rows.push(Row {
            state,
            name: &c.instance.instance_id,
            age,
            measured,
            detail,
        });
    }
    // Worst first: by state, then the oldest (no backup at all before any age), then by name.
    rows.sort_by(|a, b| {
        b.state
            .cmp(&a.state)
            .then_with(|| match (a.age, b.age) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => y.cmp(&x),
            })
            .then_with(|| a.name.cmp(b.name))
    });
    rows
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// A perfdata label: the characters the guidelines forbid (`=`, `'`) and whitespace become `_`,
/// so no quoting is needed.
fn label(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '=' || c == '\'' || c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Plugin output text must not carry `|` outside the perfdata separator, nor line breaks (or
/// any control or bidi character: [`crate::terminal::escape`]).
fn text(s: &str) -> String {
    crate::terminal::escape(s, crate::terminal::MAX_MESSAGE_CHARS).replace('|', " ")
}

/// Writes the plugin output; returns the service state (its code is the exit code).
pub fn write(
    out: &mut dyn Write,
    report: &CheckReport,
    t: &PluginThresholds,
    lookback: i64,
) -> std::io::Result<PluginState> {
    let rows = rows(report, t, lookback);
    let state = rows
        .iter()
        .map(|r| r.state)
        .max()
        .unwrap_or(PluginState::Ok);
    let count = |s: PluginState| rows.iter().filter(|r| r.state == s).count();
    let (critical, unknown, warning, ok) = (
        count(PluginState::Critical),
        count(PluginState::Unknown),
        count(PluginState::Warning),
        count(PluginState::Ok),
    );
    let mut summary = format!(
        "{} instances: {critical} critical, {unknown} unknown, {warning} warning, {ok} ok",
        report.instances.len()
    );
    if report.instances.is_empty() && rows.is_empty() {
        summary = "no instance matched".to_owned();
    }
    let attention: Vec<&Row<'_>> = rows.iter().filter(|r| r.state != PluginState::Ok).collect();
    let named: Vec<String> = attention
        .iter()
        .take(NAMED_IN_SUMMARY)
        .map(|r| format!("{} {}", r.name, r.state.name()))
        .collect();
    if !named.is_empty() {
        summary.push_str(" (");
        summary.push_str(&named.join(", "));
        if attention.len() > named.len() {
            summary.push_str(&format!(", {} more", attention.len() - named.len()));
        }
        summary.push(')');
    }
    let mut perfdata =
        format!("ok={ok};;;0 warning={warning};;;0 critical={critical};;;0 unknown={unknown};;;0");
    for r in rows.iter().filter(|r| r.measured).take(t.perfdata_limit) {
        let value = r.age.map_or_else(|| "U".to_owned(), |a| format!("{a}s"));
        perfdata.push_str(&format!(
            " {}_age={value};{};{};0",
            label(r.name),
            t.warning,
            t.critical
        ));
    }
    writeln!(
        out,
        "{SERVICE} {} - {} | {perfdata}",
        state.name(),
        text(&summary)
    )?;
    for r in attention.iter().take(t.perfdata_limit) {
        writeln!(
            out,
            "{} {}: {}",
            r.state.name(),
            text(r.name),
            text(&r.detail)
        )?;
    }
    if attention.len() > t.perfdata_limit {
        writeln!(
            out,
            "... and {} more (--perfdata-limit {})",
            attention.len() - t.perfdata_limit,
            t.perfdata_limit
        )?;
    }
    out.flush()?;
    Ok(state)
}

/// The plugin's answer when it cannot run at all (usage, configuration): UNKNOWN, exit 3.
pub fn write_unknown(out: &mut dyn Write, message: &str) -> std::io::Result<u8> {
    writeln!(out, "{SERVICE} UNKNOWN - {}", text(first_line(message)))?;
    out.flush()?;
    Ok(PluginState::Unknown.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_order_by_plugin_severity_and_map_to_their_codes() {
        use PluginState::*;
        assert_eq!(
            [Ok, Critical, Warning, Unknown].into_iter().max(),
            Some(Critical)
        );
        assert_eq!([Ok, Warning, Unknown].into_iter().max(), Some(Unknown));
        assert_eq!(
            [Ok, Warning, Critical, Unknown].map(PluginState::code),
            [0, 1, 2, 3]
        );
    }

    #[test]
    fn labels_and_text_stay_inside_the_format() {
        assert_eq!(label("crs-a b='x'"), "crs-a_b__x_");
        assert_eq!(text("a|b\nc"), "a b\\nc");
    }
}
