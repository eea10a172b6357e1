//! `cargo xtask promtool`: the alert rules in `docs/monitoring/alerts.yml` pass
//! `promtool check rules` and their unit tests `promtool test rules`, and every alert the file
//! defines has at least one unit test in which it fires (an alert nobody watched fire could be
//! one that never can).

use std::fs;
use std::path::Path;

use crate::apt::{self, PROMTOOL};
use crate::outcome::Outcome;
use crate::run::Context;

/// The rules file, relative to the workspace root.
pub const RULES: &str = "docs/monitoring/alerts.yml";
/// Its promtool unit tests.
pub const RULE_TESTS: &str = "docs/monitoring/alerts.test.yml";

/// Runs the stage.
pub fn run(ctx: &Context) -> Outcome {
    match check(ctx) {
        Ok(note) => Outcome::Pass(Some(note)),
        Err(e) => Outcome::Fail(e),
    }
}

fn check(ctx: &Context) -> Result<String, String> {
    let rules = read(&ctx.root.join(RULES))?;
    let tests = read(&ctx.root.join(RULE_TESTS))?;
    let alerts = alert_names(&rules);
    if alerts.is_empty() {
        return Err(format!("{RULES} defines no alert"));
    }
    let untested: Vec<&str> = alerts
        .iter()
        .filter(|a| !fires_in_a_test(&tests, a))
        .map(String::as_str)
        .collect();
    if !untested.is_empty() {
        return Err(format!(
            "{RULE_TESTS} never expects these alerts to fire: {} (add an alert_rule_test with \
             non-empty exp_alerts for each)",
            untested.join(", ")
        ));
    }
    apt::ensure(ctx, "promtool", &[PROMTOOL])?;
    let mut cmd = ctx.command("promtool");
    cmd.args(["check", "rules", RULES]);
    ctx.run("promtool-check", &mut cmd)?;
    let mut cmd = ctx.command("promtool");
    cmd.args(["test", "rules", RULE_TESTS]);
    ctx.run("promtool-test", &mut cmd)?;
    Ok(format!(
        "{} alerts, each seen firing in {RULE_TESTS}",
        alerts.len()
    ))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The names after `- alert:` in a rules file.
fn alert_names(rules: &str) -> Vec<String> {
    rules
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- alert:"))
        .map(|n| n.trim().trim_matches('"').to_owned())
        .collect()
}

/// Whether some `alertname: NAME` test case in the unit tests expects at least one alert (its
/// `exp_alerts:` is followed by entries rather than being `[]`).
fn fires_in_a_test(tests: &str, alert: &str) -> bool {
    let lines: Vec<&str> = tests.lines().map(str::trim).collect();
    lines.iter().enumerate().any(|(i, line)| {
        line.strip_prefix("alertname:")
            .is_some_and(|n| n.trim().trim_matches('"') == alert)
            && lines[i + 1..]
                .iter()
                .find(|l| l.starts_with("exp_alerts:"))
                .is_some_and(|l| l.trim_end() == "exp_alerts:")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES_TEXT: &str = "groups:\n  - name: g\n    rules:\n      - alert: Fires\n        expr: up == 0\n      - alert: Quiet\n        expr: up == 1\n";

    #[test]
    fn every_alert_of_the_rules_file_is_found() {
        assert_eq!(alert_names(RULES_TEXT), ["Fires", "Quiet"]);
    }

    #[test]
    fn an_alert_only_ever_expected_silent_is_not_tested_firing() {
        let tests = "tests:\n  - alert_rule_test:\n      - eval_time: 1m\n        alertname: Fires\n        exp_alerts:\n          - exp_labels: {}\n      - eval_time: 1m\n        alertname: Quiet\n        exp_alerts: []\n";
        assert!(fires_in_a_test(tests, "Fires"));
        assert!(!fires_in_a_test(tests, "Quiet"));
        assert!(!fires_in_a_test(tests, "Absent"));
    }

    #[test]
    fn the_committed_rules_have_a_firing_test_each() {
        let root = crate::project::root();
        let rules = fs::read_to_string(root.join(RULES)).unwrap();
        let tests = fs::read_to_string(root.join(RULE_TESTS)).unwrap();
        let names = alert_names(&rules);
        assert_eq!(
            names,
            [
                "TcredisBackupTooOld",
                "TcredisBackupScheduleMissed",
                "TcredisInstanceWithoutBackup",
                "TcredisCollectionFailing"
            ]
        );
        for name in &names {
            assert!(fires_in_a_test(&tests, name), "{name}");
        }
    }
}
