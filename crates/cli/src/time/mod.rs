//! Time as the CLI handles it: "now" (the clock or `TCREDIS_NOW`), durations as people write
//! them, windows on StartTime split at the API's 30-day cap, and the earliest time a window may
//! reach (2015).

pub mod duration;
pub mod earliest;
pub mod now;
pub mod window;
