//! The `X-TC-Language` (v1: `Language`) values the API accepts, and the default every client
//! of this project sends.
//!
//! The default is `zh-CN`, as the official SDKs send it on every request (Python's
//! `ClientProfile` and Go's default; see `docs/protocol.md`); the server answers in that
//! language either way, so sending it makes the choice explicit rather than changing it.
//!
//! ```
//! use tcredis_core::language;
//! assert_eq!(language::DEFAULT, "zh-CN");
//! assert!(language::is_supported("en-US"));
//! assert!(!language::is_supported("fr"));
//! ```

/// The language sent when none is chosen.
pub const DEFAULT: &str = "zh-CN";

/// Every language the API accepts, the default first.
pub const SUPPORTED: [&str; 2] = ["zh-CN", "en-US"];

/// Whether `language` is one of [`SUPPORTED`] (exact spelling, as the SDKs validate it).
pub fn is_supported(language: &str) -> bool {
    SUPPORTED.contains(&language)
}
