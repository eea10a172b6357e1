//! An injectable, seedable random source for retry jitter (deterministic in tests).
