//! The exposition of metric families: the Prometheus text format (0.0.4) and, when a scraper
//! asks for it, OpenMetrics 1.0. One data model for both, so `check -o prometheus`, the
//! `--textfile` and the exporter's `/metrics` cannot drift apart.
//!
//! Naming follows OpenMetrics: a family is named without its type's suffix; a counter's sample is
//! `<family>_total` and an info family's sample `<family>_info` (value 1). In the Prometheus
//! format the `_total` sample name is also the family name (type `counter`) and an info family is
//! a `gauge` named `<family>_info`. Label values are escaped (`\\`, `\"`, `\n`), HELP text too
//! (`\\`, `\n`).

use std::fmt::Write as _;

/// Which text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpositionFormat {
    /// The Prometheus text format, version 0.0.4.
    Prometheus,
    /// OpenMetrics 1.0 text (ends with `# EOF`).
    OpenMetrics,
}

impl ExpositionFormat {
    /// The `Content-Type` to serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// The format a scrape's `Accept` header asks for: OpenMetrics when it names
    /// `application/openmetrics-text`, else the Prometheus text format.
    pub fn negotiate(accept: Option<&str>) -> Self {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Self::OpenMetrics,
            _ => Self::Prometheus,
        }
    }
}

/// A family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    /// A value that goes up and down.
    Gauge,
    /// A count that only goes up (samples get `_total`).
    Counter,
    /// Labels describing a thing, value 1 (samples get `_info`).
    Info,
}

/// One sample: labels (in order) and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Label names and values.
    pub labels: Vec<(&'static str, String)>,
    /// The value.
    pub value: f64,
}

/// A metric family.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// The family name, without `_total` / `_info`.
    pub name: &'static str,
    /// What it measures.
    pub help: &'static str,
    /// Its type.
    pub kind: MetricType,
    /// Its samples.
    pub samples: Vec<Sample>,
}

impl Family {
    /// A family without samples yet.
    pub fn new(name: &'static str, kind: MetricType, help: &'static str) -> Self {
        Self {
            name,
            help,
            kind,
            samples: Vec::new(),
        }
    }

    /// Adds a sample.
    pub fn push(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        self.samples.push(Sample { labels, value });
    }
}

fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

fn escape_label_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Renders the families in `format` (OpenMetrics ends with `# EOF`).
pub fn render(families: &[Family], format: ExpositionFormat) -> String {
    let mut out = String::new();
    for family in families {
        let (family_name, sample_name, type_name) = match (format, family.kind) {
            (_, MetricType::Gauge) => (family.name.to_owned(), family.name.to_owned(), "gauge"),
            (ExpositionFormat::Prometheus, MetricType::Counter) => {
                let total = format!("{}_total", family.name);
                (total.clone(), total, "counter")
            }
            (ExpositionFormat::OpenMetrics, MetricType::Counter) => (
                family.name.to_owned(),
                format!("{}_total", family.name),
                "counter",
            ),
            (ExpositionFormat::Prometheus, MetricType::Info) => {
                let info = format!("{}_info", family.name);
                (info.clone(), info, "gauge")
            }
            (ExpositionFormat::OpenMetrics, MetricType::Info) => (
                family.name.to_owned(),
                format!("{}_info", family.name),
                "info",
            ),
        };
        let _ = writeln!(out, "# HELP {family_name} {}", escape_help(family.help));
        let _ = writeln!(out, "# TYPE {family_name} {type_name}");
        for sample in &family.samples {
            out.push_str(&sample_name);
            if !sample.labels.is_empty() {
                out.push('{');
                for (i, (name, v)) in sample.labels.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{name}=\"{}\"", escape_label_value(v));
                }
                out.push('}');
            }
            let _ = writeln!(out, " {}", value(sample.value));
        }
    }
    if format == ExpositionFormat::OpenMetrics {
        out.push_str("# EOF\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families() -> Vec<Family> {
        let mut requests = Family::new(
            "tcredis_api_requests",
            MetricType::Counter,
            "Requests.\nEvery attempt, a \\ too.",
        );
        requests.push(vec![("code", "ok".into())], 3.0);
        let mut info = Family::new("tcredis_instance", MetricType::Info, "Instances.");
        info.push(
            vec![("instance_name", "a \"quoted\"\\ name\nwith a line".into())],
            1.0,
        );
        let mut size = Family::new(
            "tcredis_backup_last_good_size_bytes",
            MetricType::Gauge,
            "Size.",
        );
        size.push(Vec::new(), 4_294_967_296.0);
        size.push(Vec::new(), 0.5);
        vec![requests, info, size]
    }

    #[test]
    fn prometheus_text_names_escapes_and_values() {
        assert_eq!(
            render(&families(), ExpositionFormat::Prometheus),
            "# HELP tcredis_api_requests_total Requests.\\nEvery attempt, a \\\\ too.\n\
             # TYPE tcredis_api_requests_total counter\n\
             tcredis_api_requests_total{code=\"ok\"} 3\n\
             # HELP tcredis_instance_info Instances.\n\
             # TYPE tcredis_instance_info gauge\n\
             tcredis_instance_info{instance_name=\"a \\\"quoted\\\"\\\\ name\\nwith a line\"} 1\n\
             # HELP tcredis_backup_last_good_size_bytes Size.\n\
             # TYPE tcredis_backup_last_good_size_bytes gauge\n\
             tcredis_backup_last_good_size_bytes 4294967296\n\
             tcredis_backup_last_good_size_bytes 0.5\n"
        );
    }

    #[test]
    fn openmetrics_names_families_without_their_suffix_and_ends_with_eof() {
        let text = render(&families(), ExpositionFormat::OpenMetrics);
        assert!(text.contains(
            "# TYPE tcredis_api_requests counter\ntcredis_api_requests_total{code=\"ok\"} 3\n"
        ));
        assert!(text.contains("# TYPE tcredis_instance info\ntcredis_instance_info{"));
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn negotiation_picks_openmetrics_only_when_asked() {
        assert_eq!(
            ExpositionFormat::negotiate(Some(
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
            )),
            ExpositionFormat::OpenMetrics
        );
        assert_eq!(
            ExpositionFormat::negotiate(Some("text/plain")),
            ExpositionFormat::Prometheus
        );
        assert_eq!(
            ExpositionFormat::negotiate(None),
            ExpositionFormat::Prometheus
        );
    }
}
