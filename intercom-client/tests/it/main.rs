//! The integration tests of `intercom-client`, one test binary: one module per resource or
//! concern against wiremock or the Intercom simulator, shared helpers in `common`. The upload
//! memory measurement installs a counting global allocator and is its own binary
//! (`tests/upload_memory.rs`).

mod admins_teams;
mod attributes;
mod common;
mod companies;
mod contacts;
mod contract;
mod conversations;
mod help_center;
mod log_privacy;
mod simulator;
mod tags;
mod tickets;
mod transport;
