//! Instruction counts under `valgrind --tool=callgrind` for signing and parsing: recorded into
//! `bench/callgrind-baseline.json` by a full run, compared with it by `--check` (the CI gate).
//!
//! Only `measured_loop` of the `callgrind-subject` binary (release build) is collected
//! (`--toggle-collect`), so start-up and set-up never count, and the count per iteration is
//! the collected total divided by the iterations. Counts are repeatable for the same binary
//! whatever else the machine does. Under valgrind the CPU has no SHA extensions (valgrind does
//! not emulate SHA-NI and hides it from `cpuid`), so `sha2` takes its portable software path:
//! the counts weigh SHA-256 far more heavily than the wall-clock figures on a SHA-NI machine.

use std::process::Command;

use serde_json::{Value, json};

use super::tools::{VALGRIND, ensure_tools, run_capture};
use super::{Context, Section};

/// (case, iterations): enough iterations that per-iteration counts are stable, few enough
/// that the whole check stays within seconds.
const CASES: &[(&str, u64)] = &[
    ("sign_tc3", 2000),
    ("sign_floor", 2000),
    ("sign_uncached", 1000),
    ("sign_uncached_floor", 1000),
    ("parse_owned", 100),
    ("parse_borrowed", 100),
    ("parse_value", 100),
];

/// Default tolerance, percent either way.
const TOLERANCE_PERCENT: f64 = 3.0;

