//! Adapters that put the API clients behind `migration-core`'s ports.
//!
//! * [`intercom`]: `intercom-client` as a [`migration_core::ports::Destination`].
//! * [`vivantio`]: `vivantio-client` as a [`migration_core::ports::Source`].
//! * [`images`]: a folder as a [`migration_core::ports::ImageHost`].

pub mod images;
pub mod intercom;
pub mod vivantio;
