//! TODO(owner fills in): tc3
