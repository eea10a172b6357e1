//! `backups timeline` through the binary shows the seeded missed night: the mock's clock stands
//! at the fixed test time and `TCREDIS_NOW` is the mock's time (common::missed_night: four
//! instances on a daily 08:00-09:00 slot, `crs-night003` without a backup on 2026-06-01).
//! Outside a terminal the grid is plain characters: `#` a good night, `X` a missed slot.

mod common;

use common::missed_night::{self, FRESH, GRACE, MISSED};
use common::{DOC_SECRET_ID, DOC_SECRET_KEY, home, run};
use tcredis_mock::{BlockingMockServer, ClockStart, MockConfig};

/// common::NOW (2026-06-01T12:00:00+08:00) as Unix seconds.
const NOW_UNIX: i64 = 1_780_286_400;

#[test]
fn the_timeline_shows_the_missed_night() {
    let world = missed_night::around(NOW_UNIX);
    assert_eq!(world.time_period, "08:00-09:00");
    let server = BlockingMockServer::start_with(
        MockConfig::new()
            .seed(world.mock_seed())
            .credential(DOC_SECRET_ID, DOC_SECRET_KEY, None)
            .rate_limit(0)
            .clock(ClockStart::At(NOW_UNIX)),
    )
    .unwrap();
    let mock_now = server.clock().now;
    let uri = server.uri();
    let out = run(
        home().path(),
        &[
            "--endpoint",
            &uri,
            "--region",
            "ap-guangzhou",
            "--rate-limit",
            "0",
            "backups",
            "timeline",
            "--days",
            "7",
            "--grace",
            GRACE,
        ],
        &[
            ("TENCENTCLOUD_SECRET_ID", DOC_SECRET_ID),
            ("TENCENTCLOUD_SECRET_KEY", DOC_SECRET_KEY),
            ("TCREDIS_NOW", &mock_now),
            ("NO_COLOR", "1"),
        ],
    );
    out.expect_code(0);
    assert!(!out.stdout.contains('\x1b'), "no colour outside a terminal");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("Backups by day (Beijing time) 2026-05-26 to 2026-06-01: "),
        "{}",
        out.stdout
    );
    // The day-of-month header: 26..31 then 1.
    assert!(lines[1].ends_with("2222330"), "{}", out.stdout);
    assert!(lines[2].ends_with("6789011"), "{}", out.stdout);
    let cells = |id: &str| -> &str {
        let line = lines
            .iter()
            .find(|l| l.split_whitespace().nth(1) == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{}", out.stdout));
        assert!(line.contains(missed_night::name(id)), "{line}");
        line.rsplit(' ').next().unwrap()
    };
    assert_eq!(cells(MISSED), "######X", "{}", out.stdout);
    for id in FRESH {
        assert_eq!(cells(id), "#######", "{id}:\n{}", out.stdout);
    }
    assert_eq!(lines.len(), 3 + 4, "{}", out.stdout);
}
