//! Metrics: the backup families ([`families`]) built from a fleet survey, and their exposition
//! in the Prometheus text format or OpenMetrics ([`exposition`]). `backups check -o prometheus`,
//! `--textfile` ([`textfile`]) and the exporter all go through here.

pub mod exposition;
pub mod families;
pub mod textfile;
