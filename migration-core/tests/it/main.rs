//! The integration tests of `migration-core`, one test binary: one module per concern, shared
//! helpers in `common`. The directory memory measurement installs a counting global allocator
//! and is its own binary (`tests/directory_memory.rs`).

mod attribution;
mod common;
mod engine;
mod ports_and_rollback;
mod preflight_streaming;
mod properties;
mod properties_records;
mod proposal_notes;
mod redaction;
mod sample_snapshot;
mod spec_lifecycle;
mod ticket_mapping;
mod unused_fields;
