//! `instances list` output: `json` (`{"TotalCount": N, "InstanceSet": [...]}`, pretty, each item
//! the server's raw object so every API field passes through), `ndjson` (one compact instance a
//! line), `csv`/`tsv` (Region, InstanceId, InstanceName, Status, Type, ZoneId, ProjectId, Engine,
//! Size, Createtime, InstanceTags as `k=v;k=v`), `table` (the same columns for people) and
//! `--query` (JMESPath over the json shape).

use std::io::{self, Write};

use tcredis_core::instances::InstanceStatus;
use tcredis_transport_hyper::fleet::FleetInstance;
use unicode_width::UnicodeWidthStr;

use super::{Format, Query, QueryStyle};
use crate::output::json_text::{Layout, relayout};

/// The csv/tsv header.
pub const COLUMNS: [&str; 11] = [
    "Region",
    "InstanceId",
    "InstanceName",
    "Status",
    "Type",
    "ZoneId",
    "ProjectId",
    "Engine",
    "Size",
    "Createtime",
    "InstanceTags",
];

const TABLE_HEADER: [&str; 11] = [
    "REGION",
    "INSTANCE ID",
    "NAME",
    "STATUS",
    "TYPE",
    "ZONE",
    "PROJECT",
    "ENGINE",
    "SIZE",
    "CREATED",
    "TAGS",
];

/// The text of one cell: a string as it is, other values as JSON spells them, absent or `null`
/// empty.
fn cell_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The raw item of an instance (its `DescribeInstances` JSON), or a minimal object.
fn raw(instance: &FleetInstance) -> String {
    match &instance.described {
        Some(described) => described.raw_json().to_owned(),
        None => serde_json::json!({ "InstanceId": instance.instance_id }).to_string(),
    }
}

fn tags(instance: &FleetInstance) -> String {
    instance
        .described
        .as_ref()
        .map(|d| {
            d.instance_tags
                .iter()
                .map(|t| format!("{}={}", t.key, t.value))
                .collect::<Vec<_>>()
                .join(";")
        })
        .unwrap_or_default()
}

/// The delimited columns of one instance.
fn cells(instance: &FleetInstance) -> [String; 11] {
    let value: serde_json::Value = serde_json::from_str(&raw(instance)).unwrap_or_default();
    let field = |name: &str| cell_text(value.get(name));
    [
        instance.region.clone(),
        instance.instance_id.clone(),
        field("InstanceName"),
        field("Status"),
        field("Type"),
        field("ZoneId"),
        field("ProjectId"),
        field("Engine"),
        field("Size"),
        field("Createtime"),
        tags(instance),
    ]
}

fn one_line(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.is_empty() { "-".to_owned() } else { s }
}

/// `Size` in MB for people: `512 MB`, `1.0 GB`.
fn human_mb(size: Option<f64>) -> String {
    match size {
        Some(mb) if mb >= 1024.0 => format!("{:.1} GB", mb / 1024.0),
        Some(mb) => format!("{mb} MB"),
        None => "-".to_owned(),
    }
}

