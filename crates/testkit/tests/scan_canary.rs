//! The secret scan's canary travels the real capture path: a child process prints the canary
//! secret, the bounded runner captures it and records it in `$TCREDIS_SCAN_DIR` like every
//! other test's output. `cargo xtask ci`'s scan then requires exactly this one hit; if the print,
//! the runner or the recorder loses it, the gate fails (the scan is blind, so its silence would
//! prove nothing).

use std::process::Command;
use std::time::Duration;

use tcredis_testkit::run_bin::RECORD_FOLDER;
use tcredis_testkit::run_bounded;
use tcredis_testkit::scan;
use tcredis_testkit::secrets::SCAN_CANARY;

#[test]
fn the_canary_is_printed_by_a_child_and_recorded_for_the_scan() {
    let run = run_bounded(
        "canary",
        Command::new(env!("CARGO_BIN_EXE_tcredis-canary")),
        Duration::from_secs(30),
        &["tcredis-canary"],
    );
    run.expect_code(0);
    let line = format!("canary: {SCAN_CANARY}\n");
    assert_eq!(
        run.stdout(),
        line,
        "the child printed exactly the canary line"
    );
    if let Some(dir) = scan::scan_dir() {
        let folder = dir.join(RECORD_FOLDER);
        let recorded: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|e| e.expect("readable folder entry").path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with(&format!("canary-{}-", std::process::id()))
                    && name.ends_with(".stdout")
            })
            .collect();
        assert_eq!(recorded.len(), 1, "one recording of the canary's stdout");
        assert_eq!(std::fs::read_to_string(&recorded[0]).unwrap(), line);
    }
}