fn valgrind_version() -> String {
    run_capture(Command::new("valgrind").arg("--version"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Instructions per iteration of one case.
fn count(ctx: &Context, case: &str, iterations: u64) -> Result<u64, String> {
    let subject = ctx.sibling("callgrind-subject");
    if !subject.exists() {
        return Err(format!(
            "{} is missing: build it with `cargo build --release --manifest-path bench/Cargo.toml`",
            subject.display()
        ));
    }
    let out_file = ctx.scratch.join(format!("callgrind.{case}.out"));
    run_capture(
        Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg("--toggle-collect=*measured_loop*")
            .arg(&subject)
            .arg(case)
            .arg(iterations.to_string())
            // The same environment every time: counts depend (slightly) on it.
            .env_clear()
            .env("PATH", "/usr/bin:/bin"),
    )?;
    let text = std::fs::read_to_string(&out_file)
        .map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    let total: u64 = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no totals line in {}", out_file.display()))?;
    if total == 0 {
        return Err(format!(
            "callgrind collected nothing for {case}: is `measured_loop` inlined away?"
        ));
    }
    Ok((total + iterations / 2) / iterations)
}

fn counts(ctx: &Context) -> Result<Vec<(&'static str, u64, u64)>, String> {
    ensure_tools(&[VALGRIND])?;
    CASES
        .iter()
        .map(|&(case, iterations)| {
            count(ctx, case, iterations).map(|per_iter| (case, iterations, per_iter))
        })
        .collect()
}

/// Full run: counts, writes the baseline, and reports.
pub fn record(ctx: &Context) -> Result<Section, String> {
    let counts = counts(ctx)?;
    let mut cases = serde_json::Map::new();
    for &(case, iterations, per_iter) in &counts {
        cases.insert(
            case.to_owned(),
            json!({"iterations": iterations, "instructions_per_iteration": per_iter}),
        );
    }
    let baseline = json!({
        "about": "Instructions per iteration under valgrind --tool=callgrind (release build of bench/src/bin/callgrind-subject.rs; sha2 runs its software path under valgrind). Written by `cargo xtask bench`; compared by `cargo xtask bench --check`.",
        "valgrind": valgrind_version(),
        "tolerance_percent": TOLERANCE_PERCENT,
        "cases": cases,
    });
    let text = serde_json::to_string_pretty(&baseline).map_err(|e| e.to_string())? + "\n";
    std::fs::write(&ctx.baseline, text)
        .map_err(|e| format!("cannot write {}: {e}", ctx.baseline.display()))?;
    let mut section = Section {
        command: format!(
            "valgrind --tool=callgrind --toggle-collect='*measured_loop*' target/release/callgrind-subject CASE ITERATIONS\n# {}",
            valgrind_version()
        ),
        header: vec![
            "Case".into(),
            "Iterations".into(),
            "Instructions / iteration".into(),
        ],
        ..Section::default()
    };
    let get = |name: &str| {
        counts
            .iter()
            .find(|c| c.0 == name)
            .map_or(0.0, |c| c.2 as f64)
    };
    for &(case, iterations, per_iter) in &counts {
        section.row(&[case, &iterations.to_string(), &per_iter.to_string()]);
    }
    // The floors differ by 24 - 9 = 15 compressions (and three HMAC key set-ups), so their
    // difference per compression is the software SHA-256's cost per 64-byte block.
    let per_block = (get("sign_uncached_floor") - get("sign_floor")) / 15.0;
    section.notes.push(format!(
        "Instruction ratios: cached / its floor = {:.2}x, uncached / its floor = {:.2}x, Value / owned = {:.2}x, Value / borrowed = {:.2}x. \
         The floors hash exactly what their path must (9 and 24 SHA-256 compressions, counted by core's `sign::tc3::floor` tests), so a path can never count below its floor. \
         Under valgrind SHA-256 runs in software: ~{per_block:.0} instructions per 64-byte block ((uncached floor − cached floor) / the 15 compressions between them; \
         the three extra HMAC key set-ups are counted in, so it is an upper bound), so the floors are almost all compression here and signing looks hash-bound, \
         while with SHA-NI it is not (see section 1). Above their floors: cached {} instructions, uncached {}.",
        get("sign_tc3") / get("sign_floor"),
        get("sign_uncached") / get("sign_uncached_floor"),
        get("parse_value") / get("parse_owned"),
        get("parse_value") / get("parse_borrowed"),
        get("sign_tc3") - get("sign_floor"),
        get("sign_uncached") - get("sign_uncached_floor"),
    ));
    section.notes.push(format!(
        "Written to `bench/callgrind-baseline.json`; `cargo xtask bench --check` (part of `cargo xtask ci`) fails when a case moves more than ±{TOLERANCE_PERCENT}%."
    ));
    Ok(section)
}

/// `--check`: counts and compares with the baseline; an error lists every case out of bounds.
pub fn check(ctx: &Context) -> Result<(), String> {
    let text = std::fs::read_to_string(&ctx.baseline)
        .map_err(|e| format!("cannot read {}: {e}", ctx.baseline.display()))?;
    let baseline: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", ctx.baseline.display()))?;
    let tolerance = baseline["tolerance_percent"]
        .as_f64()
        .unwrap_or(TOLERANCE_PERCENT);
    let started = std::time::Instant::now();
    let counts = counts(ctx)?;
    let mut bad = Vec::new();
    println!(
        "{:<16} {:>14} {:>14} {:>9}",
        "case", "baseline", "now", "change"
    );
    for &(case, _, now) in &counts {
        let Some(base) = baseline["cases"][case]["instructions_per_iteration"].as_u64() else {
            bad.push(format!("{case}: not in the baseline"));
            continue;
        };
        let change = (now as f64 - base as f64) / base as f64 * 100.0;
        println!("{case:<16} {base:>14} {now:>14} {change:>+8.2}%");
        if change.abs() > tolerance {
            bad.push(format!(
                "{case}: {now} instructions per iteration vs {base} in the baseline ({change:+.2}%, tolerance ±{tolerance}%)"
            ));
        }
    }
    println!(
        "callgrind check: {} cases in {:.1} s (valgrind: {})",
        counts.len(),
        started.elapsed().as_secs_f64(),
        valgrind_version()
    );
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "instruction counts moved past the tolerance:\n  {}\n\
             A slowdown needs fixing; an intended change (or a faster path) needs a new baseline: \
             `cargo run --release --manifest-path bench/Cargo.toml -- --only callgrind` and commit bench/callgrind-baseline.json.",
            bad.join("\n  ")
        ))
    }
}
