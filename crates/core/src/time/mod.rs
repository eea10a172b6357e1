//! Civil time without a clock, in one place for the whole project: the calendar, Beijing wall
//! time (UTC+8) as the API writes it, the UTC date of a Unix timestamp as the TC3 credential
//! scope needs it, HTTP dates (the `Date` header, for clock-skew recovery) and RFC 3339
//! (`TCREDIS_NOW`, the mock's clock, STS `Expiration`).
//!
//! Nothing here reads the clock: every instant comes in as Unix seconds.
//!
//! | module | holds |
//! |---|---|
//! | `civil` | the proleptic Gregorian calendar ([`CivilDate`], [`days_from_civil`], [`civil_from_days`]) |
//! | `beijing` | [`BeijingTime`]: `YYYY-MM-DD HH:MM:SS` at UTC+8 |
//! | `utc` | [`UtcDate`], [`utc_date`]: the credential-scope date |
//! | [`http_date`] | HTTP dates: `parse` (three forms) and `format` (IMF-fixdate) |
//! | [`rfc3339`] | RFC 3339: `parse` and `format_utc` |
//!
//! ```
//! use tcredis_core::time::{http_date, rfc3339, utc_date, BeijingTime};
//!
//! let t = BeijingTime::parse("2019-02-26 00:44:25").unwrap();
//! assert_eq!(t.unix(), 1551113065);
//! assert_eq!(t.to_string(), "2019-02-26 00:44:25");
//! // Beijing is already on the 26th, UTC is still on the 25th: the TC3 scope uses UTC.
//! assert_eq!(utc_date(1551113065), "2019-02-25");
//! assert_eq!(rfc3339::format_utc(t.unix()), "2019-02-25T16:44:25Z");
//! assert_eq!(http_date::format(t.unix()), "Mon, 25 Feb 2019 16:44:25 GMT");
//! ```

mod beijing;
mod civil;
pub mod http_date;
pub mod rfc3339;
mod utc;

pub use beijing::{BeijingTime, TimeFormatError};
pub use civil::CivilDate;
// The proleptic Gregorian calendar arithmetic behind the types above: for tcredis' own crates,
// benches and tests, not API.
#[doc(hidden)]
pub use civil::{civil_from_days, days_from_civil, days_in_month, is_leap_year};
pub use utc::{UtcDate, utc_date};
