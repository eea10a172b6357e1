//! The commands: `backups list`, `backups latest`, `backups check`, and the fan-out over
//! instances and 30-day windows they share.

pub mod check;
pub mod fetch;
pub mod lanes;
pub mod latest;
pub mod list;
