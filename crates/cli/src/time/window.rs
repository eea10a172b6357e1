//! Windows on a backup's StartTime, split at the API's 30-day cap: core's [`Window`], the one
//! home of that rule.

pub use tcredis_core::window::Window;
