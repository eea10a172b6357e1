//! The commands: `instances list`, `backups list`, `backups latest`, `backups check`, the fan-out
//! over instances and 30-day windows, and the fleet helpers (regions, selectors) they share.

pub mod check;
pub mod fetch;
pub mod fleet;
pub mod instances;
pub mod lanes;
pub mod latest;
pub mod list;
