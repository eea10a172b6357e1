//! TODO(owner fills in): v1
