//! The Intercom destination against the Intercom simulator: every family of operations runs
//! and reads back as verification expects, a 409 contact is matched, lost responses are
//! reconciled, rollback removes what was created and restores what was changed, and the
//! token never leaks. One module per concern lives in `intercom_destination/`.

#[path = "intercom_destination/directory.rs"]
mod directory;
#[path = "intercom_destination/harness.rs"]
mod harness;
#[path = "intercom_destination/reconcile.rs"]
mod reconcile;
#[path = "intercom_destination/rollback.rs"]
mod rollback;
#[path = "intercom_destination/schema_and_people.rs"]
mod schema_and_people;
#[path = "intercom_destination/threads.rs"]
mod threads;
#[path = "intercom_destination/ticket_lists.rs"]
mod ticket_lists;
