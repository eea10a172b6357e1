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

/// One run of the `sign` bench's whole-request benches: (uncached, cached) medians in ns.
pub fn rust_request_medians(ctx: &Context) -> Result<(f64, f64), String> {
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
            .args(["--", "--sample-count", SAMPLES, "request_"])
            .env("CARGO_TARGET_DIR", &ctx.bench_target)
            .current_dir(&ctx.root),
    )?;
    let table = parse_table(&output);
    match (table.get("request_uncached"), table.get("request_cached")) {
        (Some(a), Some(b)) => Ok((a[2], b[2])),
        _ => Err(format!(
            "no request_ figures in the sign bench's output:\n{output}"
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

/// Per-run ratios `num / den`.
fn ratios(num: &[f64], den: &[f64]) -> Vec<f64> {
    num.iter().zip(den).map(|(n, d)| n / d).collect()
}

/// A ratio target of the form "at most `limit`": met only when every run is inside it (the
/// median and the whole spread).
fn at_most(values: &[f64], limit: f64) -> (String, bool) {
    let (lo, hi) = range(values);
    (
        format!("{:.2}x (runs {lo:.2}x – {hi:.2}x)", median(values)),
        hi <= limit,
    )
}

/// Section 1: signing.
pub fn sign(ctx: &Context) -> Result<Section, String> {
    let runs = run_bench(ctx, "sign")?;
    let cached = medians(&runs, "tc3")?;
    let floor = medians(&runs, "floor")?;
    let uncached = medians(&runs, "uncached")?;
    let uncached_floor = medians(&runs, "uncached_floor")?;
    let aws = medians(&runs, "aws_sigv4")?;
    let cached_over_floor = ratios(&cached, &floor);
    let uncached_over_floor = ratios(&uncached, &uncached_floor);
    let aws_over_uncached = ratios(&aws, &uncached);
    let aws_over_cached = ratios(&aws, &cached);
    let aws_over_uncached_floor = ratios(&aws, &uncached_floor);
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
            "tcredis `tc3::sign_cached`, shape and key cached (the call path: `call::build_request`)",
            &cached,
        ),
        (
            "its floor: the 9 SHA-256 compressions it cannot avoid (body 3, canonical request 2 after the absorbed prefix block, HMAC 3 + 1 from the pre-keyed state)",
            &floor,
        ),
        (
            "tcredis uncached: `SigningKey::derive` + `tc3::sign`, a fresh key derivation per signature",
            &uncached,
        ),
        (
            "its floor: the 24 compressions it cannot avoid (3 derivation HMACs of 4, keying the final HMAC 2, body 3, canonical request 3, final HMAC 3 + 1)",
            &uncached_floor,
        ),
        (
            "peer: `aws-sigv4` 1.6 `sign()` on the equivalent request (derives its key on every call)",
            &aws,
        ),
    ] {
        let m = median(v);
        s.row(&[what, &fmt_ns(m), &spread(v), &format!("{:.0}", 1e9 / m)]);
    }
    for (what, v) in [
        ("ratio cached / its floor (per run)", &cached_over_floor),
        ("ratio uncached / its floor (per run)", &uncached_over_floor),
        (
            "like for like: aws-sigv4 / tcredis uncached (per run)",
            &aws_over_uncached,
        ),
        (
            "what the key cache allows: aws-sigv4 / tcredis cached (per run; not the same work)",
            &aws_over_cached,
        ),
    ] {
        s.row(&[what, &format!("{:.2}x", median(v)), &ratio_spread(v), ""]);
    }
    let (measured, met) = at_most(&cached_over_floor, 1.5);
    s.check(
        "`tc3::sign_cached` (the call path) within 1.5x of its floor",
        measured,
        "<= 1.5x, every run",
        met,
    );
    let (measured, met) = at_most(&uncached_over_floor, 1.25);
    s.check(
        "uncached signature within 1.25x of its floor (derivation included)",
        measured,
        "<= 1.25x, every run",
        met,
    );
    let (lo, hi) = range(&aws_over_uncached);
    s.check(
        "like for like vs aws-sigv4 (both derive the key per signature)",
        format!(
            "{:.1}x faster (runs {lo:.1}x – {hi:.1}x)",
            median(&aws_over_uncached)
        ),
        ">= 5x faster, every run",
        lo >= 5.0,
    );
    s.notes.push(format!(
        "Even at its floor an uncached TC3 signature would be {:.1}x faster than aws-sigv4 here (aws-sigv4 / uncached floor, median of runs): \
         the >= 5x target of issue 6 was set against the cached figure, which does less work than aws-sigv4.",
        median(&aws_over_uncached_floor)
    ));
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
