//! `vivantio-client` behind `migration-core`'s [`Source`](migration_core::ports::Source) port.
//!
//! * [`VivantioSource`] implements the port; [`VivantioSourceOptions`] tunes it.
//! * Records are streamed through the client's windowed pager (id order, bounded memory); each
//!   ticket is completed with five reads (history with private notes and attachments, attachment
//!   listing, parents, custom form values, SLA stages), several tickets at a time with their
//!   order kept.
//! * A delta (`tickets(Some(watermark))`) asks Vivantio for `LastModifiedDate` at least a day
//!   before the watermark, then keeps exactly the tickets the core's
//!   [`changed_since`](migration_core::delta::changed_since) accepts.
//! * Dates keep their form: an offset stays zoned, a naive value becomes the core's tenant-local
//!   time ([`convert::time`]).
//! * Client errors become [`PortError`](migration_core::PortError)s of the kind the client's own
//!   classification implies ([`errors::kind_of`]).
//! * The admin inventory comes from a file ([`inventory`]); without one it is empty.

pub mod convert;
pub mod errors;
pub mod inventory;
mod options;
mod people;
mod schema;
mod source;
mod tickets;
pub mod wire;

pub use options::VivantioSourceOptions;
pub use source::VivantioSource;
