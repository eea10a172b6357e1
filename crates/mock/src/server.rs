//! server placeholder
