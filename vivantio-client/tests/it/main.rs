//! The integration tests of `vivantio-client`, one test binary: one module per resource or
//! concern against wiremock or the Vivantio simulator, shared helpers in `common`. The
//! download memory measurement installs a counting global allocator and is its own binary
//! (`tests/download_memory.rs`).

mod attachments;
mod common;
mod configuration;
mod custom_forms;
mod hosts;
mod log_privacy;
mod organisations;
mod paging;
mod resilience;
mod sim_sample;
mod tickets;
mod wire_doc;
mod writes;
