//! Backup status names (`running`=1, `ok`=2, `exporting`=3, `exported`=4, `expired`=-1,
//! `deleted`=-2) for the `--status` filter and for display, and backup type names.

/// Every status, with its name, in the order the help text lists them.
pub const STATUSES: [(&str, i64); 6] = [
    ("running", 1),
    ("ok", 2),
    ("exporting", 3),
    ("exported", 4),
    ("expired", -1),
    ("deleted", -2),
];

/// Parses a `--status` value: a name or its number.
pub fn parse_status(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Some((_, n)) = STATUSES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(t))
    {
        return Ok(*n);
    }
    if let Ok(n) = t.parse::<i64>()
        && STATUSES.iter().any(|(_, v)| *v == n)
    {
        return Ok(n);
    }
    Err(format!(
        "{text:?} is not a backup status; accepted: {}",
        accepted_list()
    ))
}

fn accepted_list() -> String {
    STATUSES
        .iter()
        .map(|(name, n)| format!("{name} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The display name of a response `Status`, or the number when it is not a known one.
pub fn status_name(status: i64) -> String {
    STATUSES
        .iter()
        .find(|(_, n)| *n == status)
        .map_or_else(|| status.to_string(), |(name, _)| (*name).to_owned())
}

/// The display name of a `BackupType` wire string (`"0"`, `"1"`, `"2"` and the legacy names).
pub fn backup_type_name(wire: &str) -> &str {
    match wire {
        "0" | "manualBackupInstance" => "manual",
        "1" | "systemBackupInstance" => "auto",
        "2" => "spec-change",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_accepted() {
        assert_eq!(parse_status("running"), Ok(1));
        assert_eq!(parse_status("OK"), Ok(2));
        assert_eq!(parse_status("exporting"), Ok(3));
        assert_eq!(parse_status("exported"), Ok(4));
        assert_eq!(parse_status("expired"), Ok(-1));
        assert_eq!(parse_status("deleted"), Ok(-2));
        assert_eq!(parse_status("-2"), Ok(-2));
        assert_eq!(parse_status("4"), Ok(4));
    }

    #[test]
    fn unknown_values_list_what_is_accepted() {
        for bad in ["0", "5", "good", ""] {
            let err = parse_status(bad).unwrap_err();
            assert!(
                err.contains(
                    "running (1), ok (2), exporting (3), exported (4), expired (-1), deleted (-2)"
                ),
                "{err}"
            );
        }
    }

    #[test]
    fn display_names() {
        assert_eq!(status_name(2), "ok");
        assert_eq!(status_name(-1), "expired");
        assert_eq!(status_name(9), "9");
        assert_eq!(backup_type_name("1"), "auto");
        assert_eq!(backup_type_name("manualBackupInstance"), "manual");
        assert_eq!(backup_type_name("weird"), "weird");
    }
}
