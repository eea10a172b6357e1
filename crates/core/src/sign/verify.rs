//! TODO(owner fills in): verify
