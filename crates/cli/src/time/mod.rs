//! Time as the CLI handles it: "now" (the clock or `TCREDIS_NOW`), durations as people write
//! them, and windows on StartTime split at the API's 30-day cap.

pub mod duration;
pub mod now;
pub mod window;
