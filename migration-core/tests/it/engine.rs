//! The migration engine end to end over in-memory fakes: a source built from core model
//! values and a destination that stores records, checks references and injects faults.

mod fake_apply;
mod fake_destination;
mod fake_source;
mod fake_world;
mod faulty_store;
mod harness;

mod exactly_once;
mod modes;
mod open_first;
mod progress_events;
mod redaction;
mod scope;
mod verify_rollback;