fn table_row(instance: &FleetInstance) -> [String; 11] {
    let c = cells(instance);
    let described = instance.described.as_ref();
    [
        c[0].clone(),
        c[1].clone(),
        one_line(&c[2]),
        instance
            .status
            .map_or_else(|| "-".to_owned(), |s| InstanceStatus::from_code(s).name()),
        one_line(&c[4]),
        one_line(&c[5]),
        one_line(&c[6]),
        one_line(&c[7]),
        human_mb(described.and_then(|d| d.size)),
        one_line(&c[9]),
        one_line(&c[10]),
    ]
}

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Writes `instances` in `format` (or through `query`).
pub fn write(
    out: &mut dyn Write,
    format: Format,
    query: Option<(&Query, QueryStyle)>,
    instances: &[FleetInstance],
) -> io::Result<()> {
    if let Some((query, style)) = query {
        let items: Vec<serde_json::Value> = instances
            .iter()
            .map(|i| serde_json::from_str(&raw(i)).unwrap_or_default())
            .collect();
        let document = serde_json::json!({ "TotalCount": instances.len(), "InstanceSet": items });
        let text = query
            .render(document, style)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("--query: {e}")))?;
        writeln!(out, "{text}")?;
        return out.flush();
    }
    match format {
        Format::Json => {
            write!(
                out,
                "{{\n  \"TotalCount\": {},\n  \"InstanceSet\": [",
                instances.len()
            )?;
            for (i, instance) in instances.iter().enumerate() {
                out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
                out.write_all(relayout(&raw(instance), Layout::Pretty { depth: 2 }).as_bytes())?;
            }
            if !instances.is_empty() {
                out.write_all(b"\n  ")?;
            }
            out.write_all(b"]\n}\n")?;
        }
        Format::Ndjson => {
            for instance in instances {
                out.write_all(relayout(&raw(instance), Layout::Compact).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv | Format::Tsv => {
            let mut w = csv::WriterBuilder::new()
                .delimiter(if format == Format::Csv { b',' } else { b'\t' })
                .terminator(csv::Terminator::CRLF)
                .quote_style(csv::QuoteStyle::Necessary)
                .from_writer(&mut *out);
            w.write_record(COLUMNS).map_err(into_io)?;
            for instance in instances {
                w.write_record(cells(instance)).map_err(into_io)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let rows: Vec<[String; 11]> = instances.iter().map(table_row).collect();
            let mut widths = TABLE_HEADER.map(UnicodeWidthStr::width);
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.width());
                }
            }
            let mut line = |cells: &[&str]| -> io::Result<()> {
                let mut text = String::new();
                for (i, cell) in cells.iter().enumerate() {
                    text.push_str(cell);
                    if i + 1 < cells.len() {
                        text.extend(std::iter::repeat_n(' ', widths[i] - cell.width() + 2));
                    }
                }
                writeln!(out, "{}", text.trim_end())
            };
            line(&TABLE_HEADER)?;
            for row in &rows {
                let cells: Vec<&str> = row.iter().map(String::as_str).collect();
                line(&cells)?;
            }
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcredis_core::instances::parse_response;

    fn instances() -> Vec<FleetInstance> {
        let body = r#"{"Response":{"TotalCount":2,"InstanceSet":[
            {"InstanceName":"orders 订单","InstanceId":"crs-a","Region":"ap-guangzhou","Status":2,"Type":6,"ZoneId":100003,"ProjectId":0,"Engine":"Redis","Size":1024.0,"Createtime":"2025-01-01 00:00:00","InstanceTags":[{"TagKey":"env","TagValue":"prod"},{"TagKey":"team","TagValue":"pay"}],"Vendor":{"x":[1]}},
            {"InstanceName":"old","InstanceId":"crs-b","Status":-2}
        ],"RequestId":"r"}}"#;
        parse_response(body.as_bytes())
            .unwrap()
            .instance_set
            .into_iter()
            .map(|i| FleetInstance::from_described("ap-guangzhou", i))
            .collect()
    }

    fn render(format: Format) -> String {
        let mut buf = Vec::new();
        write(&mut buf, format, None, &instances()).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_passes_every_field_through() {
        let text = render(Format::Json);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["TotalCount"], 2);
        assert_eq!(doc["InstanceSet"][0]["Vendor"]["x"][0], 1);
        assert!(text.contains("orders 订单"), "UTF-8 unescaped: {text}");
        let ndjson = render(Format::Ndjson);
        assert_eq!(ndjson.lines().count(), 2);
        assert!(
            ndjson
                .lines()
                .next()
                .unwrap()
                .starts_with("{\"InstanceName\":\"orders")
        );
    }

    #[test]
    fn delimited_columns_and_tags() {
        let text = render(Format::Csv);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Region,InstanceId,InstanceName,Status,Type,ZoneId,ProjectId,Engine,Size,Createtime,InstanceTags"
        );
        assert_eq!(
            lines[1],
            "ap-guangzhou,crs-a,orders 订单,2,6,100003,0,Redis,1024.0,2025-01-01 00:00:00,env=prod;team=pay"
        );
        assert_eq!(lines[2], "ap-guangzhou,crs-b,old,-2,,,,,,,");
        assert!(render(Format::Tsv).starts_with("Region\tInstanceId\t"));
    }

    #[test]
    fn table_for_people_and_queries() {
        let text = render(Format::Table);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("REGION        INSTANCE ID"), "{text}");
        assert!(
            lines[1].contains("running") && lines[1].contains("1.0 GB"),
            "{text}"
        );
        assert!(lines[2].contains("isolated"), "{text}");
        let mut buf = Vec::new();
        let query = Query::compile("InstanceSet[?Status==`-2`].InstanceId").unwrap();
        let style = QueryStyle::Pretty;
        write(&mut buf, Format::Json, Some((&query, style)), &instances()).unwrap();
        let ids: Vec<String> = serde_json::from_slice(&buf).unwrap();
        assert_eq!(ids, ["crs-b"]);
        // --raw: one id a line, unquoted.
        let mut buf = Vec::new();
        let query = Query::compile("InstanceSet[].InstanceId").unwrap();
        let style = QueryStyle::Raw;
        write(&mut buf, Format::Json, Some((&query, style)), &instances()).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.lines().count(), instances().len(), "{text}");
        assert!(text.lines().all(|l| l.starts_with("crs-")), "{text}");
    }
}
