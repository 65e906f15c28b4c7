//! The integration tests of the `vivantio2intercom` binary and its library, one test binary.
//! Modules that run `demo`, `bench` or the demo's simulator project (`common`) need the default
//! `simulators` feature; the rest, `cli` among them, also run without it
//! (`cargo test -p migration-cli --no-default-features --test it`).

#[cfg(feature = "simulators")]
mod accounts;
#[cfg(feature = "simulators")]
mod automation;
#[cfg(feature = "simulators")]
mod bench;
mod cli;
#[cfg(feature = "simulators")]
mod commands;
#[cfg(feature = "simulators")]
mod common;
#[cfg(feature = "simulators")]
mod demo;
#[cfg(feature = "simulators")]
mod doctor;
#[cfg(feature = "simulators")]
mod faults;
#[cfg(feature = "simulators")]
mod faults_disk;
#[cfg(feature = "simulators")]
mod faults_network;
#[cfg(feature = "simulators")]
mod hostile;
mod intercom_destination;
#[cfg(feature = "simulators")]
mod kill;
#[cfg(feature = "simulators")]
mod log_budget;
#[cfg(feature = "simulators")]
mod long_threads;
#[cfg(feature = "simulators")]
mod mapping_notes;
mod odata_reconcile;
#[cfg(feature = "simulators")]
mod open_first;
#[cfg(feature = "simulators")]
mod plan_forecast;
#[cfg(feature = "simulators")]
mod progress;
#[cfg(feature = "simulators")]
mod redaction;
#[cfg(feature = "simulators")]
mod rehearsal;
mod report;
#[cfg(feature = "simulators")]
mod scope;
mod secrets;
mod store;
#[cfg(feature = "simulators")]
mod unlisted_companies;
#[cfg(feature = "simulators")]
mod verify_tamper;
mod vivantio_source;
#[cfg(feature = "simulators")]
mod wire_assumptions;
#[cfg(feature = "simulators")]
mod workspaces;
