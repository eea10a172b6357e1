//! A backup as csv/tsv cells: the header is core's field table ([`FIELD_NAMES`], model order)
//! and each cell is the typed field's text.

use tcredis_core::response::{Backup, Field};

pub use tcredis_core::response::FIELD_NAMES;

/// The text of one cell: a string as it is, a number or boolean as JSON spells it, an absent
/// (or `null`) field empty.
pub fn cell(backup: &Backup, field: Field) -> String {
    backup
        .get(field)
        .map(|value| value.to_string())
        .unwrap_or_default()
}

/// Every cell of a backup, in header order.
pub fn row(backup: &Backup) -> [String; Field::COUNT] {
    Field::ALL.map(|field| cell(backup, field))
}
