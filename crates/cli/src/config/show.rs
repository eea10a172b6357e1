//! `config show`: every resolved setting and where it came from, then the credential chain
//! step by step. Secrets are never shown: only where credentials come from.

use std::fmt::Write as _;

use crate::config::settings::{Settings, Source, Sourced};

/// One credential line and the chain's steps, as text (no secret in any of it).
#[derive(Debug, Clone, Default)]
pub struct CredentialReport {
    /// Where the credentials come from, or why there are none.
    pub summary: String,
    /// Every step of the chain, in order.
    pub steps: Vec<String>,
}

fn row<T>(out: &mut String, name: &str, value: Option<&Sourced<T>>, show: impl Fn(&T) -> String) {
    match value {
        Some(s) => {
            let _ = writeln!(out, "{name:<16} {:<44} ({})", show(&s.value), s.source);
        }
        None => {
            let _ = writeln!(out, "{name:<16} {:<44} (not set)", "-");
        }
    }
}

/// Renders the report.
pub fn render(
    settings: &Settings,
    credentials: &CredentialReport,
    now_note: Option<String>,
) -> String {
    let mut out = String::new();
    row(&mut out, "profile", Some(&settings.profile), String::clone);
    row(&mut out, "region", settings.region.as_ref(), String::clone);
    if settings.endpoint.source == Source::Mock {
        let shown = "http://127.0.0.1:<ephemeral port>";
        let _ = writeln!(out, "{:<16} {shown:<44} ({})", "endpoint", Source::Mock);
    } else {
        row(
            &mut out,
            "endpoint",
            Some(&settings.endpoint),
            ToString::to_string,
        );
    }
    row(
        &mut out,
        "connect-to",
        settings.connect_to.as_ref(),
        ToString::to_string,
    );
    row(&mut out, "proxy", settings.proxy.as_ref(), |p| {
        mask_userinfo(p)
    });
    row(&mut out, "ca-file", settings.ca_file.as_ref(), |p| {
        p.display().to_string()
    });
    row(
        &mut out,
        "language",
        settings.language.as_ref(),
        String::clone,
    );
    let dur = |d: &std::time::Duration| humantime::format_duration(*d).to_string();
    row(
        &mut out,
        "connect-timeout",
        settings.connect_timeout.as_ref(),
        dur,
    );
    row(&mut out, "timeout", settings.timeout.as_ref(), dur);
    row(&mut out, "deadline", settings.deadline.as_ref(), dur);
    row(&mut out, "rate-limit", Some(&settings.rate_limit), |r| {
        if *r == 0.0 {
            "off".to_owned()
        } else {
            format!("{r} req/s")
        }
    });
    row(
        &mut out,
        "max-retries",
        Some(&settings.max_retries),
        ToString::to_string,
    );
    if let Some(note) = now_note {
        let _ = writeln!(out, "{:<16} {note}", "now");
    }
    let _ = writeln!(out, "{:<16} {}", "credentials", credentials.summary);
    if !credentials.steps.is_empty() {
        let _ = writeln!(out, "credential chain (first match wins):");
        for (i, step) in credentials.steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {step}", i + 1);
        }
    }
    out
}

/// A proxy URL with any `user:password@` replaced by `***@`.
fn mask_userinfo(url: &str) -> String {
    let (prefix, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{prefix}***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_passwords_are_masked() {
        assert_eq!(
            mask_userinfo("http://user:pa55@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(mask_userinfo("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(
            mask_userinfo("http://proxy:3128/a@b"),
            "http://proxy:3128/a@b"
        );
    }
}
