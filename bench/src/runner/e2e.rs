//! Sections 4–7, whole processes against the `tcredis-mock` binary: end to end (tcredis vs the
//! official Python SDK vs tccli), cold start, memory, pacing accuracy.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, Server, workspace_binaries};
use super::python::{sdk_python, tccli};
use super::tools::{GNU_TIME, HYPERFINE, ensure_tools, run_capture};
use super::{Context, Section, fmt_ns};

/// The environment every measured process gets: demo credentials, a scratch HOME, no proxies.
pub(super) fn env(ctx: &Context, cmd: &mut Command) {
    let home = ctx.scratch.join("home");
    let _ = std::fs::create_dir_all(&home);
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "TENCENTCLOUD_REGION",
        "TCCLI_PROFILE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", &home)
        .env("TENCENTCLOUD_SECRET_ID", DEMO_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", DEMO_SECRET_KEY);
}

/// `tcredis backups list` against the mock, as argv.
fn cli_list(cli: &Path, url: &str, all: bool, output: &str, rate: &str) -> Vec<String> {
    let mut args = vec![
        cli.display().to_string(),
        "backups".into(),
        "list".into(),
        "--endpoint".into(),
        url.into(),
        "--region".into(),
        "ap-guangzhou".into(),
        "--output".into(),
        output.into(),
        "--rate-limit".into(),
        rate.into(),
    ];
    if all {
        // --all always pages with Limit 100 (the API's maximum).
        args.push("--all".into());
    } else {
        args.extend(["--limit".into(), "100".into()]);
    }
    args
}

pub(super) fn shell_join(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.:=,".contains(&b))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Shortens absolute paths of the workspace for the document.
pub(super) fn display(ctx: &Context, text: &str) -> String {
    text.replace(&format!("{}/", ctx.root.display()), "")
}

/// Runs argv, streaming stdout; returns (lines containing `needle`, wall seconds, stderr).
fn run_counting(
    ctx: &Context,
    argv: &[String],
    needle: &str,
) -> Result<(usize, f64, String), String> {
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    env(ctx, &mut cmd);
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", argv[0]))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
        s
    });
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut count = 0usize;
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {
                if line.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    count += 1;
                }
            }
            Err(e) => return Err(format!("reading {}: {e}", argv[0])),
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    let stderr = err_thread.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        return Err(format!(
            "{} failed ({status}):\n{}",
            shell_join(argv),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok((count, wall, stderr))
}

/// hyperfine over one command: (median, min, max, mean) seconds.
fn hyperfine(
    ctx: &Context,
    name: &str,
    command: &str,
    warmup: u32,
    runs: u32,
    shell: bool,
) -> Result<[f64; 4], String> {
    let json = ctx.scratch.join(format!("hyperfine-{name}.json"));
    let mut cmd = Command::new("hyperfine");
    cmd.args([
        "--style",
        "none",
        "--warmup",
        &warmup.to_string(),
        "--runs",
        &runs.to_string(),
    ])
    .arg("--export-json")
    .arg(&json);
    if !shell {
        cmd.arg("-N");
    }
    cmd.arg(command);
    env(ctx, &mut cmd);
    run_capture(&mut cmd)?;
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(&json).map_err(|e| format!("{}: {e}", json.display()))?,
    )
    .map_err(|e| e.to_string())?;
    let r = &v["results"][0];
    let get = |k: &str| {
        r[k].as_f64()
            .ok_or_else(|| format!("hyperfine JSON has no {k}"))
    };
    Ok([get("median")?, get("min")?, get("max")?, get("mean")?])
}

pub(super) fn secs(s: f64) -> String {
    fmt_ns(s * 1e9)
}

