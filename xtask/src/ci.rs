//! `cargo xtask ci`: the gate. Runs every stage in order, prints each stage's name and wall
//! time, then a summary table; exits non-zero when a stage failed.
//!
//! After the first failing stage the remaining stages are not run, except the secret scan,
//! which always runs last: a failing test is exactly when a secret is most likely to be printed.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::outcome::Outcome;
use crate::run::Context;
use crate::{
    Options, bench, codegen, dist, fuzz, interop, npm, package, promtool, public_api, release,
    secrets, wheel,
};

/// How a stage runs: with the shared context and the command-line options.
type StageFn = Box<dyn Fn(&Context, Options) -> Outcome>;

/// One stage of the gate.
struct Stage {
    name: &'static str,
    run: StageFn,
}

/// The long-form tests: built only with the `long-tests` features, so a plain `cargo test` (and
/// the gate's `test` stage) never reports them as passed without running them.
pub const LONG_TESTS: &[&str] = &[
    "test",
    "--locked",
    "-p",
    "tcredis-transport-hyper",
    "-p",
    "tcredis-cli",
    "--features",
    "tcredis-transport-hyper/long-tests,tcredis-cli/long-tests",
    "--test",
    "reliability_soak_long",
];

fn stages(options: Options) -> Vec<Stage> {
    let mut stages = vec![
        cargo_stage("fmt", &["fmt", "--all", "--check"], &[]),
        cargo_stage(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        ),
        // Before `test`: it installs Debian's prometheus package, which tests may start.
        Stage {
            name: "promtool",
            run: Box::new(|ctx, _| promtool::run(ctx)),
        },
        // The tools the monitoring tests start (a Prometheus server, headless Chromium).
        Stage {
            name: "test tools",
            run: Box::new(|ctx, _| {
                match crate::apt::ensure(
                    ctx,
                    "test-tools",
                    &[crate::apt::PROMETHEUS, crate::apt::CHROMIUM],
                ) {
                    Ok(()) => Outcome::Pass(Some("prometheus, chromium".to_owned())),
                    Err(e) => Outcome::Fail(e),
                }
            }),
        },
        Stage {
            name: "test",
            run: Box::new(|ctx, _| {
                let mut cmd: Command = ctx.cargo();
                cmd.args(["test", "--workspace", "--locked"]);
                let captured = match ctx.run_captured("test", &mut cmd) {
                    Ok(c) => c,
                    Err(e) => return Outcome::Fail(e),
                };
                let counts =
                    TestCounts::from_cargo_output(&String::from_utf8_lossy(&captured.stdout));
                TEST_COUNTS.with(|c| c.set(Some(counts)));
                if captured.status.success() {
                    Outcome::Pass(Some(counts.to_string()))
                } else {
                    Outcome::Fail(format!(
                        "cargo test exited with {} ({counts})",
                        captured.status
                    ))
                }
            }),
        },
        cargo_stage(
            "doc",
            &["doc", "--workspace", "--no-deps", "--locked"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        ),
        Stage {
            name: "public-api --check",
            run: Box::new(|ctx, _| public_api::check_stage(ctx)),
        },
        Stage {
            name: "codegen --check",
            run: Box::new(|ctx, opts| {
                codegen::run(
                    ctx,
                    Options {
                        check: true,
                        ..opts
                    },
                )
            }),
        },
        Stage {
            name: "interop",
            run: Box::new(|ctx, _| interop::run(ctx)),
        },
        Stage {
            name: "fuzz-smoke",
            run: Box::new(fuzz::smoke),
        },
        Stage {
            name: "bench --check",
            run: Box::new(|ctx, opts| {
                bench::run(
                    ctx,
                    Options {
                        check: true,
                        ..opts
                    },
                )
            }),
        },
        // Shipping: one release build that dist, wheel and npm reuse (see release.rs).
        Stage {
            name: "release build",
            run: Box::new(|ctx, _| match release::binaries(ctx) {
                Ok(_) => Outcome::pass_with("tcredis-mock, then tcredis-cli"),
                Err(e) => Outcome::Fail(e),
            }),
        },
        Stage {
            name: "package",
            run: Box::new(|ctx, _| package::run(ctx)),
        },
        Stage {
            name: "dist",
            run: Box::new(|ctx, _| dist::run(ctx)),
        },
        Stage {
            name: "wheel",
            run: Box::new(|ctx, _| wheel::run(ctx)),
        },
        Stage {
            name: "npm",
            run: Box::new(|ctx, _| npm::run(ctx)),
        },
    ];
    if options.long {
        // Right after `test`, so the gate's order stays: build and unit tests, then the long
        // forms, then docs and the outside-world stages.
        let after_test = stages
            .iter()
            .position(|s| s.name == "test")
            .map_or(stages.len(), |i| i + 1);
        stages.insert(after_test, cargo_stage("long tests", LONG_TESTS, &[]));
    }
    stages
}

fn cargo_stage(
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
) -> Stage {
    Stage {
        name,
        run: Box::new(move |ctx, _| {
            let mut cmd: Command = ctx.cargo();
            cmd.args(args);
            for (k, v) in env {
                cmd.env(k, v);
            }
            match ctx.run(name, &mut cmd) {
                Ok(()) => Outcome::pass(),
                Err(e) => Outcome::Fail(e),
            }
        }),
    }
}

/// Runs the gate; the exit code is 0 only when no stage failed.
pub fn run(options: Options) -> ExitCode {
    let ctx = match Context::new(true, options.long) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("xtask ci: cannot prepare the scan folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let mut results: Vec<(&'static str, Option<(Outcome, Duration)>)> = Vec::new();
    let mut failed = false;
    for stage in stages(options) {
        if failed {
            results.push((stage.name, None));
            continue;
        }
        let outcome = timed(stage.name, || (stage.run)(&ctx, options));
        failed = matches!(outcome.0, Outcome::Fail(_));
        results.push((stage.name, Some(outcome)));
    }
    let scan = timed("secret-scan", || secrets::scan_stage(&ctx));
    failed |= matches!(scan.0, Outcome::Fail(_));
    results.push(("secret-scan", Some(scan)));

    print_summary(&results, started.elapsed(), options);
    // The plain closing line CI readers look for: how many tests ran, and how many failed.
    if let Some(counts) = TEST_COUNTS.with(std::cell::Cell::get) {
        println!("tests: {counts}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn timed(name: &str, f: impl FnOnce() -> Outcome) -> (Outcome, Duration) {
    println!("\n==> {name}");
    let start = Instant::now();
    let outcome = f();
    let took = start.elapsed();
    match &outcome {
        Outcome::Pass(note) => println!(
            "<== {name}: ok in {}{}",
            secs(took),
            note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        ),
        Outcome::Fail(reason) => println!("<== {name}: FAILED in {}: {reason}", secs(took)),
    }
    (outcome, took)
}

fn print_summary(
    results: &[(&'static str, Option<(Outcome, Duration)>)],
    total: Duration,
    options: Options,
) {
    let width = results
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "\nxtask ci{} summary",
        if options.long { " --long" } else { "" }
    );
    println!(
        "{:<width$}  {:<7}  {:>8}  detail",
        "stage", "result", "time"
    );
    println!("{}", "-".repeat(width + 30));
    for (name, result) in results {
        let (label, time, detail) = match result {
            None => (
                "not run",
                String::new(),
                "an earlier stage failed".to_owned(),
            ),
            Some((Outcome::Pass(note), t)) => ("ok", secs(*t), note.clone().unwrap_or_default()),
            Some((Outcome::Fail(reason), t)) => ("FAILED", secs(*t), reason.clone()),
        };
        println!("{name:<width$}  {label:<7}  {time:>8}  {detail}");
    }
    println!("{}", "-".repeat(width + 30));
    println!("{:<width$}  {:<7}  {:>8}", "total", "", secs(total));
}

thread_local! {
    /// The totals of the `test` stage, for the closing line.
    static TEST_COUNTS: std::cell::Cell<Option<TestCounts>> = const { std::cell::Cell::new(None) };
}

/// Totals of every `test result:` line libtest printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TestCounts {
    passed: u64,
    failed: u64,
}

impl TestCounts {
    fn from_cargo_output(stdout: &str) -> Self {
        let mut counts = Self::default();
        for line in stdout.lines() {
            let Some(rest) = line.trim().strip_prefix("test result: ") else {
                continue;
            };
            for part in rest.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(label), Some(number)) = (words.next(), words.next()) else {
                    continue;
                };
                let Ok(n) = number.parse::<u64>() else {
                    continue;
                };
                match label {
                    "passed" => counts.passed += n,
                    "failed" => counts.failed += n,
                    _ => {}
                }
            }
        }
        counts
    }
}

impl std::fmt::Display for TestCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::{Options, TestCounts, stages};

    #[test]
    fn long_runs_the_long_tests_and_the_short_gate_does_not() {
        let names = |long| {
            stages(Options { long, check: false })
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        };
        assert!(!names(false).contains(&"long tests"));
        let long = names(true);
        assert_eq!(
            &long[..6],
            [
                "fmt",
                "clippy",
                "promtool",
                "test tools",
                "test",
                "long tests"
            ]
        );
    }

    #[test]
    fn test_result_lines_are_summed() {
        let out = "running 2 tests\n\
            test result: ok. 27 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.05s\n\
            test result: FAILED. 3 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1s\n\
            not a result: 9 passed\n";
        let counts = TestCounts::from_cargo_output(out);
        assert_eq!(
            counts,
            TestCounts {
                passed: 30,
                failed: 2
            }
        );
        assert_eq!(counts.to_string(), "30 passed, 2 failed");
    }
}
