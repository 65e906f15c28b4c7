//! Adapters that put the API clients behind `migration-core`'s ports.
//!
//! * [`intercom`]: `intercom-client` as a [`migration_core::ports::Destination`].
//! * [`vivantio`]: `vivantio-client` as a [`migration_core::ports::Source`].

pub mod intercom;
pub mod vivantio;
