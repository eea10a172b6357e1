//! The retry policy: which failures are retried, exponential backoff with full jitter, attempt
//! caps and an optional retry budget.
