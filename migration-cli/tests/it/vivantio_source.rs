//! The Vivantio adapter against the Vivantio simulator serving the bundled sample instance: the
//! schema, every record once and in order, hard cases, attachment checksums, deltas, errors and
//! the admin inventory. One module per concern lives in `vivantio_source/`.

mod by_id;
mod configuration;
mod files_and_errors;
mod harness;
mod people;
mod tickets;
