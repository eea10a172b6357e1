//! Sections 1 and 2: the divan benches (`bench/benches/sign.rs`, `bench/benches/parse.rs`),
//! run several times; each run's medians give that run's ratios, and the document shows the
//! median over runs with the run-to-run range as the spread.

use std::collections::BTreeMap;
use std::process::Command;

use super::tools::run_capture;
use super::{Context, Section, fmt_ns, median, range};

/// Runs of each divan bench.
const RUNS: usize = 5;
/// Samples per benchmark per run.
const SAMPLES: &str = "200";

/// One divan line: (fastest, slowest, median, mean) in nanoseconds.
type Stats = [f64; 4];

fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, unit) = text.split_once(' ')?;
    let n: f64 = number.parse().ok()?;
    let scale = match unit.trim() {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    Some(n * scale)
}

/// Parses divan's table: benchmark name -> stats.
fn parse_table(output: &str) -> BTreeMap<String, Stats> {
    let mut out = BTreeMap::new();
    for line in output.lines() {
        let line = line.trim_start_matches(['│', '├', '╰', '─', ' ']);
        let cells: Vec<&str> = line.split('│').collect();
        if cells.len() < 6 {
            continue;
        }
        let first = cells[0].trim();
        let Some((name, fastest)) = first.split_once(' ') else {
            continue;
        };
        let parsed: Option<Vec<f64>> = [fastest, cells[1], cells[2], cells[3]]
            .iter()
            .map(|c| parse_duration(c))
            .collect();
        if let Some(v) = parsed {
            out.insert(name.to_owned(), [v[0], v[1], v[2], v[3]]);
        }
    }
    out
}

fn run_bench(ctx: &Context, bench: &str) -> Result<Vec<BTreeMap<String, Stats>>, String> {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let output = run_capture(
            Command::new("cargo")
                .args([
                    "bench",
                    "-q",
                    "--manifest-path",
                    "bench/Cargo.toml",
                    "--features",
                    "benches",
                    "--bench",
                    bench,
                ])
                .args(["--", "--sample-count", SAMPLES])
                .env("CARGO_TARGET_DIR", &ctx.bench_target)
                .current_dir(&ctx.root),
        )?;
        let table = parse_table(&output);
        if table.is_empty() {
            return Err(format!(
                "no divan figures in the output of bench {bench}:\n{output}"
            ));
        }
        runs.push(table);
    }
    Ok(runs)
}

/// One run of the `sign` bench's Rust signers only: (sign_cached, prepared) medians in ns.
pub fn rust_signing_medians(ctx: &Context) -> Result<(f64, f64), String> {
    let output = run_capture(
        Command::new("cargo")
            .args([
                "bench",
                "-q",
                "--manifest-path",
                "bench/Cargo.toml",
                "--features",
                "benches",
                "--bench",
                "sign",
            ])
            .args(["--", "--sample-count", SAMPLES, "tc3"])
            .env("CARGO_TARGET_DIR", &ctx.bench_target)
            .current_dir(&ctx.root),
    )?;
    let table = parse_table(&output);
    match (table.get("tc3"), table.get("tc3_prepared")) {
        (Some(a), Some(b)) => Ok((a[2], b[2])),
        _ => Err(format!(
            "no tc3 figures in the sign bench's output:\n{output}"
        )),
    }
}

/// Medians of one benchmark over runs: per-run medians.
fn medians(runs: &[BTreeMap<String, Stats>], name: &str) -> Result<Vec<f64>, String> {
    runs.iter()
        .map(|r| {
            r.get(name)
                .map(|s| s[2])
                .ok_or_else(|| format!("benchmark {name} missing from divan's output"))
        })
        .collect()
}

fn command(bench: &str) -> String {
    format!(
        "cargo bench --manifest-path bench/Cargo.toml --features benches --bench {bench} -- --sample-count {SAMPLES}   # {RUNS} runs"
    )
}

fn spread(values: &[f64]) -> String {
    let (lo, hi) = range(values);
    format!("{} – {}", fmt_ns(lo), fmt_ns(hi))
}

fn ratio_spread(values: &[f64]) -> String {
    let (lo, hi) = range(values);
    format!("{lo:.2}x – {hi:.2}x")
}

