//! Test support shared by the tcredis crates' tests. A dev-dependency only (`publish = false`):
//! nothing here ships in a library or a binary users install.
//!
//! - [`secrets`]: the project's test secrets (every one carries the prefix the gate's secret scan
//!   looks for), the scan canary, and the public pairs that are not secrets (docs, mock demo).
//! - [`scan`]: the capture folder (`$TCREDIS_SCAN_DIR`) and the recorder that writes every
//!   captured child stream there, checking every write.
//! - [`run_bin`]: runs a binary with a hard time bound (a hang is a failure), capturing and
//!   recording what it printed.
//! - [`sim_clock`]: a simulated clock for socket-free tests (nothing sleeps).
//! - [`soak`]: the fault soaks' oracle: the generated data set's ids, one-by-one comparison,
//!   and a tally of injected faults that tells failures from delays.
//! - [`time_text`]: HTTP-date and Beijing wall-time text for test data, written from the specs
//!   independently of the project's own formatters.

#![forbid(unsafe_code)]

pub mod run_bin;
pub mod scan;
pub mod secrets;
pub mod sim_clock;
pub mod soak;
pub mod time_text;

pub use run_bin::{Run, run_bounded};
pub use sim_clock::SimClock;
