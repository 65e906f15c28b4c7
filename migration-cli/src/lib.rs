//! The library behind the `vivantio2intercom` binary: the SQLite state store, the adapters that
//! put the Vivantio and Intercom clients behind `migration-core`'s ports, and the reports.
//! A Rust program can embed the whole migration through this crate without the binary: open a
//! [`project::Project`] from [`settings::ProjectOptions`], then call a command with its options
//! struct (for example [`commands::migrate::run`] with [`commands::migrate::MigrateOptions`]).
#![warn(missing_docs)]

pub mod adapters;
pub mod allocator;
pub mod automation;
pub mod commands;
pub mod config;
pub mod error;
mod history;
pub mod logging;
mod numbers;
mod private_files;
pub mod progress;
pub mod project;
pub mod report;
pub mod secret;
pub mod settings;
pub mod store;
