//! `backups timeline` on a terminal or in a file: a header with the dates, a legend, one row
//! per instance (region, instance, name, one character per day). Colour only when stdout is a
//! terminal and `NO_COLOR` is not set; plain characters otherwise.

use std::io::Write;

use crate::timeline::{DayState, Grid, date, day_of_month};

/// The ANSI colour of a cell.
fn colour(state: DayState) -> &'static str {
    match state {
        DayState::Ok => "\x1b[32m",
        DayState::Running => "\x1b[36m",
        DayState::Expired => "\x1b[33m",
        DayState::None => "\x1b[2m",
        DayState::Missed => "\x1b[1;31m",
    }
}

const RESET: &str = "\x1b[0m";

/// A name from the API, made safe for a terminal (controls and bidi marks escaped, bounded).
fn printable(text: &str) -> String {
    crate::terminal::escape(text, crate::terminal::MAX_FIELD_CHARS).into_owned()
}

fn cell(state: DayState, colour_on: bool) -> String {
    if colour_on {
        format!("{}{}{RESET}", colour(state), state.symbol())
    } else {
        state.symbol().to_string()
    }
}

/// Writes the grid.
pub fn write(out: &mut dyn Write, grid: &Grid<'_>, colour_on: bool) -> std::io::Result<()> {
    let (Some(first), Some(last)) = (grid.days.first(), grid.days.last()) else {
        return Ok(());
    };
    let legend: Vec<String> = DayState::ALL
        .iter()
        .map(|&s| format!("{} {}", cell(s, colour_on), s.name()))
        .collect();
    writeln!(
        out,
        "Backups by day (Beijing time) {} to {}: {}",
        date(*first),
        date(*last),
        legend.join("  ")
    )?;
    let region_w = grid
        .rows
        .iter()
        .map(|r| r.instance.region.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let id_w = grid
        .rows
        .iter()
        .map(|r| r.instance.instance_id.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let names: Vec<String> = grid
        .rows
        .iter()
        .map(|r| printable(r.instance.instance_name.as_deref().unwrap_or_default()))
        .collect();
    let name_w = names
        .iter()
        .map(|n| unicode_width::UnicodeWidthStr::width(n.as_str()))
        .max()
        .unwrap_or(4)
        .max(4);
    let pad = region_w + id_w + name_w + 6;
    let tens: String = grid
        .days
        .iter()
        .map(|&d| char::from(b'0' + day_of_month(d) / 10))
        .collect();
    let ones: String = grid
        .days
        .iter()
        .map(|&d| char::from(b'0' + day_of_month(d) % 10))
        .collect();
    writeln!(out, "{:pad$}{tens}", "")?;
    writeln!(
        out,
        "{:<region_w$}  {:<id_w$}  NAME{}  {ones}",
        "REGION",
        "INSTANCE",
        " ".repeat(name_w - 4)
    )?;
    for (row, name) in grid.rows.iter().zip(&names) {
        let width = unicode_width::UnicodeWidthStr::width(name.as_str());
        let cells: String = row.cells.iter().map(|&s| cell(s, colour_on)).collect();
        writeln!(
            out,
            "{:<region_w$}  {:<id_w$}  {name}{}  {cells}",
            row.instance.region,
            printable(&row.instance.instance_id),
            " ".repeat(name_w - width)
        )?;
    }
    out.flush()
}
