//! The exporter's `/` page: a self-contained HTML status page (no external assets, no script):
//! the backup timeline of the last [`GRID_DAYS`] days by instance ([`crate::timeline`], so a
//! missed night stands out), and a table with one row per instance: region, instance, name,
//! verdict, newest good backup and its age.

use std::fmt::Write as _;

use tcredis_core::freshness::{Rules, Verdict};
use tcredis_transport_hyper::fleet::SurveyResult;

use super::collector::Snapshot;
use crate::timeline::{DayState, date, day_of_month};

/// Days in the page's grid.
pub const GRID_DAYS: u32 = 14;
use crate::time::duration::format_compact;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}\
table{border-collapse:collapse}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}\
.ok{color:#176f2c}.stale,.missed{color:#a15c00}.missing,.error{color:#b00020;font-weight:bold}.skipped{color:#777}\
#timeline td.day{width:1.1rem;height:1.1rem;padding:0;border:1px solid #fff;text-align:center;font-size:.7rem}\
td.day-ok{background:#2e9e4f}td.day-running{background:#5bc0de}td.day-expired{background:#f0c36d}\
td.day-none{background:#e4e4e4}td.day-missed{background:#d0021b;color:#fff;font-weight:bold}\
.legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .25rem 0 .8rem;vertical-align:middle}";

/// The grid's HTML: one row per listed instance, one cell per day (class `day-STATE`).
fn grid(html: &mut String, snapshot: &Snapshot, now: i64, grace: i64) {
    let schedule_of = |i: &tcredis_transport_hyper::fleet::FleetInstance| {
        snapshot
            .regions
            .iter()
            .find(|r| r.region == i.region)
            .and_then(|r| r.schedules.get(&i.instance_id))
            .copied()
    };
    let grid = crate::timeline::build(snapshot.instances(), &schedule_of, now, GRID_DAYS, grace);
    let _ = write!(html, "<h2>Last {GRID_DAYS} days</h2>\n<p class=\"legend\">");
    for state in DayState::ALL {
        let _ = write!(
            html,
            "<span class=\"day-{0}\" style=\"background:{1}\"></span>{0}",
            state.name(),
            match state {
                DayState::Ok => "#2e9e4f",
                DayState::Running => "#5bc0de",
                DayState::Expired => "#f0c36d",
                DayState::None => "#e4e4e4",
                DayState::Missed => "#d0021b",
            }
        );
    }
    html.push_str("</p>\n<table id=\"timeline\"><thead><tr><th>Instance</th>");
    for &day in &grid.days {
        let _ = write!(
            html,
            "<th title=\"{}\">{}</th>",
            date(day),
            day_of_month(day)
        );
    }
    html.push_str("</tr></thead><tbody>\n");
    for row in &grid.rows {
        let id = escape(&row.instance.instance_id);
        let _ = write!(html, "<tr data-instance=\"{id}\"><td>{id}</td>");
        for (&day, &state) in grid.days.iter().zip(&row.cells) {
            let symbol = if state == DayState::Missed { "X" } else { "" };
            let _ = write!(
                html,
                "<td class=\"day day-{0}\" data-date=\"{1}\" data-state=\"{0}\" title=\"{id} {1}: {0}\">{symbol}</td>",
                state.name(),
                date(day),
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table>\n");
}

/// The page for `snapshot` (None: nothing collected yet) at `now`.
pub fn render(snapshot: Option<&Snapshot>, rules: &Rules, now: i64, grace: i64) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tcredis backups</title><style>{STYLE}</style></head><body>\n<h1>Redis backups</h1>\n"
    );
    let Some(snapshot) = snapshot else {
        html.push_str("<p id=\"status\">No collection has finished yet.</p>\n</body></html>\n");
        return html;
    };
    let _ = writeln!(
        html,
        "<p id=\"status\">Collected at {} (Beijing time).</p>",
        escape(&tcredis_core::time::BeijingTime::from_unix(snapshot.completed_at).to_string())
    );
    for r in snapshot.regions.iter().filter(|r| !r.success) {
        let _ = writeln!(
            html,
            "<p class=\"error\" data-region=\"{}\">Region {}: the last collection failed ({}); showing the previous data.</p>",
            escape(&r.region),
            escape(&r.region),
            escape(r.error.as_deref().unwrap_or_default())
        );
    }
    grid(&mut html, snapshot, now, grace);
    html.push_str("<h2>Instances</h2>\n<table id=\"instances\"><thead><tr><th>Region</th><th>Instance</th><th>Name</th><th>Verdict</th><th>Last good backup</th><th>Age</th></tr></thead><tbody>\n");
    for s in snapshot.instances() {
        let (verdict, start, age) = match &s.result {
            SurveyResult::Listed(census) => {
                let schedule = snapshot
                    .regions
                    .iter()
                    .find(|r| r.region == s.instance.region)
                    .and_then(|r| r.schedules.get(&s.instance.instance_id))
                    .map(|&schedule| (schedule, grace));
                let rules = Rules {
                    max_age: rules.max_age,
                    schedule,
                };
                let judged = rules.judge(Some(&census.good), now);
                (
                    judged.verdict,
                    judged.newest.map(|n| n.start_time).unwrap_or_default(),
                    judged
                        .age
                        .map(|a| format_compact(a.unsigned_abs()))
                        .unwrap_or_default(),
                )
            }
            SurveyResult::Skipped => (Verdict::Skipped, String::new(), String::new()),
            _ => (Verdict::Error, String::new(), String::new()),
        };
        let _ = writeln!(
            html,
            "<tr data-instance=\"{id}\"><td>{region}</td><td>{id}</td><td>{name}</td><td class=\"verdict {class}\">{verdict}</td><td>{start}</td><td>{age}</td></tr>",
            id = escape(&s.instance.instance_id),
            region = escape(&s.instance.region),
            name = escape(s.instance.instance_name.as_deref().unwrap_or_default()),
            class = verdict.name(),
            start = escape(&start),
        );
    }
    html.push_str("</tbody></table>\n</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b a=\"x\">'&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
    }
}
