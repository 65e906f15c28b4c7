//! The migration engine end to end over in-memory fakes: a source built from core model
//! values and a destination that stores records, checks references and injects faults.

mod common;

#[path = "engine/fake_apply.rs"]
mod fake_apply;
#[path = "engine/fake_destination.rs"]
mod fake_destination;
#[path = "engine/fake_source.rs"]
mod fake_source;
#[path = "engine/fake_world.rs"]
mod fake_world;
#[path = "engine/faulty_store.rs"]
mod faulty_store;
#[path = "engine/harness.rs"]
mod harness;

#[path = "engine/exactly_once.rs"]
mod exactly_once;
#[path = "engine/modes.rs"]
mod modes;
#[path = "engine/open_first.rs"]
mod open_first;
#[path = "engine/progress_events.rs"]
mod progress_events;
#[path = "engine/redaction.rs"]
mod redaction;
#[path = "engine/scope.rs"]
mod scope;
#[path = "engine/verify_rollback.rs"]
mod verify_rollback;
