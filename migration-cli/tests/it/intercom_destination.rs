//! The Intercom destination against the Intercom simulator: every family of operations runs
//! and reads back as verification expects, a 409 contact is matched, lost responses are
//! reconciled, rollback removes what was created and restores what was changed, and the
//! token never leaks. One module per concern lives in `intercom_destination/`.

mod directory;
mod harness;
mod reconcile;
mod rollback;
mod schema_and_people;
mod threads;
mod ticket_lists;
