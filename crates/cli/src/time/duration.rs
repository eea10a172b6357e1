//! Durations as people type them (`30s`, `15m`, `26h`, `7d`, `2w`, `1d12h`: humantime's grammar)
//! and as the CLI prints them back (`1d12h`, `5h12m`).

use std::time::Duration;

/// Parses a duration in humantime's grammar; the error names what is accepted.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("{text:?} is empty; {ACCEPTED}"));
    }
    humantime::parse_duration(trimmed)
        .map_err(|e| format!("{text:?} is not a duration ({e}); {ACCEPTED}"))
}

/// Parses a duration that must be longer than zero.
pub fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let d = parse_duration(text)?;
    if d.is_zero() {
        return Err(format!(
            "{text:?} is zero; a duration longer than zero is needed"
        ));
    }
    Ok(d)
}

const ACCEPTED: &str =
    "use a number and a unit such as 30s, 15m, 26h, 7d, 2w, or a sum such as 1d12h";

/// Formats whole seconds compactly with the two largest units: `45s`, `5m3s`, `5h12m`, `3d2h`;
/// below two days in hours, as people write ages and limits (`26h`, `47h59m`).
pub fn format_compact(total_secs: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    if total_secs == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = total_secs;
    let mut parts = 0;
    let units = if total_secs < 2 * 86_400 {
        &UNITS[1..]
    } else {
        &UNITS[..]
    };
    for &(size, name) in units {
        if parts == 2 {
            break;
        }
        let n = rest / size;
        if n > 0 {
            out.push_str(&format!("{n}{name}"));
            rest -= n * size;
            parts += 1;
        } else if parts == 1 {
            // The second unit must be the next one down, or the text would skip a unit.
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        for (text, secs) in [
            ("30s", 30),
            ("15m", 900),
            ("26h", 93_600),
            ("7d", 604_800),
            ("2w", 1_209_600),
            ("1d12h", 129_600),
            ("1d 12h", 129_600),
        ] {
            assert_eq!(
                parse_duration(text).unwrap(),
                Duration::from_secs(secs),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_bad_text_with_a_hint() {
        for text in ["", "7", "abc", "-1d", "7 days ago"] {
            let err = parse_duration(text).unwrap_err();
            assert!(err.contains("30s, 15m, 26h, 7d, 2w"), "{err}");
        }
        assert!(parse_positive_duration("0s").unwrap_err().contains("zero"));
    }

    #[test]
    fn formats_with_two_units() {
        assert_eq!(format_compact(0), "0s");
        assert_eq!(format_compact(45), "45s");
        assert_eq!(format_compact(303), "5m3s");
        assert_eq!(format_compact(18_720), "5h12m");
        assert_eq!(format_compact(93_600), "26h");
        assert_eq!(format_compact(86_400 * 2 - 60), "47h59m");
        assert_eq!(format_compact(86_400 * 3 + 7_200 + 5), "3d2h");
        assert_eq!(format_compact(86_400 * 2 + 5), "2d");
    }
}