/// Section 1: signing.
pub fn sign(ctx: &Context) -> Result<Section, String> {
    let runs = run_bench(ctx, "sign")?;
    let tc3 = medians(&runs, "tc3")?;
    let prepared = medians(&runs, "tc3_prepared")?;
    let floor = medians(&runs, "floor")?;
    let aws = medians(&runs, "aws_sigv4")?;
    let over_floor: Vec<f64> = tc3.iter().zip(&floor).map(|(t, f)| t / f).collect();
    let prepared_over_floor: Vec<f64> = prepared.iter().zip(&floor).map(|(t, f)| t / f).collect();
    let prepared_vs_aws: Vec<f64> = prepared.iter().zip(&aws).map(|(t, a)| a / t).collect();
    let vs_aws: Vec<f64> = tc3.iter().zip(&aws).map(|(t, a)| a / t).collect();
    let mut s = Section {
        command: command("sign"),
        header: vec![
            "Benchmark".into(),
            "Median (median of runs)".into(),
            "Spread (range of run medians)".into(),
            "Signatures/s".into(),
        ],
        ..Section::default()
    };
    for (what, v) in [
        (
            "tcredis `tc3::sign_cached` (cached key and request shape, Authorization out; what `call::build_request` uses)",
            &tc3,
        ),
        (
            "tcredis `PreparedSigner::sign` (constant parts canonicalised once, cached key)",
            &prepared,
        ),
        (
            "floor: SHA-256 body + SHA-256 canonical request + 1 HMAC from pre-keyed state",
            &floor,
        ),
        (
            "peer: `aws-sigv4` 1.6 `sign()` on the equivalent request",
            &aws,
        ),
    ] {
        let m = median(v);
        s.row(&[what, &fmt_ns(m), &spread(v), &format!("{:.0}", 1e9 / m)]);
    }
    s.row(&[
        "ratio tc3 / floor (per run)",
        &format!("{:.2}x", median(&over_floor)),
        &ratio_spread(&over_floor),
        "",
    ]);
    s.row(&[
        "ratio aws-sigv4 / tc3 (per run)",
        &format!("{:.2}x", median(&vs_aws)),
        &ratio_spread(&vs_aws),
        "",
    ]);
    s.row(&[
        "ratio prepared / floor (per run)",
        &format!("{:.2}x", median(&prepared_over_floor)),
        &ratio_spread(&prepared_over_floor),
        "",
    ]);
    s.row(&[
        "ratio aws-sigv4 / prepared (per run)",
        &format!("{:.2}x", median(&prepared_vs_aws)),
        &ratio_spread(&prepared_vs_aws),
        "",
    ]);
    s.check(
        "signing within 1.5x of its floor (`tc3::sign_cached`, the call path)",
        format!("{:.2}x", median(&over_floor)),
        "<= 1.5x",
        median(&over_floor) <= 1.5,
    );
    s.check(
        "signing within 1.5x of its floor (`PreparedSigner::sign`)",
        format!("{:.2}x", median(&prepared_over_floor)),
        "<= 1.5x",
        median(&prepared_over_floor) <= 1.5,
    );
    s.check(
        "signing vs aws-sigv4",
        format!("{:.1}x faster", median(&vs_aws)),
        ">= 5x faster",
        median(&vs_aws) >= 5.0,
    );
    Ok(s)
}

/// Section 2: parsing.
pub fn parse(ctx: &Context) -> Result<Section, String> {
    let runs = run_bench(ctx, "parse")?;
    let value = medians(&runs, "value")?;
    let owned = medians(&runs, "owned")?;
    let borrowed = medians(&runs, "borrowed")?;
    let typed = medians(&runs, "typed")?;
    let bytes = tcredis_bench::page(tcredis_bench::PAGE_BACKUPS).len() as f64;
    let items = tcredis_bench::PAGE_BACKUPS as f64;
    let owned_ratio: Vec<f64> = value.iter().zip(&owned).map(|(v, o)| v / o).collect();
    let borrowed_ratio: Vec<f64> = value.iter().zip(&borrowed).map(|(v, b)| v / b).collect();
    let typed_ratio: Vec<f64> = typed.iter().zip(&owned).map(|(t, o)| t / o).collect();
    let mut s = Section {
        command: command("parse"),
        header: vec![
            "Parser".into(),
            "Median per page".into(),
            "Spread (range of run medians)".into(),
            "MB/s".into(),
            "ns / backup".into(),
        ],
        ..Section::default()
    };
    for (what, v) in [
        (
            "tcredis owned types (`parse_response`, raw JSON kept per item)",
            &owned,
        ),
        (
            "tcredis borrowing view (`parse_response_borrowed`)",
            &borrowed,
        ),
        ("peer: `serde_json::Value`", &value),
        (
            "peer: `#[derive(Deserialize)]` structs (16 typed fields, no raw JSON kept)",
            &typed,
        ),
    ] {
        let m = median(v);
        s.row(&[
            what,
            &fmt_ns(m),
            &spread(v),
            &format!("{:.0}", bytes / m * 1e3),
            &format!("{:.0}", m / items),
        ]);
    }
    s.row(&[
        "ratio Value / owned (per run)",
        &format!("{:.2}x", median(&owned_ratio)),
        &ratio_spread(&owned_ratio),
        "",
        "",
    ]);
    s.row(&[
        "ratio Value / borrowed (per run)",
        &format!("{:.2}x", median(&borrowed_ratio)),
        &ratio_spread(&borrowed_ratio),
        "",
        "",
    ]);
    s.row(&[
        "ratio typed peer / owned (per run)",
        &format!("{:.2}x", median(&typed_ratio)),
        &ratio_spread(&typed_ratio),
        "",
        "",
    ]);
    s.notes.push(format!(
        "The page: {} backups, {} bytes, compact, 16 fields each with realistic values (see `bench/src/lib.rs`). MB/s = 10^6 bytes per second.",
        tcredis_bench::PAGE_BACKUPS,
        bytes
    ));
    s.check(
        "owned types vs Value",
        format!("{:.2}x faster", median(&owned_ratio)),
        ">= 2x",
        median(&owned_ratio) >= 2.0,
    );
    s.check(
        "borrowing view vs Value",
        format!("{:.2}x faster", median(&borrowed_ratio)),
        ">= 2.5x",
        median(&borrowed_ratio) >= 2.5,
    );
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_divan_rows() {
        let out = "sign          fastest       │ slowest       │ median        │ mean          │ samples │ iters\n\
                   ├─ aws_sigv4  5.958 µs      │ 81.04 µs      │ 6.979 µs      │ 7.855 µs      │ 100     │ 100\n\
                   ╰─ tc3        1.01 µs       │ 2.733 ms      │ 1.15 µs       │ 468 ns        │ 100     │ 100\n\
                   │            617.4 MB/s    │ 1.607 MB/s    │ 378.4 MB/s    │ 72.64 MB/s    │         │\n";
        let t = super::parse_table(out);
        assert_eq!(t.len(), 2);
        assert_eq!(t["aws_sigv4"], [5958.0, 81040.0, 6979.0, 7855.0]);
        assert_eq!(t["tc3"][1], 2_733_000.0);
        assert_eq!(t["tc3"][3], 468.0);
    }
}
