//! The library behind the `vivantio2intercom` binary: the SQLite state store, the adapters that
//! put the Vivantio and Intercom clients behind `migration-core`'s ports, and the reports.
//! A Rust program can embed the whole migration through this crate without the binary.
#![warn(missing_docs)]

pub mod commands;
pub mod config;
pub mod secret;
pub mod store;
