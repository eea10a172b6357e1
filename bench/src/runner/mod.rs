//! The benchmark runner: context (paths, machine, commit), tool helpers, and the sections.

pub mod callgrind;
mod divan;
mod e2e;
mod fleet;
mod mock;
mod python;
mod report;
mod tools;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

pub use tools::run_capture;

/// Every section, in run order.
pub const SECTIONS: &[&str] = &[
    "callgrind",
    "sign",
    "parse",
    "python-sign",
    "mock-throughput",
    "end-to-end",
    "cold-start",
    "memory",
    "pacing",
    "fleet",
];

/// Paths and facts shared by the sections.
#[derive(Debug)]
pub struct Context {
    /// The workspace root (parent of `bench/`).
    pub root: PathBuf,
    /// The bench crate's target directory (where this binary lives).
    pub bench_target: PathBuf,
    /// The workspace's target directory (`CARGO_TARGET_DIR` or `<root>/target`).
    pub ws_target: PathBuf,
    /// The callgrind baseline file.
    pub baseline: PathBuf,
    /// Run the long forms.
    pub long: bool,
    /// Scratch folder for this run's files.
    pub scratch: PathBuf,
}

impl Context {
    /// Finds the paths.
    pub fn new(baseline: Option<PathBuf>, long: bool) -> Result<Self, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("bench/ has no parent folder")?
            .to_path_buf();
        let exe = std::env::current_exe().map_err(|e| format!("cannot find own binary: {e}"))?;
        let bench_target = exe
            .parent()
            .and_then(Path::parent)
            .ok_or("own binary is not in <target>/release")?
            .to_path_buf();
        let ws_target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|p| if p.is_absolute() { p } else { root.join(p) })
            .unwrap_or_else(|| root.join("target"));
        let baseline = baseline
            .map(|p| if p.is_absolute() { p } else { root.join(p) })
            .unwrap_or_else(|| root.join("bench/callgrind-baseline.json"));
        let scratch = bench_target.join("bench-run");
        std::fs::create_dir_all(&scratch)
            .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
        Ok(Self {
            root,
            bench_target,
            ws_target,
            baseline,
            long,
            scratch,
        })
    }

    /// A binary built next to this one (same package).
    pub fn sibling(&self, name: &str) -> PathBuf {
        self.bench_target.join("release").join(name)
    }

    /// A release binary of the workspace.
    pub fn ws_binary(&self, name: &str) -> PathBuf {
        self.ws_target.join("release").join(name)
    }
}

/// The commit that is measured: `git describe`-like short hash, `+dirty` with local changes.
pub fn commit(root: &Path) -> String {
    let hash = run_capture(
        std::process::Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(root),
    )
    .map(|s| s.trim().to_owned())
    .unwrap_or_else(|_| "unknown".to_owned());
    let dirty = run_capture(
        std::process::Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=no"])
            .current_dir(root),
    )
    .map(|s| !s.trim().is_empty())
    .unwrap_or(false);
    if dirty { format!("{hash}+dirty") } else { hash }
}

/// One line about the machine: CPU model, cores, memory, kernel, SHA extensions, load.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let sha = if cpuinfo.contains(" sha_ni") {
        "SHA-NI"
    } else {
        "no SHA-NI"
    };
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let mem_kib = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load1 = load.split_whitespace().next().unwrap_or("?");
    let rustc = run_capture(std::process::Command::new("rustc").arg("--version"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    format!(
        "{model} ({sha}), {cores} cores, {:.0} GiB, Linux {}, {rustc}; load average {load1} at start",
        mem_kib as f64 / 1024.0 / 1024.0,
        kernel.trim()
    )
}

/// UTC date and time of now, `YYYY-MM-DD HH:MM UTC`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let date = tcredis_core::time::civil_from_days(days);
    let rem = secs % 86_400;
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        date.year,
        date.month,
        date.day,
        rem / 3600,
        rem % 3600 / 60
    )
}

/// A section's outcome before it is stamped.
#[derive(Debug, Default)]
pub struct Section {
    /// The command(s) that produced the figures.
    pub command: String,
    /// Table header.
    pub header: Vec<String>,
    /// Table rows.
    pub rows: Vec<Vec<String>>,
    /// Targets: (what, measured, target, met).
    pub checks: Vec<(String, String, String, bool)>,
    /// Remarks generated with the figures.
    pub notes: Vec<String>,
}

impl Section {
    /// Adds a row.
    pub fn row(&mut self, cells: &[&str]) {
        self.rows
            .push(cells.iter().map(|c| (*c).to_owned()).collect());
    }

    /// Adds a target check.
    pub fn check(&mut self, what: &str, measured: String, target: &str, met: bool) {
        self.checks
            .push((what.to_owned(), measured, target.to_owned(), met));
    }

    fn to_json(&self, id: &str, commit: &str, machine: &str, date: &str) -> Value {
        json!({
            "id": id,
            "commit": commit,
            "machine": machine,
            "date": date,
            "command": self.command,
            "header": self.header,
            "rows": self.rows,
            "checks": self.checks.iter().map(|(w, m, t, ok)| json!({"what": w, "measured": m, "target": t, "met": ok})).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }
}

/// Runs the sections (all, or `only`), stores their figures and regenerates the document.
pub fn run_all(ctx: &Context, only: Option<&[String]>) -> Result<(), String> {
    let commit = commit(&ctx.root);
    let machine = machine();
    let mut stored = report::load(ctx);
    let mut failures = Vec::new();
    for &id in SECTIONS {
        if only.is_some_and(|o| !o.iter().any(|s| s == id)) {
            continue;
        }
        eprintln!("== {id}");
        let started = std::time::Instant::now();
        let outcome = match id {
            "callgrind" => callgrind::record(ctx),
            "sign" => divan::sign(ctx),
            "parse" => divan::parse(ctx),
            "python-sign" => python::sign(ctx),
            "mock-throughput" => mock::throughput(ctx),
            "end-to-end" => e2e::end_to_end(ctx),
            "cold-start" => e2e::cold_start(ctx),
            "memory" => e2e::memory(ctx),
            "pacing" => e2e::pacing(ctx),
            "fleet" => fleet::fleet(ctx),
            _ => unreachable!("SECTIONS lists every id"),
        };
        let date = now_utc();
        let value = match outcome {
            Ok(section) => section.to_json(id, &commit, &machine, &date),
            Err(e) => {
                eprintln!("   {id} not measured: {e}");
                failures.push(format!("{id}: {e}"));
                json!({"id": id, "commit": commit, "machine": machine, "date": date, "error": e})
            }
        };
        eprintln!("   {id} took {:.1} s", started.elapsed().as_secs_f64());
        stored.insert(id.to_owned(), value);
        report::save(ctx, &stored)?;
    }
    report::render(ctx, &stored)?;
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} section(s) not measured (recorded in docs/benchmarks.md):\n  {}",
            failures.len(),
            failures.join("\n  ")
        ))
    }
}

/// Median of a sample (sorted copy).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `min–max` of a sample.
pub fn range(values: &[f64]) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// Formats nanoseconds with a sensible unit.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}
