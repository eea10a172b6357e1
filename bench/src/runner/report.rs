//! Stored figures (`bench/results.json`) and the rendered document (`docs/benchmarks.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::{Context, SECTIONS};

const RESULTS: &str = "bench/results.json";
const DOC: &str = "docs/benchmarks.md";

/// Titles of the sections in the document.
fn title(id: &str) -> &'static str {
    match id {
        "callgrind" => "Instruction counts (callgrind) — the CI gate",
        "sign" => "1. Signing",
        "parse" => "2. Parsing a 100-backup page",
        "python-sign" => "1b. Signing in the official Python SDK",
        "mock-throughput" => "3. Mock throughput",
        "end-to-end" => "4. End to end: listing 10,000 backups",
        "cold-start" => "5. Cold start",
        "memory" => "6. Memory",
        "pacing" => "7. Pacing accuracy",
        "fleet" => "8. A fleet of 1,010 instances: fewest requests",
        _ => "?",
    }
}

/// Reads the stored figures (empty when there are none).
pub fn load(ctx: &Context) -> BTreeMap<String, Value> {
    std::fs::read_to_string(ctx.root.join(RESULTS))
        .ok()
        .and_then(|s| serde_json::from_str::<BTreeMap<String, Value>>(&s).ok())
        .unwrap_or_default()
}

/// Writes the stored figures.
pub fn save(ctx: &Context, stored: &BTreeMap<String, Value>) -> Result<(), String> {
    let text = serde_json::to_string_pretty(stored).map_err(|e| e.to_string())? + "\n";
    std::fs::write(ctx.root.join(RESULTS), text).map_err(|e| format!("cannot write {RESULTS}: {e}"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|c| c.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    if header.is_empty() || rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        header.iter().map(|_| " --- ").collect::<Vec<_>>().join("|")
    );
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

/// Renders `docs/benchmarks.md` from the stored figures and `bench/notes/*.md`.
pub fn render(ctx: &Context, stored: &BTreeMap<String, Value>) -> Result<(), String> {
    let read_note = |name: &str| {
        std::fs::read_to_string(ctx.root.join("bench/notes").join(format!("{name}.md")))
            .unwrap_or_default()
    };
    let mut out = String::new();
    out.push_str(&read_note("intro"));
    out.push_str("\n## Summary of targets\n\n");
    let mut summary = Vec::new();
    for &id in SECTIONS {
        let Some(section) = stored.get(id) else {
            summary.push(vec![
                title(id).to_owned(),
                "—".into(),
                "—".into(),
                "not run yet".into(),
            ]);
            continue;
        };
        if let Some(err) = section.get("error").and_then(Value::as_str) {
            let first = err.lines().next().unwrap_or(err);
            summary.push(vec![
                title(id).to_owned(),
                "—".into(),
                "—".into(),
                format!("not measured: {first}"),
            ]);
            continue;
        }
        for check in section["checks"].as_array().into_iter().flatten() {
            let met = check["met"].as_bool().unwrap_or(false);
            summary.push(vec![
                format!("{} — {}", title(id), check["what"].as_str().unwrap_or("")),
                check["measured"].as_str().unwrap_or("").to_owned(),
                check["target"].as_str().unwrap_or("").to_owned(),
                if met {
                    "met".into()
                } else {
                    "**missed** (see section)".into()
                },
            ]);
        }
    }
    table(
        &mut out,
        &[
            "Figure".into(),
            "Measured".into(),
            "Target".into(),
            "Status".into(),
        ],
        &summary,
    );
    for &id in SECTIONS {
        let _ = writeln!(out, "## {}\n", title(id));
        match stored.get(id) {
            None => out.push_str("Not run yet.\n\n"),
            Some(section) => {
                let _ = writeln!(
                    out,
                    "Measured at commit `{}` on {} — {}.\n",
                    section["commit"].as_str().unwrap_or("?"),
                    section["date"].as_str().unwrap_or("?"),
                    section["machine"].as_str().unwrap_or("?"),
                );
                if let Some(err) = section.get("error").and_then(Value::as_str) {
                    let _ = writeln!(out, "**Not measured**:\n\n```text\n{}\n```\n", err.trim());
                } else {
                    let command = section["command"].as_str().unwrap_or("");
                    if !command.is_empty() {
                        let _ = writeln!(out, "```sh\n{}\n```\n", command.trim());
                    }
                    let rows: Vec<Vec<String>> = section["rows"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(strs)
                        .collect();
                    table(&mut out, &strs(&section["header"]), &rows);
                    let checks: Vec<Vec<String>> = section["checks"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| {
                            vec![
                                c["what"].as_str().unwrap_or("").to_owned(),
                                c["measured"].as_str().unwrap_or("").to_owned(),
                                c["target"].as_str().unwrap_or("").to_owned(),
                                if c["met"].as_bool().unwrap_or(false) {
                                    "met".into()
                                } else {
                                    "**missed**".into()
                                },
                            ]
                        })
                        .collect();
                    table(
                        &mut out,
                        &[
                            "Target".into(),
                            "Measured".into(),
                            "Wanted".into(),
                            "Status".into(),
                        ],
                        &checks,
                    );
                    for note in section["notes"].as_array().into_iter().flatten() {
                        let _ = writeln!(out, "- {}", note.as_str().unwrap_or(""));
                    }
                    if section["notes"].as_array().is_some_and(|n| !n.is_empty()) {
                        out.push('\n');
                    }
                }
            }
        }
        let note = read_note(id);
        if !note.is_empty() {
            out.push_str(note.trim_end());
            out.push_str("\n\n");
        }
    }
    let text = out.trim_end().to_owned() + "\n";
    std::fs::create_dir_all(ctx.root.join("docs")).map_err(|e| e.to_string())?;
    std::fs::write(ctx.root.join(DOC), text).map_err(|e| format!("cannot write {DOC}: {e}"))?;
    eprintln!("wrote {DOC} and {RESULTS}");
    Ok(())
}
