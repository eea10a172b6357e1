//! Endpoints: region to host resolution (default, regional, international, financial `*-fsi`),
//! custom URLs with scheme, host and port kept apart, and a connect address separate from the
//! signed Host.
