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
    /// Warnings about the source (a credentials file others can read).
    pub warnings: Vec<String>,
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
    if settings.resolve.is_empty() {
        row::<String>(&mut out, "resolve", None, String::clone);
    }
    for r in &settings.resolve {
        let _ = writeln!(
            out,
            "{:<16} {:<44} ({})",
            "resolve",
            r.to_string(),
            Source::Flag("--resolve")
        );
    }
    row(&mut out, "failover", Some(&settings.failover), |on| {
        if *on {
            "on (.tencentcloudapi.com -> .com.cn -> .cn)".to_owned()
        } else {
            "off".to_owned()
        }
    });
    match &settings.proxy {
        Some(p) if settings.proxy_bypassed => {
            let shown = format!("- (NO_PROXY names {})", settings.endpoint.value.host());
            let _ = writeln!(
                out,
                "{:<16} {shown:<44} ({} {} bypassed)",
                "proxy",
                p.source,
                mask_userinfo(&p.value)
            );
        }
        other => row(&mut out, "proxy", other.as_ref(), |p| mask_userinfo(p)),
    }
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
        Some(&settings.connect_timeout),
        dur,
    );
    row(&mut out, "timeout", Some(&settings.timeout), dur);
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
    for w in &credentials.warnings {
        let _ = writeln!(out, "warning: {w}");
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