fn hyperfine_version() -> String {
    run_capture(Command::new("hyperfine").arg("--version"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

const E2E_BACKUPS: usize = 10_000;

/// Section 4: listing 10,000 backups.
pub fn end_to_end(ctx: &Context) -> Result<Section, String> {
    ensure_tools(&[HYPERFINE])?;
    let (cli, _) = workspace_binaries(ctx)?;
    let python = sdk_python(ctx)?;
    let tccli = tccli(ctx)?;
    let mock = Server::mock(
        ctx,
        &["--generate", &E2E_BACKUPS.to_string(), "--rate-limit", "0"],
    )?;

    let ours = cli_list(&cli, &mock.url, true, "ndjson", "0");
    let (n, _, _) = run_counting(ctx, &ours, "\"BackupId\"")?;
    if n != E2E_BACKUPS {
        return Err(format!(
            "tcredis listed {n} backups, expected {E2E_BACKUPS}"
        ));
    }
    let sdk = vec![
        python.display().to_string(),
        ctx.root
            .join("bench/python/list_all.py")
            .display()
            .to_string(),
        mock.addr.clone(),
    ];
    let (n, _, _) = run_counting(ctx, &sdk, "\"BackupId\"")?;
    if n != E2E_BACKUPS {
        return Err(format!(
            "the Python SDK script listed {n} backups, expected {E2E_BACKUPS}"
        ));
    }
    let ours_t = hyperfine(ctx, "e2e-tcredis", &shell_join(&ours), 2, 10, false)?;
    let sdk_t = hyperfine(ctx, "e2e-python", &shell_join(&sdk), 1, 5, false)?;
    // tccli: one run (100 processes take about a minute), timed here and checked at once.
    let tccli_argv = vec![
        ctx.root
            .join("bench/python/tccli_list_all.sh")
            .display()
            .to_string(),
        tccli.display().to_string(),
        mock.url.clone(),
        E2E_BACKUPS.to_string(),
    ];
    let (n, tccli_wall, _) = run_counting(ctx, &tccli_argv, "\"BackupId\"")?;
    if n != E2E_BACKUPS {
        return Err(format!(
            "the tccli loop listed {n} backups, expected {E2E_BACKUPS}"
        ));
    }
    let sdk_ratio = sdk_t[0] / ours_t[0];
    let tccli_ratio = tccli_wall / ours_t[0];
    let mut s = Section {
        command: display(
            ctx,
            &format!(
                "tcredis-mock --listen 127.0.0.1:0 --generate {E2E_BACKUPS} --rate-limit 0\n\
                 hyperfine -N --warmup 2 --runs 10 '{}'\n\
                 hyperfine -N --warmup 1 --runs 5 '{}'\n\
                 {}   # one timed run\n# {}",
                shell_join(&ours),
                shell_join(&sdk),
                shell_join(&tccli_argv),
                hyperfine_version()
            ),
        ),
        header: vec![
            "Client (Limit 100, 100 pages, output to a pipe)".into(),
            "Median wall time".into(),
            "Spread (min – max)".into(),
            "Backups/s".into(),
            "vs tcredis".into(),
        ],
        ..Section::default()
    };
    s.row(&[
        "`tcredis backups list --all --output ndjson --rate-limit 0`",
        &secs(ours_t[0]),
        &format!("{} – {}", secs(ours_t[1]), secs(ours_t[2])),
        &format!("{:.0}", E2E_BACKUPS as f64 / ours_t[0]),
        "1x",
    ]);
    s.row(&[
        "official Python SDK loop (`bench/python/list_all.py`, one process)",
        &secs(sdk_t[0]),
        &format!("{} – {}", secs(sdk_t[1]), secs(sdk_t[2])),
        &format!("{:.0}", E2E_BACKUPS as f64 / sdk_t[0]),
        &format!("{sdk_ratio:.1}x slower"),
    ]);
    s.row(&[
        "tccli, one process per page (`bench/python/tccli_list_all.sh`), 1 run",
        &secs(tccli_wall),
        "(1 run)",
        &format!("{:.0}", E2E_BACKUPS as f64 / tccli_wall),
        &format!("{tccli_ratio:.0}x slower"),
    ]);
    s.notes.push(
        "Every client's output was checked to hold all 10,000 backups before timing. Same mock process for all three."
            .into(),
    );
    s.check(
        "tcredis vs Python SDK (10,000 backups)",
        format!("{sdk_ratio:.1}x faster"),
        ">= 5x",
        sdk_ratio >= 5.0,
    );
    s.check(
        "tcredis vs tccli (10,000 backups)",
        format!("{tccli_ratio:.0}x faster"),
        ">= 50x",
        tccli_ratio >= 50.0,
    );
    Ok(s)
}

/// Peak RSS in KiB and wall seconds of one run under `/usr/bin/time -v`, with the number of
/// stdout lines that contain `needle`.
fn peak_rss(ctx: &Context, argv: &[String], needle: &str) -> Result<(u64, usize, f64), String> {
    let mut timed = vec!["/usr/bin/time".to_owned(), "-v".to_owned()];
    timed.extend_from_slice(argv);
    let (count, wall, stderr) = run_counting(ctx, &timed, needle)?;
    let kib = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or("no peak RSS in /usr/bin/time's report")?;
    Ok((kib, count, wall))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Section 5: cold start.
pub fn cold_start(ctx: &Context) -> Result<Section, String> {
    ensure_tools(&[HYPERFINE, GNU_TIME])?;
    let (cli, _) = workspace_binaries(ctx)?;
    let tccli = tccli(ctx)?;
    let mock = Server::mock(ctx, &["--generate", "1000", "--rate-limit", "0"])?;
    let version = vec![cli.display().to_string(), "--version".into()];
    let page = cli_list(&cli, &mock.url, false, "json", "0");
    let tccli_page: Vec<String> = [
        tccli.display().to_string(),
        "redis".into(),
        "DescribeInstanceBackups".into(),
        "--endpoint".into(),
        mock.url.clone(),
        "--region".into(),
        "ap-guangzhou".into(),
        "--Limit".into(),
        "100".into(),
    ]
    .into();
    let (n, _, _) = run_counting(ctx, &page, "\"BackupId\"")?;
    if n != 100 {
        return Err(format!("one tcredis page held {n} backups, expected 100"));
    }
    let v = hyperfine(ctx, "cold-version", &shell_join(&version), 10, 100, false)?;
    let p = hyperfine(ctx, "cold-page", &shell_join(&page), 5, 50, false)?;
    let t = hyperfine(ctx, "cold-tccli", &shell_join(&tccli_page), 1, 10, false)?;
    let (v_rss, _, _) = peak_rss(ctx, &version, "tcredis")?;
    let (p_rss, _, _) = peak_rss(ctx, &page, "\"BackupId\"")?;
    let (t_rss, tn, _) = peak_rss(ctx, &tccli_page, "\"BackupId\"")?;
    if tn != 100 {
        return Err(format!("one tccli page held {tn} backups, expected 100"));
    }
    let mut s = Section {
        command: display(
            ctx,
            &format!(
                "hyperfine -N --warmup 10 --runs 100 '{}'\n\
                 hyperfine -N --warmup 5 --runs 50 '{}'\n\
                 hyperfine -N --warmup 1 --runs 10 '{}'\n\
                 /usr/bin/time -v <each command>   # peak RSS, one run\n# {}",
                shell_join(&version),
                shell_join(&page),
                shell_join(&tccli_page),
                hyperfine_version()
            ),
        ),
        header: vec![
            "Command".into(),
            "Median".into(),
            "Spread (min – max)".into(),
            "Peak RSS".into(),
        ],
        ..Section::default()
    };
    s.row(&[
        "`tcredis --version`",
        &secs(v[0]),
        &format!("{} – {}", secs(v[1]), secs(v[2])),
        &mib(v_rss),
    ]);
    s.row(&[
        "`tcredis backups list` (one page of 100, `--output json`)",
        &secs(p[0]),
        &format!("{} – {}", secs(p[1]), secs(p[2])),
        &mib(p_rss),
    ]);
    s.row(&[
        "`tccli redis DescribeInstanceBackups --Limit 100`",
        &secs(t[0]),
        &format!("{} – {}", secs(t[1]), secs(t[2])),
        &mib(t_rss),
    ]);
    s.notes.push(format!(
        "One page: tccli takes {:.0}x as long as tcredis and {:.1}x its memory.",
        t[0] / p[0],
        t_rss as f64 / p_rss as f64
    ));
    s.check(
        "`tcredis --version` median",
        secs(v[0]),
        "< 5 ms",
        v[0] < 0.005,
    );
    s.check("one page median", secs(p[0]), "< 50 ms", p[0] < 0.050);
    Ok(s)
}

/// Section 6: peak RSS of `--all` listings as N grows.
pub fn memory(ctx: &Context) -> Result<Section, String> {
    ensure_tools(&[GNU_TIME])?;
    let (cli, _) = workspace_binaries(ctx)?;
    let mut sizes = vec![10_000usize, 100_000];
    if ctx.long {
        sizes.push(1_000_000);
    }
    let mut s = Section {
        command: display(
            ctx,
            &format!(
                "tcredis-mock --listen 127.0.0.1:0 --generate N --rate-limit 0\n\
                 /usr/bin/time -v {} > pipe   # and --output json",
                shell_join(&cli_list(&cli, "URL", true, "ndjson", "0"))
            ),
        ),
        header: vec![
            "Backups".into(),
            "Output".into(),
            "Peak RSS".into(),
            "Wall time".into(),
            "Backups/s".into(),
        ],
        ..Section::default()
    };
    let mut ndjson_rss = Vec::new();
    for &n in &sizes {
        let mock = Server::mock(ctx, &["--generate", &n.to_string(), "--rate-limit", "0"])?;
        for output in ["ndjson", "json"] {
            let argv = cli_list(&cli, &mock.url, true, output, "0");
            let (kib, count, wall) = peak_rss(ctx, &argv, "\"BackupId\"")?;
            if count != n {
                return Err(format!(
                    "--output {output} listed {count} backups, expected {n}"
                ));
            }
            if output == "ndjson" {
                ndjson_rss.push(kib);
            }
            s.row(&[
                &format!("{n}"),
                output,
                &mib(kib),
                &secs(wall),
                &format!("{:.0}", n as f64 / wall),
            ]);
        }
    }
    let max = ndjson_rss.iter().copied().max().unwrap_or(0);
    let min = ndjson_rss.iter().copied().min().unwrap_or(0);
    s.check(
        &format!(
            "ndjson peak RSS up to {} backups",
            sizes.last().copied().unwrap_or(0)
        ),
        mib(max),
        "< 32 MiB",
        max < 32 * 1024,
    );
    s.check(
        "ndjson peak RSS flat as N grows (largest / smallest N)",
        format!("{:.2}x", max as f64 / min.max(1) as f64),
        "<= 1.25x",
        (max as f64) <= 1.25 * min as f64,
    );
    split_and_fan_out_json(ctx, &cli, &mut s)?;
    if !ctx.long {
        s.notes
            .push("1,000,000 backups only with `--long` (`cargo xtask bench --long`).".into());
    }
    Ok(s)
}

/// Issue 15: `--output json` over a window split in 24 (`--since 700d`) and over more
/// instances than the fan-out runs at once stays within 1.25x of ndjson's peak RSS.
fn split_and_fan_out_json(ctx: &Context, cli: &Path, s: &mut Section) -> Result<(), String> {
    let six: Vec<String> = (1..=6).map(|i| format!("crs-gen{i:05}")).collect();
    for (label, generate, instances) in [
        ("125000, --since 700d", "125000", Vec::new()),
        ("6 x 125000, --since 700d", "750000:6", six),
    ] {
        let mock = Server::mock(ctx, &["--generate", generate, "--rate-limit", "0"])?;
        let mut rss = Vec::new();
        for output in ["ndjson", "json"] {
            let mut argv = cli_list(cli, &mock.url, true, output, "0");
            argv.extend(["--since".to_owned(), "700d".to_owned()]);
            for id in &instances {
                argv.extend(["--instance-id".to_owned(), id.clone()]);
            }
            let (kib, count, wall) = peak_rss(ctx, &argv, "\"BackupId\"")?;
            rss.push(kib);
            s.row(&[
                label,
                output,
                &mib(kib),
                &secs(wall),
                &format!("{:.0}", count as f64 / wall),
            ]);
        }
        let ratio = rss[1] as f64 / rss[0].max(1) as f64;
        s.check(
            &format!("json / ndjson peak RSS, {label}"),
            format!("{ratio:.2}x"),
            "<= 1.25x",
            ratio <= 1.25,
        );
    }
    Ok(())
}

const PACED_PAGES: usize = 300;
const PACED_RATE: f64 = 20.0;

/// Section 7: pacing accuracy at 20 req/s.
pub fn pacing(ctx: &Context) -> Result<Section, String> {
    let (cli, _) = workspace_binaries(ctx)?;
    let total = PACED_PAGES * 100;
    let mock = Server::mock(
        ctx,
        &["--generate", &total.to_string(), "--rate-limit", "20"],
    )?;
    let mut argv = cli_list(&cli, &mock.url, true, "ndjson", "20");
    // A throttled answer would be fatal, so a clean exit proves there was none.
    argv.extend(["--max-retries".into(), "0".into()]);
    let (count, wall, _) = run_counting(ctx, &argv, "\"BackupId\"")?;
    if count != total {
        return Err(format!(
            "the paced listing returned {count} backups, expected {total}"
        ));
    }
    // 300 requests, the first at once (burst 1): 299 intervals. Wall time includes process
    // start and the last response, so this slightly understates the rate.
    let rate = (PACED_PAGES - 1) as f64 / wall;
    let throttles = journal_throttles(&mock);
    let mut s = Section {
        command: display(
            ctx,
            &format!(
                "tcredis-mock --listen 127.0.0.1:0 --generate {total} --rate-limit 20\n{}",
                shell_join(&argv)
            ),
        ),
        header: vec!["Figure".into(), "Value".into()],
        ..Section::default()
    };
    s.row(&["requests (pages of 100)", &PACED_PAGES.to_string()]);
    s.row(&["wall time of the whole command", &secs(wall)]);
    s.row(&[
        "achieved rate, (requests − 1) / wall time",
        &format!("{rate:.2} req/s"),
    ]);
    s.row(&[
        "throttled answers (`RequestLimitExceeded`)",
        &throttles.map_or(
            "0 (a throttle would have failed the run: `--max-retries 0`)".into(),
            |n| n.to_string(),
        ),
    ]);
    let share = rate / PACED_RATE;
    s.check(
        "achieved rate at --rate-limit 20",
        format!("{:.1}% of the limit", share * 100.0),
        ">= 97%, zero throttles",
        share >= 0.97 && throttles.unwrap_or(0) == 0,
    );
    Ok(s)
}

/// Throttled answers counted from the mock's journal, when it can be read.
fn journal_throttles(mock: &Server) -> Option<usize> {
    let body = http_get(&mock.addr, "/_mock/journal")?;
    let v: Value = serde_json::from_str(&body).ok()?;
    let entries = v
        .as_array()
        .or_else(|| v["entries"].as_array())
        .or_else(|| v["requests"].as_array())?;
    Some(
        entries
            .iter()
            .filter(|e| e.to_string().contains("RequestLimitExceeded"))
            .count(),
    )
}

pub(super) fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Some(dechunk(body));
    }
    Some(body.to_owned())
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}
