//! The library behind the `vivantio2intercom` binary: the SQLite state store, the adapters that
//! put the Vivantio and Intercom clients behind `migration-core`'s ports, and the reports.
//! A Rust program can embed the whole migration through this crate without the binary.
#![warn(missing_docs)]

pub mod adapters;
pub mod allocator;
pub mod automation;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod history;
pub mod logging;
pub mod numbers;
pub mod private_files;
pub mod progress;
pub mod project;
pub mod report;
pub mod secret;
pub mod store;
