//! The data the mock serves: seeds (from files or code), the demo set, generated large sets,
//! and the listing query over them.

pub(crate) mod auto_backup;
pub(crate) mod backup;
pub(crate) mod demo;
pub(crate) mod demo_instances;
pub(crate) mod fleet;
pub(crate) mod generate;
pub(crate) mod instance_fields;
pub(crate) mod lifecycle;
pub(crate) mod merged;
pub(crate) mod seed;
pub(crate) mod seed_error;
pub(crate) mod store;
