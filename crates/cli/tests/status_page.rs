//! The exporter's `/` page rendered by headless Chromium (Debian's `chromium`; `cargo xtask ci`
//! and `.ci/run` install it, a missing browser fails the test): the seeded missed night
//! (common::missed_night at the fixed test time) against the exporter, `--dump-dom` for the
//! rendered DOM — every instance has its timeline row and its table row with its verdict, and
//! the missed night is the missed instance's only missed cell, on the slot's date — and
//! `--screenshot` for the picture in docs/monitoring.md (written to the test's target directory;
//! with `TCREDIS_UPDATE_SCREENSHOT=1` also to docs/monitoring/status-page.png).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::exporter::Exporter;
use common::missed_night::{self, FRESH, GRACE, MISSED};
use common::{DOC_SECRET_ID, DOC_SECRET_KEY, NOW, run_bounded};
use tcredis_mock::{BlockingMockServer, ClockStart, MockConfig};

/// common::NOW as Unix seconds.
const NOW_UNIX: i64 = 1_780_286_400;

/// Runs headless Chromium on `url` with `args` (bounded by 120 s); its stdout.
fn chromium(url: &str, args: &[&str]) -> String {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        // Root in a container has no user namespace sandbox to offer.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(url);
    let run = run_bounded("chromium", cmd, Duration::from_secs(120), args);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.code,
        Some(0),
        "chromium failed (Debian package `chromium` is needed): {stderr}"
    );
    String::from_utf8(run.stdout).expect("the DOM is UTF-8")
}

/// The HTML of the element starting at `<tr data-instance="ID"` inside the table `table_id`.
fn row<'a>(dom: &'a str, table_id: &str, instance: &str) -> &'a str {
    let table = dom
        .split_once(&format!("id=\"{table_id}\""))
        .unwrap_or_else(|| panic!("no table #{table_id} in the DOM:\n{dom}"))
        .1;
    let table = &table[..table.find("</table>").expect("the table ends")];
    let start = table
        .find(&format!("<tr data-instance=\"{instance}\""))
        .unwrap_or_else(|| panic!("no row for {instance} in #{table_id}:\n{table}"));
    let row = &table[start..];
    &row[..row.find("</tr>").expect("the row ends")]
}

fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("status-page.png")
}

#[test]
fn chromium_renders_every_instance_and_the_missed_night() {
    let world = missed_night::around(NOW_UNIX);
    let server = BlockingMockServer::start_with(
        MockConfig::new()
            .seed(world.mock_seed())
            .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
            .rate_limit(0)
            .clock(ClockStart::At(NOW_UNIX)),
    )
    .unwrap();
    let mut exporter =
        Exporter::start_at(&server.uri(), &["--refresh", "1h", "--grace", GRACE], NOW);
    exporter.wait_for("/healthz", |status, _| status == 200);
    let url = format!("http://{}/", exporter.addr);

    let dom = chromium(&url, &["--dump-dom"]);
    assert!(dom.contains("<h1>Redis backups</h1>"), "{dom}");
    let slot_date = &tcredis_core::time::BeijingTime::from_unix(world.slot.start).to_string()[..10];
    assert_eq!(slot_date, "2026-06-01");
    for id in FRESH.iter().chain([&MISSED]) {
        let verdict = if *id == MISSED { "MISSED" } else { "OK" };
        let table_row = row(&dom, "instances", id);
        assert!(
            table_row.contains(&format!(
                "<td class=\"verdict {}\">{verdict}</td>",
                verdict.to_ascii_lowercase()
            )),
            "{id} is {verdict}: {table_row}"
        );
        assert!(
            table_row.contains(&format!("<td>{}</td>", missed_night::name(id))),
            "{table_row}"
        );
        let grid_row = row(&dom, "timeline", id);
        let missed_cells: Vec<&str> = grid_row
            .split("<td ")
            .filter(|c| c.contains("data-state=\"missed\""))
            .collect();
        if *id == MISSED {
            assert_eq!(missed_cells.len(), 1, "one missed night: {grid_row}");
            assert!(
                missed_cells[0].contains(&format!("data-date=\"{slot_date}\"")),
                "on the slot's date: {grid_row}"
            );
            assert!(missed_cells[0].contains(">X</td>"), "{grid_row}");
        } else {
            assert!(missed_cells.is_empty(), "{id}: {grid_row}");
            assert_eq!(
                grid_row.matches("data-state=\"ok\"").count(),
                14,
                "{id}: fourteen good nights: {grid_row}"
            );
        }
    }

    let png = screenshot_path();
    let _ = std::fs::remove_file(&png);
    chromium(
        &url,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1100,560",
        ],
    );
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
        "a PNG of the page ({} bytes)",
        bytes.len()
    );
    if std::env::var_os("TCREDIS_UPDATE_SCREENSHOT").is_some() {
        let docs =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/monitoring/status-page.png");
        std::fs::write(&docs, &bytes).expect("write docs/monitoring/status-page.png");
    }
    assert_eq!(exporter.terminate(), Some(0));
}
