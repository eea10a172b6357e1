//! The exporter's `/` page: a self-contained HTML status page (no external assets, no script)
//! with one row per instance: region, instance, name, verdict, newest good backup and its age.

use std::fmt::Write as _;

use tcredis_core::freshness::{Rules, Verdict};
use tcredis_transport_hyper::fleet::SurveyResult;

use super::collector::Snapshot;
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
.ok{color:#176f2c}.stale,.missed{color:#a15c00}.missing,.error{color:#b00020;font-weight:bold}.skipped{color:#777}";

/// The page for `snapshot` (None: nothing collected yet) at `now`.
pub fn render(snapshot: Option<&Snapshot>, rules: &Rules, now: i64) -> String {
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
    html.push_str("<table id=\"instances\"><thead><tr><th>Region</th><th>Instance</th><th>Name</th><th>Verdict</th><th>Last good backup</th><th>Age</th></tr></thead><tbody>\n");
    for s in snapshot.instances() {
        let (verdict, start, age) = match &s.result {
            SurveyResult::Listed(census) => {
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
