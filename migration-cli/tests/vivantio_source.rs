//! The Vivantio adapter against the Vivantio simulator serving the bundled sample instance: the
//! schema, every record once and in order, hard cases, attachment checksums, deltas, errors and
//! the admin inventory. One module per concern lives in `vivantio_source/` (a test target's root
//! resolves modules beside itself, hence the paths).

#[path = "vivantio_source/by_id.rs"]
mod by_id;
#[path = "vivantio_source/configuration.rs"]
mod configuration;
#[path = "vivantio_source/files_and_errors.rs"]
mod files_and_errors;
#[path = "vivantio_source/harness.rs"]
mod harness;
#[path = "vivantio_source/people.rs"]
mod people;
#[path = "vivantio_source/tickets.rs"]
mod tickets;
